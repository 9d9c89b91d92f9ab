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
        #expect(attempts.map(\.outcome) == ["done", "done"])
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
}
