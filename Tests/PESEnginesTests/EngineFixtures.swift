import Foundation
import PESCore
import PESEngines
import PESTestSupport

/// Paths and helpers the engine tests share.
enum EngineFixtures {
    /// A file of `Tests/PESEnginesTests/Fixtures`.
    static func url(_ name: String) -> URL {
        TestSupport.packageRoot.appendingPathComponent("Tests/PESEnginesTests/Fixtures/\(name)")
    }

    /// The text of a fixture file.
    static func text(_ name: String) throws -> String {
        try String(contentsOf: url(name), encoding: .utf8)
    }

    /// The project's `Inputs/` folder, holding the engine templates.
    static var inputs: URL { TestSupport.packageRoot.appendingPathComponent("Inputs") }

    /// H2 with standard isotopes.
    static func hydrogen() throws -> Molecule {
        try Molecule(name: "H2", atoms: [Atom(symbol: "H"), Atom(symbol: "H")], charge: 0)
    }

    /// A job for `molecule` at `rAngstrom` with a fresh work directory.
    static func job(_ molecule: Molecule, rAngstrom: Double, index: Int = 0) throws -> EngineJob {
        EngineJob(
            scanName: "test", pointIndex: index, rAngstrom: rAngstrom, molecule: molecule,
            workDirectory: try TestSupport.temporaryFolder("pesscan-engine"))
    }

    /// Whether `program` is on PATH.
    static func installed(_ program: String) -> Bool {
        ExecutableLookup.find(program, environment: ProcessInfo.processInfo.environment) != nil
    }

    /// Whether the Python of `$PESSCAN_PYTHON` exists (scripts/test sets it to the venv with PySCF).
    static var pyscfPython: Bool {
        guard let python = ProcessInfo.processInfo.environment["PESSCAN_PYTHON"] else { return false }
        return FileManager.default.isExecutableFile(atPath: python)
    }
}
