import Foundation
import PESEngines

/// A child started with `posix_spawn` (``ChildSpawn``) and reaped by its owner, with pipes to its stdin and from its stdout.
///
/// For long-lived children that close inherited descriptors (OpenSSH's
/// client does), whose end the owner judges from its pipe and reaps itself
/// rather than tying up a waiting thread as ``ProcessRunner`` does. Its owner
/// serialises the calls, and calls ``finish(reaped:)`` once.
struct SpawnedChild {
    /// The child's process id.
    let pid: pid_t
    /// Our end of the child's stdin.
    let inputDescriptor: Int32
    /// Our end of the child's stdout.
    let outputDescriptor: Int32

    /// Why a child could not be started.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Starts `executable` with `arguments` and this process's environment; stderr goes to (appends to) `errorFile`.
    init(executable: String, arguments: [String], errorFile: String) throws(Failure) {
        var toChild: [Int32] = [-1, -1]
        var fromChild: [Int32] = [-1, -1]
        guard pipe(&toChild) == 0 else { throw Failure(description: "pipe: \(String(cString: strerror(errno)))") }
        guard pipe(&fromChild) == 0 else {
            close(toChild[0])
            close(toChild[1])
            throw Failure(description: "pipe: \(String(cString: strerror(errno)))")
        }
        // No other child may inherit these ends: a copy of the stdout pipe elsewhere would hide the channel's end.
        for descriptor in toChild + fromChild { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
        let errorDescriptor = open(errorFile, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        defer {
            close(toChild[0])
            close(fromChild[1])
            if errorDescriptor >= 0 { close(errorDescriptor) }
        }
        guard errorDescriptor >= 0 else {
            close(toChild[1])
            close(fromChild[0])
            throw Failure(description: "cannot open \(errorFile): \(String(cString: strerror(errno)))")
        }
        let started: pid_t
        do {
            started = try ChildSpawn.start(
                executable: executable, arguments: arguments, standardInput: toChild[0], standardOutput: fromChild[1],
                standardError: errorDescriptor)
        } catch {
            close(toChild[1])
            close(fromChild[0])
            throw Failure(description: "cannot start \(executable): \(error)")
        }
        pid = started
        inputDescriptor = toChild[1]
        outputDescriptor = fromChild[0]
    }

    /// Stops the child (SIGKILL) without reaping it: a thread reading its stdout then sees the end.
    func kill() { _ = Foundation.kill(pid, SIGKILL) }

    /// Whether the child has ended, without waiting; it is then reaped, and ``finish(reaped:)`` must be told so.
    func hasEnded() -> Bool {
        var status: Int32 = 0
        let result = waitpid(pid, &status, WNOHANG)
        return result == pid || (result < 0 && errno == ECHILD)
    }

    /// Closes our ends of the pipes, kills the child unless `reaped`, and reaps it.
    func finish(reaped: Bool) {
        close(inputDescriptor)
        close(outputDescriptor)
        guard !reaped else { return }
        kill()
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
    }
}
