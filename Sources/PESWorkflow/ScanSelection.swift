import PESCore
import PESFit
import PESStore

/// A scan read for fitting: its record, every point and the points a fit uses.
public struct ScanSelection: Sendable {
    /// The scan as the scan table stores it, its points not in its spec (``ScanSpec/withoutPoints``): they are in ``points``.
    public var record: ScanRecord
    /// Every point in any state, with what a fit reads (``ScanStore/pointsForFitting(ofScan:)``).
    public var points: [ScanPoint]
    /// Which points a fit uses (the one rule, ``FitSelection``).
    public var selection: FitSelection
    /// Whether no scan was named and the most recently planned one was taken from among several.
    public var chosenByDefault = false

    /// Reads the scan named `name` (nil: the most recently planned) and selects the points to fit.
    public init(store: ScanStore, scan name: String?, includeUnconverged: Bool) throws(WorkflowError) {
        try self.init(store: store, record: try Self.record(named: name, in: store), includeUnconverged: includeUnconverged)
        if name == nil {
            do {
                chosenByDefault = try store.scanCount() > 1
            } catch {
                throw .store(error)
            }
        }
    }

    /// The scan named `name` (nil: the most recently planned) in `store`.
    public static func record(named name: String?, in store: ScanStore) throws(WorkflowError) -> ScanRecord {
        do {
            return try store.scan(named: name, withPoints: false)
        } catch {
            throw .store(error)
        }
    }

    /// Reads the points of the scan `record` and selects the points to fit.
    public init(store: ScanStore, record: ScanRecord, includeUnconverged: Bool) throws(WorkflowError) {
        self.record = record
        do {
            points = try store.pointsForFitting(ofScan: record.id)
        } catch {
            throw .store(error)
        }
        selection = FitSelection(points: points, includeUnconverged: includeUnconverged)
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
        let pending = points.filter { $0.state == .pending || $0.state == .running }.map(\.rAngstrom)
        return error.remedy(pendingAngstrom: pending, fittedAngstrom: selection.rAngstrom)
    }

    /// The fit record of `analysis` for this scan, with the constants for `molecule` (default: the scan's).
    public func record(
        of analysis: DiatomicAnalysis, molecule: Molecule? = nil, jackknife: JackknifeEstimate? = nil
    ) -> FitRecord {
        FitRecord(
            scan: record.spec.name.rawValue, molecule: molecule ?? record.spec.molecule, engine: record.spec.engine.name,
            analysis: analysis, jackknife: jackknife, selection: leftOut)
    }
}
