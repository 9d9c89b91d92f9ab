import Foundation

/// A child started with `posix_spawn` and reaped by its owner, with pipes to its stdin and from its stdout.
///
/// For long-lived children that close inherited descriptors (OpenSSH's
/// client does): Foundation's `Process` takes such a close for the child's
/// exit and waits for it on the thread that reaps all its children, so one
/// long-lived `ssh` there would leave every other finished child of the
/// collect unreaped. Its owner serialises the calls, and calls ``finish(reaped:)`` once.
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
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, toChild[0], 0)
        posix_spawn_file_actions_adddup2(&actions, fromChild[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errorDescriptor, 2)
        // The child starts with default signal handling, whatever this process ignores (collect ignores SIGINT and SIGTERM).
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for number in [SIGINT, SIGTERM, SIGPIPE, SIGHUP] { sigaddset(&defaults, number) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        let argv = ([executable] + arguments).map { strdup($0) }
        defer { argv.forEach { free($0) } }
        var started: pid_t = 0
        let status = posix_spawn(&started, executable, &actions, &attributes, argv + [nil], environ)
        guard status == 0 else {
            close(toChild[1])
            close(fromChild[0])
            throw Failure(description: "cannot start \(executable): \(String(cString: strerror(status)))")
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
