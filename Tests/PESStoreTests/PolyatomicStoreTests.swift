import Foundation
import PESCore
import PESStore
import PESTestSupport
import Testing

/// A water scan of `points` on a line of r with θ fixed by the grid's second coordinate.
private func waterSpec(points: [[Double]]) throws -> ScanSpec {
    let parsed = try ZMatrix.parse("O\nH 1 r\nH 1 r 2 theta\n\nr = 0.96\ntheta = 104.5\n")
    let atoms = try ["O", "H", "H"].map { try Atom(symbol: $0) }
    let geometry = PolyatomicGeometry(
        zmatrix: parsed.zmatrix, referenceValues: parsed.values, varied: ["r", "theta"], pointCoordinates: points)
    return ScanSpec(
        name: try ScanName("water"), molecule: try Molecule.polyatomic(name: "H2O", atoms: atoms, charge: 0),
        engine: EngineSettings(name: "pyscf"), modelConstants: nil, bondLengthsAngstrom: points.map { $0[0] }, geometry: geometry)
}

@Suite("Polyatomic points in the store")
struct PolyatomicStoreTests {
    @Test("a polyatomic scan's coordinates come back bit for bit, in the spec, the points and the claims")
    func coordinatesRoundTrip() throws {
        let store = try makeStore()
        // Values whose shortest decimal forms are long: the text must still round-trip exactly.
        let points = [[0.9, 100.0], [1.0 / 3.0, 104.5 + 1e-13], [0.1 + 0.2, 110.0]]
        let record = try store.createScan(try waterSpec(points: points))
        let again = try store.scan(named: "water")
        #expect(again.spec.geometry?.pointCoordinates == points)
        #expect(again.spec == record.spec)
        #expect(try store.points(ofScan: record.id).map(\.coordinates) == points)
        #expect(try store.points(ofScan: record.id).map(\.rAngstrom) == points.map { $0[0] })
        let claimed = try store.claimPendingPoints(
            ofScans: [record.id], limit: 3, holder: holder("A"), zone: "local", leaseSeconds: 60)
        #expect(claimed.map(\.coordinates) == points)
        let added = try store.addPoints(toScan: record.id, coordinates: [[0.95, 105.0]])
        #expect(added == [3])
        #expect(try store.points(ofScan: record.id).last?.coordinates == [0.95, 105.0])
    }

    @Test("a diatomic scan's points have no coordinates, and a database from before them migrates with its points intact")
    func migratesOlderDatabase() throws {
        let store = try makeStore()
        let record = try store.createScan(try h2Spec(points: 4))
        #expect(try store.points(ofScan: record.id).allSatisfy { $0.coordinates == nil })
        let path = store.path
        try sqlite(path, "ALTER TABLE point DROP COLUMN coordinates; DELETE FROM grdb_migrations WHERE identifier = 'v5-point-coordinates'")
        let reopened = try ScanStore(path: path, create: false)
        let points = try reopened.points(ofScan: record.id)
        #expect(points.map(\.rAngstrom) == record.spec.bondLengthsAngstrom)
        #expect(points.allSatisfy { $0.coordinates == nil && $0.state == .pending })
        #expect(try reopened.integrityCheck() == "ok")
    }

    @Test("importing a bond-length table into a polyatomic scan is refused and writes nothing")
    func importRefused() throws {
        let store = try makeStore()
        let record = try store.createScan(try waterSpec(points: [[0.9, 100], [1.0, 110]]))
        #expect {
            try store.importPoints(
                [ImportedEnergy(line: 2, rAngstrom: 0.9, energyHartree: -76)], into: try waterSpec(points: []), source: "x.csv")
        } throws: { error in
            (error as? StoreError)?.description.contains("polyatomic") == true
        }
        #expect(try store.points(ofScan: record.id).allSatisfy { $0.state == .pending })
    }
}
