import Foundation
import PESCore
import PESStore
import PESTestSupport
import Testing

/// Points claimed, computed and recorded in one transaction, and points written many rows per statement.
@Suite("Claim, compute and record at once; bulk inserts")
struct ImmediateClaimTests {
    /// The report of an attempt computed at once: done with energy −r, or failed with a retry time when `retryAt` is given.
    private func report(_ point: ClaimedPoint, failing: Bool = false, retryAt: Double? = nil) -> AttemptReport {
        AttemptReport(
            attemptID: point.attemptID, pointID: point.pointID,
            outcome: failing ? .failed(reason: "injected at #\(point.index)") : .done(energyHartree: -point.rAngstrom, converged: true),
            zone: "local", host: "h", engineVersion: "pesscan-morse-1", startedAtSeconds: 100, finishedAtSeconds: 100.25,
            retryAfterSeconds: retryAt)
    }

    @Test("a batch is claimed, computed and recorded in one go: states, energies, one attempt each with the ids compute was given")
    func batchRecorded() throws {
        let store = try makeStore()
        let scan = try store.createScan(try h2Spec(points: 5))
        let me = holder("A")
        var given: [Int64] = []
        let reports = try store.claimComputeAndRecord(
            ClaimRequest(zone: "local", scanIDs: [scan.id], limit: 3), holder: me, nowSeconds: 100
        ) { point in
            given.append(point.attemptID)
            #expect(point.attemptNumber == 1 && point.failedAttempts == 0)
            return report(point, failing: point.index == 1, retryAt: point.index == 1 ? 200 : nil)
        }
        #expect(reports.count == 3)
        let points = try store.points(ofScan: scan.id)
        #expect(points.map(\.state) == [.done, .pending, .done, .pending, .pending])
        #expect(points[0].energyHartree == -scan.spec.bondLengthsAngstrom[0])
        #expect(points[0].wallSeconds == 0.25 && points[0].zone == "local" && points[0].host == "h" && points[0].attemptCount == 1)
        // The failure waits out its back-off as pending, its error on the point meanwhile.
        #expect(points[1].error == "injected at #1" && points[1].attemptCount == 1)
        let attempts = try store.attempts(ofScan: scan.id)
        #expect(attempts.map(\.id) == given)
        #expect(attempts.map(\.outcome) == [.done, .failed, .done])
        #expect(attempts.allSatisfy { $0.owner == "A" && $0.zone == "local" && $0.engineVersion == "pesscan-morse-1" })
        #expect(attempts[0].energyHartree == points[0].energyHartree)
        #expect(try store.stateCounts(ofScan: scan.id).running == 0)

        // Before the back-off ends only the two fresh points are taken; after it, the retry is attempt 2 with 1 failure.
        let early = try store.claimComputeAndRecord(
            ClaimRequest(zone: "local", scanIDs: [scan.id], limit: 10), holder: me, nowSeconds: 150
        ) { report($0) }
        #expect(early.count == 2)
        var retried: ClaimedPoint?
        let late = try store.claimComputeAndRecord(
            ClaimRequest(zone: "local", scanIDs: [scan.id], limit: 10), holder: me, nowSeconds: 250
        ) { point in
            retried = point
            return report(point)
        }
        #expect(late.count == 1 && retried?.index == 1 && retried?.attemptNumber == 2 && retried?.failedAttempts == 1)
        #expect(try store.stateCounts(ofScan: scan.id).done == 5)
        #expect(try store.attempts(ofScan: scan.id).count == 6)
        #expect(try store.integrityCheck() == "ok")
    }

    @Test("attempt ids handed out at once are never reused, even after the attempts with the largest ids are deleted")
    func attemptIDsNeverReused() throws {
        let store = try makeStore()
        let first = try store.createScan(try h2Spec(name: "first", points: 4))
        let me = holder("A")
        let old = try store.claimComputeAndRecord(
            ClaimRequest(zone: "local", scanIDs: [first.id], limit: 10), holder: me, nowSeconds: 100
        ) { report($0) }.map(\.attemptID)
        _ = try store.deleteScan(named: "first")
        let second = try store.createScan(try h2Spec(name: "second", points: 2))
        let claimed = try store.claimPendingPoints(ofScans: [second.id], limit: 1, holder: me, zone: "local", leaseSeconds: 60)
        let atOnce = try store.claimComputeAndRecord(
            ClaimRequest(zone: "local", scanIDs: [second.id], limit: 10), holder: me, nowSeconds: 100
        ) { report($0) }.map(\.attemptID)
        let newest = claimed.map(\.attemptID) + atOnce
        #expect(newest.count == 2)
        #expect(newest.allSatisfy { id in old.allSatisfy { id > $0 } })
        #expect(Set(newest).count == 2)
    }

    @Test("collects claiming point by point and at once on one file run every point exactly once")
    func mixedConcurrentClaimers() async throws {
        let folder = try TestSupport.temporaryFolder("pesscan-immediate")
        let path = folder.appendingPathComponent("c.sqlite").path
        let setup = try ScanStore(path: path, create: true)
        let scan = try setup.createScan(try h2Spec(points: 3000))
        let finished = try await withThrowingTaskGroup(of: [Int64].self) { group in
            for worker in 0..<4 {
                group.addTask {
                    // Each worker opens its own connection pool, as separate processes would.
                    let store = try ScanStore(path: path, create: false)
                    let me = holder("w\(worker)")
                    var mine: [Int64] = []
                    while true {
                        if worker % 2 == 0 {
                            let reports = try store.claimComputeAndRecord(
                                ClaimRequest(zone: "z\(worker)", scanIDs: [scan.id], limit: 97), holder: me, nowSeconds: 100
                            ) { report($0) }
                            if reports.isEmpty { return mine }
                            mine += reports.map(\.pointID)
                        } else {
                            let batch = try store.claimPendingPoints(
                                ofScans: [scan.id], limit: 13, holder: me, zone: "z\(worker)", leaseSeconds: 60)
                            if batch.isEmpty { return mine }
                            let stale = try store.recordAttempts(batch.map { report($0) }, holder: me)
                            #expect(stale.isEmpty)
                            mine += batch.map(\.pointID)
                        }
                    }
                }
            }
            var all: [Int64] = []
            for try await ids in group { all += ids }
            return all
        }
        #expect(finished.count == 3000)
        #expect(Set(finished).count == 3000)
        let attempts = try setup.attempts(ofScan: scan.id)
        #expect(attempts.count == 3000 && Set(attempts.map(\.pointID)).count == 3000)
        #expect(attempts.allSatisfy { $0.outcome == .done })
        #expect(try setup.stateCounts(ofScan: scan.id).done == 3000)
    }

    @Test("points written many rows per statement keep every index and bond length, across chunk boundaries")
    func bulkInsertedPoints() throws {
        let store = try makeStore()
        // 1000 is not a multiple of the 64 rows per statement, so the last statement is a shorter one.
        let spec = try h2Spec(points: 1000)
        let scan = try store.createScan(spec)
        let more: [Double] = (0..<130).map { 0.5 + Double($0) * 1e-3 }
        let added = try store.addPoints(toScan: scan.id, rAngstrom: more)
        #expect(added == Array(1000..<1130))
        let points = try store.points(ofScan: scan.id)
        #expect(points.map(\.index) == Array(0..<1130))
        #expect(points.prefix(1000).map(\.rAngstrom) == spec.bondLengthsAngstrom)
        #expect(Array(points.suffix(130).map(\.rAngstrom)) == more)
        #expect(points.allSatisfy { $0.state == .pending && $0.attemptCount == 0 })
    }
}

/// The v6 schema: one partial index of the unfinished points instead of a state index over every point.
@Suite("The index of unfinished points")
struct UnfinishedIndexTests {
    /// The SQL of the point table's indexes named like `pattern`, read with the sqlite3 shell.
    private func indexes(_ path: String, like pattern: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [path, "SELECT sql FROM sqlite_master WHERE type = 'index' AND name LIKE '\(pattern)' ORDER BY name"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test("a v5 database migrates with its points, attempts and states, and gets point_unfinished in place of point_by_state")
    func migratesV5() throws {
        let store = try makeStore()
        let scan = try store.createScan(try h2Spec(points: 5))
        let me = holder("A")
        _ = try store.claimComputeAndRecord(ClaimRequest(zone: "local", scanIDs: [scan.id], limit: 2), holder: me, nowSeconds: 100) { point in
            AttemptReport(
                attemptID: point.attemptID, pointID: point.pointID, outcome: .done(energyHartree: -point.rAngstrom, converged: true),
                zone: "local", host: "h", engineVersion: "pesscan-morse-1", startedAtSeconds: 100, finishedAtSeconds: 101)
        }
        let running = try store.claimPendingPoints(ofScans: [scan.id], limit: 1, holder: me, zone: "local", leaseSeconds: 60)
        #expect(running.map(\.index) == [2])
        // Back to v5 as v5 made it: the state index over every point, and no v6 in the migrations.
        try sqlite(store.path, """
            DROP INDEX point_unfinished; CREATE INDEX point_by_state ON point(state, scan_id, idx);
            DELETE FROM grdb_migrations WHERE identifier = 'v6-unfinished-points-index'
            """)
        #expect(try indexes(store.path, like: "point_%") == "CREATE INDEX point_by_batch_job ON point(batch_job) WHERE batch_job IS NOT NULL\nCREATE INDEX point_by_state ON point(state, scan_id, idx)")

        let reopened = try ScanStore(path: store.path, create: false)
        #expect(try indexes(store.path, like: "point_by_state").isEmpty)
        #expect(try indexes(store.path, like: "point_unfinished") == "CREATE INDEX point_unfinished ON point(state, scan_id, idx) WHERE state != 'done'")
        let points = try reopened.points(ofScan: scan.id)
        #expect(points.map(\.state) == [.done, .done, .running, .pending, .pending])
        #expect(points.map(\.energyHartree) == [-scan.spec.bondLengthsAngstrom[0], -scan.spec.bondLengthsAngstrom[1], nil, nil, nil])
        #expect(try reopened.attempts(ofScan: scan.id).map(\.outcome) == [.done, .done, .running])
        let counts = try reopened.stateCounts(ofScan: scan.id)
        #expect(counts.done == 2 && counts.running == 1 && counts.pending == 2 && counts.failed == 0)
        #expect(try reopened.points(ofScan: scan.id, inState: .pending).map(\.index) == [3, 4])
        #expect(try reopened.points(ofScan: scan.id, inState: .done).map(\.index) == [0, 1])
        // Claims, lease renewals and releases go through the new index.
        #expect(try reopened.renewLeases(of: me, forSeconds: 60) == 1)
        #expect(try reopened.releaseRunningPoints(of: me, reason: "test") == 1)
        #expect(try reopened.claimPendingPoints(ofScans: [scan.id], limit: 5, holder: me, zone: "local", leaseSeconds: 60).map(\.index).sorted() == [2, 3, 4])
        #expect(try reopened.integrityCheck() == "ok")
    }
}
