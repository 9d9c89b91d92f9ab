import Foundation
import PESCore

/// The values every input template and argv can use for one point, by placeholder name.
///
/// A diatomic's first atom sits at the origin and the second on the z axis
/// at the bond length; a polyatomic point's atoms sit where its Z-matrix puts
/// them, and `r_angstrom` is its first varied coordinate. Lengths are written with 10 decimals, in ångström for
/// `r_angstrom` and `atoms`, in bohr for `r_bohr` and `atoms_bohr`.
public enum PointPlaceholders {
    /// Names filled from the point's geometry and molecule (engine options add theirs).
    public static let names: Set<String> = [
        "r_angstrom", "r_bohr", "charge", "multiplicity", "unpaired", "electrons", "reference",
        "symbol1", "symbol2", "z1", "z2", "atoms", "atoms_bohr", "atom_count", "scan", "point",
    ]

    /// The values of ``names`` for `job`, plus every option as its own placeholder.
    public static func values(for job: EngineJob, options: [String: String]) -> [String: String] {
        let molecule = job.molecule
        let rBohr = job.rAngstrom * PhysicalConstants.angstromInBohr
        let symbols = molecule.atoms.map(\.symbol)
        let numbers = molecule.atoms.map(\.atomicNumber)
        let positions = job.positionsAngstrom
        func atomLines(_ scale: Double) -> String {
            zip(symbols, positions).map { symbol, xyz in
                "\(symbol) " + String(format: "%.10f %.10f %.10f", xyz[0] * scale, xyz[1] * scale, xyz[2] * scale)
            }.joined(separator: "\n")
        }
        var values = options
        values["r_angstrom"] = String(format: "%.10f", job.rAngstrom)
        values["r_bohr"] = String(format: "%.10f", rBohr)
        values["charge"] = String(molecule.charge)
        values["multiplicity"] = String(molecule.multiplicity)
        values["unpaired"] = String(molecule.multiplicity - 1)
        values["electrons"] = String(molecule.electronCount)
        values["reference"] = molecule.multiplicity == 1 ? "rhf" : "uhf"
        values["symbol1"] = symbols.first ?? ""
        values["symbol2"] = symbols.last ?? ""
        values["z1"] = String(numbers.first ?? 0)
        values["z2"] = String(numbers.last ?? 0)
        values["atoms"] = atomLines(1)
        values["atoms_bohr"] = atomLines(PhysicalConstants.angstromInBohr)
        values["atom_count"] = String(symbols.count)
        values["scan"] = job.scanName
        values["point"] = String(job.pointIndex)
        return values
    }
}
