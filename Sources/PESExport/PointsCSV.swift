import Foundation
import PESCore

/// A scan's points as CSV: one row per point with its state, energy and provenance.
///
/// A polyatomic scan's rows carry its varied coordinates after `index`, one
/// column each named `<name>_angstrom` or `<name>_degree`, and no
/// `r_angstrom` or `r_bohr`: the r stored with a polyatomic point is only its
/// first coordinate (perhaps an angle), which those columns would mislabel.
/// Such a file therefore does not read back through `import`, which takes a
/// diatomic's bond-length tables.
public enum PointsCSV {
    /// The header line's column names; with a `unit` other than hartree an `energy_<unit>` column follows `energy_hartree`.
    ///
    /// With a polyatomic `geometry`, its varied coordinates' columns replace `r_angstrom` and `r_bohr`.
    public static func columns(unit: EnergyUnit, geometry: PolyatomicGeometry? = nil) -> [String] {
        var names = ["scan", "index"]
        names += geometry.map { geometry in geometry.varied.map(geometry.keyWithUnit(of:)) } ?? ["r_angstrom", "r_bohr"]
        names += ["state", "energy_hartree"]
        if unit != .hartree { names.append("energy_\(unit.keySuffix)") }
        return names + ["converged", "zone", "host", "wall_seconds", "attempts", "exit_status", "error"]
    }

    /// The whole file: header, then one row per point in index order; empty fields where a value is unknown.
    public static func text(scan: ScanName, points: [ScanPoint], unit: EnergyUnit, geometry: PolyatomicGeometry? = nil) -> String {
        let writer = Writer(scan: scan, unit: unit, geometry: geometry)
        var buffer = ExportBuffer()
        writer.header(into: &buffer)
        for point in points { writer.row(point, into: &buffer) }
        return buffer.text
    }

    /// Writes the file line by line into an ``ExportBuffer``: the header, then one row per point, each line ending in a line break.
    ///
    /// The one writer of the format: ``text(scan:points:unit:geometry:)`` and
    /// the streamed export both use it. Numbers that never need quotes go
    /// straight into the buffer; text fields (the scan, zone, host, error) are
    /// quoted by ``CSVText``'s rule.
    public struct Writer: Sendable {
        private let scanField: [UInt8]
        private let unit: EnergyUnit
        private let geometry: PolyatomicGeometry?
        private let columns: [String]

        /// A writer of `scan`'s points with the extra energy column in `unit` and, for a polyatomic, `geometry`'s columns.
        public init(scan: ScanName, unit: EnergyUnit, geometry: PolyatomicGeometry?) {
            var field = ExportBuffer()
            field.appendCSVField(scan.rawValue)
            scanField = Array(field.text.utf8)
            self.unit = unit
            self.geometry = geometry
            columns = PointsCSV.columns(unit: unit, geometry: geometry)
        }

        /// Appends the header line.
        public func header(into buffer: inout ExportBuffer) {
            for (position, column) in columns.enumerated() {
                if position > 0 { buffer.append(byte: UInt8(ascii: ",")) }
                buffer.appendCSVField(column)
            }
            buffer.append(byte: UInt8(ascii: "\n"))
        }

        /// Appends one point's row; empty fields where a value is unknown.
        public func row(_ point: ScanPoint, into buffer: inout ExportBuffer) {
            let comma = UInt8(ascii: ",")
            buffer.append(bytes: scanField)
            buffer.append(byte: comma)
            buffer.append(point.index)
            if let geometry {
                for column in geometry.varied.indices {
                    buffer.append(byte: comma)
                    if let coordinates = point.coordinates, coordinates.indices.contains(column) { buffer.append(coordinates[column]) }
                }
            } else {
                buffer.append(byte: comma)
                buffer.append(point.rAngstrom)
                buffer.append(byte: comma)
                buffer.append(point.rAngstrom * PhysicalConstants.angstromInBohr)
            }
            buffer.append(byte: comma)
            buffer.append(point.state.rawValue)
            buffer.append(byte: comma)
            if let energy = point.energyHartree { buffer.append(energy) }
            if unit != .hartree {
                buffer.append(byte: comma)
                if let energy = point.energyHartree { buffer.append(unit.fromHartree(energy)) }
            }
            buffer.append(byte: comma)
            if let converged = point.converged { buffer.append(converged ? "true" : "false") }
            buffer.append(byte: comma)
            if let zone = point.zone { buffer.appendCSVField(zone) }
            buffer.append(byte: comma)
            if let host = point.host { buffer.appendCSVField(host) }
            buffer.append(byte: comma)
            if let wall = point.wallSeconds { buffer.append(wall, decimals: 3) }
            buffer.append(byte: comma)
            buffer.append(point.attemptCount)
            buffer.append(byte: comma)
            if let status = point.exitStatus { buffer.append(status) }
            buffer.append(byte: comma)
            if let error = point.error { buffer.appendCSVField(error) }
            buffer.append(byte: UInt8(ascii: "\n"))
        }
    }
}
