import Foundation
import PESCore
import PESDispatch
import PESFit
import PESStore

/// Adaptive refinement: collect, fit, add points where they sharpen r_e, until r_e stops moving.
///
/// Every round's fit is stored in the `fit` table as ``FitRecord``, as `fit` stores its own.
public struct Refiner: Sendable {
    /// One round: the fit after collecting, and what was added for the next round.
    public struct Round: Sendable, Codable {
        /// 1 for the first round.
        public var round: Int
        /// Engine calls made on the scan so far (finished attempts, successful or not).
        public var engineCalls: Int
        /// Points with an energy used by the fit.
        public var pointsUsed: Int
        /// r_e of this round's fit in ångström.
        public var rEquilibriumAngstrom: Double
        /// |r_e − previous round's r_e| in ångström.
        public var changeAngstrom: Double?
        /// Bond lengths in ångström planned for the next round.
        public var added: [Double]
    }

    /// How a refinement ended.
    public struct Outcome: Sendable, Codable {
        /// Every round in order.
        public var rounds: [Round]
        /// Whether r_e moved less than the tolerance in the last round.
        public var converged: Bool
        /// Whether the run was cancelled.
        public var interrupted: Bool
        /// The last fit's r_e in ångström.
        public var rEquilibriumAngstrom: Double?
    }

    /// The database.
    public var store: ScanStore
    /// Runs the scan's pending points.
    public var collector: Collector
    /// The curve fitted each round.
    public var model: CurveModel
    /// Stop when r_e moves less than this, in ångström.
    public var toleranceAngstrom: Double
    /// Most rounds to run.
    public var maximumRounds: Int

    public init(store: ScanStore, collector: Collector, model: CurveModel, toleranceAngstrom: Double, maximumRounds: Int) {
        self.store = store
        self.collector = collector
        self.model = model
        self.toleranceAngstrom = toleranceAngstrom
        self.maximumRounds = maximumRounds
    }

    /// Refines one scan, reporting each round as it ends.
    public func run(scan: ScanRecord, onRound: @Sendable (Round) -> Void = { _ in }) async throws(WorkflowError) -> Outcome {
        guard scan.spec.geometry == nil else {
            throw .coordinates("refine adds bond lengths to a diatomic's scan; \(scan.spec.name) is polyatomic: use pesscan optimize.")
        }
        var outcome = Outcome(rounds: [], converged: false, interrupted: false, rEquilibriumAngstrom: nil)
        var previous: Double?
        for round in 1...max(1, maximumRounds) {
            if try await collector.collectRound(of: scan) {
                outcome.interrupted = true
                return outcome
            }
            let (selected, points) = try ScanSelection.everyPoint(store: store, record: scan, includeUnconverged: false)
            let analysis = try selected.analyse(model: model)
            try selected.record(of: analysis).store(in: store, scanID: scan.id)
            let re = analysis.rEquilibriumAngstrom
            let change = previous.map { abs(re - $0) }
            let converged = change.map { $0 < toleranceAngstrom } ?? false
            let added = converged ? [] : RefinementPlanner.nextBondLengths(existing: points.map(\.rAngstrom), rEquilibriumAngstrom: re)
            let calls: Int
            do {
                if !added.isEmpty { try store.addPoints(toScan: scan.id, rAngstrom: added) }
                calls = try store.attempts(ofScan: scan.id).filter { $0.outcome == .done || $0.outcome == .failed }.count
            } catch {
                throw .store(error)
            }
            let record = Round(
                round: round, engineCalls: calls, pointsUsed: selected.selection.pointCount, rEquilibriumAngstrom: re,
                changeAngstrom: change, added: added)
            outcome.rounds.append(record)
            outcome.rEquilibriumAngstrom = re
            onRound(record)
            outcome.converged = converged
            if converged || added.isEmpty { return outcome }
            previous = re
        }
        return outcome
    }
}
