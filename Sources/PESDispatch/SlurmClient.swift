import Foundation
import PESEngines

/// Runs one Slurm command by argv and returns how it ended: here, or on an SSH site's login node.
protocol SlurmCommands: Sendable {
    /// Runs `command` (sbatch, squeue, scontrol, scancel) with `arguments`; its output is captured in `scratch` when local.
    func run(_ command: String, _ arguments: [String], scratch: URL) async throws(SlurmClient.Failure) -> ProcessResult
}

/// Slurm's commands on this machine, found on PATH.
struct LocalSlurmCommands: SlurmCommands {
    let runner = ProcessRunner(graceSeconds: 5)

    func run(_ command: String, _ arguments: [String], scratch: URL) async throws(SlurmClient.Failure) -> ProcessResult {
        guard let url = ExecutableLookup.find(command, environment: ProcessInfo.processInfo.environment) else {
            throw SlurmClient.Failure(command: command, message: "not installed or not on PATH; install Slurm's client commands on this machine")
        }
        do {
            return try await runner.run(executable: url, arguments: arguments, workDirectory: scratch)
        } catch {
            throw SlurmClient.Failure(command: command, message: error.localizedDescription)
        }
    }
}

/// Talks to Slurm through its commands (`sbatch`, `squeue`, `scontrol`, `scancel`), always by argv.
public struct SlurmClient: Sendable {
    /// Folder the commands run in (their output is captured there).
    public var scratch: URL
    /// Where the commands run: this machine, or an SSH site's login node.
    let commands: any SlurmCommands

    public init(scratch: URL) {
        self.init(scratch: scratch, commands: LocalSlurmCommands())
    }

    init(scratch: URL, commands: any SlurmCommands) {
        self.scratch = scratch
        self.commands = commands
    }

    /// Why Slurm did not do what was asked.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var command: String
        public var message: String
        public var description: String { "\(command): \(message)" }
    }

    /// The end state of a job that left the queue, as `scontrol` reports it.
    public struct FinalState: Sendable, Hashable {
        /// Slurm's job state, e.g. COMPLETED, TIMEOUT, CANCELLED, NODE_FAIL.
        public var state: String
        /// Slurm's `ExitCode=status:signal`.
        public var exitCode: String?
    }

    /// Submits an array job of `taskCount` tasks and returns its job id.
    public func submitArray(
        script: URL, taskCount: Int, settings: SlurmSettings, jobName: String, workDirectory: URL
    ) async throws(Failure) -> String {
        var array = "0-\(taskCount - 1)"
        if let throttle = settings.arrayThrottle { array += "%\(throttle)" }
        let arguments = [
            "--parsable", "--array=\(array)", "--job-name=\(jobName)", "--chdir=\(workDirectory.path)",
            "--output=\(workDirectory.path)/slurm-%A_%a.out", "--open-mode=append",
        ] + settings.sbatchArguments + [script.path]
        let output = try await run("sbatch", arguments)
        let id = output.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) } ?? ""
        guard !id.isEmpty, id.allSatisfy(\.isNumber) else {
            throw Failure(command: "sbatch", message: "printed no job id (\(output.prefix(200)))")
        }
        return id
    }

    /// States of the queued and running tasks of these array jobs, keyed `<job>_<task>`.
    ///
    /// `squeue` exits non-zero when it knows none of the ids (the jobs all
    /// left the queue); that is an empty queue, not an error.
    public func queuedTasks(arrayJobs: [String]) async throws(Failure) -> [String: String] {
        guard !arrayJobs.isEmpty else { return [:] }
        let result = try await commands.run(
            "squeue", ["--noheader", "--array", "--format=%i %T", "--jobs=\(arrayJobs.joined(separator: ","))"], scratch: scratch)
        if result.status != 0 {
            if result.standardErrorTail.contains("Invalid job id") { return [:] }
            throw Failure(command: "squeue", message: "exit \(result.status): \(result.standardErrorTail.prefix(300))")
        }
        var states: [String: String] = [:]
        for line in result.standardOutput.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 2 else { continue }
            states[String(fields[0])] = String(fields[1])
        }
        return states
    }

    /// What became of a task that left the queue, or nil when Slurm no longer knows it.
    public func finalState(task: String) async throws(Failure) -> FinalState? {
        let result = try await commands.run("scontrol", ["show", "job", task, "--oneliner"], scratch: scratch)
        let said = result.standardOutput + result.standardErrorTail
        // Slurm forgets finished jobs after MinJobAge: "Invalid job id" or "Job … not found".
        if said.contains("Invalid job id") || said.contains("not found") { return nil }
        guard result.status == 0 else {
            throw Failure(command: "scontrol", message: "exit \(result.status): \(result.standardErrorTail.prefix(300))")
        }
        var fields: [String: String] = [:]
        for token in result.standardOutput.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
            let parts = token.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { fields[String(parts[0])] = String(parts[1]) }
        }
        guard let state = fields["JobState"] else { return nil }
        return FinalState(state: state, exitCode: fields["ExitCode"])
    }

    /// Cancels jobs or single array tasks.
    public func cancel(_ jobs: [String]) async throws(Failure) {
        guard !jobs.isEmpty else { return }
        _ = try await run("scancel", jobs)
    }

    private func run(_ command: String, _ arguments: [String]) async throws(Failure) -> String {
        let result = try await commands.run(command, arguments, scratch: scratch)
        guard result.status == 0, !result.signalled else {
            throw Failure(command: command, message: "exit \(result.status): \(result.standardErrorTail.prefix(300))")
        }
        return result.standardOutput
    }
}
