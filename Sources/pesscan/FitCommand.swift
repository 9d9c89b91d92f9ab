import ArgumentParser
import Foundation
import PESCore
import PESFit
import PESStore

extension Pesscan {
    /// `pesscan fit`: least-squares polynomial through a scan's energies and its minimum.
    struct Fit: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fit a polynomial to a scan's energies and report the equilibrium bond length.",
            discussion: """
                Least squares through LAPACK on a centred, scaled bond length; the minimum is the \
                lowest real root of dE/dr inside the scanned range (companion-matrix eigenvalues, \
                then Newton). Failed points, and unconverged ones unless --include-unconverged, \
                are left out and counted. Every fit is stored in the database.

                Examples:
                  pesscan fit --degree 4
                  pesscan fit --scan H2 --degree 6 --json
                """)

        @OptionGroup var store: StoreOptions

        @Option(help: "Scan to fit (default: the most recently planned).")
        var scan: String?

        @Option(help: "Polynomial degree, 2 or more.")
        var degree: Int = 4

        @Flag(help: "Use points whose engine reported no convergence.")
        var includeUnconverged = false

        @Flag(help: "Print the result as one JSON object.")
        var json = false

        func validate() throws {
            guard degree >= 2, degree <= 20 else { throw ValidationError("--degree must be between 2 and 20; got \(degree).") }
        }

        func run() throws {
            let database = try store.open(create: false)
            let record: ScanRecord
            let points: [ScanPoint]
            do {
                record = try database.scan(named: scan)
                points = try database.points(ofScan: record.id)
            } catch {
                throw Failure.report(error.description, status: ExitStatus.unavailableOrData(error))
            }
            let selection = FitSelection(points: points, includeUnconverged: includeUnconverged)
            let notRun = selection.notComputedCount
            let analysis: CurveAnalysis
            do {
                analysis = try selection.analyse(degree: degree)
            } catch {
                var message = error.description
                if notRun > 0 { message += " (\(notRun) point\(notRun == 1 ? " is" : "s are") not computed yet: run pesscan collect.)" }
                throw Failure.report(message, status: .data)
            }
            let result = FitResult(
                scan: record.spec.name.rawValue, molecule: record.spec.molecule.name, engine: record.spec.engine.name,
                analysis: analysis, excludedFailed: selection.failedCount, excludedUnconverged: selection.unconvergedCount,
                notComputed: notRun)
            do {
                try database.recordFit(
                    StoredFit(
                        degree: degree, model: "polynomial", pointsUsed: selection.usable.count,
                        pointsExcluded: selection.failedCount + selection.unconvergedCount, rEquilibriumAngstrom: analysis.minimum.rAngstrom,
                        energyHartree: analysis.minimum.energyHartree,
                        rmsResidualHartree: analysis.fit.rmsResidualHartree, resultJSON: try Self.compactJSON(result)),
                    scanID: record.id)
            } catch let error as StoreError {
                Output.diagnostic("Warning: the fit was not stored: \(error)")
            }
            if json {
                try Output.json(result)
            } else {
                printReport(result, analysis: analysis)
            }
        }

        static func compactJSON(_ result: FitResult) throws -> String {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            return String(decoding: try encoder.encode(result), as: UTF8.self)
        }

        private func printReport(_ result: FitResult, analysis: CurveAnalysis) {
            let m = analysis.minimum
            let f = analysis.fit
            var excluded: [String] = []
            if result.points_excluded_failed > 0 { excluded.append("\(result.points_excluded_failed) failed") }
            if result.points_excluded_unconverged > 0 { excluded.append("\(result.points_excluded_unconverged) unconverged") }
            if result.points_not_computed > 0 { excluded.append("\(result.points_not_computed) not computed yet") }
            print(
                "Scan \(result.scan) (\(result.molecule), engine \(result.engine)): degree-\(f.degree) polynomial "
                    + "through \(f.pointCount) points"
                    + (excluded.isEmpty ? "" : " (left out: \(excluded.joined(separator: ", ")))"))
            print("  r_e          = \(Output.fixed(m.rAngstrom, 4)) Å   (\(Output.fixed(m.rBohr, 4)) bohr)")
            print("  E(r_e)       = \(String(format: "%.10f", m.energyHartree)) Eh")
            print(
                "  d²E/dr²      = \(String(format: "%.6f", m.secondDerivativeHartreePerAngstrom2)) Eh/Å²   "
                    + "(\(String(format: "%.6f", m.secondDerivativeHartreePerBohr2)) Eh/bohr²)")
            print(
                "  RMS residual = \(String(format: "%.2e", f.rmsResidualHartree)) Eh   (max \(String(format: "%.2e", f.maxAbsResidualHartree)) Eh, "
                    + "\(f.pointCount - f.degree - 1) degrees of freedom)")
            print(
                "  range        = \(Output.fixed(f.dataRangeAngstrom.lowerBound, 4)) … \(Output.fixed(f.dataRangeAngstrom.upperBound, 4)) Å; "
                    + "condition number \(String(format: "%.1f", f.conditionNumber)); |dE/dr| at r_e \(String(format: "%.1e", m.residualGradientHartreePerAngstrom)) Eh/Å")
        }
    }
}

/// The JSON printed by `fit --json` and stored with every fit.
struct FitResult: Encodable {
    var scan: String
    var molecule: String
    var engine: String
    var model = "polynomial"
    var degree: Int
    var r_e_angstrom: Double
    var r_e_bohr: Double
    var energy_hartree: Double
    var second_derivative_hartree_per_angstrom2: Double
    var second_derivative_hartree_per_bohr2: Double
    var rms_residual_hartree: Double
    var max_abs_residual_hartree: Double
    var condition_number: Double
    /// Coefficients of E(r) in hartree, r in ångström, increasing powers (numpy.polynomial.polynomial order).
    var coefficients: [Double]
    /// Coefficients in the scaled variable t = (r − center) / half_width, increasing powers.
    var scaled_coefficients: [Double]
    var center_angstrom: Double
    var half_width_angstrom: Double
    var points_used: Int
    var points_excluded_failed: Int
    var points_excluded_unconverged: Int
    var points_not_computed: Int

    init(
        scan: String, molecule: String, engine: String, analysis: CurveAnalysis, excludedFailed: Int,
        excludedUnconverged: Int, notComputed: Int
    ) {
        let f = analysis.fit, m = analysis.minimum
        self.scan = scan
        self.molecule = molecule
        self.engine = engine
        degree = f.degree
        r_e_angstrom = m.rAngstrom
        r_e_bohr = m.rBohr
        energy_hartree = m.energyHartree
        second_derivative_hartree_per_angstrom2 = m.secondDerivativeHartreePerAngstrom2
        second_derivative_hartree_per_bohr2 = m.secondDerivativeHartreePerBohr2
        rms_residual_hartree = f.rmsResidualHartree
        max_abs_residual_hartree = f.maxAbsResidualHartree
        condition_number = f.conditionNumber
        coefficients = f.polynomial.coefficients
        scaled_coefficients = f.scaledPolynomial.coefficients
        center_angstrom = f.centerAngstrom
        half_width_angstrom = f.halfWidthAngstrom
        points_used = f.pointCount
        points_excluded_failed = excludedFailed
        points_excluded_unconverged = excludedUnconverged
        points_not_computed = notComputed
    }
}
