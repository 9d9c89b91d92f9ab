import Foundation
import GRDB
import PESCore

/// The pesscan database: scans, their points, every attempt and every fit, in one SQLite file.
///
/// Writers open the file in WAL mode with a busy timeout so that several
/// `collect` processes can share it; each process is its own single writer.
/// Readers (``StoreAccess/readOnly``) open one read-only connection that never
/// writes a byte (see ``ReadOnlyConnection``); their writes throw ``StoreError/readOnly(_:)``.
public final class ScanStore: Sendable {
    /// Path of the database file.
    public let path: String
    /// How the file was opened.
    public let access: StoreAccess
    /// The SQLite connections: the writers' pool, or one read-only connection.
    let connection: StoreConnection
    /// The database's own id, made once when its schema was created or upgraded; names its work folders.
    public let uuid: String

    /// How long a writer waits for another process's lock before giving up, in seconds.
    public static let busyTimeoutSeconds: Double = 30

    /// Opens the database at `path` for reading and writing, creating the file and its folder when `create` is true.
    public convenience init(path: String, create: Bool) throws(StoreError) {
        try self.init(path: path, access: .readWrite(create: create))
    }

    /// Opens the database at `path` as `access` says; read-only opens refuse a schema that is behind or ahead.
    public init(path: String, access: StoreAccess) throws(StoreError) {
        self.path = path
        self.access = access
        let manager = FileManager.default
        if !manager.fileExists(atPath: path) {
            guard access == .readWrite(create: true) else { throw .missingDatabase(path) }
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
            do {
                try manager.createDirectory(at: folder, withIntermediateDirectories: true)
            } catch {
                throw .cannotCreateFolder(path, error.localizedDescription)
            }
        }
        do {
            let migrator = Schema.migrator
            switch access {
            case .readOnly:
                let readOnly = try ReadOnlyConnection(path: path)
                try readOnly.read { db in try Self.refuseUnreadableSchema(db, migrator: migrator, path: path) }
                connection = .readOnly(readOnly)
            case .readWrite:
                connection = .pool(try Self.openPool(path: path, migrator: migrator))
            }
            guard let stored = try connection.read({ db in try String.fetchOne(db, sql: "SELECT uuid FROM database_identity") }) else {
                throw StoreError.corruptRecord("the database has no identity row (table database_identity)")
            }
            uuid = stored
            workFolderName = Self.workFolderName(path: path, uuid: stored)
        } catch let error as StoreError {
            throw error
        } catch {
            throw Self.translate(error, path: path)
        }
    }

    /// Throws unless the schema is exactly the one `migrator` makes: a read-only open upgrades nothing.
    ///
    /// An empty file has no scans yet (`plan` makes the schema); a SQLite file without pesscan's
    /// migrations is another program's; otherwise the schema is ahead or behind.
    private static func refuseUnreadableSchema(_ db: Database, migrator: DatabaseMigrator, path: String) throws {
        if try migrator.appliedIdentifiers(db).isEmpty {
            let empty = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM sqlite_master") == 0
            throw empty ? StoreError.noScans(path) : StoreError.notADatabase(path)
        }
        if try migrator.hasBeenSuperseded(db) { throw StoreError.newerSchema(path) }
        if try !migrator.hasCompletedMigrations(db) { throw StoreError.olderSchema(path) }
    }

    /// Opens the writers' pool on `path`, refusing a newer schema and migrating only a schema that is behind.
    ///
    /// Opening a pool writes (GRDB makes sure a non-empty WAL exists), so a file from a newer pesscan is
    /// checked over a read-only connection first and left exactly as it is.
    private static func openPool(path: String, migrator: DatabaseMigrator) throws -> DatabasePool {
        if FileManager.default.fileExists(atPath: path) {
            let readOnly = try ReadOnlyConnection(path: path)
            defer { try? readOnly.queue.close() }
            if try readOnly.read({ db in try migrator.hasBeenSuperseded(db) }) { throw StoreError.newerSchema(path) }
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(busyTimeoutSeconds)
        configuration.foreignKeysEnabled = true
        configuration.label = "pesscan"
        // 16 MiB of page cache per connection (taken only as pages are read) instead of SQLite's 2 MiB: a
        // transaction writing thousands of points then keeps the indexes' pages in memory instead of spilling them.
        // Temporary tables (a batch's results on their way in) stay in memory.
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA cache_size = -16384; PRAGMA temp_store = MEMORY") }
        let pool = try DatabasePool(path: path, configuration: configuration)
        let current = try pool.read { db in
            if try migrator.hasBeenSuperseded(db) { throw StoreError.newerSchema(path) }
            return try migrator.hasCompletedMigrations(db)
        }
        if !current { try migrator.migrate(pool) }
        return pool
    }

    /// Name of this database's folder under `runs/`: the file's name without extension and the first 8 characters of its id.
    ///
    /// Two databases in one results folder never share work directories, even with scans of the same name.
    /// Made once when the store opens: a claim of thousands of fast points asks for it per point.
    public let workFolderName: String

    /// The work folder name of the database at `path` with id `uuid`.
    static func workFolderName(path: String, uuid: String) -> String {
        let stem = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        let safe = String(stem.map { $0.isLetter || $0.isNumber || "._+-".contains($0) ? $0 : "_" }.prefix(48))
        return "\(safe.isEmpty ? "db" : safe)-\(uuid.prefix(8))"
    }

    /// Runs an immediate write transaction (the write lock taken up front), translating SQLite failures into ``StoreError``.
    ///
    /// A store opened read-only throws ``StoreError/readOnly(_:)`` and touches nothing.
    func write<T>(_ updates: (Database) throws -> T) throws(StoreError) -> T {
        guard case .pool(let pool) = connection else { throw .readOnly(path) }
        return try translatingErrors {
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
        try translatingErrors { try connection.read(value) }
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
