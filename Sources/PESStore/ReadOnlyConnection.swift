import Foundation
import GRDB

/// A connection to a pesscan database that never writes a byte, even in a read-only folder or on a read-only mount.
///
/// pesscan databases are in WAL mode. SQLite (3.22 and later) opens a WAL
/// database with `SQLITE_OPEN_READONLY` (GRDB's `Configuration.readonly`)
/// only when its `-wal` and `-shm` files exist or can be created; in a folder
/// that cannot be written, after the last writer closed and removed them, that
/// open fails with `SQLITE_READONLY`. And where it can create them, a
/// read-only connection leaves an empty `-wal` and a `-shm` behind, owned by
/// whoever ran the command, which can then stop another user's writer. So,
/// decided once per open:
///
/// - `-wal` and `-shm` both exist (a writer is running, or left them):
///   plain `SQLITE_OPEN_READONLY`. The connection takes part in WAL locking
///   through the `-shm` index (opened read-only if it must be), so it reads a
///   consistent snapshot, including what a running `collect` has committed to
///   the `-wal` but not yet copied into the file.
/// - No `-wal`, or an empty one, and no `-shm` beside it: every committed
///   change is in the file and no writer has it open. The URI parameter
///   `immutable=1` reads the file with no locks, no `-shm` and no `-wal`, so
///   nothing is created. Because a writer could still start during the read,
///   each read compares the file's ``DatabaseFileStamp`` before and after; when
///   it has changed, the read is made again over a new connection chosen by
///   the same rules.
/// - A non-empty `-wal` without its `-shm`: plain `SQLITE_OPEN_READONLY`
///   where the folder is writable (SQLite must make a `-shm` to read that log;
///   the database file itself is still not written), else refused with
///   ``StoreError/pendingLog(_:)``: read as immutable, those committed changes
///   would be missed.
///
/// GRDB passes no `SQLITE_OPEN_URI` flag, so `immutable=1` relies on SQLite
/// interpreting URI file names by default (`SQLITE_USE_URI`, as the Debian and
/// Ubuntu `libsqlite3` packages are built).
struct ReadOnlyConnection: Sendable {
    /// Path of the database file as given.
    let path: String
    /// The same path, absolute, for checking the file's stamp.
    let absolutePath: String
    /// The single read-only SQLite connection.
    let queue: DatabaseQueue
    /// The file's stamp when it was opened as immutable; nil when the connection shares the writers' locking.
    let immutableStamp: DatabaseFileStamp?

    /// Opens the database at `path` read-only, as an immutable file when no writer has it open.
    init(path: String) throws {
        self.path = path
        let file = URL(fileURLWithPath: path).standardizedFileURL
        absolutePath = file.path
        let stamp = DatabaseFileStamp(path: file.path)
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(ScanStore.busyTimeoutSeconds)
        configuration.foreignKeysEnabled = true
        configuration.label = "pesscan-readonly"
        if stamp.logBytes > 0 || stamp.hasIndex && FileManager.default.fileExists(atPath: file.path + "-wal") {
            if !stamp.hasIndex, !FileManager.default.isWritableFile(atPath: file.deletingLastPathComponent().path) {
                throw StoreError.pendingLog(path)
            }
            queue = try DatabaseQueue(path: path, configuration: configuration)
            immutableStamp = nil
        } else {
            queue = try DatabaseQueue(path: Self.immutableURI(file), configuration: configuration)
            immutableStamp = stamp
        }
    }

    /// Runs a read; on an immutable file that a writer changed meanwhile, runs it again over a new connection.
    func read<T>(_ value: (Database) throws -> T) throws -> T {
        guard let immutableStamp else { return try queue.read(value) }
        if DatabaseFileStamp(path: absolutePath) == immutableStamp {
            let result = try queue.read(value)
            if DatabaseFileStamp(path: absolutePath) == immutableStamp { return result }
        }
        return try ReadOnlyConnection(path: path).read(value)
    }

    /// `file:` URI for an absolute file URL with `immutable=1`; `?`, `#` and `%` in the path percent-encoded as SQLite expects.
    static func immutableURI(_ file: URL) -> String {
        let encoded = file.path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? file.path
        return "file://\(encoded)?immutable=1"
    }
}
