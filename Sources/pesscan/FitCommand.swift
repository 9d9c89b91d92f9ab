import ArgumentParser
import Foundation
import PESCore
import PESExport
import PESFit
import PESStore

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
                --jackknife adds leave-one-out estimates. Failed points, and unconverged ones unless \
                --include-unconverged, are left out and counted. Fits of a scan are stored unless --no-record.

                Examples:
                  pesscan fit --degree 4
                  pesscan fit --scan H2 --degree auto --json
                  pesscan fit --model morse --isotopes 2H,2H
                  pesscan fit --input energies.csv --molecule H2 --model local
                """)

        @OptionGroup var store: StoreOptions

        @Option(help: "Scan to fit (default: the most recently planned).")
        var scan: String?

        @Option(help: ArgumentHelp("Fit this CSV instead of a scan: header with r_angstrom and energy_hartree, any order.", valueName: "file.csv"))
        var input: String?

        @OptionGroup(title: "Molecule (for --input, or to change a scan's isotopes)") var molecule: MoleculeOptions

        @Option(help: "Curve: polynomial, local or morse.")
        var model: String = "polynomial"

        @Option(help: "Polynomial degree (2 or more), or `auto` for the leave-one-out choice.")
        var degree: String = "4"

        @Flag(help: "With --model local: no weights (Psi4 weights points near the minimum).")
        var unweighted = false

        @Flag(help: "Also estimate standard errors by leave-one-out refits (jackknife).")
        var jackknife = false

        @Flag(help: "Use points whose engine reported no convergence.")
        var includeUnconverged = false

        @Flag(help: "Print the result as one JSON object.")
        var json = false

        @Flag(help: "Do not store the fit in the database's fit table; the database is only read.")
        var noRecord = false

        func validate() throws {
            _ = try curveModel()
            if input != nil, scan != nil { throw ValidationError("Give either --scan or --input, not both.") }
            if input != nil, !molecule.isGiven {
                throw ValidationError("--input needs the molecule: --molecule NAME, or --atoms A,B with --masses if needed.")
            }
        }

        /// The model chosen by --model and --degree.
        func curveModel() throws -> CurveModel {
            let automatic = degree.lowercased() == "auto"
            let number = Int(degree)
            guard automatic || number.map({ $0 >= 2 && $0 <= 20 }) == true else {
                throw ValidationError("--degree must be a whole number from 2 to 20, or auto; got \(degree).")
            }
            switch model.lowercased() {
            case "polynomial":
                return automatic ? .polynomialAutomaticDegree(maximumDegree: 10) : .polynomial(degree: number ?? 4)
            case "local":
                guard !automatic else { throw ValidationError("--degree auto applies to --model polynomial.") }
                return .localized(degree: number ?? 4, weighted: !unweighted)
            case "morse":
                return .morse
            default:
                throw ValidationError("--model must be polynomial, local or morse; got \(model).")
            }
        }

        func run() throws {
            let curve = try curveModel()
            let source = try loadData()
            let analysis: DiatomicAnalysis
            do {
                analysis = try DiatomicAnalysis.analyse(rAngstrom: source.r, energyHartree: source.e, model: curve)
            } catch {
                var message = error.description
                if source.notComputed > 0 {
                    message += " (\(source.notComputed) point\(source.notComputed == 1 ? " is" : "s are") not computed yet: run pesscan collect.)"
                }
                throw Failure.report(message, status: .data)
            }
            let mu = source.molecule.reducedMassDalton
            let estimate = jackknife ? JackknifeEstimate.estimate(rAngstrom: source.r, energyHartree: source.e, model: curve, reducedMassDalton: mu) : nil
            let result = FitResult(
                scan: source.scanName, molecule: source.molecule, engine: source.engine, analysis: analysis,
                jackknife: estimate, excludedFailed: source.failed, excludedUnconverged: source.unconverged,
                notComputed: source.notComputed)
            if !noRecord, let record = source.record {
                do {
                    try source.database?.recordFit(
                        StoredFit(
                            degree: analysis.degree ?? 0, model: curve.name, pointsUsed: analysis.pointCount,
                            pointsExcluded: source.failed + source.unconverged, rEquilibriumAngstrom: analysis.rEquilibriumAngstrom,
                            energyHartree: analysis.energyHartree, rmsResidualHartree: analysis.rmsResidualHartree,
                            resultJSON: try Output.compactJSON(result)),
                        scanID: record.id)
                } catch let error as StoreError {
                    Output.diagnostic("Warning: the fit was not stored: \(error)")
                }
            }
            for warning in analysis.warnings { Output.diagnostic("Warning: \(warning).") }
            if json {
                try Output.json(result)
            } else {
                print(FitReportText(result: result, analysis: analysis).text)
            }
        }

        /// The points to fit and where they came from.
        struct Source {
            var r: [Double]
            var e: [Double]
            var molecule: Molecule
            var scanName: String?
            var engine: String?
            var record: ScanRecord?
            var database: ScanStore?
            var failed = 0
            var unconverged = 0
            var notComputed = 0
        }

        private func loadData() throws -> Source {
            if let input {
                do {
                    let text: String
                    do {
                        text = try String(contentsOfFile: input, encoding: .utf8)
                    } catch {
                        throw Failure.report("Cannot read \(input): \(error.localizedDescription). Check the path.", status: .unavailable)
                    }
                    let rows = try EnergyTableReader.parse(text)
                    return Source(r: rows.map(\.rAngstrom), e: rows.map(\.energyHartree), molecule: try molecule.resolve().molecule)
                } catch let error as EnergyTableError {
                    throw Failure.report("\(input), \(error.description)", status: .data)
                } catch let error as ExitCode {
                    throw error
                } catch let error as ValidationError {
                    throw error
                } catch {
                    throw ValidationError(String(describing: error))
                }
            }
            let database = try noRecord ? store.openReadOnly() : store.open(create: false)
            let record: ScanRecord
            let points: [ScanPoint]
            do {
                record = try database.scan(named: scan)
                points = try database.points(ofScan: record.id)
            } catch {
                throw Failure.report(error.description, status: ExitStatus.unavailableOrData(error))
            }
            var scanMolecule = record.spec.molecule
            do {
                if let masses = try molecule.massOverrides(count: scanMolecule.atoms.count, symbols: scanMolecule.atoms.map(\.symbol)) {
                    scanMolecule.atoms = try zip(scanMolecule.atoms, masses).map { try Atom(symbol: $0.symbol, massDalton: $1) }
                }
            } catch let error as ValidationError {
                throw error
            } catch {
                throw ValidationError(String(describing: error))
            }
            let selection = FitSelection(points: points, includeUnconverged: includeUnconverged)
            return Source(
                r: selection.usable.map(\.rAngstrom), e: selection.usable.compactMap(\.energyHartree), molecule: scanMolecule,
                scanName: record.spec.name.rawValue, engine: record.spec.engine.name, record: record, database: database,
                failed: selection.failedCount, unconverged: selection.unconvergedCount, notComputed: selection.notComputedCount)
        }
    }
}
