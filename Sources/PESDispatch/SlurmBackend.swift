import Foundation
import PESEngines

/// A Slurm zone: prepared points go out as job arrays and are harvested from their work folders later.
struct SlurmBackend: BatchBackend {
    /// Partition, account, limits and polling of the zone.
    var settings: SlurmSettings

    /// Runs prepared engines whose program is on this machine (the nodes share its paths).
    func canRun(_ engine: any Engine) -> Bool { engine is any ProcessEngine && engine.programMissingOnHost == nil }

    var pollSeconds: Double { settings.pollSeconds }
    var missingGraceSeconds: Double { settings.missingGraceSeconds }

    func submit(_ tasks: [(ProcessCommand, workDirectory: URL)], in folder: URL) async throws(SlurmClient.Failure) -> String {
        let script: URL
        do {
            script = try SlurmBatch.write(commands: tasks, zoneLimits: settings.limits, to: folder)
        } catch {
            throw SlurmClient.Failure(command: "sbatch", message: "cannot write the job files in \(folder.path): \(error)")
        }
        return try await SlurmClient(scratch: folder).submitArray(
            script: script, taskCount: tasks.count, settings: settings, jobName: "pesscan", workDirectory: folder)
    }

    func queuedTasks(batches: [String], in folder: URL) async throws(SlurmClient.Failure) -> [String: String] {
        try await SlurmClient(scratch: folder).queuedTasks(arrayJobs: batches)
    }

    func finalState(task: String, in folder: URL) async throws(SlurmClient.Failure) -> SlurmClient.FinalState? {
        try await SlurmClient(scratch: folder).finalState(task: task)
    }

    func harvest(workDirectory: URL) -> ProcessResult? {
        SlurmBatch.harvest(workDirectory: workDirectory)
    }
}
