import Foundation
import PESCore
import PESStore
import PESTestSupport
import Testing

@Suite("The SQLite store")
struct ScanStoreTests {
    @Test("a planned scan stores its spec and pending points, and is found by name")
    func createAndRead() throws {
        let store = try makeStore()
        let record = try store.createScan(try h2Spec(points: 7))
        let again = try store.scan(named: "h2")
        #expect(again.spec == record.spec)
        let points = try store.points(ofScan: record.id)
        #expect(points.count == 7)
        #expect(points.allSatisfy { $0.state == .pending && $0.attemptCount == 0 })
        #expect(points.map(\.rAngstrom) == record.spec.bondLengthsAngstrom)
        #expect(try store.stateCounts(ofScan: record.id).pending == 7)
    }

    @Test("a second scan of the same name is refused and changes nothing; --replace replaces it")
    func duplicateName() throws {
        let store = try makeStore()
        let first = try store.createScan(try h2Spec(points: 5))
        #expect(throws: StoreError.self) { try store.createScan(try h2Spec(points: 9)) }
        #expect(try store.points(ofScan: first.id).count == 5)
        #expect(try store.scans().count == 1)
        let replaced = try store.createScan(try h2Spec(points: 9), replace: true)
        #expect(try store.scans().count == 1)
        #expect(try store.points(ofScan: replaced.id).count == 9)
    }

    @Test("the database is in WAL mode and passes its integrity check")
    func walMode() throws {
        let store = try makeStore()
        try store.createScan(try h2Spec())
        #expect(try store.integrityCheck() == "ok")
        let mode = try String(contentsOfFile: store.path, encoding: .isoLatin1).prefix(20)
        #expect(mode.hasPrefix("SQLite format 3"))
        #expect(FileManager.default.fileExists(atPath: store.path + "-wal"))
    }

    @Test("claims, results and attempts: each point claimed once, its attempt closed with provenance")
    func claimAndRecord() throws {
        let store = try makeStore()
        let scan = try store.createScan(try h2Spec(points: 5))
        let me = holder("A")
        let claimed = try store.claimPendingPoints(ofScans: [scan.id], limit: 3, holder: me, zone: "local", leaseSeconds: 60)
        #expect(claimed.map(\.index) == [0, 1, 2])
        #expect(claimed.allSatisfy { $0.attemptNumber == 1 })
        #expect(try store.stateCounts(ofScan: scan.id).running == 3)
        try store.recordAttempts([
            AttemptReport(
                attemptID: claimed[0].attemptID, pointID: claimed[0].pointID,
                outcome: .done(energyHartree: -1.1, converged: true), zone: "local", host: "h",
                startedAtSeconds: 100, finishedAtSeconds: 102.5, exitStatus: 0),
            AttemptReport(
                attemptID: claimed[1].attemptID, pointID: claimed[1].pointID, outcome: .failed(reason: "SCF diverged"),
                zone: "local", host: "h", startedAtSeconds: 100, finishedAtSeconds: 101, exitStatus: 2,
                stderrTail: "boom"),
        ], holder: me)
        let points = try store.points(ofScan: scan.id)
        #expect(points[0].state == .done && points[0].energyHartree == -1.1 && points[0].wallSeconds == 2.5)
        #expect(points[1].state == .failed && points[1].error == "SCF diverged" && points[1].exitStatus == 2)
        #expect(points[2].state == .running)
        let attempts = try store.attempts(ofScan: scan.id)
        #expect(attempts.map(\.outcome) == [.done, .failed, .running])
        #expect(attempts.allSatisfy { $0.owner == "A" && $0.zone == "local" })
        // Released points go back to pending; their attempts are kept as released.
        #expect(try store.releaseRunningPoints(of: me, reason: "interrupted") == 1)
        #expect(try store.stateCounts(ofScan: scan.id).pending == 3)
        #expect(try store.attempts(ofScan: scan.id).last?.outcome == .released)
        // Failed points can be reset for a retry; the attempt history stays.
        #expect(try store.resetFailedPoints(ofScan: scan.id) == 1)
        let retry = try store.claimPendingPoints(ofScans: [scan.id], limit: 10, holder: me, zone: "local", leaseSeconds: 60)
        #expect(retry.first(where: { $0.index == 1 })?.attemptNumber == 2)
        #expect(try store.attempts(ofScan: scan.id).count == 3 + 4)
    }

    @Test("concurrent claimers on one file never get the same point")
    func concurrentClaims() async throws {
        let folder = try TestSupport.temporaryFolder("pesscan-claims")
        let path = folder.appendingPathComponent("c.sqlite").path
        let setup = try ScanStore(path: path, create: true)
        let scan = try setup.createScan(try h2Spec(points: 400))
        let claimed = try await withThrowingTaskGroup(of: [Int64].self) { group in
            for worker in 0..<4 {
                group.addTask {
                    // Each worker opens its own connection pool, as separate processes would.
                    let store = try ScanStore(path: path, create: false)
                    var mine: [Int64] = []
                    while true {
                        let batch = try store.claimPendingPoints(
                            ofScans: [scan.id], limit: 3, holder: holder("w\(worker)"), zone: "z", leaseSeconds: 60)
                        if batch.isEmpty { return mine }
                        mine += batch.map(\.pointID)
                    }
                }
            }
            var all: [Int64] = []
            for try await ids in group { all += ids }
            return all
        }
        #expect(claimed.count == 400)
        #expect(Set(claimed).count == 400)
    }

    @Test("leases of a dead process on this host are reclaimed; a live holder's are not")
    func reclaim() throws {
        let store = try makeStore()
        let scan = try store.createScan(try h2Spec(points: 4))
        let dead = holder("dead", pid: 999_999)
        let alive = holder("alive")
        _ = try store.claimPendingPoints(ofScans: [scan.id], limit: 2, holder: dead, zone: "local", leaseSeconds: 600)
        _ = try store.claimPendingPoints(ofScans: [scan.id], limit: 1, holder: alive, zone: "local", leaseSeconds: 600)
        let me = holder("me")
        let leases = try store.foreignLeases(excluding: me)
        #expect(leases.count == 2)
        #expect(leases.first { $0.token == dead.token }?.runningPoints == 2)
        #expect(leases.allSatisfy { $0.beat == 1 && $0.leaseSeconds == 600 })
        let gone = leases.filter { $0.pid == 999_999 }.map { (lease: $0, reason: "holder gone") }
        #expect(try store.reclaimLeases(gone) == 2)
        let counts = try store.stateCounts(ofScan: scan.id)
        #expect(counts.pending == 3 && counts.running == 1)
        #expect(try store.attempts(ofScan: scan.id).filter { $0.outcome == .abandoned }.count == 2)
        // A lease that renewed after it was judged keeps its points.
        let live = try #require(try store.foreignLeases(excluding: me).first)
        try store.renewLeases(of: alive, forSeconds: 600)
        #expect(try store.foreignLeases(excluding: me).first?.beat == 2)
        #expect(try store.reclaimLeases([(lease: live, reason: "judged on an old heartbeat")]) == 0)
        #expect(try store.stateCounts(ofScan: scan.id).running == 1)
    }

    @Test("a database from a newer pesscan is refused with a clear message")
    func newerSchema() throws {
        let store = try makeStore()
        let path = store.path
        let sqlite = Process()
        sqlite.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        sqlite.arguments = [path, "INSERT INTO grdb_migrations (identifier) VALUES ('v99-from-the-future')"]
        try sqlite.run()
        sqlite.waitUntilExit()
        #expect(sqlite.terminationStatus == 0)
        do {
            _ = try ScanStore(path: path, create: false)
            Issue.record("expected the newer schema to be refused")
        } catch {
            guard case .newerSchema = error else { Issue.record("wrong error: \(error)"); return }
            #expect(error.description.contains("newer pesscan"))
        }
    }

    @Test("a file that is not a database is refused and left untouched")
    func notADatabase() throws {
        let folder = try TestSupport.temporaryFolder()
        let path = folder.appendingPathComponent("junk.sqlite").path
        let junk = Data(String(repeating: "this is not sqlite\n", count: 300).utf8)
        try junk.write(to: URL(fileURLWithPath: path))
        #expect(throws: StoreError.self) { try ScanStore(path: path, create: false) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == junk)
    }

    @Test("a missing database is not created by readers")
    func missing() throws {
        let folder = try TestSupport.temporaryFolder()
        let path = folder.appendingPathComponent("none.sqlite").path
        #expect(throws: StoreError.self) { try ScanStore(path: path, create: false) }
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test("fits are kept, every one")
    func fits() throws {
        let store = try makeStore()
        let scan = try store.createScan(try h2Spec())
        for degree in [2, 4] {
            try store.recordFit(
                StoredFit(
                    degree: degree, model: "polynomial", pointsUsed: 5, pointsExcluded: 0, rEquilibriumAngstrom: 0.74,
                    energyHartree: -1, rmsResidualHartree: 1e-7, resultJSON: "{}"),
                scanID: scan.id)
        }
        #expect(try store.fits(ofScan: scan.id).map(\.degree) == [2, 4])
    }
}
