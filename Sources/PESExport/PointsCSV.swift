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
        var lines = [CSVText.row(columns(unit: unit, geometry: geometry))]
        for point in points {
            var fields = [scan.rawValue, "\(point.index)"]
            if let geometry {
                fields += geometry.varied.indices.map { column in
                    point.coordinates.flatMap { $0.indices.contains(column) ? number($0[column]) : nil } ?? ""
                }
            } else {
                fields += [number(point.rAngstrom), number(point.rAngstrom * PhysicalConstants.angstromInBohr)]
            }
            fields += [point.state.rawValue, point.energyHartree.map(number) ?? ""]
            if unit != .hartree { fields.append(point.energyHartree.map { number(unit.fromHartree($0)) } ?? "") }
            fields += [
                point.converged.map { $0 ? "true" : "false" } ?? "", point.zone ?? "", point.host ?? "",
                point.wallSeconds.map { String(format: "%.3f", $0) } ?? "", "\(point.attemptCount)",
                point.exitStatus.map { "\($0)" } ?? "", point.error ?? "",
            ]
            lines.append(CSVText.row(fields))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The shortest decimal that reads back to the same double (`0.697`, not `0.69699999999999995`).
    static func number(_ value: Double) -> String { value.description }
}
