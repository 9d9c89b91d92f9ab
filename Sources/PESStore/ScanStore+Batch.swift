import Foundation
import GRDB
import PESCore

/// A point whose attempt runs as a batch job, waiting to be harvested.
public struct SubmittedPoint: Sendable, Hashable {
    /// The point and the attempt the job runs.
    public var claim: ClaimedPoint
    /// Zone the job was submitted to.
    public var zone: String
    /// Batch job id, `<array job>_<task>` for array tasks.
    public var jobID: String
    /// When the job was submitted, seconds since 1970.
    public var submittedAtSeconds: Double
}

extension ScanStore {
    /// Hands claimed points to batch jobs: the points leave this process's lease and wait, running, for any `collect` to harvest them.
    public func markSubmitted(_ jobs: [(attemptID: Int64, pointID: Int64, jobID: String)], holder: LeaseHolder) throws(StoreError) {
        guard !jobs.isEmpty else { return }
        try write { db in
            for job in jobs {
                try db.execute(
                    sql: """
                        UPDATE point SET batch_job = ?, job_id = ?, lease_token = NULL, lease_host = NULL, lease_pid = NULL,
                            lease_expires_at = NULL
                        WHERE id = ? AND state = 'running' AND lease_token = ?
                        """,
                    arguments: [job.jobID, job.jobID, job.pointID, holder.token])
                try db.execute(sql: "UPDATE attempt SET job_id = ? WHERE id = ?", arguments: [job.jobID, job.attemptID])
            }
        }
    }

    /// Points of these scans whose batch jobs have not been harvested yet, in the given zones (all zones when nil).
    public func submittedPoints(ofScans scanIDs: [Int64], zones: [String]? = nil) throws(StoreError) -> [SubmittedPoint] {
        guard !scanIDs.isEmpty else { return [] }
        let placeholders = scanIDs.map { _ in "?" }.joined(separator: ", ")
        return try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT p.scan_id, p.id, p.idx, p.r_angstrom, p.coordinates, p.batch_job, a.id AS attempt_id, a.number, a.zone, a.started_at,
                        (SELECT COUNT(*) FROM attempt f WHERE f.point_id = p.id AND f.outcome = 'failed') AS failures
                    FROM point p JOIN attempt a ON a.point_id = p.id AND a.job_id = p.batch_job AND a.outcome = 'running'
                    WHERE \(Schema.inState(.running, alias: "p")) AND p.batch_job IS NOT NULL AND p.scan_id IN (\(placeholders))
                    ORDER BY p.scan_id, p.idx
                    """,
                arguments: StatementArguments(scanIDs)
            ).compactMap { row throws -> SubmittedPoint? in
                let zone: String = row["zone"]
                if let zones, !zones.contains(zone) { return nil }
                let claim = ClaimedPoint(
                    scanID: row["scan_id"], pointID: row["id"], index: row["idx"], rAngstrom: row["r_angstrom"],
                    attemptID: row["attempt_id"], attemptNumber: row["number"], failedAttempts: row["failures"],
                    coordinates: try Self.storedCoordinates(row))
                return SubmittedPoint(claim: claim, zone: zone, jobID: row["batch_job"], submittedAtSeconds: row["started_at"])
            }
        }
    }

    /// Returns batch points to pending (after their jobs were cancelled), closing their attempts as released with `reason`.
    @discardableResult
    public func releaseSubmittedPoints(_ points: [SubmittedPoint], reason: String) throws(StoreError) -> Int {
        let now = Date().timeIntervalSince1970
        return try write { db in
            var released = 0
            for point in points {
                try db.execute(
                    sql: "UPDATE point SET state = 'pending', batch_job = NULL, attempt_id = NULL WHERE id = ? AND state = 'running' AND batch_job = ?",
                    arguments: [point.claim.pointID, point.jobID])
                guard db.changesCount == 1 else { continue }
                released += 1
                try db.execute(
                    sql: """
                        UPDATE attempt SET outcome = 'released', finished_at = ?, wall_seconds = ? - started_at, error = ?
                        WHERE id = ? AND outcome = 'running'
                        """,
                    arguments: [now, now, reason, point.claim.attemptID])
            }
            return released
        }
    }
}
