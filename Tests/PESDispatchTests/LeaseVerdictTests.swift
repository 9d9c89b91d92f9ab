import Foundation
import PESStore
import Testing
@testable import PESDispatch

/// Lease verdicts on leases read from a real database, with the wall and monotonic clocks given.
@Suite("Lease verdicts")
struct LeaseVerdictTests {
    let me = LeaseHolder(token: "judge", host: "here", pid: 100)

    /// A database in which `holder` runs two points under a lease of `leaseSeconds`.
    func claimed(by holder: LeaseHolder, leaseSeconds: Double) throws -> LoopFixture {
        let f = try LoopFixture(points: 3)
        _ = try f.store.claimPendingPoints(ofScans: [f.scan.id], limit: 2, holder: holder, zone: "a", leaseSeconds: leaseSeconds)
        return f
    }

    func watch(alive: Bool) -> LeaseWatch {
        LeaseWatch(localHost: "here", defaultLeaseSeconds: 300, isProcessAlive: { _ in alive })
    }

    /// A judge and the database's leases, first looked at now with the wall clock `wallAheadSeconds` ahead.
    struct Judging {
        var watch: LeaseWatch
        var leases: [ForeignLease]
        let start = ContinuousClock.now
        let wall: Double

        /// The verdicts `seconds` after the first look, on both clocks.
        mutating func verdicts(after seconds: Double) -> [(lease: ForeignLease, reason: String)] {
            watch.verdicts(on: leases, wallNowSeconds: wall + seconds, now: start + .seconds(seconds))
        }
    }

    func judging(_ f: LoopFixture, wallAheadSeconds: Double) throws -> Judging {
        var judging = Judging(
            watch: watch(alive: true), leases: try f.store.foreignLeases(excluding: me),
            wall: Date().timeIntervalSince1970 + wallAheadSeconds)
        #expect(judging.verdicts(after: 0).isEmpty, "a lease seen for the first time is never taken over")
        return judging
    }

    @Test("a holder on this host whose process is gone is taken over at once, and its points go back to pending")
    func processGone() throws {
        let f = try claimed(by: LeaseHolder(token: "gone", host: "here", pid: 4242), leaseSeconds: 300)
        var watch = watch(alive: false)
        let verdicts = watch.verdicts(on: try f.store.foreignLeases(excluding: me))
        #expect(verdicts.count == 1)
        #expect(verdicts.first?.reason.contains("process 4242 on here ended") == true)
        #expect(try f.store.reclaimLeases(verdicts) == 2)
        #expect(try f.store.stateCounts(ofScan: f.scan.id).pending == 3)
    }

    @Test("no takeover while the heartbeat moves, even with the wall clock 1000 s ahead and many leases of silence between looks")
    func movingHeartbeatKeepsLease() throws {
        let holder = LeaseHolder(token: "alive", host: "elsewhere", pid: 7)
        let f = try claimed(by: holder, leaseSeconds: 10)
        var watch = watch(alive: true)
        let start = ContinuousClock.now
        let wallAhead = Date().timeIntervalSince1970 + 1000
        for look in 0..<12 {
            let leases = try f.store.foreignLeases(excluding: me)
            let verdicts = watch.verdicts(on: leases, wallNowSeconds: wallAhead + Double(look) * 30, now: start + .seconds(look * 30))
            #expect(verdicts.isEmpty, "look \(look)")
            try f.store.renewLeases(of: holder, forSeconds: 10)
        }
        #expect(try f.store.stateCounts(ofScan: f.scan.id).running == 2)
    }

    @Test("a lease expired by the wall clock is taken over after a whole lease of silence on the monotonic clock, not before")
    func expiredAndSilent() throws {
        let f = try claimed(by: LeaseHolder(token: "frozen", host: "elsewhere", pid: 7), leaseSeconds: 10)
        var judging = try judging(f, wallAheadSeconds: 1000)
        let wallDate = Date(timeIntervalSince1970: judging.wall)
        let due = try #require(judging.watch.nextVerdict(on: judging.leases, wallNow: wallDate, now: judging.start + .seconds(1)))
        #expect(abs(due.timeIntervalSince(wallDate) - 9.05) < 1e-6)
        #expect(judging.verdicts(after: 9.9).isEmpty)
        let verdicts = judging.verdicts(after: 10)
        #expect(verdicts.count == 1)
        #expect(verdicts.first?.reason.contains("ran out: no renewal for 10 s") == true)
        #expect(try f.store.reclaimLeases(verdicts) == 2)
    }

    @Test("a lease that does not look expired is taken over only after a whole lease plus the skew margin of silence")
    func silentWithoutWallExpiry() throws {
        let f = try claimed(by: LeaseHolder(token: "quiet", host: "elsewhere", pid: 7), leaseSeconds: 10)
        var judging = try judging(f, wallAheadSeconds: -30)
        #expect(judging.verdicts(after: 19.9).isEmpty)
        #expect(judging.verdicts(after: 20).count == 1)
    }

    @Test("a takeover judged before the holder renewed is refused by the database")
    func renewalBeatsVerdict() throws {
        let holder = LeaseHolder(token: "late", host: "elsewhere", pid: 7)
        let f = try claimed(by: holder, leaseSeconds: 10)
        var judging = try judging(f, wallAheadSeconds: 1000)
        let verdicts = judging.verdicts(after: 11)
        #expect(verdicts.count == 1)
        try f.store.renewLeases(of: holder, forSeconds: 10)
        #expect(try f.store.reclaimLeases(verdicts) == 0)
        #expect(try f.store.stateCounts(ofScan: f.scan.id).running == 2)
    }
}
