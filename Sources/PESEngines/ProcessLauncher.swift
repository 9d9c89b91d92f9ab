import Foundation

/// A program to run for one point: an executable and its argv, never a shell string.
public struct ProcessCommand: Sendable, Hashable {
    /// The executable on the machine that runs it.
    public var executable: URL
    /// Arguments after the executable.
    public var arguments: [String]
    /// Whether the executable is pesscan itself, which a container maps to its own copy.
    public var isPesscan: Bool
    /// The child's whole environment for a local process; nil inherits pesscan's.
    public var environment: [String: String]?
    /// The variables the engine itself sets (threads, its profile's, `env.NAME`): what a container is given with `--env`.
    public var engineEnvironment: [String: String]
    /// The program as the user named it (a name or a path): what a container looks up in its image.
    public var program: String
    /// Resource limits set before the program starts (stack, open files, …); the zone's limits are set over them.
    public var limits: ResourceLimits

    public init(
        executable: URL, arguments: [String], isPesscan: Bool = false, environment: [String: String]? = nil,
        engineEnvironment: [String: String] = [:], program: String? = nil, limits: ResourceLimits = .none
    ) {
        self.executable = executable
        self.arguments = arguments
        self.isPesscan = isPesscan
        self.environment = environment
        self.engineEnvironment = engineEnvironment
        self.program = program ?? executable.path
        self.limits = limits
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

/// Runs a point's program as a process on this machine, with the zone's resource limits set over the engine's.
///
/// Limits need pesscan's `exec-with-limits` launcher (``LimitedExec``), so
/// `limitHelper` is the pesscan executable; without one a command with limits
/// cannot start.
public struct LocalLauncher: ProcessLauncher {
    /// Runs the process.
    public var runner: ProcessRunner
    /// The pesscan executable that sets limits and execs the program; nil when none is known.
    public var limitHelper: URL?
    /// The zone's limits, set over each command's own.
    public var zoneLimits: ResourceLimits

    public init(runner: ProcessRunner = ProcessRunner(), limitHelper: URL? = nil, zoneLimits: ResourceLimits = .none) {
        self.runner = runner
        self.limitHelper = limitHelper
        self.zoneLimits = zoneLimits
    }

    public var image: String? { nil }

    public func launch(_ command: ProcessCommand, workDirectory: URL, label: String) async -> ProcessResult {
        let limits = command.limits.overridden(by: zoneLimits)
        var started = command
        if !limits.isEmpty {
            guard let limitHelper else {
                return .launchFailed("cannot set the resource limits \(limits.textual.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")) for \(command.executable.path): no pesscan executable to launch it with")
            }
            started = LimitedExec.wrap(command, limits: limits, helper: limitHelper)
        }
        do {
            return try await runner.run(
                executable: started.executable, arguments: started.arguments, workDirectory: workDirectory,
                environment: started.environment)
        } catch let error as OutputFileError {
            return ProcessResult.launchFailed("could not start \(command.executable.path): \(error)")
        } catch let error as ChildSpawn.Failure {
            return ProcessResult.launchFailed("could not start \(started.executable.path): \(error)")
        } catch {
            return ProcessResult.launchFailed("could not start \(command.executable.path): \(error.localizedDescription)")
        }
    }
}

extension ProcessRunner: ProcessLauncher {
    public var image: String? { nil }

    /// Runs `command` as a local process without a limit helper (a command with limits cannot start).
    public func launch(_ command: ProcessCommand, workDirectory: URL, label: String) async -> ProcessResult {
        await LocalLauncher(runner: self).launch(command, workDirectory: workDirectory, label: label)
    }
}
