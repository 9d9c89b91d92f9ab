import Foundation

/// Starts a program with `posix_spawn`: argv (never a shell), environment, working directory, its three standard descriptors.
///
/// One spawn for every child pesscan starts (a point's program, ssh, podman,
/// sbatch): Foundation's `Process` spent more of a collect's time per point
/// than the rest of the loop (a limit read per descriptor it closes, the
/// environment rebuilt, a run-loop thread and socket per child). The child
/// gets default handling of the signals a collect ignores, an empty signal
/// mask, and only the descriptors given (every other one pesscan opens is
/// close-on-exec, and any left over are closed where the C library can).
public enum ChildSpawn {
    /// Why a program could not be started: the system's reason, for callers that say which program (`could not start /x: …`).
    public struct Failure: LocalizedError, Sendable, CustomStringConvertible {
        /// What went wrong, e.g. `No such file or directory`.
        public var description: String
        public var errorDescription: String? { description }
    }

    /// Signals a collect or the Swift runtime ignores, back at their defaults in the child (ignoring survives `exec`).
    static let defaultedSignals = [SIGINT, SIGTERM, SIGPIPE, SIGHUP]

    /// Starts `executable` with `arguments`; returns its process id, which the caller must reap.
    ///
    /// `environment` nil passes this process's own; `workDirectory` nil keeps
    /// this one's; `ownProcessGroup` puts the child in a process group of its
    /// own (as Foundation's `Process` did), so a Ctrl-C at the terminal reaches
    /// only the collect, which stops its children itself.
    public static func start(
        executable: String, arguments: [String], environment: [String: String]? = nil, workDirectory: String? = nil,
        standardInput: Int32, standardOutput: Int32, standardError: Int32, ownProcessGroup: Bool = false
    ) throws(Failure) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, standardInput, 0)
        posix_spawn_file_actions_adddup2(&actions, standardOutput, 1)
        posix_spawn_file_actions_adddup2(&actions, standardError, 2)
        if let workDirectory {
            guard let addChdir = Self.addChdir else {
                throw Failure(description: "this C library cannot start a program in a folder (posix_spawn_file_actions_addchdir_np needs glibc 2.29)")
            }
            let code = addChdir(&actions, workDirectory)
            guard code == 0 else { throw Failure(description: "cannot enter \(workDirectory): \(String(cString: strerror(code)))") }
        }
        if let addCloseFrom = Self.addCloseFrom { _ = addCloseFrom(&actions, 3) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for number in defaultedSignals { sigaddset(&defaults, number) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        var flags = POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK
        if ownProcessGroup {
            posix_spawnattr_setpgroup(&attributes, 0)
            flags |= POSIX_SPAWN_SETPGROUP
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))
        let argv = ([executable] + arguments).map { strdup($0) }
        defer { argv.forEach { free($0) } }
        let variables = environment.map { $0.map { strdup("\($0.key)=\($0.value)") } }
        defer { variables?.forEach { free($0) } }
        var pid: pid_t = 0
        let status: Int32
        if let variables {
            status = posix_spawn(&pid, executable, &actions, &attributes, argv + [nil], variables + [nil])
        } else {
            status = posix_spawn(&pid, executable, &actions, &attributes, argv + [nil], environ)
        }
        guard status == 0 else { throw Failure(description: String(cString: strerror(status))) }
        return pid
    }

    private typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    /// glibc's `posix_spawn_file_actions_addchdir_np` (2.29), looked up once: Swift's Glibc module does not declare it.
    private static var addChdir: AddChdir? {
        symbol(named: "posix_spawn_file_actions_addchdir_np").map { unsafeBitCast($0, to: AddChdir.self) }
    }

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34), when there is one.
    private static var addCloseFrom: AddCloseFrom? {
        symbol(named: "posix_spawn_file_actions_addclosefrom_np").map { unsafeBitCast($0, to: AddCloseFrom.self) }
    }

    /// Addresses of C library functions, found once by name (0 when absent); an address is Sendable, a pointer is not.
    private static let addresses: [String: Int] = Dictionary(uniqueKeysWithValues: [
        "posix_spawn_file_actions_addchdir_np", "posix_spawn_file_actions_addclosefrom_np",
    ].map { ($0, Int(bitPattern: dlsym(nil, $0))) })

    private static func symbol(named name: String) -> UnsafeRawPointer? {
        UnsafeRawPointer(bitPattern: addresses[name] ?? 0)
    }
}

/// How a reaped child ended, from its `wait` status.
public struct ChildExit: Sendable, Hashable {
    /// The exit status, or the signal's number when ``signalled``.
    public var status: Int
    /// Whether a signal ended the child.
    public var signalled: Bool

    /// Decodes a `waitpid` status (the C macros `WIFEXITED` and friends do not reach Swift).
    public init(waitStatus: Int32) {
        let signal = waitStatus & 0x7f
        if signal == 0 {
            (status, signalled) = (Int((waitStatus >> 8) & 0xff), false)
        } else {
            (status, signalled) = (Int(signal), true)
        }
    }

    /// Whether the child exited by itself with status 0.
    public var succeeded: Bool { !signalled && status == 0 }
}
