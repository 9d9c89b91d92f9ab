import Foundation
import PESEngines

/// Checks that a zone can run points: slots, runtime, image.
public enum ZoneCheck {
    /// A zone and what is wrong with it (nothing when it is ready).
    public struct Report: Sendable, Codable {
        public var name: String
        public var kind: String
        public var slots: Int
        public var prefer: Bool
        public var runtime: String?
        public var image: String?
        /// What an SSH site reported, for SSH zones that answered.
        public var site: SiteFacts?
        public var problems: [String]
    }

    /// Checks one zone; never throws, every problem is reported.
    ///
    /// In a container zone each of `programs` (as the scans' engines name
    /// them) is looked up inside the image with the runtime, the way a point
    /// will run it: `/bin/sh -c 'command -v "$1"'` with the name as `$1`.
    public static func check(_ spec: ZoneSpec, programs: [String] = []) async -> Report {
        var report = Report(
            name: spec.name, kind: spec.kind.rawValue, slots: spec.resolvedSlots, prefer: spec.prefer,
            runtime: nil, image: spec.image, site: nil, problems: [])
        if spec.resolvedSlots < 1 { report.problems.append("slots must be above zero") }
        if spec.kind == .slurm {
            for command in ["sbatch", "squeue", "scontrol", "scancel"]
            where ExecutableLookup.find(command, environment: ProcessInfo.processInfo.environment) == nil {
                report.problems.append("Slurm's \(command) is not installed or not on PATH")
            }
            if report.problems.isEmpty {
                do {
                    _ = try await SlurmClient(scratch: FileManager.default.temporaryDirectory).queuedTasks(arrayJobs: ["1"])
                } catch {
                    report.problems.append("Slurm does not answer: \(error)")
                }
            }
            return report
        }
        if spec.kind == .ssh { return await checkSite(spec, programs: programs, report: report) }
        guard spec.kind == .container else { return report }
        let runtimeName = spec.runtime ?? "podman"
        guard let runtime = ExecutableLookup.find(runtimeName, environment: ProcessInfo.processInfo.environment) else {
            report.problems.append("container runtime \(runtimeName) is not installed or not on PATH")
            return report
        }
        report.runtime = runtime.path
        guard let image = spec.image else {
            report.problems.append("no image")
            return report
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pesscan-zone-check-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let result = try await ProcessRunner(graceSeconds: 2).run(
                executable: runtime, arguments: ["image", "inspect", "--format", "{{.Id}}", image], workDirectory: folder)
            if result.status != 0 {
                report.problems.append("image \(image) is not present locally (build or load it first)")
                return report
            }
            for program in programs {
                if let problem = try await missing(program, in: image, runtime: runtime, folder: folder) { report.problems.append(problem) }
            }
        } catch {
            report.problems.append("could not run \(runtime.path): \(error.localizedDescription)")
        }
        return report
    }

    /// Checks an SSH site over its connection: reachable, remote root writable, programs and image there.
    ///
    /// `programs` (the scans' engines' programs) are looked up on the site's PATH for `run: direct` and `run: slurm`.
    static func checkSite(_ spec: ZoneSpec, programs: [String], report: Report) async -> Report {
        var report = report
        let launcher: SiteLauncher
        do {
            launcher = try spec.siteLauncher()
        } catch {
            report.problems.append("\(error)")
            return report
        }
        report.runtime = launcher.container == nil ? nil : launcher.runtime
        do {
            let facts = try await launcher.check(programs: launcher.container == nil ? programs : [])
            report.site = facts
            if !facts.remoteRootWritable { report.problems.append("remote_root \(launcher.settings.remoteRoot) is not writable on \(facts.host)") }
            for (program, path) in facts.programs.sorted(by: { $0.key < $1.key }) where path == nil {
                report.problems.append("\(program) is not on the site's PATH")
            }
            for (image, present) in facts.images.sorted(by: { $0.key < $1.key }) where !present {
                report.problems.append("image \(image) is not present on the site (build or load it there first)")
            }
        } catch {
            switch error {
            case .unreachable(let why), .notConnected(let why), .refused(let why), .local(let why): report.problems.append(why)
            }
        }
        return report
    }

    /// Why `program` cannot run in `image`, or nil when the image has it.
    static func missing(_ program: String, in image: String, runtime: URL, folder: URL) async throws -> String? {
        let result = try await ProcessRunner(graceSeconds: 2).run(
            executable: runtime,
            arguments: ["run", "--rm", "--network=none", "--entrypoint=/bin/sh", image, "-c", "command -v \"$1\"", "sh", program],
            workDirectory: folder)
        if result.status == 0 { return nil }
        if [125, 126, 127].contains(result.status), !result.standardErrorTail.isEmpty {
            return "cannot look for \(program) in image \(image) (it needs /bin/sh): "
                + (result.standardErrorTail.split(separator: "\n").last.map(String.init) ?? "")
        }
        return "image \(image) has no program \(program) (not at that path, nor on the image's PATH); build the image with it"
    }
}
