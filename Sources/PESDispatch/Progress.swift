import PESCore

/// Something that happened during `collect`, for progress display.
public enum CollectEvent: Sendable {
    /// Work found: how many points wait, in which zones.
    case started(pending: Int, reclaimed: Int, zones: [ZoneStatus])
    /// A point's engine was started in a zone.
    case pointStarted(scan: String, index: Int, zone: String)
    /// A point finished, successfully or not; `willRetry` when it goes back to pending.
    case pointFinished(PointReport, totals: CollectTotals)
    /// A zone failed to launch engines too often and rests until it is tried again.
    case zoneDown(zone: String, reason: String, cooldownSeconds: Double)
    /// Points went to a batch zone as one array job.
    case submitted(zone: String, arrayJob: String, tasks: Int)
    /// The batch scheduler did not answer; the next look waits longer.
    case schedulerTrouble(message: String, retryInSeconds: Double)
    /// `collect` was asked to stop and is returning running points to pending.
    case stopping
    /// Results came back for attempts that had lost their claims; they were kept as abandoned attempts, not used.
    case staleResults(count: Int)
    /// Running points of another collect were taken over: its process ended or its lease ran out.
    case takenOver(points: Int, reasons: [String])
}

/// One array job submitted to a batch zone.
public struct BatchSubmission: Sendable, Hashable, Codable {
    public var zone: String
    public var arrayJob: String
    public var tasks: Int
}

/// A zone stopped because the disk under its work folders was full.
public struct FullDiskStop: Sendable, Hashable, Codable {
    public var zone: String
    /// The work folder a write failed in.
    public var folder: String
}

/// A zone's capacity and load, for progress display.
public struct ZoneStatus: Sendable, Hashable, Codable {
    public var name: String
    public var kind: String
    public var slots: Int
    /// Points the zone holds at once: `slots`, or more for an SSH site whose requests carry several points.
    public var heldPoints: Int
    public var running: Int
    public var done: Int
    public var failed: Int
    public var down: Bool

    /// "ssh, 2 slots", with "holding up to N points" when the zone holds more points than it runs.
    public var capacity: String {
        "\(kind), \(Plural.count(slots, "slot"))" + (heldPoints > slots ? ", holding up to \(heldPoints) points" : "")
    }
}

/// Running totals of a `collect` run.
public struct CollectTotals: Sendable, Hashable {
    /// Points done (before and during this run).
    public var done: Int
    /// Points failed for good.
    public var failed: Int
    /// Points of the scans.
    public var total: Int
    /// Points finished in this run, for the rate.
    public var finishedThisRun: Int
    /// Seconds since the run started.
    public var elapsedSeconds: Double
    /// Every zone's load.
    public var zones: [ZoneStatus]
}

/// One finished point, as shown in progress output.
public struct PointReport: Sendable {
    public var scanName: String
    public var index: Int
    public var rAngstrom: Double
    /// The varied coordinates of a polyatomic scan's point (Å and degrees, in the scan's order); nil for a diatomic's.
    public var coordinates: [Double]? = nil
    public var zone: String
    public var wallSeconds: Double
    public var energyHartree: Double?
    /// Whether the engine said the energy converged; nil for a failure.
    public var converged: Bool?
    public var failure: String?
    public var willRetry: Bool = false
}

/// What a `collect` run did.
public struct CollectSummary: Sendable, Codable {
    /// Points finished with an energy in this run.
    public var done = 0
    /// Points that failed for good in this run.
    public var failed = 0
    /// Failed attempts that were retried.
    public var retried = 0
    /// Points that were running when the run was interrupted and went back to pending.
    public var returnedToPending = 0
    /// Points left running by a dead `collect` that this run put back to pending.
    public var reclaimed = 0
    /// Results of attempts that had lost their claims (lease taken over, scan replaced), kept as abandoned attempts and not used.
    public var staleResults = 0
    /// Whether the run stopped early because it was cancelled.
    public var interrupted = false
    /// Wall time in seconds.
    public var wallSeconds = 0.0
    /// Attempts finished per zone in this run.
    public var zones: [ZoneStatus] = []
    /// Array jobs submitted in this run, one sbatch call each.
    public var batchSubmissions: [BatchSubmission] = []
    /// Zones stopped for the rest of the run because the disk under their work folders was full.
    public var fullDisks: [FullDiskStop] = []

    public init() {}
}
