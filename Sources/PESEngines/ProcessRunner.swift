import Foundation

/// How a child process ended.
public struct ProcessResult: Sendable, Hashable {
    /// Exit status, or the signal number when `signalled` is true.
    public var status: Int
    /// Whether the process was ended by a signal.
    public var signalled: Bool
    /// Whether pesscan stopped it because the task was cancelled.
    public var cancelled: Bool
    /// Everything the process wrote to stdout.
    public var standardOutput: String
    /// The last lines the process wrote to stderr.
    public var standardErrorTail: String
    /// Why the program could not be started at all (missing executable, container runtime error), when it could not.
    public var launchFailure: String?
    /// Whether the launch failure will recur for every point of this zone (a refused host key, say), so the zone stops for the run.
    public var launchFailureStopsZone = false
    /// The folder whose full disk made the launch fail, when it did (on another machine: `host:path`).
    public var fullDiskFolder: String?
    /// The machine the program ran on, when not this one (an SSH site's host name).
    public var host: String?
    /// The id the program had where it ran (a site's process id or batch job id), for provenance.
    public var jobID: String?

    public init(
        status: Int, signalled: Bool, cancelled: Bool, standardOutput: String, standardErrorTail: String,
        launchFailure: String? = nil
    ) {
        self.status = status
        self.signalled = signalled
        self.cancelled = cancelled
        self.standardOutput = standardOutput
        self.standardErrorTail = standardErrorTail
        self.launchFailure = launchFailure
    }

    /// A run that never started, with the reason.
    public static func launchFailed(_ reason: String) -> ProcessResult {
        ProcessResult(status: -1, signalled: false, cancelled: Task.isCancelled, standardOutput: "", standardErrorTail: "", launchFailure: reason)
    }
}

/// Runs one program from an argv array (never through a shell) with its output captured in files.
///
/// stdout and stderr go to files in the work directory, so a chatty engine
/// cannot block on a full pipe and its output stays for inspection. When
/// the calling task is cancelled the child gets SIGTERM, then SIGKILL after
/// `graceSeconds`; a child that ended with status 0 all the same (it had
/// finished, or was finishing, when the stop came) is not counted as
/// cancelled, so a finished calculation is recorded, not run again.
public struct ProcessRunner: Sendable {
    /// Seconds between SIGTERM and SIGKILL when a run is cancelled.
    public var graceSeconds: Double
    /// How many trailing lines of stderr to keep.
    public var stderrTailLines: Int
    /// The most bytes of stderr kept, however long its lines: the tail is stored with every attempt.
    public var stderrTailBytes: Int

    public init(graceSeconds: Double = 5, stderrTailLines: Int = 20, stderrTailBytes: Int = 4096) {
        self.graceSeconds = graceSeconds
        self.stderrTailLines = stderrTailLines
        self.stderrTailBytes = stderrTailBytes
    }

    /// Runs `executable` with `arguments` in `workDirectory`, waiting for it to end.
    ///
    /// stdin is `standardInput` (or nothing); stdout and stderr go to
    /// `outputNames` in `outputFolder` (the work directory unless given), and
    /// stdout is read back as text only when `readsOutput` is true.
    public func run(
        executable: URL, arguments: [String], workDirectory: URL, environment: [String: String]? = nil,
        standardInput: URL? = nil, outputFolder: URL? = nil, outputNames: (String, String) = ("stdout.txt", "stderr.txt"),
        readsOutput: Bool = true
    ) async throws -> ProcessResult {
        let outURL = (outputFolder ?? workDirectory).appendingPathComponent(outputNames.0)
        let errURL = (outputFolder ?? workDirectory).appendingPathComponent(outputNames.1)
        let child = RunningChild()
        let grace = graceSeconds
        let exit = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<ChildExit, any Error>) in
                let pid: pid_t
                do {
                    pid = try Self.start(
                        executable: executable, arguments: arguments, workDirectory: workDirectory, environment: environment,
                        standardInput: standardInput, outURL: outURL, errURL: errURL)
                } catch {
                    continuation.resume(throwing: error)
                    return
                }
                child.started(pid)
                // One waiting thread per running child, from the serial queue's pool (it grows as its threads block).
                DispatchQueue(label: "pesscan.child-wait").async { continuation.resume(returning: child.waitForExit()) }
            }
        } onCancel: {
            child.stop(graceSeconds: grace)
        }
        let output = readsOutput ? (try? String(contentsOf: outURL, encoding: .utf8)) ?? "" : ""
        let tail = FileTail.lines(of: errURL, count: stderrTailLines, maximumBytes: stderrTailBytes)
        return ProcessResult(
            status: exit.status,
            signalled: exit.signalled,
            cancelled: child.wasStopped && !exit.succeeded,
            standardOutput: output,
            standardErrorTail: tail)
    }

    /// Opens the child's stdin (or /dev/null) and creates its output files, then starts it in its own process group.
    private static func start(
        executable: URL, arguments: [String], workDirectory: URL, environment: [String: String]?, standardInput: URL?,
        outURL: URL, errURL: URL
    ) throws -> pid_t {
        let input = try inputFile(standardInput ?? URL(fileURLWithPath: "/dev/null"))
        defer { close(input) }
        let output = try outputFile(outURL)
        defer { close(output) }
        let error = try outputFile(errURL)
        defer { close(error) }
        return try ChildSpawn.start(
            executable: executable.path, arguments: arguments, environment: environment, workDirectory: workDirectory.path,
            standardInput: input, standardOutput: output, standardError: error, ownProcessGroup: true)
    }
}

/// Why a child's output file could not be created, with the system's reason (on a full disk, "No space left on device").
public struct OutputFileError: Error, Sendable, CustomStringConvertible {
    /// The file that could not be created.
    public var path: String
    /// The C `errno` of the failed `open`.
    public var code: Int32

    public var description: String { "cannot create \(path): \(String(cString: strerror(code)))" }
}

extension ProcessRunner {
    /// Creates (or empties) the file a child's stdout or stderr goes to; the caller closes the descriptor.
    static func outputFile(_ url: URL) throws(OutputFileError) -> Int32 {
        let descriptor = open(url.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw OutputFileError(path: url.path, code: errno) }
        return descriptor
    }

    /// Opens the file a child's stdin comes from; the caller closes the descriptor.
    static func inputFile(_ url: URL) throws(OutputFileError) -> Int32 {
        let descriptor = open(url.path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw OutputFileError(path: url.path, code: errno) }
        return descriptor
    }
}

/// A started child that can be stopped from the cancellation handler and is reaped by its waiting thread.
///
/// The child is marked ended while it is still a zombie (seen with
/// `WNOWAIT`) and only then reaped, so a signal sent under the lock to a child
/// not yet marked ended can never reach another process that reused its id.
private final class RunningChild: @unchecked Sendable {
    // @unchecked Sendable: every stored property is read and written under `lock`.
    private let lock = NSLock()
    private var pid: pid_t = 0
    private var ended = false
    private var stopRequested = false
    private var stopped = false

    /// Whether pesscan sent the child a stop while it ran.
    var wasStopped: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopped
    }

    /// Records the started child; a stop that came before it started is sent now.
    func started(_ pid: pid_t) {
        lock.lock()
        self.pid = pid
        let stopNow = stopRequested
        lock.unlock()
        if stopNow { terminate(graceSeconds: 0.5) }
    }

    /// Asks the child to stop: SIGTERM now, SIGKILL after `graceSeconds`; before it started, as soon as it does.
    func stop(graceSeconds: Double) {
        lock.lock()
        stopRequested = true
        let running = pid > 0
        lock.unlock()
        if running { terminate(graceSeconds: graceSeconds) }
    }

    /// Blocks until the child ends, marks it ended, reaps it and returns how it ended.
    func waitForExit() -> ChildExit {
        lock.lock()
        let pid = self.pid
        lock.unlock()
        var info = siginfo_t()
        while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) != 0, errno == EINTR {}
        lock.lock()
        ended = true
        lock.unlock()
        var status: Int32 = 0
        var reaped: pid_t
        repeat { reaped = waitpid(pid, &status, 0) } while reaped < 0 && errno == EINTR
        // Reaped by someone else (it cannot be: nothing in pesscan waits for any child): say so as a failure, not a success.
        guard reaped == pid else { return ChildExit(waitStatus: Int32(SIGKILL)) }
        return ChildExit(waitStatus: status)
    }

    /// Sends SIGTERM, then SIGKILL after `graceSeconds`, to a child still running; one that already ended keeps its result.
    private func terminate(graceSeconds: Double) {
        lock.lock()
        let pid = self.pid
        let alive = !ended && pid > 0
        if alive {
            stopped = true
            kill(pid, SIGTERM)
        }
        lock.unlock()
        guard alive else { return }
        DispatchQueue.global().asyncAfter(deadline: .now() + graceSeconds) { [self] in
            lock.lock()
            if !ended { kill(pid, SIGKILL) }
            lock.unlock()
        }
    }
}
