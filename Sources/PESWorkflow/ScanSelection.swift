import PESCore
import PESFit
import PESReport
import PESStore

/// A scan read for fitting: its record and the points a fit uses.
public struct ScanSelection: Sendable {
    /// The scan as the scan table stores it, its points not in its spec (``ScanSpec/withoutPoints``): they are in ``points``.
    public var record: ScanRecord
    /// Which points a fit uses (the one rule, ``FitSelection``), read in one query without a ``ScanPoint`` each.
    public var selection: FitSelection
    /// Whether no scan was named and the most recently planned one was taken from among several.
    public var chosenByDefault = false

    /// Reads the scan named `name` (nil: the most recently planned) and selects the points to fit.
    public init(store: ScanStore, scan name: String?, includeUnconverged: Bool) throws(WorkflowError) {
        try self.init(store: store, record: try Self.record(named: name, in: store), includeUnconverged: includeUnconverged)
        chosenByDefault = try Self.chosenByDefault(name, in: store)
    }

    /// Reads what a fit uses of the points of the scan `record` (``ScanStore/forEachPointForFitting(ofScan:_:)``) and selects them.
    ///
    /// `each` sees every point, used or not, as it is read: what a plot draws of it, no ``ScanPoint`` made.
    public init(
        store: ScanStore, record: ScanRecord, includeUnconverged: Bool, each: (PlotPoint) -> Void = { _ in }
    ) throws(WorkflowError) {
        self.record = record
        var selection = FitSelection(includeUnconverged: includeUnconverged)
        do {
            try store.forEachPointForFitting(ofScan: record.id) { index, r, state, energy, converged, coordinates in
                selection.add(index: index, rAngstrom: r, state: state, energyHartree: energy, converged: converged, coordinates: coordinates)
                each(PlotPoint(index: index, rAngstrom: r, state: state, energyHartree: energy, converged: converged))
            }
        } catch {
            throw .store(error)
        }
        self.selection = selection
    }

    /// Reads every point of the scan named `name` (nil: the most recently planned), for what draws or extends them
    /// (plot, refine), and selects the points to fit from them: one read serves both.
    public static func everyPoint(
        store: ScanStore, scan name: String?, includeUnconverged: Bool
    ) throws(WorkflowError) -> (scan: ScanSelection, points: [ScanPoint]) {
        var read = try everyPoint(store: store, record: try record(named: name, in: store), includeUnconverged: includeUnconverged)
        read.scan.chosenByDefault = try chosenByDefault(name, in: store)
        return read
    }

    /// Reads every point of the scan `record` and selects the points to fit from them.
    public static func everyPoint(
        store: ScanStore, record: ScanRecord, includeUnconverged: Bool
    ) throws(WorkflowError) -> (scan: ScanSelection, points: [ScanPoint]) {
        let points: [ScanPoint]
        do {
            points = try store.pointsForFitting(ofScan: record.id)
        } catch {
            throw .store(error)
        }
        let selection = FitSelection(points: points, includeUnconverged: includeUnconverged)
        return (ScanSelection(record: record, selection: selection, chosenByDefault: false), points)
    }

    private init(record: ScanRecord, selection: FitSelection, chosenByDefault: Bool) {
        self.record = record
        self.selection = selection
        self.chosenByDefault = chosenByDefault
    }

    /// The scan named `name` (nil: the most recently planned) in `store`.
    public static func record(named name: String?, in store: ScanStore) throws(WorkflowError) -> ScanRecord {
        do {
            return try store.scan(named: name, withPoints: false)
        } catch {
            throw .store(error)
        }
    }

    /// Whether no scan was named and the store holds several, so the most recently planned was taken.
    static func chosenByDefault(_ name: String?, in store: ScanStore) throws(WorkflowError) -> Bool {
        guard name == nil else { return false }
        do {
            return try store.scanCount() > 1
        } catch {
            throw .store(error)
        }
    }

    /// Counts of the points left out, as a ``FitRecord`` reports them.
    public var leftOut: (failed: Int, unconverged: Int, notComputed: Int) {
        (selection.failedCount, selection.unconvergedCount, selection.notComputedCount)
    }

    /// Fits `model` through the selected points; a failure names how many points are not computed yet and the remedy given them.
    public func analyse(model: CurveModel) throws(WorkflowError) -> DiatomicAnalysis {
        do {
            return try selection.analyse(model: model)
        } catch {
            throw .fit(error, notComputed: selection.notComputedCount, remedy: remedy(for: error))
        }
    }

    /// What would fix `error` given the scan's points not computed yet (compute those before planning a new range).
    public func remedy(for error: FitError) -> FitRemedy? {
        error.remedy(pendingAngstrom: selection.notComputedRAngstrom, fittedAngstrom: selection.rAngstrom)
    }

    /// The fit record of `analysis` for this scan, with the constants for `molecule` (default: the scan's).
    public func record(
        of analysis: DiatomicAnalysis, molecule: Molecule? = nil, jackknife: JackknifeEstimate? = nil
    ) -> FitRecord {
        FitRecord(
            scan: record.spec.name.rawValue, molecule: molecule ?? record.spec.molecule, engine: record.spec.engine.name,
            analysis: analysis, jackknife: jackknife, selection: leftOut,
            origin: .scanIndices(selection.pointIndices))
    }
}
