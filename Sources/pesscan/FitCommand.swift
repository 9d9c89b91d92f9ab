import ArgumentParser
import Foundation
import PESCore
import PESStore
import PESWorkflow

extension Pesscan {
    /// `pesscan fit`: a curve through a scan's energies (or a CSV file's), its minimum and spectroscopic constants.
    struct Fit: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fit a scan's energies and report r_e and the spectroscopic constants.",
            discussion: """
                Models: `polynomial` (one least-squares polynomial, LAPACK, on a centred and scaled \
                bond length; minimum from the companion-matrix roots of dE/dr, then Newton), \
                `local` (Psi4's localised quartic, weighted towards the minimum and refitted as \
                Newton moves r_e until |dE/dr| < 1e-9 Eh/Å), `morse` (nonlinear least squares). \
                Constants follow second-order perturbation theory as Psi4's \
                diatomic.anharmonicity defines them, with the scan's isotopic masses unless \
                --masses or --isotopes is given. Standard errors come from the fit's covariance; \
                leave-one-out (jackknife) estimates are added for fits of up to 100 points, where their \
                one refit per point is cheap; --jackknife adds them at any size (and a warning says when \
                there are too few points), --no-jackknife never. \
                polynomial fits also report the degree bias, r_e minus r_e of the fit one degree higher. \
                r_e and ω_e are printed to two significant digits of the larger of the two. Failed points, and unconverged ones unless \
                --include-unconverged, are left out and counted. Fits of a scan are stored. --json and the \
                stored record list every point's residual up to 2,000 points, beyond that the 20 largest \
                with their points (RMS and max cover all).

                Examples:
                  pesscan fit --degree 4
                  pesscan fit --scan H2 --degree auto --json
                  pesscan fit --model morse --isotopes 2H,2H
                  pesscan fit --input energies.csv --molecule H2 --model local
                  pesscan fit --input scan.dat --r-unit bohr --energy-unit hartree --molecule HF
                """)

        @OptionGroup var store: StoreOptions

        @Option(help: "Scan to fit (default: the most recently planned).")
        var scan: String?

        @Option(help: ArgumentHelp(
            "Fit this table instead of a scan: two columns r and E (whitespace, tab or comma separated, # comments), or a header naming r_angstrom and energy_hartree.",
            valueName: "file"))
        var input: String?

        @Option(help: "With --input: unit of the bond lengths, angstrom (default) or bohr.")
        var rUnit: LengthUnit?

        @Option(help: "With --input: unit of the energies, \(EnergyUnit.allValueStrings.joined(separator: ", ")) (default hartree).")
        var energyUnit: EnergyUnit?

        @OptionGroup(title: "Molecule (for --input, or to change a scan's isotopes)") var molecule: MoleculeOptions

        @OptionGroup var curve: CurveOptions

        @Flag(inversion: .prefixedNo, help: "Estimate standard errors by leave-one-out refits (jackknife) whatever the number of points, or never (default: up to 100 points).")
        var jackknife: Bool?

        @Flag(help: "Use points whose engine reported no convergence.")
        var includeUnconverged = false

        @Flag(help: "Print the result as one JSON object.")
        var json = false

        @Flag(help: "Do not store the fit in the database's fit table; the database is only read.")
        var noRecord = false

        func validate() throws {
            _ = try curve.curveModel()
            if input != nil, scan != nil { throw ValidationError("Give either --scan or --input, not both.") }
            if input == nil, rUnit != nil || energyUnit != nil {
                throw ValidationError("--r-unit and --energy-unit describe an --input table; a scan's energies are stored in hartree.")
            }
            if input != nil, !molecule.isGiven {
                throw ValidationError("--input needs the molecule: --molecule NAME, or --atoms A,B with --masses if needed.")
            }
        }

        func run() throws {
            let source: FitRequest.Source
            if let input {
                source = .file(
                    path: input, molecule: try molecule.resolvedMolecule(), lengthUnit: rUnit ?? .angstrom, energyUnit: energyUnit ?? .hartree)
            } else {
                let database = try noRecord ? store.openReadOnly() : store.open(create: false)
                let selection = try Workflow.run { () throws(WorkflowError) in
                    try ScanSelection(store: database, scan: scan, includeUnconverged: includeUnconverged)
                }
                if selection.record.spec.geometry != nil {
                    try fitSurface(selection)
                    return
                }
                source = .selection(selection, store: database, record: !noRecord)
            }
            let request = FitRequest(
                source: source, model: try curve.curveModel(), includeUnconverged: includeUnconverged,
                isotopes: try molecule.isotopeChoice(), jackknife: jackknife.map { $0 ? .always : .never } ?? .automatic)
            let outcome: FitOutcome
            do {
                outcome = try FitUseCase().run(request)
            } catch {
                throw error.reported
            }
            ScanChoiceNote.report(verb: "Fitting", scan: outcome.record.scan, chosenByDefault: outcome.scanChosenByDefault)
            if let problem = outcome.notStoredBecause { Output.diagnostic("Warning: the fit was not stored: \(problem)") }
            for warning in outcome.record.warnings { Output.diagnostic("Warning: \(warning).") }
            if json {
                try Output.json(outcome.record)
            } else {
                print(FitReportText(result: outcome.record).text)
            }
        }

        /// Fits a polyatomic scan: a polynomial of total degree --degree in its varied coordinates, its stationary point and modes.
        private func fitSurface(_ selection: ScanSelection) throws {
            guard curve.model == nil || curve.model?.lowercased() == "polynomial", let degree = Int(curve.degree) else {
                throw Failure.report(
                    "A polyatomic scan is fitted with a polynomial of total degree --degree (a whole number, e.g. 4); --model and --degree auto are for diatomics.",
                    status: .usage)
            }
            let report = try Workflow.run { () throws(WorkflowError) in
                try SurfaceFitUseCase.run(selection, degree: degree)
            }
            for warning in report.warnings { Output.diagnostic("Warning: \(warning).") }
            if json {
                try Output.json(report)
            } else {
                print(SurfaceReportText.text(report))
            }
        }
    }
}
