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
        var inHandle: FileHandle?
        if let standardInput { inHandle = try Self.inputFile(standardInput) }
        defer { try? inHandle?.close() }
        let outHandle = try Self.outputFile(outURL)
        let errHandle = try Self.outputFile(errURL)
        defer {
            try? outHandle.close()
            try? errHandle.close()
        }
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = workDirectory
        if let environment { process.environment = environment }
        process.standardInput = inHandle ?? FileHandle.nullDevice
        process.standardOutput = outHandle
        process.standardError = errHandle
        let child = ChildProcess(process)
        let grace = graceSeconds
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                process.terminationHandler = { _ in continuation.resume() }
                do {
                    try process.run()
                } catch {
                    process.terminationHandler = nil
                    continuation.resume(throwing: error)
                    return
                }
                child.started()
            }
        } onCancel: {
            child.stop(graceSeconds: grace)
        }
        let output = readsOutput ? (try? String(contentsOf: outURL, encoding: .utf8)) ?? "" : ""
        let tail = FileTail.lines(of: errURL, count: stderrTailLines, maximumBytes: stderrTailBytes)
        return ProcessResult(
            status: Int(process.terminationStatus),
            signalled: process.terminationReason == .uncaughtSignal,
            cancelled: child.wasStopped && !(process.terminationReason == .exit && process.terminationStatus == 0),
            standardOutput: output,
            standardErrorTail: tail)
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
    /// Creates (or empties) the file a child's stdout or stderr goes to.
    static func outputFile(_ url: URL) throws(OutputFileError) -> FileHandle {
        let descriptor = open(url.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw OutputFileError(path: url.path, code: errno) }
        return FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
    }

    /// Opens the file a child's stdin comes from.
    static func inputFile(_ url: URL) throws(OutputFileError) -> FileHandle {
        let descriptor = open(url.path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw OutputFileError(path: url.path, code: errno) }
        return FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
    }
}

/// A started child process that can be stopped from the cancellation handler.
///
/// `@unchecked Sendable`: `Process` is not Sendable; every access to it here
/// goes through the lock.
private final class ChildProcess: @unchecked Sendable {
    private let process: Process
    private let lock = NSLock()
    private var isRunning = false
    private var stopRequested = false
    private(set) var wasStopped = false

    init(_ process: Process) { self.process = process }

    func started() {
        lock.lock()
        isRunning = true
        let stopNow = stopRequested
        lock.unlock()
        if stopNow { terminate(graceSeconds: 0.5) }
    }

    func stop(graceSeconds: Double) {
        lock.lock()
        stopRequested = true
        let running = isRunning
        lock.unlock()
        if running { terminate(graceSeconds: graceSeconds) }
    }

    /// Sends SIGTERM, then SIGKILL after `graceSeconds`, to a child still running; one that already ended keeps its result.
    private func terminate(graceSeconds: Double) {
        lock.lock()
        let pid = process.processIdentifier
        let alive = process.isRunning && pid > 0
        if alive { wasStopped = true }
        lock.unlock()
        guard alive else { return }
        kill(pid, SIGTERM)
        DispatchQueue.global().asyncAfter(deadline: .now() + graceSeconds) { [self] in
            lock.lock()
            let stillAlive = process.isRunning
            lock.unlock()
            if stillAlive { kill(pid, SIGKILL) }
        }
    }
}
