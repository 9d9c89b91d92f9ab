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
        /// A scan of `store` already read for fitting; its fit is stored there when `record` is true.
        case selection(ScanSelection, store: ScanStore, record: Bool = true)
        /// An energy table (``EnergyTableReader``) for this molecule, lengths and energies in these units unless its header names them; nothing is stored.
        case file(path: String, molecule: Molecule, lengthUnit: LengthUnit = .angstrom, energyUnit: EnergyUnit = .hartree)
    }

    /// Where the points come from.
    public var source: Source
    /// The curve to fit.
    public var model: CurveModel
    /// Whether points whose engine reported no convergence are fitted too.
    public var includeUnconverged: Bool
    /// Masses replacing a scan's isotopes (a file's molecule carries its own).
    public var isotopes: IsotopeChoice?
    /// When to add leave-one-out (jackknife) standard errors: by default only for fits where they are cheap.
    public var jackknife: JackknifeChoice

    public init(
        source: Source, model: CurveModel, includeUnconverged: Bool = false, isotopes: IsotopeChoice? = nil,
        jackknife: JackknifeChoice = .automatic
    ) {
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
    /// Whether no scan was named and the most recently planned was taken from among several.
    public var scanChosenByDefault = false
}

/// `fit`: fits a scan's (or a file's) energies, derives the constants and stores the fit of a scan.
public struct FitUseCase: Sendable {
    public init() {}

    /// Runs the fit the request describes.
    public func run(_ request: FitRequest) throws(WorkflowError) -> FitOutcome {
        switch request.source {
        case .file(let path, let molecule, let lengthUnit, let energyUnit):
            let (r, e, lines) = try Self.readEnergies(path: path, lengthUnit: lengthUnit, energyUnit: energyUnit)
            let analysis: DiatomicAnalysis
            do {
                analysis = try DiatomicAnalysis.analyse(rAngstrom: r, energyHartree: e, model: request.model)
            } catch {
                throw .fit(error, notComputed: 0, remedy: error.remedy)
            }
            var record = FitRecord(
                scan: nil, molecule: molecule, engine: nil, analysis: analysis, jackknife: nil, selection: (0, 0, 0),
                origin: .tableLines(lines))
            addJackknife(request, r, e, molecule, to: &record)
            return FitOutcome(record: record, notStoredBecause: nil)
        case .scan(let store, let name, let keep):
            let scan = try ScanSelection(store: store, scan: name, includeUnconverged: request.includeUnconverged)
            return try run(request, scan: scan, store: store, keep: keep)
        case .selection(let scan, let store, let keep):
            return try run(request, scan: scan, store: store, keep: keep)
        }
    }

    /// Fits a scan read for fitting, storing the fit when `keep` is true.
    private func run(_ request: FitRequest, scan: ScanSelection, store: ScanStore, keep: Bool) throws(WorkflowError) -> FitOutcome {
        let molecule = try request.isotopes?.applied(to: scan.record.spec.molecule) ?? scan.record.spec.molecule
        let analysis = try scan.analyse(model: request.model)
        var record = scan.record(of: analysis, molecule: molecule)
        addJackknife(request, scan.selection.rAngstrom, scan.selection.energyHartree, molecule, to: &record)
        var outcome = FitOutcome(record: record, notStoredBecause: nil, scanChosenByDefault: scan.chosenByDefault)
        guard keep else { return outcome }
        do {
            try record.store(in: store, scanID: scan.record.id)
        } catch {
            outcome.notStoredBecause = error.description
        }
        return outcome
    }

    /// Adds the leave-one-out estimate to `record` when the request's ``JackknifeChoice`` computes one for these points,
    /// or, when it was asked for, a warning saying why none was made.
    private func addJackknife(_ request: FitRequest, _ r: [Double], _ e: [Double], _ molecule: Molecule, to record: inout FitRecord) {
        guard request.jackknife.computes(pointCount: r.count) else { return }
        switch JackknifeEstimate.estimateOrShortfall(
            rAngstrom: r, energyHartree: e, model: request.model, reducedMassDalton: molecule.reducedMassDalton)
        {
        case .success(let estimate): record.jackknife = estimate
        case .failure(let shortfall): if request.jackknife.reportsShortfall { record.warnings.append(shortfall.description) }
        }
    }

    /// Bond lengths (Å), energies (Eh) and 1-based lines of the rows of an energy table whose values are in these units unless its header names them.
    static func readEnergies(
        path: String, lengthUnit: LengthUnit, energyUnit: EnergyUnit
    ) throws(WorkflowError) -> (rAngstrom: [Double], energyHartree: [Double], lines: [Int]) {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw .unreadable(path: path, reason: error.localizedDescription)
        }
        do {
            let rows = try EnergyTableReader.parse(text, lengthUnit: lengthUnit, energyUnit: energyUnit)
            return (rows.map(\.rAngstrom), rows.map(\.energyHartree), rows.map(\.line))
        } catch {
            throw .energyTable(path: path, error)
        }
    }
}
