import Foundation
import PESCore
import PESEngines
import PESTestSupport

/// Checks stored energies against the model: a done point must hold the energy of its own scan's molecule at its own bond length.
///
/// The model engines are deterministic and print 17 significant digits, so
/// any stored energy that differs from the Morse curve of the scan's molecule
/// at the point's bond length by more than 1e-12 Eh came from another point,
/// scan, molecule or database.
enum EnergyAudit {
    /// Largest difference from the model accepted as the same energy, in hartree.
    static let toleranceHartree = 1e-12

    /// One line per done point of `scan` whose energy is not the model's, empty when all are right.
    static func wrongEnergies(runner: BinaryRunner, scan: String) throws -> [String] {
        let molecule = try runner.sql("SELECT molecule FROM scan WHERE name = '\(scan)'")
        let engine = try runner.sql("SELECT engine FROM scan WHERE name = '\(scan)'")
        guard ["model", "model-process"].contains(engine) else { return [] }
        let entry = try MoleculeLibrary.load(from: TestSupport.moleculeLibrary).molecule(named: molecule)
        let model = MorseModel(constants: entry.constants, reducedMassDalton: entry.molecule.reducedMassDalton)
        let rows = try runner.sql("""
            SELECT p.idx, printf('%.17g', p.r_angstrom), printf('%.17g', p.energy_hartree) FROM point p
            JOIN scan s ON s.id = p.scan_id WHERE s.name = '\(scan)' AND p.state = 'done' ORDER BY p.idx
            """)
        var wrong: [String] = []
        for line in rows.split(separator: "\n") {
            let fields = line.split(separator: "|").map(String.init)
            guard fields.count == 3, let r = Double(fields[1]), let energy = Double(fields[2]) else {
                wrong.append("unreadable row \(line)")
                continue
            }
            let expected = model.energyHartree(atAngstrom: r)
            if abs(energy - expected) > toleranceHartree {
                wrong.append("point \(fields[0]) of \(scan) (\(molecule), r = \(r) Å) holds \(energy) Eh, the model gives \(expected) Eh")
            }
        }
        return wrong
    }
}
