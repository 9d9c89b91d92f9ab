import Foundation
import GRDB
import PESCore

/// The pesscan database: scans, their points, every attempt and every fit, in one SQLite file.
///
/// The file is opened in WAL mode with a busy timeout so that several
/// `collect` processes can share it; each process is its own single writer.
public final class ScanStore: Sendable {
    /// Path of the database file.
    public let path: String
    let pool: DatabasePool
    /// The database's own id, made once when its schema was created or upgraded; names its work folders.
    public let uuid: String

    /// How long a writer waits for another process's lock before giving up, in seconds.
    public static let busyTimeoutSeconds: Double = 30

    /// Opens the database at `path`, creating the file and its folder when `create` is true.
    public init(path: String, create: Bool) throws(StoreError) {
        self.path = path
        let manager = FileManager.default
        if !manager.fileExists(atPath: path) {
            guard create else { throw .missingDatabase(path) }
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
            do {
                try manager.createDirectory(at: folder, withIntermediateDirectories: true)
            } catch {
                throw .cannotCreateFolder(path, error.localizedDescription)
            }
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(Self.busyTimeoutSeconds)
        configuration.foreignKeysEnabled = true
        configuration.label = "pesscan"
        do {
            let migrator = Schema.migrator
            // Checked over a read-only connection first: opening a pool writes (GRDB makes sure the WAL
            // exists), and a file from a newer pesscan must be left exactly as it is.
            if manager.fileExists(atPath: path) { try Self.refuseNewerSchema(path: path, migrator: migrator) }
            pool = try DatabasePool(path: path, configuration: configuration)
            let superseded = try pool.read { db in try migrator.hasBeenSuperseded(db) }
            if superseded { throw StoreError.newerSchema(path) }
            try migrator.migrate(pool)
            guard let stored = try pool.read({ db in try String.fetchOne(db, sql: "SELECT uuid FROM database_identity") }) else {
                throw StoreError.corruptRecord("the database has no identity row (table database_identity)")
            }
            uuid = stored
        } catch let error as StoreError {
            throw error
        } catch {
            throw Self.translate(error, path: path)
        }
    }

    /// Throws ``StoreError/newerSchema(_:)`` when the file at `path` holds migrations `migrator` does not know, without writing to it.
    private static func refuseNewerSchema(path: String, migrator: DatabaseMigrator) throws {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(busyTimeoutSeconds)
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        defer { try? queue.close() }
        if try queue.read({ db in try migrator.hasBeenSuperseded(db) }) { throw StoreError.newerSchema(path) }
    }

    /// Name of this database's folder under `runs/`: the file's name without extension and the first 8 characters of its id.
    ///
    /// Two databases in one results folder never share work directories, even with scans of the same name.
    public var workFolderName: String {
        let stem = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        let safe = String(stem.map { $0.isLetter || $0.isNumber || "._+-".contains($0) ? $0 : "_" }.prefix(48))
        return "\(safe.isEmpty ? "db" : safe)-\(uuid.prefix(8))"
    }

    /// Runs an immediate write transaction (the write lock taken up front), translating SQLite failures into ``StoreError``.
    func write<T>(_ updates: (Database) throws -> T) throws(StoreError) -> T {
        try translatingErrors {
            try pool.writeWithoutTransaction { db in
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try updates(db)
                    return .commit
                }
                guard let result else { throw StoreError.sqlite("a write transaction produced no result") }
                return result
            }
        }
    }

    /// Runs a read, translating SQLite failures into ``StoreError``.
    func read<T>(_ value: (Database) throws -> T) throws(StoreError) -> T {
        try translatingErrors { try pool.read(value) }
    }

    /// Runs `body`, passing ``StoreError`` through and translating every other error.
    private func translatingErrors<T>(_ body: () throws -> T) throws(StoreError) -> T {
        do {
            return try body()
        } catch let error as StoreError {
            throw error
        } catch {
            throw Self.translate(error, path: path)
        }
    }

    /// Runs `PRAGMA integrity_check` and returns its report (`ok` when the file is sound).
    public func integrityCheck() throws(StoreError) -> String {
        try read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "\n") }
    }

    static func translate(_ error: any Error, path: String) -> StoreError {
        guard let database = error as? DatabaseError else { return .sqlite(String(describing: error)) }
        switch database.resultCode {
        case .SQLITE_NOTADB, .SQLITE_CORRUPT: return .notADatabase(path)
        case .SQLITE_READONLY:
            return .readOnly(path)
        case .SQLITE_CANTOPEN where !FileManager.default.isWritableFile(atPath: path):
            return .readOnly(path)
        case .SQLITE_FULL: return .diskFull(path)
        // A full volume also shows up as an I/O error (the -shm or -wal file cannot grow): say so when it is full.
        case .SQLITE_IOERR where VolumeSpace.isNearlyFull(holding: path): return .diskFull(path)
        default: return .sqlite("\(database.message ?? "SQLite error \(database.resultCode.rawValue)") (\(path))")
        }
    }

    static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, from text: String, what: String) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(text.utf8))
        } catch {
            throw StoreError.corruptRecord("\(what): \(error)")
        }
    }
}
