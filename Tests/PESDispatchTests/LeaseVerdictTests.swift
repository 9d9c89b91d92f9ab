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

    @Test("a lease expired by the wall clock is taken over after half a lease of silence on the monotonic clock, not before")
    func expiredAndSilent() throws {
        let f = try claimed(by: LeaseHolder(token: "frozen", host: "elsewhere", pid: 7), leaseSeconds: 10)
        var watch = watch(alive: true)
        let start = ContinuousClock.now
        let wall = Date().timeIntervalSince1970 + 1000
        let leases = try f.store.foreignLeases(excluding: me)
        #expect(watch.verdicts(on: leases, wallNowSeconds: wall, now: start).isEmpty)
        let wallDate = Date(timeIntervalSince1970: wall)
        let due = try #require(watch.nextVerdict(on: leases, wallNow: wallDate, now: start + .seconds(1)))
        #expect(abs(due.timeIntervalSince(wallDate) - 4.05) < 1e-6)
        #expect(watch.verdicts(on: leases, wallNowSeconds: wall + 4.9, now: start + .milliseconds(4900)).isEmpty)
        let verdicts = watch.verdicts(on: leases, wallNowSeconds: wall + 5, now: start + .seconds(5))
        #expect(verdicts.count == 1)
        #expect(verdicts.first?.reason.contains("ran out: no renewal for 5 s") == true)
        #expect(try f.store.reclaimLeases(verdicts) == 2)
    }

    @Test("a lease that does not look expired is taken over only after a whole lease plus the skew margin of silence")
    func silentWithoutWallExpiry() throws {
        let f = try claimed(by: LeaseHolder(token: "quiet", host: "elsewhere", pid: 7), leaseSeconds: 10)
        var watch = watch(alive: true)
        let start = ContinuousClock.now
        let wall = Date().timeIntervalSince1970
        let leases = try f.store.foreignLeases(excluding: me)
        #expect(watch.verdicts(on: leases, wallNowSeconds: wall, now: start).isEmpty)
        #expect(watch.verdicts(on: leases, wallNowSeconds: wall, now: start + .milliseconds(19_900)).isEmpty)
        #expect(watch.verdicts(on: leases, wallNowSeconds: wall, now: start + .seconds(20)).count == 1)
    }

    @Test("a takeover judged before the holder renewed is refused by the database")
    func renewalBeatsVerdict() throws {
        let holder = LeaseHolder(token: "late", host: "elsewhere", pid: 7)
        let f = try claimed(by: holder, leaseSeconds: 10)
        var watch = watch(alive: true)
        let start = ContinuousClock.now
        let wall = Date().timeIntervalSince1970 + 1000
        let leases = try f.store.foreignLeases(excluding: me)
        _ = watch.verdicts(on: leases, wallNowSeconds: wall, now: start)
        let verdicts = watch.verdicts(on: leases, wallNowSeconds: wall + 6, now: start + .seconds(6))
        #expect(verdicts.count == 1)
        try f.store.renewLeases(of: holder, forSeconds: 10)
        #expect(try f.store.reclaimLeases(verdicts) == 0)
        #expect(try f.store.stateCounts(ofScan: f.scan.id).running == 2)
    }
}
