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
                if !force, let running = try Self.runningRefusal(ofScan: existing, named: name, db: db) { throw running }
                try db.execute(sql: "DELETE FROM scan WHERE id = ?", arguments: [existing])
            }
            try db.execute(
                sql: "INSERT INTO scan (name, molecule, engine, spec_json, created_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [name, spec.molecule.name, spec.engine.name, try Self.storedSpecJSON(spec), now])
            let scanID = db.lastInsertedRowID
            if let geometry = spec.geometry {
                try Self.insertPoints(geometry.pointCoordinates, scanID: scanID, firstIndex: 0, db: db)
            } else {
                try Self.insertPoints(rAngstrom: spec.bondLengthsAngstrom, scanID: scanID, firstIndex: 0, db: db)
            }
            return ScanRecord(id: scanID, spec: spec, createdAtSeconds: now)
        }
    }

    /// All scans, oldest first.
    public func scans() throws(StoreError) -> [ScanRecord] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT id, spec_json, created_at FROM scan ORDER BY created_at, id").map {
                try Self.scanRecord(from: $0, db: db)
            }
        }
    }

    /// All scans, oldest first, without reading a point: each spec as the scan table stores it (``ScanSpec/withoutPoints``).
    ///
    /// For listing scans by name, molecule and engine; ``scans()`` reads every scan's bond lengths too.
    public func scansWithoutPoints() throws(StoreError) -> [ScanRecord] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT id, spec_json, created_at FROM scan ORDER BY created_at, id").map(Self.storedScanRecord)
        }
    }

    /// How many scans the database holds.
    public func scanCount() throws(StoreError) -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM scan") ?? 0 }
    }

    /// The scan named `name`, or, when `name` is nil, the most recently planned scan.
    ///
    /// Without `withPoints` its spec is as the scan table stores it (``ScanSpec/withoutPoints``), for a caller that reads the points itself.
    public func scan(named name: String?, withPoints: Bool = true) throws(StoreError) -> ScanRecord {
        try read { db in
            let sql = name == nil
                ? "SELECT id, spec_json, created_at FROM scan ORDER BY created_at DESC, id DESC LIMIT 1"
                : "SELECT id, spec_json, created_at FROM scan WHERE name = ?"
            if let row = try Row.fetchOne(db, sql: sql, arguments: StatementArguments(name.map { [$0] } ?? [])) {
                return withPoints ? try Self.scanRecord(from: row, db: db) : try Self.storedScanRecord(from: row)
            }
            guard let name else { throw StoreError.noScans(path) }
            throw StoreError.unknownScan(name, known: try String.fetchAll(db, sql: "SELECT name FROM scan ORDER BY created_at, id"))
        }
    }

    /// Which of these scan ids are still in the database.
    public func existingScanIDs(among scanIDs: [Int64]) throws(StoreError) -> [Int64] {
        guard !scanIDs.isEmpty else { return [] }
        let placeholders = scanIDs.map { _ in "?" }.joined(separator: ", ")
        return try read { db in
            try Int64.fetchAll(db, sql: "SELECT id FROM scan WHERE id IN (\(placeholders))", arguments: StatementArguments(scanIDs))
        }
    }

    /// Points of a scan in index order, all of them or only those in `state`.
    public func points(ofScan scanID: Int64, inState state: PointState? = nil) throws(StoreError) -> [ScanPoint] {
        try points(ofScan: scanID, inState: state, provenance: true)
    }

    /// Points of a scan in index order with only what a fit or plot reads: index, r, coordinates, state, energy and convergence.
    ///
    /// Zone, host, timings and errors are left nil: a scan of a million
    /// points reads a tenth of the bytes.
    public func pointsForFitting(ofScan scanID: Int64) throws(StoreError) -> [ScanPoint] {
        try points(ofScan: scanID, inState: nil, provenance: false)
    }

    /// Hands each point of a scan to `body`, in index order, with only what a fit uses: index, r (ångström), state,
    /// energy (hartree), convergence and, for a polyatomic scan, coordinates.
    ///
    /// One query, read through SQLite's own calls (``PointRows``), and no ``ScanPoint``
    /// per point: a fit of a million points keeps only the arrays it fills.
    public func forEachPointForFitting(
        ofScan scanID: Int64,
        _ body: (_ index: Int, _ rAngstrom: Double, _ state: PointState, _ energyHartree: Double?, _ converged: Bool?, _ coordinates: [Double]?)
            -> Void
    ) throws(StoreError) {
        try read { db in
            try PointRows.forEach(ofScan: scanID, inState: nil, provenance: false, db: db) { row in
                body(row.index, row.rAngstrom, try row.state(), row.energyHartree, row.converged, try row.coordinates())
                return true
            }
        }
    }

    /// The state stored as the UTF-8 `text` (nil for NULL) of the point with row id `pointID`, or a corrupt-record error naming both.
    ///
    /// Matched on the bytes, by the first letter that tells pesscan's states
    /// apart, without making a `String` unless the state is none of them.
    static func pointState(_ text: UnsafeBufferPointer<UInt8>?, pointID: Int64) throws(StoreError) -> PointState {
        guard let text else { throw StoreError.corruptRecord("point \(pointID) has state NULL") }
        let (state, name): (PointState?, StaticString) = switch text.first {
        case UInt8(ascii: "p"): (.pending, "pending")
        case UInt8(ascii: "r"): (.running, "running")
        case UInt8(ascii: "d"): (.done, "done")
        case UInt8(ascii: "f"): (.failed, "failed")
        default: (nil, "")
        }
        if let state, name.withUTF8Buffer({ $0.elementsEqual(text) }) { return state }
        throw StoreError.corruptRecord("point \(pointID) has state \(String(decoding: text, as: UTF8.self))")
    }

    /// Points of a scan in index order, with their zone, host, timings, exit status, error and attempts when `provenance`.
    private func points(ofScan scanID: Int64, inState state: PointState?, provenance: Bool) throws(StoreError) -> [ScanPoint] {
        try read { db in
            var points: [ScanPoint] = []
            // Counted first (an index range, no row read): a million points land in one allocation, not twenty copies.
            let count = try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM point WHERE scan_id = ?" + (state.map { " AND " + Schema.inState($0) } ?? ""),
                arguments: [scanID])
            points.reserveCapacity(count ?? 0)
            try PointRows.forEachChunk(
                ofScan: scanID, inState: state, provenance: provenance, db: db, restart: { points.removeAll(keepingCapacity: true) }
            ) { chunk in
                for position in 0..<chunk.count { points.append(try chunk.point(at: position)) }
                return true
            }
            return points
        }
    }

    /// Hands a scan's points to `body` one at a time in index order and keeps none: a scan of any size is read in bounded memory.
    ///
    /// `body` returns false to stop. With `forFitting` the points carry only
    /// what ``pointsForFitting(ofScan:)`` reads. On a read-only store whose
    /// file a writer changed during the read, and for a scan whose rows are
    /// not in index order by row id (``PointRows``), the read is made again
    /// from the first point: `restart` runs before every pass, so that the
    /// caller can start what it makes of the points over.
    public func forEachPoint(
        ofScan scanID: Int64, forFitting: Bool = false, restart: () -> Void, _ body: (ScanPoint) -> Bool
    ) throws(StoreError) {
        try read { db in
            restart()
            try PointRows.forEachChunk(ofScan: scanID, inState: nil, provenance: !forFitting, db: db, restart: restart) { chunk in
                for position in 0..<chunk.count { guard body(try chunk.point(at: position)) else { return false } }
                return true
            }
        }
    }

    /// Hands a scan's point rows with every column to `body` in chunks, in index order, until it returns false; each chunk's rows become points when asked.
    ///
    /// What ``forEachPoint(ofScan:forFitting:restart:_:)`` reads, without
    /// making the points on the reading thread: a caller that reads on one
    /// thread and writes on another makes them where it writes. `restart` runs
    /// before every pass, as there.
    public func forEachPointChunk(ofScan scanID: Int64, restart: () -> Void, _ body: (PointRowChunk) -> Bool) throws(StoreError) {
        try read { db in
            restart()
            try PointRows.forEachChunk(ofScan: scanID, inState: nil, provenance: true, db: db, restart: restart, body)
        }
    }

    /// Point counts by state for one scan.
    public func stateCounts(ofScan scanID: Int64) throws(StoreError) -> StateCounts {
        try read { db in
            var counts = StateCounts()
            // One count per unfinished state, each a range of the covering index point_unfinished, and the done points
            // as the rest of the scan's count in UNIQUE (scan_id, idx): no table row is read (a GROUP BY over the
            // scan's rows took 0.68 s for 10⁶ points).
            func count(_ state: PointState) throws -> Int {
                try Int.fetchOne(
                    db.cachedStatement(sql: "SELECT COUNT(*) FROM point WHERE \(Schema.inState(state)) AND scan_id = ?"), arguments: [scanID]) ?? 0
            }
            counts.pending = try count(.pending)
            counts.running = try count(.running)
            counts.failed = try count(.failed)
            let all = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM point WHERE scan_id = ?", arguments: [scanID]) ?? 0
            counts.done = all - counts.pending - counts.running - counts.failed
            counts.unconverged = try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM point WHERE scan_id = ? AND \(Schema.inState(.done)) AND converged = 0", arguments: [scanID]) ?? 0
            return counts
        }
    }

    /// Every attempt of a scan's points, oldest first.
    public func attempts(ofScan scanID: Int64) throws(StoreError) -> [AttemptRecord] {
        try read { db in
            var attempts: [AttemptRecord] = []
            try Self.forEachAttempt(ofScan: scanID, db: db) { attempts.append($0); return true }
            return attempts
        }
    }

    /// Hands every attempt of a scan's points to `body` one at a time, oldest first, and keeps none.
    ///
    /// `body` returns false to stop; `restart` runs before every pass, as for ``forEachPoint(ofScan:forFitting:restart:_:)``.
    public func forEachAttempt(ofScan scanID: Int64, restart: () -> Void, _ body: (AttemptRecord) -> Bool) throws(StoreError) {
        try read { db in
            restart()
            try Self.forEachAttempt(ofScan: scanID, db: db, body)
        }
    }

    /// Reads a scan's attempts in id order from a cursor, columns taken by position.
    private static func forEachAttempt(ofScan scanID: Int64, db: Database, _ body: (AttemptRecord) -> Bool) throws {
        let scope = try attemptScope(ofScan: scanID, db: db)
        let cursor = try Row.fetchCursor(
            db,
            sql: """
                SELECT a.id, a.point_id, a.number, a.outcome, a.zone, a.host, a.owner, a.energy_hartree,
                       a.error, a.wall_seconds, a.exit_status, a.image, a.job_id, a.stderr_tail, a.engine_version,
                       a.started_at, a.finished_at
                FROM attempt a \(scope.sql) ORDER BY a.id
                """,
            arguments: scope.arguments)
        while let row = try cursor.next() {
            let id: Int64 = row[0]
            let attempt = AttemptRecord(
                id: id, pointID: row[1], number: row[2], outcome: try attemptState(row[3], attempt: id),
                zone: row[4], host: row[5], owner: row[6], energyHartree: row[7],
                error: row[8], wallSeconds: row[9], exitStatus: row[10],
                image: row[11], jobID: row[12], stderrTail: row[13], engineVersion: row[14],
                startedAt: (row[15] as Double?).map(Date.init(timeIntervalSince1970:)),
                finishedAt: (row[16] as Double?).map(Date.init(timeIntervalSince1970:)))
            guard body(attempt) else { return }
        }
    }

    /// The attempt state stored as `text`, or a corrupt-record error naming the attempt.
    static func attemptState(_ text: String, attempt: Int64) throws -> AttemptState {
        guard let state = AttemptState(rawValue: text) else {
            throw StoreError.corruptRecord("attempt \(attempt) has outcome \(text)")
        }
        return state
    }

    /// Returns the failed points of a scan to pending so that the next `collect` tries them again.
    @discardableResult
    public func resetFailedPoints(ofScan scanID: Int64) throws(StoreError) -> Int {
        try write { db in
            try db.execute(
                sql: "UPDATE point SET state = 'pending', error = NULL WHERE scan_id = ? AND \(Schema.inState(.failed))",
                arguments: [scanID])
            return db.changesCount
        }
    }

    /// A scan record whose bond lengths are read from its points: the point table is the one truth of a scan's geometry.
    static func scanRecord(from row: Row, db: Database) throws -> ScanRecord {
        var record = try storedScanRecord(from: row)
        let id = record.id
        if record.spec.geometry == nil {
            record.spec.bondLengthsAngstrom = try Double.fetchAll(
                db, sql: "SELECT r_angstrom FROM point WHERE scan_id = ? ORDER BY idx", arguments: [id])
        } else {
            let rows = try Row.fetchAll(db, sql: "SELECT id, r_angstrom, coordinates FROM point WHERE scan_id = ? ORDER BY idx", arguments: [id])
            record.spec.bondLengthsAngstrom = rows.map { $0["r_angstrom"] }
            record.spec.geometry?.pointCoordinates = try rows.map { row in try storedCoordinates(row) ?? [] }
        }
        return record
    }

    /// A scan record as the scan table stores it, without its points (``ScanSpec/withoutPoints``).
    static func storedScanRecord(from row: Row) throws -> ScanRecord {
        let id: Int64 = row["id"]
        return ScanRecord(id: id, spec: try decode(ScanSpec.self, from: row["spec_json"], what: "scan \(id)"), createdAtSeconds: row["created_at"])
    }

    /// The spec as stored: everything but the bond lengths, which live in the point table.
    static func storedSpecJSON(_ spec: ScanSpec) throws -> String {
        try encode(spec.withoutPoints)
    }

    /// A scan's attempts counted per zone by how they ended, zones in order of first use.
    public func attemptCountsByZone(ofScan scanID: Int64) throws(StoreError) -> [ZoneAttemptCounts] {
        try read { db in
            let scope = try Self.attemptScope(ofScan: scanID, db: db)
            return try Row.fetchAll(
                db,
                sql: """
                    SELECT a.zone, SUM(a.outcome = 'done') AS done, SUM(a.outcome = 'failed') AS failed,
                        SUM(a.outcome NOT IN ('done', 'failed')) AS other, MIN(a.id) AS first
                    FROM attempt a \(scope.sql)
                    GROUP BY a.zone ORDER BY first
                    """,
                arguments: scope.arguments
            ).map { row in ZoneAttemptCounts(zone: row["zone"], done: row["done"], failed: row["failed"], other: row["other"]) }
        }
    }

    /// Which rows of `attempt a` are a scan's, as SQL to follow `FROM attempt a`: a join with the points only when nothing cheaper is exact.
    ///
    /// Every attempt belongs to a point (foreign keys, deleted with it), so
    /// when the database holds this one scan, every attempt is its: no
    /// condition. A scan planned in one go has its point ids one after
    /// another; when they still form one range (count = last − first + 1), its
    /// attempts are those whose point id falls in it, read through the
    /// `attempt_by_point` index without a point row. Points added later
    /// (refine, import into a database with other scans) can break the range;
    /// then the attempts are joined with the scan's points. Over 10⁶ attempts
    /// the join took 1.5 s, the whole table 0.6 s.
    static func attemptScope(ofScan scanID: Int64, db: Database) throws -> (sql: String, arguments: StatementArguments) {
        let scanIDs = try Int64.fetchAll(db, sql: "SELECT id FROM scan LIMIT 2")
        if scanIDs == [scanID] { return ("", []) }
        if let range = try Row.fetchOne(db, sql: "SELECT MIN(id) AS first, MAX(id) AS last, COUNT(*) AS count FROM point WHERE scan_id = ?", arguments: [scanID]),
            let first: Int64 = range["first"], let last: Int64 = range["last"], last - first + 1 == range["count"] as Int64
        {
            return ("WHERE a.point_id BETWEEN ? AND ?", [first, last])
        }
        return ("JOIN point p ON p.id = a.point_id WHERE p.scan_id = ?", [scanID])
    }
}
