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
        let writer = Writer(molecule: molecule, scan: scan, geometry: nil)
        var buffer = ExportBuffer()
        for point in points { writer.diatomicFrame(point, into: &buffer) }
        return buffer.text
    }

    /// All frames of any scan, in index order, with every atom at its position; points without an energy are left out.
    ///
    /// Throws when a polyatomic point's coordinates give no geometry.
    public static func text(spec: ScanSpec, points: [ScanPoint]) throws(ZMatrixError) -> String {
        let writer = Writer(spec: spec)
        var buffer = ExportBuffer()
        for point in points { try writer.frame(point, spec: spec, into: &buffer) }
        return buffer.text
    }

    /// Writes frames into an ``ExportBuffer``, each followed by a line break: the one writer of the format, for whole texts and streamed exports.
    public struct Writer: Sendable {
        private let molecule: Molecule
        private let scan: ScanName
        private let geometry: PolyatomicGeometry?
        /// The keys of a polyatomic's varied coordinates, `<name>_angstrom` or `<name>_degree`.
        private let coordinateKeys: [String]

        /// A writer of the frames of the scan `spec`.
        public init(spec: ScanSpec) {
            self.init(molecule: spec.molecule, scan: spec.name, geometry: spec.geometry)
        }

        init(molecule: Molecule, scan: ScanName, geometry: PolyatomicGeometry?) {
            self.molecule = molecule
            self.scan = scan
            self.geometry = geometry
            coordinateKeys = geometry.map { geometry in geometry.varied.map(geometry.keyWithUnit(of:)) } ?? []
        }

        /// Appends the frame of `point` of the scan `spec`, nothing when it has no energy; throws when a polyatomic point gives no geometry.
        public func frame(_ point: ScanPoint, spec: ScanSpec, into buffer: inout ExportBuffer) throws(ZMatrixError) {
            guard geometry != nil else { return diatomicFrame(point, into: &buffer) }
            guard let energy = point.energyHartree else { return }
            let positions = try spec.positionsAngstrom(of: point)
            frame(point, energyHartree: energy, positionsAngstrom: positions, into: &buffer) { buffer in
                for (position, (key, value)) in zip(coordinateKeys, point.coordinates ?? []).enumerated() {
                    if position > 0 { buffer.append(byte: UInt8(ascii: " ")) }
                    buffer.append(key)
                    buffer.append(byte: UInt8(ascii: "="))
                    buffer.append(value, format: "%.17g")
                }
            }
        }

        /// Appends a diatomic point's frame, its second atom on z at r; nothing when it has no energy.
        func diatomicFrame(_ point: ScanPoint, into buffer: inout ExportBuffer) {
            guard let energy = point.energyHartree else { return }
            frame(point, energyHartree: energy, positionsAngstrom: ScanSpec.diatomicPositionsAngstrom(point.rAngstrom), into: &buffer) { buffer in
                buffer.append("r_angstrom=")
                buffer.append(point.rAngstrom, format: "%.17g")
            }
        }

        /// One frame: atom count, comment line with the geometry's fields after the energies, one line per atom.
        private func frame(
            _ point: ScanPoint, energyHartree energy: Double, positionsAngstrom: [[Double]], into buffer: inout ExportBuffer,
            geometryFields: (inout ExportBuffer) -> Void
        ) {
            buffer.append(molecule.atoms.count)
            buffer.append("\nProperties=species:S:1:pos:R:3 pbc=\"F F F\" energy=")
            buffer.append(energy * PhysicalConstants.hartreeInElectronvolt, format: "%.17g")
            buffer.append(" energy_hartree=")
            buffer.append(energy, format: "%.17g")
            buffer.append(byte: UInt8(ascii: " "))
            geometryFields(&buffer)
            buffer.append(" point_index=")
            buffer.append(point.index)
            buffer.append(point.converged == false ? " converged=F scan=" : " converged=T scan=")
            buffer.append(scan.rawValue)
            buffer.append(" charge=")
            buffer.append(molecule.charge)
            buffer.append(" multiplicity=")
            buffer.append(molecule.multiplicity)
            buffer.append(byte: UInt8(ascii: "\n"))
            for (atom, position) in zip(molecule.atoms, positionsAngstrom) {
                buffer.append(atom.symbol)
                for value in position {
                    buffer.append(byte: UInt8(ascii: " "))
                    buffer.append(value == 0 ? 0 : value, format: "%.17f")
                }
                buffer.append(byte: UInt8(ascii: "\n"))
            }
        }
    }
}
