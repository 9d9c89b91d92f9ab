import Foundation
import PESCore

/// A scan as a multi-frame extended-XYZ trajectory, one frame per point with an energy, as ASE's `ase.io.read` reads it.
///
/// A diatomic's first atom sits at the origin and the second on the +z axis
/// at the point's bond length; a polyatomic's atoms are all where its
/// Z-matrix puts them at the point's coordinates, in ångström. The comment
/// line carries `energy` in eV (ASE's unit, so `atoms.get_potential_energy()`
/// works), `energy_hartree`, the geometry (a diatomic's `r_angstrom`, a
/// polyatomic's varied coordinates as `<name>_angstrom` or `<name>_degree`),
/// the point's index and whether its engine converged.
public enum ExtendedXYZ {
    /// All frames of a diatomic's bond-length scan, in index order; points without an energy are left out.
    public static func text(molecule: Molecule, scan: ScanName, points: [ScanPoint]) -> String {
        joined(points.compactMap { point in
            frame(
                molecule: molecule, scan: scan, point: point, positionsAngstrom: ScanSpec.diatomicPositionsAngstrom(point.rAngstrom),
                geometryFields: "r_angstrom=\(number(point.rAngstrom))")
        })
    }

    /// All frames of any scan, in index order, with every atom at its position; points without an energy are left out.
    ///
    /// Throws when a polyatomic point's coordinates give no geometry.
    public static func text(spec: ScanSpec, points: [ScanPoint]) throws(ZMatrixError) -> String {
        guard let geometry = spec.geometry else { return text(molecule: spec.molecule, scan: spec.name, points: points) }
        var frames: [String] = []
        for point in points where point.energyHartree != nil {
            let positions = try spec.positionsAngstrom(of: point)
            let fields = zip(geometry.varied, point.coordinates ?? []).map { "\(geometry.keyWithUnit(of: $0))=\(number($1))" }
            let geometryFields = fields.joined(separator: " ")
            if let frame = frame(molecule: spec.molecule, scan: spec.name, point: point, positionsAngstrom: positions, geometryFields: geometryFields) {
                frames.append(frame)
            }
        }
        return joined(frames)
    }

    /// One frame: atom count, comment line with `geometryFields` after the energies, one line per atom; nil without an energy.
    private static func frame(
        molecule: Molecule, scan: ScanName, point: ScanPoint, positionsAngstrom: [[Double]], geometryFields: String
    ) -> String? {
        guard let energy = point.energyHartree else { return nil }
        var lines = [
            "\(molecule.atoms.count)",
            "Properties=species:S:1:pos:R:3 pbc=\"F F F\" "
                + "energy=\(number(energy * PhysicalConstants.hartreeInElectronvolt)) energy_hartree=\(number(energy)) "
                + "\(geometryFields) point_index=\(point.index) converged=\(point.converged == false ? "F" : "T") "
                + "scan=\(scan.rawValue) charge=\(molecule.charge) multiplicity=\(molecule.multiplicity)",
        ]
        for (atom, position) in zip(molecule.atoms, positionsAngstrom) {
            lines.append(([atom.symbol] + position.map(coordinate)).joined(separator: " "))
        }
        return lines.joined(separator: "\n")
    }

    /// The frames one after another, with a final line break; empty without frames.
    private static func joined(_ frames: [String]) -> String {
        frames.isEmpty ? "" : frames.joined(separator: "\n") + "\n"
    }

    /// A position in ångström with 17 decimals, a negative zero written as 0.
    private static func coordinate(_ value: Double) -> String { String(format: "%.17f", value == 0 ? 0 : value) }

    static func number(_ value: Double) -> String { String(format: "%.17g", value) }
}
