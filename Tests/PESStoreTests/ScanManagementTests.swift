import Foundation
import PESCore
import PESStore
import PESTestSupport
import Testing

@Suite("Store: deleting and renaming scans, refused while points run")
struct ScanManagementTests {
    @Test("a deleted scan takes its points, attempts and fits with it; other scans stay")
    func delete() throws {
        let store = try makeStore()
        let scan = try store.createScan(try h2Spec(name: "gone", points: 4))
        let kept = try store.createScan(try h2Spec(name: "kept", points: 3))
        try store.recordFit(
            StoredFit(degree: 4, model: "polynomial", pointsUsed: 4, pointsExcluded: 0, rEquilibriumAngstrom: 0.74,
                      energyHartree: -1.1, rmsResidualHartree: 0, resultJSON: "{}"), scanID: scan.id)
        #expect(try store.fits(ofScan: scan.id).first?.createdAtSeconds != nil)
        #expect(try store.deleteScan(named: "gone") == 4)
        #expect(try store.scans().map(\.spec.name.rawValue) == ["kept"])
        #expect(try store.fits(ofScan: scan.id).isEmpty)
        #expect(try store.points(ofScan: scan.id).isEmpty)
        #expect(try store.points(ofScan: kept.id).count == 3)
        #expect(throws: StoreError.unknownScan("gone", known: ["kept"])) { try store.deleteScan(named: "gone") }
    }

    @Test("a renamed scan keeps its id, points and spec under the new name; a taken name is refused")
    func rename() throws {
        let store = try makeStore()
        let scan = try store.createScan(try h2Spec(name: "old", points: 3))
        try store.createScan(try h2Spec(name: "other", points: 2))
        try store.renameScan(named: "old", to: try ScanName("new"))
        let renamed = try store.scan(named: "new")
        #expect(renamed.id == scan.id)
        #expect(renamed.spec.name.rawValue == "new")
        #expect(renamed.spec.bondLengthsAngstrom == scan.spec.bondLengthsAngstrom)
        #expect(throws: StoreError.scanExists("other")) { try store.renameScan(named: "new", to: try ScanName("other")) }
        #expect(try store.scan(named: "new").id == scan.id)
    }

    @Test("a scan with a running point is neither deleted nor renamed, and nothing changes")
    func running() throws {
        let store = try makeStore()
        let scan = try store.createScan(try h2Spec(name: "busy", points: 3))
        _ = try store.claimPendingPoints(ofScans: [scan.id], limit: 1, holder: holder("A"), zone: "local", leaseSeconds: 60)
        let refusals: [() throws -> Void] = [
            { try store.deleteScan(named: "busy") }, { try store.renameScan(named: "busy", to: try ScanName("idle")) },
        ]
        for change in refusals {
            do {
                try change()
                Issue.record("a scan with a running point was changed")
            } catch {
                if case StoreError.scanRunning("busy", points: 1, _) = error { continue }
                Issue.record("\(error)")
            }
        }
        #expect(try store.scan(named: "busy").id == scan.id)
        #expect(try store.stateCounts(ofScan: scan.id).running == 1)
    }
}
