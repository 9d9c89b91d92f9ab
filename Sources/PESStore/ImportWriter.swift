import Foundation
import GRDB
import PESCore

/// Writes the rows of a checked ``ImportPlan`` into one scan, one short transaction at a time.
///
/// Before each transaction's rows it makes sure the scan is still the one the
/// plan was checked against (same row id, same number of points), and each
/// filled point must still be pending or failed; otherwise it throws
/// ``StoreError/importInterrupted(written:total:_:)``.
struct ImportWriter {
    /// The scan spec, used to create the scan when it is missing.
    let spec: ScanSpec
    /// Row id of the scan, once it exists.
    var scanID: Int64?
    /// Points the scan holds when the plan and the transactions so far are counted.
    var pointCount: Int
    /// File name that prefixes each attempt's job id (`file:line`).
    let job: String
    /// Time stamp of every imported attempt, in seconds since 1970.
    let now: Double
    /// Whether this import created the scan.
    var createdScan = false
    /// Index the next added point gets.
    private var nextIndex = 0

    init(spec: ScanSpec, scanID: Int64?, pointCount: Int, job: String, now: Double) {
        self.spec = spec
        self.scanID = scanID
        self.pointCount = pointCount
        self.job = job
        self.now = now
    }

    /// Creates the scan when missing and checks that no other process changed it since the rows were checked.
    mutating func prepare(_ db: Database, written: Int, total: Int) throws {
        let name = spec.name.rawValue
        func stop(_ reason: String) -> StoreError { .importInterrupted(written: written, total: total, reason) }
        let row = try Row.fetchOne(db, sql: "SELECT id, molecule FROM scan WHERE name = ?", arguments: [name])
        guard let row else {
            if scanID != nil { throw stop("the scan \(name) was removed while the file was imported") }
            try db.execute(
                sql: "INSERT INTO scan (name, molecule, engine, spec_json, created_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [name, spec.molecule.name, spec.engine.name, try ScanStore.storedSpecJSON(spec), now])
            scanID = db.lastInsertedRowID
            createdScan = true
            nextIndex = 0
            return
        }
        let id: Int64 = row["id"]
        guard id == scanID else { throw stop("another process created or replaced the scan \(name) while the file was imported") }
        let counts = try Row.fetchOne(db, sql: "SELECT COUNT(*) AS n, MAX(idx) AS last FROM point WHERE scan_id = ?", arguments: [id])
        let count: Int = counts?["n"] ?? 0
        guard count == pointCount else {
            throw stop("another process added or removed points of \(name) while the file was imported (\(count) points, expected \(pointCount))")
        }
        nextIndex = ((counts?["last"] as Int?) ?? -1) + 1
    }

    /// Stores one row's energy: fills its planned point, or adds a point for it.
    mutating func record(_ energy: ImportedEnergy, _ action: ImportAction, in db: Database, written: Int, total: Int) throws {
        guard let scanID else { throw StoreError.sqlite("the import wrote a row before its scan existed") }
        let pointID: Int64
        switch action {
        case .present: return
        case .fill(let id): pointID = id
        case .add:
            try db.cachedStatement(sql: "INSERT INTO point (scan_id, idx, r_angstrom) VALUES (?, ?, ?)")
                .execute(arguments: [scanID, nextIndex, energy.rAngstrom])
            pointID = db.lastInsertedRowID
            nextIndex += 1
            pointCount += 1
        }
        let jobID = "\(job):\(energy.line)"
        let provenance = ScanStore.importedProvenance
        try db.cachedStatement(
            sql: """
                UPDATE point SET state = 'done', energy_hartree = ?, converged = 1, zone = ?, host = ?, job_id = ?,
                    started_at = ?, finished_at = ?, wall_seconds = 0, exit_status = NULL, error = NULL,
                    attempt_count = attempt_count + 1
                WHERE id = ? AND state IN ('pending', 'failed')
                """
        ).execute(arguments: [energy.energyHartree, provenance, provenance, jobID, now, now, pointID])
        guard db.changesCount == 1 else {
            throw StoreError.importInterrupted(
                written: written, total: total,
                "line \(energy.line): its point at r = \(energy.rAngstrom) Å was claimed by another process while the file was imported")
        }
        try db.cachedStatement(
            sql: """
                INSERT INTO attempt (point_id, number, owner, zone, host, job_id, engine, started_at, finished_at,
                                     wall_seconds, outcome, energy_hartree, converged)
                SELECT id, attempt_count, ?, ?, ?, ?, ?, ?, ?, 0, 'done', ?, 1 FROM point WHERE id = ?
                """
        ).execute(arguments: [provenance, provenance, provenance, jobID, provenance, now, now, energy.energyHartree, pointID])
    }
}
