import Foundation

extension ZoneSpec {
    /// Cancels batch jobs `zone` submitted: with `scancel` on its SSH site's login node, or on this machine (also when `zone` is unknown).
    public static func cancelBatchJobs(_ jobs: [String], submittedBy zone: ZoneSpec?, scratch: URL) async throws(SlurmClient.Failure) {
        guard let zone else {
            try await SlurmClient(scratch: scratch).cancel(jobs)
            return
        }
        try await zone.cancelBatchJobs(jobs, scratch: scratch)
    }

    /// Cancels batch jobs this zone submitted: with `scancel` on its SSH site's login node, or on this machine.
    public func cancelBatchJobs(_ jobs: [String], scratch: URL) async throws(SlurmClient.Failure) {
        guard !jobs.isEmpty else { return }
        guard kind == .ssh, site?.run == .slurm else {
            try await SlurmClient(scratch: scratch).cancel(jobs)
            return
        }
        let launcher: SiteLauncher
        do {
            launcher = try siteLauncher()
        } catch {
            throw SlurmClient.Failure(command: "scancel", message: "cannot reach zone \(name): \(error)")
        }
        try await SiteSlurmBackend(site: launcher, settings: slurm ?? SlurmSettings()).client.cancel(jobs)
    }
}
