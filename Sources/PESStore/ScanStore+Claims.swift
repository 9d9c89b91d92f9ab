import Foundation
import GRDB
import PESCore

extension ScanStore {
    /// Atomically claims up to `limit` pending points of the given scans and opens an attempt for each.
    ///
    /// The claim and the attempt rows are written in one immediate
    /// transaction, so two processes never claim the same point. Points
    /// waiting out a retry back-off are skipped, and points whose last attempt
    /// ran in another zone come first, so a retry moves elsewhere.
    public func claimPendingPoints(
        ofScans scanIDs: [Int64], limit: Int, holder: LeaseHolder, zone: String, leaseSeconds: Double
    ) throws(StoreError) -> [ClaimedPoint] {
        guard limit > 0, !scanIDs.isEmpty else { return [] }
        let now = Date().timeIntervalSince1970
        return try write { db in
            let placeholders = scanIDs.map { _ in "?" }.joined(separator: ", ")
            let candidates = try Row.fetchAll(
                db,
                sql: """
                    SELECT id, scan_id, idx, r_angstrom, attempt_count,
                        (SELECT COUNT(*) FROM attempt WHERE attempt.point_id = point.id AND outcome = 'failed') AS failures
                    FROM point
                    WHERE state = 'pending' AND scan_id IN (\(placeholders))
                      AND (retry_after IS NULL OR retry_after <= ?)
                    ORDER BY (zone IS NOT NULL AND zone = ?), scan_id, idx LIMIT ?
                    """,
                arguments: StatementArguments(scanIDs) + [now, zone, limit])
            let claim = try db.makeStatement(sql: """
                UPDATE point SET state = 'running', lease_token = ?, lease_host = ?, lease_pid = ?,
                    lease_expires_at = ?, attempt_count = attempt_count + 1, zone = ?, host = ?, started_at = ?,
                    error = NULL
                WHERE id = ? AND state = 'pending'
                """)
            let open = try db.makeStatement(sql: """
                INSERT INTO attempt (point_id, number, owner, zone, host, engine, started_at)
                SELECT ?, ?, ?, ?, ?, engine, ? FROM scan WHERE id = ?
                """)
            var claimed: [ClaimedPoint] = []
            for row in candidates {
                let pointID: Int64 = row["id"]
                try claim.execute(arguments: [
                    holder.token, holder.host, Int(holder.pid), now + leaseSeconds, zone, holder.host, now, pointID,
                ])
                guard db.changesCount == 1 else { continue }
                let number = (row["attempt_count"] as Int) + 1
                try open.execute(arguments: [pointID, number, holder.token, zone, holder.host, now, row["scan_id"] as Int64])
                claimed.append(
                    ClaimedPoint(
                        scanID: row["scan_id"], pointID: pointID, index: row["idx"], rAngstrom: row["r_angstrom"],
                        attemptID: db.lastInsertedRowID, attemptNumber: number, failedAttempts: row["failures"]))
            }
            return claimed
        }
    }

    /// Records finished attempts and their points' results in one transaction.
    ///
    /// A point is updated only while this holder still owns its lease, or
    /// when the lease was reclaimed and the point waits again as pending.
    public func recordAttempts(_ reports: [AttemptReport], holder: LeaseHolder) throws(StoreError) {
        guard !reports.isEmpty else { return }
        try write { db in
            let closeAttempt = try db.makeStatement(sql: """
                UPDATE attempt SET outcome = ?, started_at = ?, finished_at = ?, wall_seconds = ?, energy_hartree = ?,
                    converged = ?, exit_status = ?, error = ?, stderr_tail = ?, job_id = ?, engine_version = ?, zone = ?,
                    host = ?, image = ?, launch_failure = ?
                WHERE id = ?
                """)
            let finishPoint = try db.makeStatement(sql: """
                UPDATE point SET state = ?, energy_hartree = ?, converged = ?, zone = ?, host = ?, job_id = ?,
                    started_at = ?, finished_at = ?, wall_seconds = ?, exit_status = ?, error = ?, retry_after = ?,
                    lease_token = NULL, lease_host = NULL, lease_pid = NULL, lease_expires_at = NULL, batch_job = NULL
                WHERE id = ? AND ((state = 'running' AND lease_token = ?) OR (state = 'running' AND batch_job = ?)
                                  OR (state = 'pending' AND batch_job IS NULL))
                """)
            for report in reports {
                let wall = max(0, report.finishedAtSeconds - report.startedAtSeconds)
                let state: String, energy: Double?, converged: Int?, error: String?
                switch report.outcome {
                case .done(let e, let c):
                    (state, energy, converged, error) = ("done", e, c ? 1 : 0, nil)
                case .failed(let reason):
                    (state, energy, converged, error) = ("failed", nil, nil, reason)
                }
                // A failure with a retry time waits again as pending; its error stays on the point meanwhile.
                let pointState = state == "failed" && report.retryAfterSeconds != nil ? "pending" : state
                try finishPoint.execute(arguments: [
                    pointState, energy, converged, report.zone, report.host, report.jobID, report.startedAtSeconds,
                    report.finishedAtSeconds, wall, report.exitStatus, error, report.retryAfterSeconds, report.pointID,
                    holder.token, report.jobID,
                ])
                // A batch job harvested by another collect first is left as that one recorded it.
                if report.jobID != nil, db.changesCount == 0 { continue }
                try closeAttempt.execute(arguments: [
                    state, report.startedAtSeconds, report.finishedAtSeconds, wall, energy, converged, report.exitStatus, error,
                    report.stderrTail, report.jobID, report.engineVersion, report.zone, report.host, report.image,
                    report.launchFailure ? 1 : 0, report.attemptID,
                ])
            }
        }
    }

    /// Returns this holder's running points to pending, closing their attempts as released with `reason`.
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
                sql: """
                    UPDATE point SET state = 'pending', lease_token = NULL, lease_host = NULL, lease_pid = NULL,
                        lease_expires_at = NULL
                    WHERE state = 'running' AND lease_token = ?
                    """,
                arguments: [holder.token])
            return db.changesCount
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
                UPDATE point SET state = 'pending', lease_token = NULL, lease_host = NULL, lease_pid = NULL,
                    lease_expires_at = NULL
                WHERE id = ? AND state = 'running' AND lease_token = ?
                """)
            var released = 0
            for point in points {
                try closeAttempt.execute(arguments: [now, reason, point.attemptID])
                try release.execute(arguments: [point.pointID, holder.token])
                released += db.changesCount
            }
            return released
        }
    }

    /// Extends the leases of this holder's running points to `seconds` from now.
    public func renewLeases(of holder: LeaseHolder, forSeconds seconds: Double) throws(StoreError) {
        let until = Date().timeIntervalSince1970 + seconds
        try write { db in
            try db.execute(
                sql: "UPDATE point SET lease_expires_at = ? WHERE state = 'running' AND lease_token = ?",
                arguments: [until, holder.token])
        }
    }

    /// Returns to pending every running point whose coordinator is gone: its lease expired, or it ran on this host and its process no longer exists.
    ///
    /// Their open attempts are closed as abandoned, so the history keeps them.
    @discardableResult
    public func reclaimStaleLeases(
        localHost: String, excluding holder: LeaseHolder, isProcessAlive: (Int32) -> Bool
    ) throws(StoreError) -> Int {
        let now = Date().timeIntervalSince1970
        return try write { db in
            let leases = try Row.fetchAll(
                db,
                sql: """
                    SELECT DISTINCT lease_token, lease_host, lease_pid, lease_expires_at FROM point
                    WHERE state = 'running' AND lease_token IS NOT NULL AND lease_token != ?
                    """,
                arguments: [holder.token])
            var reclaimed = 0
            for lease in leases {
                let token: String = lease["lease_token"]
                let host: String? = lease["lease_host"]
                let pid: Int? = lease["lease_pid"]
                let expires: Double? = lease["lease_expires_at"]
                let expired = (expires ?? 0) < now
                let deadHere = host == localHost && pid.map { !isProcessAlive(Int32(truncatingIfNeeded: $0)) } == true
                guard expired || deadHere else { continue }
                let why = deadHere
                    ? "collect process \(pid ?? 0) on \(host ?? "?") ended before finishing; point returned to pending"
                    : "lease of collect on \(host ?? "?") expired; point returned to pending"
                try db.execute(
                    sql: """
                        UPDATE attempt SET outcome = 'abandoned', finished_at = ?, wall_seconds = ? - started_at, error = ?
                        WHERE owner = ? AND outcome = 'running' AND job_id IS NULL
                        """,
                    arguments: [now, now, why, token])
                try db.execute(
                    sql: """
                        UPDATE point SET state = 'pending', lease_token = NULL, lease_host = NULL, lease_pid = NULL,
                            lease_expires_at = NULL
                        WHERE state = 'running' AND lease_token = ?
                        """,
                    arguments: [token])
                reclaimed += db.changesCount
            }
            // A point left running without any lease (hand-edited database) is also returned.
            try db.execute(
                sql: "UPDATE point SET state = 'pending' WHERE state = 'running' AND lease_token IS NULL AND batch_job IS NULL")
            return reclaimed + db.changesCount
        }
    }

    /// The earliest future time, seconds since 1970, at which a pending point of these scans waiting out a back-off may run.
    public func nextRetryTime(ofScans scanIDs: [Int64]) throws(StoreError) -> Double? {
        guard !scanIDs.isEmpty else { return nil }
        let placeholders = scanIDs.map { _ in "?" }.joined(separator: ", ")
        return try read { db in
            try Double.fetchOne(
                db,
                sql: "SELECT MIN(retry_after) FROM point WHERE state = 'pending' AND retry_after > ? AND scan_id IN (\(placeholders))",
                arguments: [Date().timeIntervalSince1970] + StatementArguments(scanIDs))
        }
    }
}
