import Foundation
import PESCore
import PESStore
import PESTestSupport
import Testing

/// Attempts made by a test, by scan: the truth the store's per-scan reads are compared with.
private struct MadeAttempts {
    var byScan: [Int64: [(id: Int64, zone: String, outcome: AttemptState)]] = [:]

    /// Claims up to `limit` pending points of `scanID` in `zone` and ends their attempts: every `failEvery`-th one fails, the rest are done.
    mutating func run(_ store: ScanStore, scanID: Int64, zone: String, limit: Int, failEvery: Int) throws {
        let me = holder("T")
        let claimed = try store.claimPendingPoints(ofScans: [scanID], limit: limit, holder: me, zone: zone, leaseSeconds: 60)
        var reports: [AttemptReport] = []
        for (n, point) in claimed.enumerated() {
            let fails = failEvery > 0 && n % failEvery == 0
            reports.append(AttemptReport(
                attemptID: point.attemptID, pointID: point.pointID,
                outcome: fails ? .failed(reason: "SCF diverged") : .done(energyHartree: -1 - Double(n) * 1e-3, converged: true),
                zone: zone, host: "h", startedAtSeconds: 100, finishedAtSeconds: 101))
            byScan[scanID, default: []].append((point.attemptID, zone, fails ? .failed : .done))
        }
        try store.recordAttempts(reports, holder: me)
    }

    /// The scan's counts per zone as the join over its points gives them, zones in order of first attempt.
    func counts(ofScan scanID: Int64) -> [ZoneAttemptCounts] {
        var zones: [String] = []
        var counts: [String: ZoneAttemptCounts] = [:]
        for attempt in (byScan[scanID] ?? []).sorted(by: { $0.id < $1.id }) {
            if counts[attempt.zone] == nil {
                zones.append(attempt.zone)
                counts[attempt.zone] = ZoneAttemptCounts(zone: attempt.zone, done: 0, failed: 0, other: 0)
            }
            switch attempt.outcome {
            case .done: counts[attempt.zone]?.done += 1
            case .failed: counts[attempt.zone]?.failed += 1
            default: counts[attempt.zone]?.other += 1
            }
        }
        return zones.compactMap { counts[$0] }
    }
}

@Suite("Per-scan reads: attempts without the join, points from a cursor, scans without their points")
struct ScanReadTests {
    /// Three scans: `a` with points added after `b` was planned (its ids not one range), `b` in one range, `c` never run.
    private func threeScans() throws -> (ScanStore, a: ScanRecord, b: ScanRecord, c: ScanRecord, MadeAttempts) {
        let store = try makeStore()
        let a = try store.createScan(try h2Spec(name: "a", points: 6))
        let b = try store.createScan(try h2Spec(name: "b", points: 5))
        try store.addPoints(toScan: a.id, rAngstrom: [0.9, 0.95, 1.0])
        let c = try store.createScan(try h2Spec(name: "c", points: 3))
        var made = MadeAttempts()
        try made.run(store, scanID: a.id, zone: "z1", limit: 4, failEvery: 2)
        try made.run(store, scanID: b.id, zone: "z2", limit: 5, failEvery: 3)
        try store.resetFailedPoints(ofScan: a.id)
        try made.run(store, scanID: a.id, zone: "z2", limit: 20, failEvery: 0)
        try store.resetFailedPoints(ofScan: b.id)
        try made.run(store, scanID: b.id, zone: "z1", limit: 20, failEvery: 4)
        return (store, a, b, c, made)
    }

    @Test("attempts per zone and each attempt of a scan are those of its points, whether its ids are one range or not")
    func attemptsOfEachScan() throws {
        let (store, a, b, c, made) = try threeScans()
        let pointsOfA = try store.points(ofScan: a.id).map(\.id)
        #expect(pointsOfA.max()! - pointsOfA.min()! + 1 > Int64(pointsOfA.count), "a's point ids are not one range")
        for scan in [a, b, c] {
            let expected = made.counts(ofScan: scan.id)
            #expect(try store.attemptCountsByZone(ofScan: scan.id) == expected, "\(scan.spec.name)")
            #expect(try store.attempts(ofScan: scan.id).map(\.id) == (made.byScan[scan.id] ?? []).map(\.id).sorted(), "\(scan.spec.name)")
        }
        #expect(made.counts(ofScan: a.id).map(\.zone) == ["z1", "z2"])
        #expect(made.counts(ofScan: b.id).map(\.zone) == ["z2", "z1"])
        #expect(try store.attemptCountsByZone(ofScan: c.id).isEmpty)
        // Alone in its database, a scan's attempts are every attempt there.
        _ = try store.deleteScan(named: "b")
        _ = try store.deleteScan(named: "c")
        #expect(try store.attemptCountsByZone(ofScan: a.id) == made.counts(ofScan: a.id))
        #expect(try store.attempts(ofScan: a.id).map(\.id) == (made.byScan[a.id] ?? []).map(\.id).sorted())
    }

    @Test("forEachPoint hands over the points points(ofScan:) returns, stops when asked, and forFitting leaves provenance out")
    func pointCursor() throws {
        let (store, a, _, _, _) = try threeScans()
        var streamed: [ScanPoint] = []
        var passes = 0
        try store.forEachPoint(ofScan: a.id, restart: { passes += 1 }) { streamed.append($0); return true }
        #expect(passes == 1)
        #expect(streamed == (try store.points(ofScan: a.id)))
        #expect(streamed.count == 9 && streamed.contains { $0.zone == "z2" && $0.host == "h" && $0.attemptCount == 2 })
        var fitting: [ScanPoint] = []
        try store.forEachPoint(ofScan: a.id, forFitting: true, restart: { fitting = [] }) { fitting.append($0); return true }
        #expect(fitting == (try store.pointsForFitting(ofScan: a.id)))
        #expect(fitting.allSatisfy { $0.zone == nil && $0.host == nil && $0.attemptCount == 0 })
        var first: [Int] = []
        try store.forEachPoint(ofScan: a.id, restart: { first = [] }) { first.append($0.index); return first.count < 2 }
        #expect(first == [0, 1])
    }

    @Test("every column of a point row reads back as stored, NULLs as nil, a zero converged as false; a state not pesscan's names the point")
    func pointColumns() throws {
        let store = try makeStore()
        let spec = try h2Spec(name: "columns", points: 3)
        let scan = try store.createScan(spec)
        try sqlite(store.path, """
            UPDATE point SET state = 'done', energy_hartree = -1.125, converged = 0, zone = 'z,1', host = 'hé', wall_seconds = 2.5,
                exit_status = -9, error = 'bad "x"', attempt_count = 3, coordinates = '1.5,104.25' WHERE scan_id = \(scan.id) AND idx = 1;
            UPDATE point SET state = 'failed', error = 'SCF diverged', attempt_count = 1, exit_status = 1 WHERE scan_id = \(scan.id) AND idx = 2;
            """)
        let points = try store.points(ofScan: scan.id)
        #expect(points.map(\.index) == [0, 1, 2] && points.map(\.state) == [.pending, .done, .failed])
        #expect(points.map(\.rAngstrom) == spec.bondLengthsAngstrom)
        let done = points[1]
        #expect(done.energyHartree == -1.125 && done.converged == false && done.zone == "z,1" && done.host == "hé")
        #expect(done.wallSeconds == 2.5 && done.exitStatus == -9 && done.error == "bad \"x\"" && done.attemptCount == 3)
        #expect(done.coordinates == [1.5, 104.25])
        let pending = points[0]
        #expect(pending.energyHartree == nil && pending.converged == nil && pending.zone == nil && pending.host == nil)
        #expect(pending.wallSeconds == nil && pending.exitStatus == nil && pending.error == nil && pending.attemptCount == 0 && pending.coordinates == nil)
        #expect(points[2].error == "SCF diverged" && points[2].exitStatus == 1)
        #expect(try store.points(ofScan: scan.id, inState: .failed).map(\.index) == [2])
        var fitted: [String] = []
        try store.forEachPointForFitting(ofScan: scan.id) { (index: Int, r: Double, state: PointState, energy: Double?, converged: Bool?, coordinates: [Double]?) in
            let sameR = r == spec.bondLengthsAngstrom[index]
            let energyText = energy.map { "\($0)" } ?? "-"
            let convergedText = converged.map { "\($0)" } ?? "-"
            fitted.append("\(index) \(sameR) \(state) \(energyText) \(convergedText) \(coordinates ?? [])")
        }
        #expect(fitted == ["0 true pending - - []", "1 true done -1.125 false [1.5, 104.25]", "2 true failed - - []"])
        try sqlite(store.path, "PRAGMA ignore_check_constraints = ON; UPDATE point SET state = 'lost' WHERE scan_id = \(scan.id) AND idx = 0;")
        #expect(throws: StoreError.corruptRecord("point \(pending.id) has state lost")) { try store.points(ofScan: scan.id) }
        #expect(throws: StoreError.corruptRecord("point \(pending.id) has state lost")) {
            try store.forEachPointForFitting(ofScan: scan.id) { _, _, _, _, _, _ in }
        }
    }

    @Test("scans listed without their points keep name, molecule, engine and order; the count is the number of scans")
    func scansWithoutPoints() throws {
        let (store, _, _, _, _) = try threeScans()
        let listed = try store.scansWithoutPoints()
        let full = try store.scans()
        #expect(listed.map(\.spec) == full.map(\.spec.withoutPoints))
        #expect(listed.map(\.id) == full.map(\.id))
        #expect(listed.allSatisfy { $0.spec.bondLengthsAngstrom.isEmpty })
        #expect(full.first?.spec.bondLengthsAngstrom.count == 9)
        #expect(try store.scanCount() == 3)
        #expect(try store.scan(named: "a", withPoints: false).spec == full[0].spec.withoutPoints)
    }
}
