import Foundation
import PESWorkflow

/// The human-readable report of a polyatomic fit: the stationary point, its geometry and the harmonic modes.
enum SurfaceReportText {
    /// The whole report.
    static func text(_ report: SurfaceFitReport) -> String {
        var lines = [
            "Fit of \(report.scan) (\(report.molecule)): polynomial of total degree \(report.degree) in "
                + report.coordinates.joined(separator: ", ") + ", \(report.pointsUsed) points"
                + (report.pointsExcluded > 0 ? " (\(report.pointsExcluded) left out)" : "")
                + String(format: ", rms residual %.2e Eh, condition number %.2e", report.rmsResidualHartree, report.conditionNumber),
            report.isMinimum ? "Minimum:" : "Stationary point (saddle, \(report.negativeDirections) negative):",
        ]
        for name in report.coordinates {
            let unit = report.units[name] == "angstrom" ? "Å" : "°"
            let error = report.standardErrors?[name].map { String(format: " ± %.1e", $0) } ?? ""
            lines.append("  \(name) = " + Output.withUnit(Output.fixed(report.stationaryPoint[name] ?? .nan, 6) + error, unit))
        }
        lines.append(
            "  E = " + String(format: "%.10f", report.energyHartree)
                + (report.energyStandardErrorHartree.map { String(format: " ± %.1e", $0) } ?? "") + " Eh")
        lines.append("Geometry (Å):")
        for (symbol, position) in zip(report.symbols, report.geometryAngstrom) {
            lines.append(
                "  " + symbol.padding(toLength: 3, withPad: " ", startingAt: 0)
                    + String(format: "%14.8f %14.8f %14.8f", position["x"] ?? .nan, position["y"] ?? .nan, position["z"] ?? .nan))
        }
        lines.append("Harmonic wavenumbers (cm⁻¹), with each mode's potential-energy share per coordinate:")
        for mode in report.modes {
            let shares = report.coordinates.map { name in "\(name) " + String(format: "%.0f%%", 100 * (mode.composition[name] ?? 0)) }
            lines.append(
                String(format: "  %10.2f", mode.wavenumberPerCentimetre) + (mode.degeneracy == 2 ? " (×2)" : "     ")
                    + "  " + shares.joined(separator: ", "))
        }
        return lines.joined(separator: "\n")
    }
}
