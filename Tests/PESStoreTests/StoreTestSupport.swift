import Foundation
import PESCore
import PESStore
import PESTestSupport

/// A new database in its own temporary folder.
func makeStore() throws -> ScanStore {
    let folder = try TestSupport.temporaryFolder("pesscan-store")
    return try ScanStore(path: folder.appendingPathComponent("test.sqlite").path, create: true)
}

/// A small H2 scan spec with `points` points.
func h2Spec(name: String = "h2", points: Int = 5) throws -> ScanSpec {
    let entry = try MoleculeLibrary.load(from: TestSupport.moleculeLibrary).molecule(named: "H2")
    return ScanSpec(
        name: try ScanName(name), molecule: entry.molecule, engine: EngineSettings(name: "model"),
        modelConstants: entry.constants,
        bondLengthsAngstrom: try BondLengthRange.evenlySpaced(entry.defaultRangeAngstrom, count: points))
}

/// A lease holder that looks like a process on this host.
func holder(_ token: String, pid: Int32 = ProcessInfo.processInfo.processIdentifier) -> LeaseHolder {
    LeaseHolder(token: token, host: ProcessInfo.processInfo.hostName, pid: pid)
}
