import Foundation
import GRDB

extension ScanStore {
    /// Adds pending points at new bond lengths in ångström to a scan, numbered after its last point.
    @discardableResult
    public func addPoints(toScan scanID: Int64, rAngstrom: [Double]) throws(StoreError) -> [Int] {
        try write { db in
            let last = try Int.fetchOne(db, sql: "SELECT MAX(idx) FROM point WHERE scan_id = ?", arguments: [scanID]) ?? -1
            let insert = try db.makeStatement(sql: "INSERT INTO point (scan_id, idx, r_angstrom) VALUES (?, ?, ?)")
            var indices: [Int] = []
            for (offset, r) in rAngstrom.enumerated() {
                try insert.execute(arguments: [scanID, last + 1 + offset, r])
                indices.append(last + 1 + offset)
            }
            return indices
        }
    }
}
