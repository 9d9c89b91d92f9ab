import PESCore
import PESStore

/// What `rm` removed.
public struct RemovedScan: Sendable, Hashable, Codable {
    public var scan: String
    /// Points deleted with it (their attempts and the scan's fits went too).
    public var points: Int
}

/// What `rename` changed.
public struct RenamedScan: Sendable, Hashable, Codable {
    public var scan: String
    public var renamedTo: String
}

/// `rm` and `rename`: changes to a whole scan, refused while any point of it runs; a refusal changes nothing.
public enum ScanManagementUseCase {
    /// Deletes the scan `scan` with its points, attempts and fits.
    public static func remove(scan: String, store: ScanStore) throws(WorkflowError) -> RemovedScan {
        do {
            return RemovedScan(scan: scan, points: try store.deleteScan(named: scan))
        } catch {
            throw .store(error)
        }
    }

    /// Renames the scan `scan` to `newName`, checked as a scan name.
    public static func rename(scan: String, to newName: String, store: ScanStore) throws(WorkflowError) -> RenamedScan {
        let name: ScanName
        do {
            name = try ScanName(newName)
        } catch {
            throw .scan(error)
        }
        do {
            try store.renameScan(named: scan, to: name)
        } catch {
            throw .store(error)
        }
        return RenamedScan(scan: scan, renamedTo: name.rawValue)
    }
}
