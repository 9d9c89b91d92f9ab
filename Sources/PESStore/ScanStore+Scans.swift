import Foundation
import GRDB
import PESCore

extension ScanStore {
    /// Stores a new scan with all its points pending; with `replace`, an existing scan of that name is discarded first.
    ///
    /// A scan with running points is replaced only with `force`: its running
    /// attempts are then discarded with it, and the collect running them finds
    /// their claims gone and keeps none of their results. The new scan never
    /// reuses an id, so nothing of the old one can land on it.
    @discardableResult
    public func createScan(_ spec: ScanSpec, replace: Bool = false, force: Bool = false) throws(StoreError) -> ScanRecord {
        let now = Date().timeIntervalSince1970
        return try write { db in
            let name = spec.name.rawValue
            if let existing = try Int64.fetchOne(db, sql: "SELECT id FROM scan WHERE name = ?", arguments: [name]) {
                guard replace else { throw StoreError.scanExists(name) }
                let running = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT COUNT(*) AS n, MAX(lease_host) AS host, MAX(lease_pid) AS pid, MAX(batch_job) AS job
                        FROM point WHERE scan_id = ? AND state = 'running'
                        """,
                    arguments: [existing]
                ).first
                let count: Int = running?["n"] ?? 0
                if count > 0, !force {
                    let holder = (running?["host"] as String?).map { host in "collect \(running?["pid"] as Int? ?? 0) on \(host)" }
                    throw StoreError.scanRunning(name, points: count, holder: holder ?? (running?["job"] as String?).map { "batch job \($0)" })
                }
                try db.execute(sql: "DELETE FROM scan WHERE id = ?", arguments: [existing])
            }
            try db.execute(
                sql: "INSERT INTO scan (name, molecule, engine, spec_json, created_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [name, spec.molecule.name, spec.engine.name, try Self.encode(spec), now])
            let scanID = db.lastInsertedRowID
            let insert = try db.makeStatement(sql: "INSERT INTO point (scan_id, idx, r_angstrom) VALUES (?, ?, ?)")
            for (index, r) in spec.bondLengthsAngstrom.enumerated() {
                try insert.execute(arguments: [scanID, index, r])
            }
            return ScanRecord(id: scanID, spec: spec, createdAtSeconds: now)
        }
    }

    /// All scans, oldest first.
    public func scans() throws(StoreError) -> [ScanRecord] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT id, spec_json, created_at FROM scan ORDER BY created_at, id").map {
                try Self.scanRecord(from: $0)
            }
        }
    }

    /// The scan named `name`, or, when `name` is nil, the most recently planned scan.
    public func scan(named name: String?) throws(StoreError) -> ScanRecord {
        let all = try scans()
        guard let name else {
            guard let latest = all.last else { throw .noScans(path) }
            return latest
        }
        guard let found = all.first(where: { $0.spec.name.rawValue == name }) else {
            throw .unknownScan(name, known: all.map(\.spec.name.rawValue))
        }
        return found
    }

    /// Which of these scan ids are still in the database.
    public func existingScanIDs(among scanIDs: [Int64]) throws(StoreError) -> [Int64] {
        guard !scanIDs.isEmpty else { return [] }
        let placeholders = scanIDs.map { _ in "?" }.joined(separator: ", ")
        return try read { db in
            try Int64.fetchAll(db, sql: "SELECT id FROM scan WHERE id IN (\(placeholders))", arguments: StatementArguments(scanIDs))
        }
    }

    /// Points of a scan in index order.
    public func points(ofScan scanID: Int64) throws(StoreError) -> [ScanPoint] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT id, idx, r_angstrom, state, energy_hartree, converged, zone, host, wall_seconds,
                           exit_status, error, attempt_count
                    FROM point WHERE scan_id = ? ORDER BY idx
                    """,
                arguments: [scanID]
            ).map { row in
                let stateText: String = row["state"]
                guard let state = PointState(rawValue: stateText) else {
                    throw StoreError.corruptRecord("point \(row["id"] as Int64) has state \(stateText)")
                }
                let converged: Int? = row["converged"]
                return ScanPoint(
                    id: row["id"], index: row["idx"], rAngstrom: row["r_angstrom"], state: state,
                    energyHartree: row["energy_hartree"], converged: converged.map { $0 != 0 },
                    zone: row["zone"], host: row["host"], wallSeconds: row["wall_seconds"],
                    exitStatus: row["exit_status"], error: row["error"], attemptCount: row["attempt_count"])
            }
        }
    }

    /// Point counts by state for one scan.
    public func stateCounts(ofScan scanID: Int64) throws(StoreError) -> StateCounts {
        try read { db in
            var counts = StateCounts()
            for row in try Row.fetchAll(
                db, sql: "SELECT state, COUNT(*) AS n FROM point WHERE scan_id = ? GROUP BY state", arguments: [scanID])
            {
                let n: Int = row["n"]
                switch PointState(rawValue: row["state"] as String) {
                case .pending: counts.pending = n
                case .running: counts.running = n
                case .done: counts.done = n
                case .failed: counts.failed = n
                case nil: break
                }
            }
            return counts
        }
    }

    /// Every attempt of a scan's points, oldest first.
    public func attempts(ofScan scanID: Int64) throws(StoreError) -> [AttemptRecord] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT a.id, a.point_id, a.number, a.outcome, a.zone, a.host, a.owner, a.energy_hartree,
                           a.error, a.wall_seconds, a.exit_status, a.image, a.job_id, a.stderr_tail, a.engine_version,
                           a.started_at, a.finished_at
                    FROM attempt a JOIN point p ON p.id = a.point_id
                    WHERE p.scan_id = ? ORDER BY a.id
                    """,
                arguments: [scanID]
            ).map { row in
                AttemptRecord(
                    id: row["id"], pointID: row["point_id"], number: row["number"], outcome: row["outcome"],
                    zone: row["zone"], host: row["host"], owner: row["owner"], energyHartree: row["energy_hartree"],
                    error: row["error"], wallSeconds: row["wall_seconds"], exitStatus: row["exit_status"],
                    image: row["image"], jobID: row["job_id"], stderrTail: row["stderr_tail"],
                    engineVersion: row["engine_version"], startedAtSeconds: row["started_at"],
                    finishedAtSeconds: row["finished_at"])
            }
        }
    }

    /// Returns the failed points of a scan to pending so that the next `collect` tries them again.
    @discardableResult
    public func resetFailedPoints(ofScan scanID: Int64) throws(StoreError) -> Int {
        try write { db in
            try db.execute(
                sql: "UPDATE point SET state = 'pending', error = NULL WHERE scan_id = ? AND state = 'failed'",
                arguments: [scanID])
            return db.changesCount
        }
    }

    static func scanRecord(from row: Row) throws -> ScanRecord {
        let spec = try decode(ScanSpec.self, from: row["spec_json"], what: "scan \(row["id"] as Int64)")
        return ScanRecord(id: row["id"], spec: spec, createdAtSeconds: row["created_at"])
    }
}
