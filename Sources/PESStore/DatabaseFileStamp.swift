import Foundation

/// What an immutable reader assumes about a database file: the same file, size and modification time, and no write-ahead log.
///
/// Any writer that opens the file in WAL mode makes a non-empty `-wal` and a
/// `-shm` beside it, and one that has finished and checkpointed has changed
/// the file's modification time, so a different stamp means a writer came along.
struct DatabaseFileStamp: Equatable, Sendable {
    var fileNumber: UInt64?
    var sizeBytes: UInt64?
    var modified: Date?
    var logBytes: UInt64
    var hasIndex: Bool

    /// The stamp of the database file at `path` as it is now.
    init(path: String) {
        let manager = FileManager.default
        let file = try? manager.attributesOfItem(atPath: path)
        fileNumber = (file?[.systemFileNumber] as? NSNumber)?.uint64Value
        sizeBytes = (file?[.size] as? NSNumber)?.uint64Value
        modified = file?[.modificationDate] as? Date
        logBytes = ((try? manager.attributesOfItem(atPath: path + "-wal"))?[.size] as? NSNumber)?.uint64Value ?? 0
        hasIndex = manager.fileExists(atPath: path + "-shm")
    }
}
