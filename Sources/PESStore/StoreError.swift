import Foundation

/// Why the database could not be used, with what to do about it.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    case missingDatabase(String)
    case cannotCreateFolder(String, String)
    case notADatabase(String)
    case newerSchema(String)
    /// A read-only open met a schema from an older pesscan, which only a writing command upgrades.
    case olderSchema(String)
    /// A read-only folder holds a non-empty `-wal` without its `-shm`: committed changes that cannot be read safely.
    case pendingLog(String)
    case readOnly(String)
    case diskFull(String)
    case scanExists(String)
    case scanRunning(String, points: Int, holder: String?)
    case unknownScan(String, known: [String])
    case noScans(String)
    case corruptRecord(String)
    case importRejected(line: Int?, String)
    case importInterrupted(written: Int, total: Int, String)
    case sqlite(String)

    public var description: String {
        switch self {
        case .missingDatabase(let path):
            return "No database at \(path)."
        case .cannotCreateFolder(let path, let reason):
            return "Cannot create the folder for the database \(path): \(reason)."
        case .notADatabase(let path):
            return "\(path) is not a pesscan SQLite database (the file is damaged or of another kind)."
        case .newerSchema(let path):
            return "The database \(path) was written by a newer pesscan (its schema has migrations this version does not know)."
        case .olderSchema(let path):
            return "The database \(path) was written by an older pesscan and its schema needs an upgrade, which a read-only command does not make. "
                + "Run any writing command on it once (for example pesscan collect) to upgrade it, then run this command again."
        case .pendingLog(let path):
            return "The database \(path) has changes in its write-ahead log (\(path)-wal) that are not yet in the file, and its folder is read-only "
                + "with no \(path)-shm beside it, so they cannot be read safely. Where its folder is writable, run a writing command on it once "
                + "(for example pesscan collect), which moves them into the file; or copy the file with its -wal to a writable folder."
        case .readOnly(let path):
            return "The database \(path) is read-only; nothing was written."
        case .diskFull(let path):
            return "The disk holding \(path) is full; the last change was rolled back. Free some space and run the command again."
        case .scanExists(let name):
            return "A scan named \"\(name)\" already exists; nothing was changed."
        case .scanRunning(let name, let points, let holder):
            let who = holder.map { " (\($0))" } ?? ""
            return "The scan \"\(name)\" has \(points) point\(points == 1 ? "" : "s") running\(who); nothing was changed."
        case .unknownScan(let name, let known):
            let list = known.isEmpty ? "none" : known.joined(separator: ", ")
            return "No scan named \"\(name)\" in the database. Scans: \(list)."
        case .noScans(let path):
            return "The database \(path) has no scans yet."
        case .corruptRecord(let detail):
            return "A stored record cannot be read: \(detail). The database may have been edited by hand."
        case .importRejected(let line, let reason):
            let place = line.map { "line \($0) " } ?? ""
            return "Import rejected: \(place)\(reason). Nothing was imported; fix the file and run the import again."
        case .importInterrupted(let written, let total, let reason):
            let kept = written == 0 ? "Nothing was imported" : "The first \(written) of \(total) rows to write were imported and stay"
            return "Import stopped: \(reason). \(kept); run the same import again to finish it (rows already imported are skipped)."
        case .sqlite(let detail):
            return "Database error: \(detail)"
        }
    }
}
