import Foundation
import PESCore

/// A scan's points as CSV: one row per point with its state, energy and provenance.
public enum PointsCSV {
    /// The header line's column names; with a `unit` other than hartree an `energy_<unit>` column follows `energy_hartree`.
    public static func columns(unit: EnergyUnit) -> [String] {
        var names = ["scan", "index", "r_angstrom", "r_bohr", "state", "energy_hartree"]
        if unit != .hartree { names.append("energy_\(unit.keySuffix)") }
        return names + ["converged", "zone", "host", "wall_seconds", "attempts", "exit_status", "error"]
    }

    /// The whole file: header, then one row per point in index order; empty fields where a value is unknown.
    public static func text(scan: ScanName, points: [ScanPoint], unit: EnergyUnit) -> String {
        var lines = [CSVText.row(columns(unit: unit))]
        for point in points {
            var fields = [
                scan.rawValue, "\(point.index)", number(point.rAngstrom),
                number(point.rAngstrom * PhysicalConstants.angstromInBohr), point.state.rawValue,
                point.energyHartree.map(number) ?? "",
            ]
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
