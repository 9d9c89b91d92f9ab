import Foundation
import PESCore
import PESExport
import PESFit
import PESStore

/// What `fit` is asked to do: which points, which curve, which masses.
public struct FitRequest: Sendable {
    /// Where the points come from.
    public enum Source: Sendable {
        /// A scan of the database `store` (nil name: the most recently planned); its fit is stored there when `record` is true.
        case scan(store: ScanStore, name: String?, record: Bool = true)
        /// A CSV file with `r_angstrom` and `energy_hartree` columns, for this molecule; nothing is stored.
        case file(path: String, molecule: Molecule)
    }

    /// Where the points come from.
    public var source: Source
    /// The curve to fit.
    public var model: CurveModel
    /// Whether points whose engine reported no convergence are fitted too.
    public var includeUnconverged: Bool
    /// Masses replacing a scan's isotopes (a file's molecule carries its own).
    public var isotopes: IsotopeChoice?
    /// Whether to add leave-one-out (jackknife) standard errors.
    public var jackknife: Bool

    public init(source: Source, model: CurveModel, includeUnconverged: Bool = false, isotopes: IsotopeChoice? = nil, jackknife: Bool = false) {
        self.source = source
        self.model = model
        self.includeUnconverged = includeUnconverged
        self.isotopes = isotopes
        self.jackknife = jackknife
    }
}

/// What `fit` found: the record printed and stored, and whether storing it failed.
public struct FitOutcome: Sendable, Codable {
    /// The fit.
    public var record: FitRecord
    /// Why the record could not be stored in the `fit` table, when it could not.
    public var notStoredBecause: String?
}

/// `fit`: fits a scan's (or a file's) energies, derives the constants and stores the fit of a scan.
public struct FitUseCase: Sendable {
    public init() {}

    /// Runs the fit the request describes.
    public func run(_ request: FitRequest) throws(WorkflowError) -> FitOutcome {
        switch request.source {
        case .file(let path, let molecule):
            let (r, e) = try Self.readEnergies(path: path)
            let analysis: DiatomicAnalysis
            do {
                analysis = try DiatomicAnalysis.analyse(rAngstrom: r, energyHartree: e, model: request.model)
            } catch {
                throw .fit(error, notComputed: 0)
            }
            let record = FitRecord(
                scan: nil, molecule: molecule, engine: nil, analysis: analysis,
                jackknife: jackknife(request, r, e, molecule), selection: (0, 0, 0))
            return FitOutcome(record: record, notStoredBecause: nil)
        case .scan(let store, let name, let keep):
            let scan = try ScanSelection(store: store, scan: name, includeUnconverged: request.includeUnconverged)
            let molecule = try request.isotopes?.applied(to: scan.record.spec.molecule) ?? scan.record.spec.molecule
            let analysis = try scan.analyse(model: request.model)
            let estimate = jackknife(request, scan.selection.rAngstrom, scan.selection.energyHartree, molecule)
            let record = scan.record(of: analysis, molecule: molecule, jackknife: estimate)
            guard keep else { return FitOutcome(record: record, notStoredBecause: nil) }
            do {
                try record.store(in: store, scanID: scan.record.id)
                return FitOutcome(record: record, notStoredBecause: nil)
            } catch {
                return FitOutcome(record: record, notStoredBecause: error.description)
            }
        }
    }

    private func jackknife(_ request: FitRequest, _ r: [Double], _ e: [Double], _ molecule: Molecule) -> JackknifeEstimate? {
        guard request.jackknife else { return nil }
        return JackknifeEstimate.estimate(rAngstrom: r, energyHartree: e, model: request.model, reducedMassDalton: molecule.reducedMassDalton)
    }

    /// Bond lengths (Å) and energies (Eh) of a CSV energy table.
    static func readEnergies(path: String) throws(WorkflowError) -> ([Double], [Double]) {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw .unreadable(path: path, reason: error.localizedDescription)
        }
        do {
            let rows = try EnergyTableReader.parse(text)
            return (rows.map(\.rAngstrom), rows.map(\.energyHartree))
        } catch {
            throw .energyTable(path: path, error)
        }
    }
}
