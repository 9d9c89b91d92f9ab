import Foundation
import GRDB
import PESCore

extension ScanStore {
    /// Deletes the scan named `name` with its points, attempts and fits; refused while any point of it runs.
    ///
    /// Returns how many points went with it. Ids are never reused, so a collect
    /// that still knows the scan's id finds it gone rather than another scan.
    @discardableResult
    public func deleteScan(named name: String) throws(StoreError) -> Int {
        try write { db in
            let id = try Self.idOfIdleScan(named: name, db: db)
            let points = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM point WHERE scan_id = ?", arguments: [id]) ?? 0
            try db.execute(sql: "DELETE FROM scan WHERE id = ?", arguments: [id])
            return points
        }
    }

    /// Renames the scan `name` to `newName`; refused while any point of it runs, or when `newName` is taken.
    public func renameScan(named name: String, to newName: ScanName) throws(StoreError) {
        try write { db in
            let id = try Self.idOfIdleScan(named: name, db: db)
            guard try Int64.fetchOne(db, sql: "SELECT id FROM scan WHERE name = ?", arguments: [newName.rawValue]) == nil else {
                throw StoreError.scanExists(newName.rawValue)
            }
            let stored = try String.fetchOne(db, sql: "SELECT spec_json FROM scan WHERE id = ?", arguments: [id]) ?? ""
            var spec = try Self.decode(ScanSpec.self, from: stored, what: "scan \(id)")
            spec.name = newName
            try db.execute(
                sql: "UPDATE scan SET name = ?, spec_json = ? WHERE id = ?", arguments: [newName.rawValue, try Self.storedSpecJSON(spec), id])
        }
    }

    /// The id of the scan `name`, which has no running point; `unknownScan` or `scanRunning` otherwise.
    private static func idOfIdleScan(named name: String, db: Database) throws -> Int64 {
        guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM scan WHERE name = ?", arguments: [name]) else {
            throw StoreError.unknownScan(name, known: try String.fetchAll(db, sql: "SELECT name FROM scan ORDER BY created_at, id"))
        }
        if let running = try runningRefusal(ofScan: id, named: name, db: db) { throw running }
        return id
    }

    /// `scanRunning` naming who holds the scan's running points, or nil when none runs.
    static func runningRefusal(ofScan id: Int64, named name: String, db: Database) throws -> StoreError? {
        let row = try Row.fetchOne(
            db,
            sql: """
                SELECT COUNT(*) AS n, MAX(lease_host) AS host, MAX(lease_pid) AS pid, MAX(batch_job) AS job
                FROM point WHERE scan_id = ? AND \(Schema.inState(.running))
                """,
            arguments: [id])
        let running: Int = row?["n"] ?? 0
        guard running > 0 else { return nil }
        let holder = (row?["host"] as String?).map { host in "collect \(row?["pid"] as Int? ?? 0) on \(host)" }
        return StoreError.scanRunning(name, points: running, holder: holder ?? (row?["job"] as String?).map { "batch job \($0)" })
    }
}
