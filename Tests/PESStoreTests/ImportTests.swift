import Foundation
import PESCore
import PESStore
import PESTestSupport
import Testing

@Suite("Importing energies computed elsewhere")
struct ImportTests {
    @Test("an import into a new scan creates it with done points of provenance imported")
    func createsScan() throws {
        let store = try makeStore()
        var spec = try h2Spec(name: "h2-old")
        spec.engine = EngineSettings(name: ScanStore.importedProvenance)
        let energies = [
            ImportedEnergy(line: 2, rAngstrom: 0.70, energyHartree: -1.1362),
            ImportedEnergy(line: 3, rAngstrom: 0.75, energyHartree: -1.1372),
        ]
        let summary = try store.importPoints(energies, into: spec, source: "/data/old.csv")
        #expect(summary.scan == "h2-old" && summary.createdScan && summary.filledPoints == 0 && summary.addedPoints == 2)
        let record = try store.scan(named: "h2-old")
        let points = try store.points(ofScan: record.id)
        #expect(points.map(\.state) == [.done, .done])
        #expect(points.map(\.energyHartree) == [-1.1362, -1.1372])
        #expect(points.allSatisfy { $0.zone == "imported" && $0.converged == true && $0.attemptCount == 1 })
        let attempts = try store.attempts(ofScan: record.id)
        #expect(attempts.map(\.outcome) == [.done, .done])
        #expect(attempts.allSatisfy { $0.zone == "imported" && $0.owner == "imported" })
    }

    @Test("energies at planned bond lengths fill pending or failed points; others are added after them")
    func joinsPlannedScan() throws {
        let store = try makeStore()
        let record = try store.createScan(try h2Spec(points: 5))
        let planned = record.spec.bondLengthsAngstrom
        let summary = try store.importPoints(
            [
                ImportedEnergy(line: 2, rAngstrom: planned[1], energyHartree: -1.10),
                ImportedEnergy(line: 3, rAngstrom: 2.5, energyHartree: -0.95),
            ],
            into: try h2Spec(), source: "x.csv")
        #expect(summary.createdScan == false)
        #expect(summary.filledPoints == 1)
        #expect(summary.addedPoints == 1)
        let points = try store.points(ofScan: record.id)
        #expect(points.count == 6)
        #expect(points[1].state == .done)
        #expect(points[1].energyHartree == -1.10)
        #expect(points[5].index == 5)
        #expect(points[5].rAngstrom == 2.5)
        #expect(try store.stateCounts(ofScan: record.id).pending == 4)
    }

    @Test("a repeated bond length, a point already done or another molecule reject the whole import")
    func rejectsAtomically() throws {
        let store = try makeStore()
        let record = try store.createScan(try h2Spec(points: 5))
        let planned = record.spec.bondLengthsAngstrom
        try store.importPoints([ImportedEnergy(line: 2, rAngstrom: planned[0], energyHartree: -1.0)], into: try h2Spec(), source: "a.csv")
        let before = try store.points(ofScan: record.id)
        let attemptsBefore = try store.attempts(ofScan: record.id).count

        let repeated = [
            ImportedEnergy(line: 2, rAngstrom: planned[2], energyHartree: -1.0),
            ImportedEnergy(line: 4, rAngstrom: planned[2], energyHartree: -1.1),
        ]
        #expect(throws: StoreError.importRejected(line: 4, "repeats the bond length \(planned[2]) Å of line 2")) {
            try store.importPoints(repeated, into: try h2Spec(), source: "b.csv")
        }
        let alreadyDone = [
            ImportedEnergy(line: 2, rAngstrom: planned[3], energyHartree: -1.0),
            ImportedEnergy(line: 3, rAngstrom: planned[0], energyHartree: -1.1),
        ]
        let rejection = #expect(throws: StoreError.self) {
            try store.importPoints(alreadyDone, into: try h2Spec(), source: "c.csv")
        }
        #expect(rejection?.description.contains("line 3") == true)
        #expect(rejection?.description.contains("done already") == true)
        var other = try h2Spec()
        other.molecule.name = "HF"
        #expect(throws: StoreError.self) {
            try store.importPoints([ImportedEnergy(line: 2, rAngstrom: 3.0, energyHartree: -1)], into: other, source: "d.csv")
        }
        #expect(try store.points(ofScan: record.id) == before)
        #expect(try store.attempts(ofScan: record.id).count == attemptsBefore)
    }

    @Test("repeats are found after sorting by bond length, naming both lines, even far apart in the file")
    func repeatsFoundBySorting() throws {
        let store = try makeStore()
        var energies = (0..<500).map { ImportedEnergy(line: $0 + 2, rAngstrom: 3.0 - Double($0) * 1e-3, energyHartree: -1) }
        energies.append(ImportedEnergy(line: 502, rAngstrom: 3.0 - 17e-3 + 0.4e-6, energyHartree: -2))
        energies.append(ImportedEnergy(line: 503, rAngstrom: 2.9, energyHartree: -2))
        #expect(throws: StoreError.importRejected(line: 502, "repeats the bond length \(3.0 - 17e-3 + 0.4e-6) Å of line 19")) {
            try store.importPoints(energies, into: try h2Spec(name: "sorted"), source: "s.csv")
        }
        #expect(try store.scans().isEmpty, "a rejected file creates no scan")
    }

    @Test("running the same file again finishes an interrupted import: rows already stored are skipped, not rejected")
    func rerunIsIdempotent() throws {
        let store = try makeStore()
        let record = try store.createScan(try h2Spec(points: 5))
        let planned = record.spec.bondLengthsAngstrom
        let energies = [ImportedEnergy(line: 2, rAngstrom: planned[1], energyHartree: -1.10)]
            + (0..<7).map { ImportedEnergy(line: $0 + 3, rAngstrom: 3.0 + Double($0) * 0.1, energyHartree: -0.9 - Double($0) * 1e-3) }
        let small = ImportBatching(rowsPerTransaction: 3, secondsPerTransaction: 10, pauseSeconds: 0)
        // An import stopped after its first transaction: the first three rows only.
        let first = try store.importPoints(Array(energies.prefix(3)), into: try h2Spec(), source: "x.csv", batching: small)
        #expect(first.filledPoints == 1 && first.addedPoints == 2 && first.writeTransactions == 1)
        let rerun = try store.importPoints(energies, into: try h2Spec(), source: "x.csv", batching: small)
        #expect(rerun.alreadyPresent == 3 && rerun.filledPoints == 0 && rerun.addedPoints == 5)
        #expect(rerun.writeTransactions == 2)
        let again = try store.importPoints(energies, into: try h2Spec(), source: "x.csv", batching: small)
        #expect(again.alreadyPresent == 8 && again.addedPoints == 0 && again.writeTransactions == 0)
        let points = try store.points(ofScan: record.id)
        #expect(points.count == 12)
        #expect(points.filter { $0.state == .done }.count == 8)
        #expect(points.allSatisfy { $0.attemptCount <= 1 })
        #expect(try store.attempts(ofScan: record.id).count == 8)
        #expect(points.map(\.index) == Array(0..<12))

        var changed = energies
        changed[4].energyHartree += 1e-9
        let rejection = #expect(throws: StoreError.self) {
            try store.importPoints(changed, into: try h2Spec(), source: "x.csv", batching: small)
        }
        #expect(rejection?.description.contains("line 6") == true)
        #expect(rejection?.description.contains("done already with another energy") == true)
    }

    @Test("a file rejected on its last row writes nothing, even when its rows span many transactions")
    func rejectedFileWritesNothing() throws {
        let store = try makeStore()
        let record = try store.createScan(try h2Spec(points: 5))
        try store.importPoints([ImportedEnergy(line: 2, rAngstrom: record.spec.bondLengthsAngstrom[4], energyHartree: -1)], into: try h2Spec(), source: "a.csv")
        let before = try store.points(ofScan: record.id)
        let attemptsBefore = try store.attempts(ofScan: record.id)
        let energies = (0..<50).map { ImportedEnergy(line: $0 + 2, rAngstrom: 4.0 + Double($0) * 0.01, energyHartree: -0.5) }
            + [ImportedEnergy(line: 52, rAngstrom: record.spec.bondLengthsAngstrom[4], energyHartree: -2)]
        let small = ImportBatching(rowsPerTransaction: 4, secondsPerTransaction: 10, pauseSeconds: 0)
        let rejection = #expect(throws: StoreError.self) {
            try store.importPoints(energies, into: try h2Spec(), source: "b.csv", batching: small)
        }
        #expect(rejection?.description.contains("line 52") == true)
        #expect(rejection?.description.contains("Nothing was imported") == true)
        #expect(try store.points(ofScan: record.id) == before)
        #expect(try store.attempts(ofScan: record.id) == attemptsBefore)
    }

    @Test("two rows meeting the same planned point reject the file with both lines")
    func twoRowsOnePoint() throws {
        let store = try makeStore()
        let record = try store.createScan(try h2Spec(points: 5))
        let r = record.spec.bondLengthsAngstrom[2]
        let energies = [
            ImportedEnergy(line: 2, rAngstrom: r - 0.9e-6, energyHartree: -1),
            ImportedEnergy(line: 3, rAngstrom: r + 0.9e-6, energyHartree: -1),
        ]
        let rejection = #expect(throws: StoreError.self) {
            try store.importPoints(energies, into: try h2Spec(), source: "t.csv")
        }
        #expect(rejection?.description.contains("line 3") == true)
        #expect(rejection?.description.contains("as line 2 does") == true)
    }


    @Test("a point claimed between two batches stops the import, the batches before stay, and the same file later finishes it")
    func claimDuringImport() throws {
        let store = try makeStore()
        let record = try store.createScan(try h2Spec(points: 5))
        let energies = (0..<3).map { ImportedEnergy(line: $0 + 2, rAngstrom: 3.0 + Double($0) * 0.1, energyHartree: -0.9) }
            + [ImportedEnergy(line: 5, rAngstrom: record.spec.bondLengthsAngstrom[4], energyHartree: -1.1)]
        let oneRowEach = ImportBatching(rowsPerTransaction: 1, secondsPerTransaction: 10, pauseSeconds: 0.5)
        // A collect claims every pending point as soon as the first batch has committed, long before line 5 is written.
        let collector = holder("collector")
        let claimed = DispatchGroup()
        DispatchQueue.global().async(group: claimed) {
            let deadline = Date().addingTimeInterval(20)
            while Date() < deadline, ((try? store.points(ofScan: record.id).count) ?? 0) < 6 { Thread.sleep(forTimeInterval: 0.005) }
            _ = try? store.claimPendingPoints(ofScans: [record.id], limit: 5, holder: collector, zone: "local", leaseSeconds: 60)
        }
        let stopped = #expect(throws: StoreError.self) {
            try store.importPoints(energies, into: try h2Spec(), source: "x.csv", batching: oneRowEach)
        }
        #expect(claimed.wait(timeout: .now() + 30) == .success)
        guard case .importInterrupted(let written, let total, let reason)? = stopped else {
            Issue.record("expected the import to stop, got \(String(describing: stopped))")
            return
        }
        #expect(written == 3 && total == 4)
        #expect(reason.contains("line 5"), "\(reason)")
        #expect(try store.points(ofScan: record.id).filter { $0.state == .done }.count == 3)

        let whileRunning = #expect(throws: StoreError.self) {
            try store.importPoints(energies, into: try h2Spec(), source: "x.csv")
        }
        #expect(whileRunning?.description.contains("line 5") == true && whileRunning?.description.contains("running already") == true)
        try store.releaseRunningPoints(of: collector, reason: "test")
        let finished = try store.importPoints(energies, into: try h2Spec(), source: "x.csv")
        #expect(finished.alreadyPresent == 3 && finished.filledPoints == 1 && finished.addedPoints == 0)
        #expect(try store.stateCounts(ofScan: record.id).pending == 4)
    }
}
