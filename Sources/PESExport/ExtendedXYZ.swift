import Foundation
import PESCore

/// A scan as a multi-frame extended-XYZ trajectory, one frame per point with an energy, as ASE's `ase.io.read` reads it.
///
/// The first atom sits at the origin and the second on the +z axis at the
/// point's bond length, in ångström. The comment line carries `energy` in eV
/// (ASE's unit, so `atoms.get_potential_energy()` works), `energy_hartree`,
/// the point's index and `r_angstrom`, and whether its engine converged.
public enum ExtendedXYZ {
    /// All frames, in index order; points without an energy are left out.
    public static func text(molecule: Molecule, scan: ScanName, points: [ScanPoint]) -> String {
        var lines: [String] = []
        for point in points {
            guard let energy = point.energyHartree else { continue }
            lines.append("\(molecule.atoms.count)")
            lines.append(
                "Properties=species:S:1:pos:R:3 pbc=\"F F F\" "
                    + "energy=\(number(energy * PhysicalConstants.hartreeInElectronvolt)) energy_hartree=\(number(energy)) "
                    + "r_angstrom=\(number(point.rAngstrom)) point_index=\(point.index) converged=\(point.converged == false ? "F" : "T") "
                    + "scan=\(scan.rawValue) charge=\(molecule.charge) multiplicity=\(molecule.multiplicity)")
            for (position, atom) in molecule.atoms.enumerated() {
                let z = position == 0 ? 0 : point.rAngstrom
                lines.append("\(atom.symbol) 0.00000000000000000 0.00000000000000000 \(String(format: "%.17f", z))")
            }
        }
        return lines.isEmpty ? "" : lines.joined(separator: "\n") + "\n"
    }

    static func number(_ value: Double) -> String { String(format: "%.17g", value) }
}
