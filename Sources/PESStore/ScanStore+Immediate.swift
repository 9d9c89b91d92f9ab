import GRDB

extension ScanStore {
    /// Claims up to `request.limit` pending points, has `compute` finish each at once, and records every attempt and result, in one transaction.
    ///
    /// For engines that compute in this process without waiting. No point is
    /// ever left running, so there is no lease to hold or renew, and a kill
    /// before the commit leaves the whole batch pending as it was. Points are
    /// chosen as ``claimPendingPoints(_:holder:leaseSeconds:nowSeconds:)``
    /// chooses them, and each gets one attempt row with its outcome, as a
    /// claimed and recorded point does. `compute` is handed each claimed point
    /// with the id its attempt will have and returns the attempt's report (a
    /// failure with a retry time goes back to pending). The reports are
    /// returned in the order computed.
    public func claimComputeAndRecord(
        _ request: ClaimRequest, holder: LeaseHolder, nowSeconds: Double, compute: (ClaimedPoint) -> AttemptReport
    ) throws(StoreError) -> [AttemptReport] {
        guard request.limit > 0, !request.scanIDs.isEmpty else { return [] }
        return try write { db in
            let candidates = try Self.claimCandidates(
                db, scanSet: request.scanIDs.sorted(), zone: request.zone, limit: request.limit, nowSeconds: nowSeconds)
            guard !candidates.isEmpty else { return [] }
            // Attempt ids are handed out here, after the largest ever used (AUTOINCREMENT's rule), so compute can know its own.
            var nextAttemptID = try Int64.fetchOne(db, sql: """
                SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'attempt'), 0),
                           COALESCE((SELECT MAX(id) FROM attempt), 0)) + 1
                """) ?? 1
            // The results go to a temporary table first, then into point and attempt with one statement each: a
            // statement per row costs SQLite two to three times as much (its cursors are opened and closed per execution).
            try db.execute(sql: Self.immediateResultTable)
            var results = BulkInsert(db, table: "temp.immediate_result", columns: [
                "point_id", "attempt_id", "number", "point_state", "outcome", "energy_hartree", "converged", "zone", "host",
                "job_id", "engine", "engine_version", "started_at", "finished_at", "wall_seconds", "exit_status", "error", "stderr_tail",
                "image", "launch_failure", "retry_after",
            ])
            var engines: [Int64: String] = [:]
            var reports: [AttemptReport] = []
            reports.reserveCapacity(candidates.count)
            for candidate in candidates {
                let scanID = candidate.scanID
                let engine = try engines[scanID]
                    ?? String.fetchOne(db, sql: "SELECT engine FROM scan WHERE id = ?", arguments: [scanID]) ?? ""
                engines[scanID] = engine
                let point = candidate.claimed(attemptID: nextAttemptID)
                nextAttemptID += 1
                let report = compute(point)
                let stored = StoredResult(report)
                try results.append(
                    point.pointID.databaseValue, point.attemptID.databaseValue, point.attemptNumber.databaseValue,
                    stored.pointState.databaseValue, stored.outcome.databaseValue, stored.energyHartree.databaseValue,
                    stored.converged.databaseValue, report.zone.databaseValue, report.host.databaseValue,
                    report.jobID.databaseValue, engine.databaseValue, report.engineVersion.databaseValue, report.startedAtSeconds.databaseValue,
                    report.finishedAtSeconds.databaseValue, stored.wallSeconds.databaseValue, report.exitStatus.databaseValue,
                    stored.error.databaseValue, report.stderrTail.databaseValue, report.image.databaseValue,
                    (report.launchFailure ? 1 : 0).databaseValue, report.retryAfterSeconds.databaseValue)
                reports.append(report)
            }
            try results.finish()
            // Each point is found by its id from the batch's rows ("+state" keeps SQLite from walking every pending point
            // in point_unfinished instead: an UPDATE … FROM or an indexed state test made a batch cost the whole scan).
            try db.execute(sql: """
                UPDATE point SET (state, energy_hartree, converged, zone, host, job_id, started_at, finished_at, wall_seconds,
                        exit_status, error, retry_after) =
                    (SELECT r.point_state, r.energy_hartree, r.converged, r.zone, r.host, r.job_id, r.started_at, r.finished_at,
                        r.wall_seconds, r.exit_status, r.error, r.retry_after
                     FROM temp.immediate_result r WHERE r.point_id = point.id),
                    attempt_count = attempt_count + 1
                WHERE point.id IN (SELECT point_id FROM temp.immediate_result) AND +point.state = 'pending'
                """)
            guard db.changesCount == reports.count else {
                throw StoreError.corruptRecord("\(reports.count - db.changesCount) claimed points stopped being pending inside their own claim")
            }
            try db.execute(
                sql: """
                    INSERT INTO attempt (id, point_id, number, owner, zone, host, job_id, engine, engine_version, started_at,
                        finished_at, wall_seconds, outcome, energy_hartree, converged, exit_status, error, stderr_tail, image,
                        launch_failure)
                    SELECT attempt_id, point_id, number, ?, zone, host, job_id, engine, engine_version, started_at, finished_at,
                        wall_seconds, outcome, energy_hartree, converged, exit_status, error, stderr_tail, image, launch_failure
                    FROM temp.immediate_result ORDER BY attempt_id
                    """,
                arguments: [holder.token])
            try db.execute(sql: "DELETE FROM temp.immediate_result")
            return reports
        }
    }

    /// The temporary table a batch computed at once passes its results through, made once per connection.
    static let immediateResultTable = """
        CREATE TEMP TABLE IF NOT EXISTS immediate_result (
            point_id INTEGER PRIMARY KEY, attempt_id INTEGER NOT NULL, number INTEGER NOT NULL, point_state TEXT NOT NULL,
            outcome TEXT NOT NULL, energy_hartree REAL, converged INTEGER, zone TEXT NOT NULL, host TEXT NOT NULL, job_id TEXT,
            engine TEXT NOT NULL, engine_version TEXT, started_at REAL NOT NULL, finished_at REAL NOT NULL, wall_seconds REAL NOT NULL,
            exit_status INTEGER, error TEXT, stderr_tail TEXT, image TEXT, launch_failure INTEGER NOT NULL, retry_after REAL
        )
        """
}
