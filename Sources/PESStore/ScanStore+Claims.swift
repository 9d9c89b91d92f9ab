import Foundation
import GRDB
import PESCore

extension ScanStore {
    /// Atomically claims up to `limit` pending points of the given scans for one zone and opens an attempt for each.
    public func claimPendingPoints(
        ofScans scanIDs: [Int64], limit: Int, holder: LeaseHolder, zone: String, leaseSeconds: Double,
        nowSeconds: Double = Date().timeIntervalSince1970
    ) throws(StoreError) -> [ClaimedPoint] {
        try claimPendingPoints(
            [ClaimRequest(zone: zone, scanIDs: scanIDs, limit: limit)], holder: holder, leaseSeconds: leaseSeconds,
            nowSeconds: nowSeconds
        ).first ?? []
    }

    /// Atomically claims pending points for several zones in one immediate transaction, each request in turn.
    ///
    /// Two processes never claim the same point. Each claim opens an attempt
    /// and ties the point to it (`point.attempt_id`): only that attempt's
    /// result is ever accepted for the point. Points waiting out a retry
    /// back-off are skipped, and points whose last attempt ran in another zone
    /// come first, so a retry moves elsewhere. Once a request finds fewer
    /// points than it asked for, later requests for the same scans are not
    /// queried at all: one transaction serves any number of zones. The result
    /// holds one list per request, in order. `nowSeconds` (seconds since 1970)
    /// decides which back-offs are over; a caller with its own clock passes it.
    public func claimPendingPoints(
        _ requests: [ClaimRequest], holder: LeaseHolder, leaseSeconds: Double,
        nowSeconds: Double = Date().timeIntervalSince1970
    ) throws(StoreError) -> [[ClaimedPoint]] {
        let wanted = requests.filter { $0.limit > 0 && !$0.scanIDs.isEmpty }
        guard !wanted.isEmpty else { return requests.map { _ in [] } }
        let now = nowSeconds
        return try write { db in
            try Self.holdLease(holder, leaseSeconds: leaseSeconds, db: db)
            let open = try db.makeStatement(sql: """
                INSERT INTO attempt (point_id, number, owner, zone, host, engine, started_at) VALUES (?, ?, ?, ?, ?, ?, ?)
                """)
            // One statement claims the point and ties it to its attempt; the attempt is dropped if the point was not pending.
            let claim = try db.makeStatement(sql: """
                UPDATE point SET state = 'running', lease_token = ?, lease_host = ?, lease_pid = ?,
                    lease_expires_at = ?, attempt_count = attempt_count + 1, zone = ?, host = ?, started_at = ?,
                    error = NULL, attempt_id = ?
                WHERE id = ? AND state = 'pending'
                """)
            let unopen = try db.makeStatement(sql: "DELETE FROM attempt WHERE id = ?")
            var engines: [Int64: String] = [:]
            var exhaustedScanSets: Set<[Int64]> = []
            var results: [[ClaimedPoint]] = []
            for request in requests {
                let scanSet = request.scanIDs.sorted()
                guard request.limit > 0, !scanSet.isEmpty, !exhaustedScanSets.contains(scanSet) else {
                    results.append([])
                    continue
                }
                let candidates = try Self.claimCandidates(
                    db, scanSet: scanSet, zone: request.zone, limit: request.limit, nowSeconds: now)
                if candidates.count < request.limit { exhaustedScanSets.insert(scanSet) }
                var claimed: [ClaimedPoint] = []
                claimed.reserveCapacity(candidates.count)
                for candidate in candidates {
                    let (pointID, scanID, number) = (candidate.pointID, candidate.scanID, candidate.attemptCount + 1)
                    let engine = try engines[scanID]
                        ?? String.fetchOne(db, sql: "SELECT engine FROM scan WHERE id = ?", arguments: [scanID]) ?? ""
                    engines[scanID] = engine
                    try open.execute(arguments: [pointID, number, holder.token, request.zone, holder.host, engine, now])
                    let attemptID = db.lastInsertedRowID
                    try claim.execute(arguments: [
                        holder.token, holder.host, Int(holder.pid), now + leaseSeconds, request.zone, holder.host, now, attemptID,
                        pointID,
                    ])
                    guard db.changesCount == 1 else {
                        try unopen.execute(arguments: [attemptID])
                        continue
                    }
                    claimed.append(candidate.claimed(attemptID: attemptID))
                }
                results.append(claimed)
            }
            return results
        }
    }

    /// Records finished attempts and their points' results in one transaction.
    ///
    /// A result becomes the point's only when its attempt still holds the
    /// point's claim: the point is running, tied to this very attempt, and
    /// leased by this holder (or handed to the batch job that reported it).
    /// Any other result is stale (its lease expired and the point was taken
    /// over, the scan was replaced, another collect harvested the job first):
    /// the attempt is closed as `abandoned` with its energy kept for
    /// provenance, and the point is left as it is. The ids of those attempts
    /// are returned.
    @discardableResult
    public func recordAttempts(_ reports: [AttemptReport], holder: LeaseHolder) throws(StoreError) -> [Int64] {
        guard !reports.isEmpty else { return [] }
        return try write { db in
            let closeAttempt = try db.makeStatement(sql: """
                UPDATE attempt SET outcome = ?, started_at = ?, finished_at = ?, wall_seconds = ?, energy_hartree = ?,
                    converged = ?, exit_status = ?, error = ?, stderr_tail = ?, job_id = ?, engine_version = ?, zone = ?,
                    host = ?, image = ?, launch_failure = ?
                WHERE id = ? AND outcome IN ('running', 'abandoned', 'released')
                """)
            let finishPoint = try db.makeStatement(sql: """
                UPDATE point SET \(Self.finishedPointAssignments)
                WHERE id = ? AND state = 'running' AND attempt_id = ?
                  AND (lease_token = ? OR (batch_job IS NOT NULL AND batch_job = ?))
                """)
            var stale: [Int64] = []
            for report in reports {
                let stored = StoredResult(report)
                try finishPoint.execute(arguments: stored.pointArguments(report) + [report.pointID, report.attemptID, holder.token, report.jobID])
                let current = db.changesCount == 1
                if !current { stale.append(report.attemptID) }
                let staleNote = "result arrived after this attempt had lost the point's claim (lease expired and taken over, "
                    + "scan replaced, or harvested by another collect); kept for provenance, not used as the point's result"
                try closeAttempt.execute(arguments: [
                    current ? stored.outcome : "abandoned", report.startedAtSeconds, report.finishedAtSeconds, stored.wallSeconds,
                    stored.energyHartree, stored.converged, report.exitStatus,
                    current ? stored.error : [stored.error, staleNote].compactMap { $0 }.joined(separator: "; "),
                    report.stderrTail, report.jobID, report.engineVersion, report.zone, report.host, report.image,
                    report.launchFailure ? 1 : 0, report.attemptID,
                ])
            }
            return stale
        }
    }

    /// Returns this holder's running points to pending at the end of its run, closing their attempts as released with `reason`.
    ///
    /// The holder's lease row goes too: nothing is left for another collect to watch.
    @discardableResult
    public func releaseRunningPoints(of holder: LeaseHolder, reason: String) throws(StoreError) -> Int {
        let now = Date().timeIntervalSince1970
        return try write { db in
            try db.execute(
                sql: """
                    UPDATE attempt SET outcome = 'released', finished_at = ?, wall_seconds = ? - started_at, error = ?
                    WHERE owner = ? AND outcome = 'running' AND job_id IS NULL
                    """,
                arguments: [now, now, reason, holder.token])
            try db.execute(
                sql: "UPDATE point SET \(Self.backToPending) WHERE \(Schema.inState(.running)) AND lease_token = ?",
                arguments: [holder.token])
            let released = db.changesCount
            try db.execute(sql: "DELETE FROM lease WHERE token = ?", arguments: [holder.token])
            return released
        }
    }

    /// Returns claimed points that never started to pending, closing their attempts as released with `reason`.
    ///
    /// Only points this holder still leases are returned; the count of those is the result.
    @discardableResult
    public func releaseClaims(_ points: [ClaimedPoint], holder: LeaseHolder, reason: String) throws(StoreError) -> Int {
        guard !points.isEmpty else { return 0 }
        let now = Date().timeIntervalSince1970
        return try write { db in
            let closeAttempt = try db.makeStatement(sql: """
                UPDATE attempt SET outcome = 'released', finished_at = ?, wall_seconds = 0, error = ?
                WHERE id = ? AND outcome = 'running'
                """)
            let release = try db.makeStatement(sql: """
                UPDATE point SET \(Self.backToPending) WHERE id = ? AND state = 'running' AND lease_token = ? AND attempt_id = ?
                """)
            var released = 0
            for point in points {
                try closeAttempt.execute(arguments: [now, reason, point.attemptID])
                try release.execute(arguments: [point.pointID, holder.token, point.attemptID])
                released += db.changesCount
            }
            return released
        }
    }

    /// Extends the leases of this holder's running points to `seconds` from now and moves its heartbeat on.
    ///
    /// Returns how many running points the holder still leases: fewer than it
    /// runs means another collect judged it gone and took some over.
    @discardableResult
    public func renewLeases(of holder: LeaseHolder, forSeconds seconds: Double) throws(StoreError) -> Int {
        let until = Date().timeIntervalSince1970 + seconds
        return try write { db in
            try Self.holdLease(holder, leaseSeconds: seconds, db: db)
            try db.execute(
                sql: "UPDATE point SET lease_expires_at = ? WHERE \(Schema.inState(.running)) AND lease_token = ?",
                arguments: [until, holder.token])
            return db.changesCount
        }
    }

    /// Every other holder's lease on running points, with its heartbeat, for a ``LeaseVerdict`` to judge.
    public func foreignLeases(excluding holder: LeaseHolder) throws(StoreError) -> [ForeignLease] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT p.lease_token, MAX(p.lease_host) AS host, MAX(p.lease_pid) AS pid,
                        MAX(p.lease_expires_at) AS expires, COUNT(*) AS points, l.beat, l.lease_seconds
                    FROM point p LEFT JOIN lease l ON l.token = p.lease_token
                    WHERE \(Schema.inState(.running, alias: "p")) AND p.lease_token IS NOT NULL AND p.lease_token != ?
                    GROUP BY p.lease_token
                    """,
                arguments: [holder.token]
            ).map { row in
                ForeignLease(
                    token: row["lease_token"], host: row["host"], pid: (row["pid"] as Int?).map { Int32(truncatingIfNeeded: $0) },
                    expiresAtSeconds: row["expires"] ?? 0, leaseSeconds: row["lease_seconds"], beat: row["beat"],
                    runningPoints: row["points"])
            }
        }
    }

    /// Returns to pending every running point held under a lease judged gone, closing its open attempts as abandoned with the reason.
    ///
    /// A lease whose heartbeat moved since it was judged is left alone: its
    /// holder renewed in between. A point left running without any lease (a
    /// hand-edited database) is also returned.
    @discardableResult
    public func reclaimLeases(_ verdicts: [(lease: ForeignLease, reason: String)]) throws(StoreError) -> Int {
        let now = Date().timeIntervalSince1970
        return try write { db in
            var reclaimed = 0
            for (lease, reason) in verdicts {
                let beat = try Int.fetchOne(db, sql: "SELECT beat FROM lease WHERE token = ?", arguments: [lease.token])
                guard beat == lease.beat else { continue }
                let verdict = (token: lease.token, reason: reason)
                try db.execute(
                    sql: """
                        UPDATE attempt SET outcome = 'abandoned', finished_at = ?, wall_seconds = ? - started_at, error = ?
                        WHERE owner = ? AND outcome = 'running' AND job_id IS NULL
                        """,
                    arguments: [now, now, verdict.reason, verdict.token])
                try db.execute(
                    sql: "UPDATE point SET \(Self.backToPending) WHERE \(Schema.inState(.running)) AND lease_token = ?",
                    arguments: [verdict.token])
                reclaimed += db.changesCount
                try db.execute(sql: "DELETE FROM lease WHERE token = ?", arguments: [verdict.token])
            }
            try db.execute(
                sql: """
                    UPDATE point SET state = 'pending', attempt_id = NULL
                    WHERE \(Schema.inState(.running)) AND lease_token IS NULL AND batch_job IS NULL
                    """)
            return reclaimed + db.changesCount
        }
    }

    /// Up to `limit` claimable points of these scans, those last tried in another zone (or never) first, then by scan and index.
    ///
    /// Two queries, each walking the `point_unfinished` index in order and
    /// stopping at `limit`: one ORDER BY on the zone test would sort every
    /// pending point on every claim, a cost that grows with the scan. Failed
    /// attempts are counted only for points tried before.
    static func claimCandidates(
        _ db: Database, scanSet: [Int64], zone: String, limit: Int, nowSeconds: Double
    ) throws -> [ClaimCandidate] {
        let placeholders = scanSet.map { _ in "?" }.joined(separator: ", ")
        func query(zoneTest: String, limit: Int) throws -> [ClaimCandidate] {
            let statement = try db.cachedStatement(
                sql: """
                    SELECT \(ClaimCandidate.columns)
                    FROM point INDEXED BY point_unfinished
                    WHERE \(Schema.inState(.pending)) AND scan_id IN (\(placeholders))
                      AND (retry_after IS NULL OR retry_after <= ?) AND \(zoneTest)
                    ORDER BY scan_id, idx LIMIT ?
                    """)
            try statement.setArguments(StatementArguments(scanSet) + [nowSeconds, zone, limit])
            var candidates: [ClaimCandidate] = []
            candidates.reserveCapacity(limit)
            try db.forEachRow(of: statement) { handle in
                candidates.append(try ClaimCandidate(handle: handle))
                return true
            }
            return candidates
        }
        let elsewhere = try query(zoneTest: "NOT (zone IS NOT NULL AND zone = ?)", limit: limit)
        guard elsewhere.count < limit else { return elsewhere }
        return elsewhere + (try query(zoneTest: "zone IS NOT NULL AND zone = ?", limit: limit - elsewhere.count))
    }

    /// The assignments that give a point its finished attempt's result and release it, bound to ``StoredResult/pointArguments(_:)``.
    static let finishedPointAssignments = """
        state = ?, energy_hartree = ?, converged = ?, zone = ?, host = ?, job_id = ?, started_at = ?, finished_at = ?,
        wall_seconds = ?, exit_status = ?, error = ?, retry_after = ?, lease_token = NULL, lease_host = NULL, lease_pid = NULL,
        lease_expires_at = NULL, batch_job = NULL, attempt_id = NULL
        """

    /// The assignments that return a leased point to pending and untie it from its attempt.
    static let backToPending = "state = 'pending', lease_token = NULL, lease_host = NULL, lease_pid = NULL, lease_expires_at = NULL, attempt_id = NULL"

    /// Writes or refreshes the holder's lease row, moving its heartbeat on by one.
    static func holdLease(_ holder: LeaseHolder, leaseSeconds: Double, db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO lease (token, host, pid, lease_seconds, beat) VALUES (?, ?, ?, ?, 1)
                ON CONFLICT (token) DO UPDATE SET beat = beat + 1, lease_seconds = excluded.lease_seconds
                """,
            arguments: [holder.token, holder.host, Int(holder.pid), leaseSeconds])
    }

    /// The earliest time after `nowSeconds`, seconds since 1970, at which a pending point of these scans waiting out a back-off may run.
    public func nextRetryTime(
        ofScans scanIDs: [Int64], nowSeconds: Double = Date().timeIntervalSince1970
    ) throws(StoreError) -> Double? {
        guard !scanIDs.isEmpty else { return nil }
        let placeholders = scanIDs.map { _ in "?" }.joined(separator: ", ")
        return try read { db in
            try Double.fetchOne(
                db,
                sql: """
                    SELECT MIN(retry_after) FROM point
                    WHERE \(Schema.inState(.pending)) AND retry_after > ? AND scan_id IN (\(placeholders))
                    """,
                arguments: [nowSeconds] + StatementArguments(scanIDs))
        }
    }
}
