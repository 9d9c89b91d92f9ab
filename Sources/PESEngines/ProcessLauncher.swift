import Foundation

/// A program to run for one point: an executable and its argv, never a shell string.
public struct ProcessCommand: Sendable, Hashable {
    /// The executable on the machine that runs it.
    public var executable: URL
    /// Arguments after the executable.
    public var arguments: [String]
    /// Whether the executable is pesscan itself, which a container maps to its own copy.
    public var isPesscan: Bool
    /// The child's whole environment for a local process; nil inherits pesscan's. Containers keep their image's.
    public var environment: [String: String]?

    public init(executable: URL, arguments: [String], isPesscan: Bool = false, environment: [String: String]? = nil) {
        self.executable = executable
        self.arguments = arguments
        self.isPesscan = isPesscan
        self.environment = environment
    }
}

/// Something that runs a point's command somewhere: a local process, a container, a batch job.
public protocol ProcessLauncher: Sendable {
    /// Container image or other place the command runs in, for provenance; nil for a plain local process.
    var image: String? { get }
    /// Runs `command` with `workDirectory` as its working directory; honours task cancellation.
    ///
    /// `label` names the run (a container name, say): letters, digits, `_ . -`.
    func launch(_ command: ProcessCommand, workDirectory: URL, label: String) async -> ProcessResult
    /// Tidies up once a collect has no more points for it (an SSH site deletes the remote folders still queued).
    func finish() async
}

extension ProcessLauncher {
    public func finish() async {}
}

extension ProcessRunner: ProcessLauncher {
    public var image: String? { nil }

    public func launch(_ command: ProcessCommand, workDirectory: URL, label: String) async -> ProcessResult {
        do {
            return try await run(
                executable: command.executable, arguments: command.arguments, workDirectory: workDirectory,
                environment: command.environment)
        } catch let error as OutputFileError {
            return ProcessResult.launchFailed("could not start \(command.executable.path): \(error)")
        } catch {
            return ProcessResult.launchFailed("could not start \(command.executable.path): \(error.localizedDescription)")
        }
    }
}
