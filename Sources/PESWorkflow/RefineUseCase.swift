import PESDispatch
import PESFit
import PESStore

/// What `refine` is asked to do: which scan, which curve, when to stop.
public struct RefineRequest: Sendable {
    /// Scan to refine, as ``ScanSelection/record(named:in:)`` reads it.
    public var scan: ScanRecord
    /// The curve fitted each round.
    public var model: CurveModel
    /// Stop when r_e moves less than this between rounds, in ångström.
    public var toleranceAngstrom: Double
    /// Most rounds to run.
    public var maximumRounds: Int

    public init(scan: ScanRecord, model: CurveModel, toleranceAngstrom: Double, maximumRounds: Int) {
        self.scan = scan
        self.model = model
        self.toleranceAngstrom = toleranceAngstrom
        self.maximumRounds = maximumRounds
    }
}

/// `refine`: rounds of collect → fit (stored) → add points near r_e, until r_e stops moving.
public struct RefineUseCase: Sendable {
    /// The database.
    public var store: ScanStore
    /// Runs each round's pending points.
    public var collector: Collector

    public init(store: ScanStore, collector: Collector) {
        self.store = store
        self.collector = collector
    }

    /// Refines the request's scan, reporting each round as it ends.
    public func run(
        _ request: RefineRequest, onRound: @Sendable (Refiner.Round) -> Void = { _ in }
    ) async throws(WorkflowError) -> Refiner.Outcome {
        let refiner = Refiner(
            store: store, collector: collector, model: request.model, toleranceAngstrom: request.toleranceAngstrom,
            maximumRounds: request.maximumRounds)
        return try await refiner.run(scan: request.scan, onRound: onRound)
    }
}
