/// Something that happened during `collect`, for progress display.
public enum CollectEvent: Sendable {
    /// Work found: how many points wait and how many scans they belong to.
    case started(pending: Int, reclaimed: Int, slots: Int)
    /// A point finished, successfully or not.
    case pointFinished(PointReport, done: Int, failed: Int, total: Int)
    /// `collect` was asked to stop and is returning running points to pending.
    case stopping
}

/// One finished point, as shown in progress output.
public struct PointReport: Sendable {
    public var scanName: String
    public var index: Int
    public var rAngstrom: Double
    public var zone: String
    public var wallSeconds: Double
    public var energyHartree: Double?
    public var failure: String?
}

/// What a `collect` run did.
public struct CollectSummary: Sendable, Codable {
    /// Points finished with an energy in this run.
    public var done = 0
    /// Points that failed in this run.
    public var failed = 0
    /// Points that were running when the run was interrupted and went back to pending.
    public var returnedToPending = 0
    /// Points left running by a dead `collect` that this run put back to pending.
    public var reclaimed = 0
    /// Whether the run stopped early because it was cancelled.
    public var interrupted = false
    /// Wall time in seconds.
    public var wallSeconds = 0.0

    public init() {}
}
