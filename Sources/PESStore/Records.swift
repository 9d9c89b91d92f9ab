import Foundation
import PESCore

/// A stored scan: its row id, its specification and when it was planned.
public struct ScanRecord: Sendable, Hashable {
    /// Row id of the scan.
    public var id: Int64
    /// The scan as planned.
    public var spec: ScanSpec
    /// When it was planned, seconds since 1970.
    public var createdAtSeconds: Double
}

/// Who holds a claim on running points: one `collect` process on one host.
public struct LeaseHolder: Sendable, Hashable {
    /// Unique token of the process's run.
    public var token: String
    /// Host name of the coordinator.
    public var host: String
    /// Process id of the coordinator.
    public var pid: Int32

    public init(token: String, host: String, pid: Int32) {
        self.token = token
        self.host = host
        self.pid = pid
    }
}

/// A point claimed for one attempt, with the id of that attempt.
public struct ClaimedPoint: Sendable, Hashable {
    /// The scan the point belongs to.
    public var scanID: Int64
    /// The point's row id.
    public var pointID: Int64
    /// The point's index in its scan.
    public var index: Int
    /// Bond length in ångström.
    public var rAngstrom: Double
    /// Row id of the attempt opened by the claim.
    public var attemptID: Int64
    /// 1 for the first attempt of the point, 2 for the next (after a failure or an interruption), and so on.
    public var attemptNumber: Int
    /// Attempts of the point that failed before this one; interrupted (released) and abandoned attempts do not count.
    public var failedAttempts: Int
    /// Values of the scan's varied coordinates, for a polyatomic scan's point.
    public var coordinates: [Double]?

    public init(
        scanID: Int64, pointID: Int64, index: Int, rAngstrom: Double, attemptID: Int64, attemptNumber: Int,
        failedAttempts: Int = 0, coordinates: [Double]? = nil
    ) {
        self.coordinates = coordinates
        self.scanID = scanID
        self.pointID = pointID
        self.index = index
        self.rAngstrom = rAngstrom
        self.attemptID = attemptID
        self.attemptNumber = attemptNumber
        self.failedAttempts = failedAttempts
    }
}

/// Points wanted for one zone in a claim: up to `limit` pending points of `scanIDs`.
public struct ClaimRequest: Sendable, Hashable {
    /// Zone the points will run in; a point whose last attempt ran there comes last.
    public var zone: String
    /// Scans whose points the zone can run.
    public var scanIDs: [Int64]
    /// Most points to claim.
    public var limit: Int

    public init(zone: String, scanIDs: [Int64], limit: Int) {
        self.zone = zone
        self.scanIDs = scanIDs
        self.limit = limit
    }
}

/// Another collect's lease on running points, as a judging collect sees it.
public struct ForeignLease: Sendable, Hashable {
    /// The holder's token.
    public var token: String
    /// Host of the holder.
    public var host: String?
    /// Process id of the holder on its host.
    public var pid: Int32?
    /// When the lease runs out by the holder's wall clock, seconds since 1970 (latest of its points).
    public var expiresAtSeconds: Double
    /// Length of the holder's lease in seconds; nil for a lease written before heartbeats were kept.
    public var leaseSeconds: Double?
    /// The holder's heartbeat: moves on at every claim and renewal; nil when the holder keeps none.
    public var beat: Int?
    /// Running points held under the lease.
    public var runningPoints: Int

    public init(
        token: String, host: String?, pid: Int32?, expiresAtSeconds: Double, leaseSeconds: Double?, beat: Int?, runningPoints: Int
    ) {
        self.token = token
        self.host = host
        self.pid = pid
        self.expiresAtSeconds = expiresAtSeconds
        self.leaseSeconds = leaseSeconds
        self.beat = beat
        self.runningPoints = runningPoints
    }
}

/// How an attempt ended.
public enum AttemptOutcome: Sendable, Hashable {
    /// The engine produced an energy in hartree.
    case done(energyHartree: Double, converged: Bool)
    /// The calculation failed; the point keeps the reason.
    case failed(reason: String)
}

/// Provenance of one finished attempt.
public struct AttemptReport: Sendable, Hashable {
    /// Row id of the attempt.
    public var attemptID: Int64
    /// Row id of the point.
    public var pointID: Int64
    /// Result.
    public var outcome: AttemptOutcome
    /// Zone that ran it.
    public var zone: String
    /// Host that ran it.
    public var host: String
    /// Batch job id or container id, when there was one.
    public var jobID: String?
    /// Engine name and version, when known.
    public var engineVersion: String?
    /// Start time, seconds since 1970.
    public var startedAtSeconds: Double
    /// End time, seconds since 1970.
    public var finishedAtSeconds: Double
    /// Exit status of the engine process, when it was one.
    public var exitStatus: Int?
    /// Last lines the engine wrote to stderr.
    public var stderrTail: String?
    /// Container image the attempt ran in, when it ran in one.
    public var image: String?
    /// Whether the zone failed to launch the engine at all (an infrastructure failure, not the calculation's).
    public var launchFailure: Bool
    /// For a failure that will be retried: when the point may run again, seconds since 1970; nil fails the point for good.
    public var retryAfterSeconds: Double?

    public init(
        attemptID: Int64, pointID: Int64, outcome: AttemptOutcome, zone: String, host: String,
        jobID: String? = nil, engineVersion: String? = nil, startedAtSeconds: Double, finishedAtSeconds: Double,
        exitStatus: Int? = nil, stderrTail: String? = nil, image: String? = nil, launchFailure: Bool = false,
        retryAfterSeconds: Double? = nil
    ) {
        self.attemptID = attemptID
        self.pointID = pointID
        self.outcome = outcome
        self.zone = zone
        self.host = host
        self.jobID = jobID
        self.engineVersion = engineVersion
        self.startedAtSeconds = startedAtSeconds
        self.finishedAtSeconds = finishedAtSeconds
        self.exitStatus = exitStatus
        self.stderrTail = stderrTail
        self.image = image
        self.launchFailure = launchFailure
        self.retryAfterSeconds = retryAfterSeconds
    }
}

/// How a stored attempt stands: still running, or how it ended.
public enum AttemptState: String, Sendable, Hashable, Codable, CaseIterable {
    /// Its engine runs (or its batch job waits) now.
    case running
    /// It produced the point's energy.
    case done
    /// The calculation or its launch failed.
    case failed
    /// Its collect stopped before it ended (killed, or its lease ran out), or its result came after it had lost the claim.
    case abandoned
    /// Its collect was interrupted and returned the point to pending.
    case released
}

/// One stored attempt of a point.
public struct AttemptRecord: Sendable, Hashable, Codable {
    public var id: Int64
    public var pointID: Int64
    public var number: Int
    public var outcome: AttemptState
    public var zone: String
    public var host: String
    public var owner: String
    public var energyHartree: Double?
    public var error: String?
    public var wallSeconds: Double?
    public var exitStatus: Int?
    public var image: String?
    public var jobID: String?
    public var stderrTail: String?
    public var engineVersion: String?
    /// When the attempt started.
    public var startedAt: Date?
    /// When it ended; nil while it runs.
    public var finishedAt: Date?
}

/// Attempts of a scan in one zone, by how they ended.
public struct ZoneAttemptCounts: Sendable, Hashable, Codable {
    /// The zone.
    public var zone: String
    /// Attempts that produced an energy.
    public var done: Int
    /// Attempts that failed.
    public var failed: Int
    /// Attempts still running, abandoned or released.
    public var other: Int

    public init(zone: String, done: Int, failed: Int, other: Int) {
        self.zone = zone
        self.done = done
        self.failed = failed
        self.other = other
    }
}

/// Point counts of a scan by state.
public struct StateCounts: Sendable, Hashable, Codable {
    public var pending = 0
    public var running = 0
    public var done = 0
    public var failed = 0
    /// Done points whose engine said the calculation did not converge (counted in `done` too).
    public var unconverged = 0

    public init() {}

    /// All points of the scan.
    public var total: Int { pending + running + done + failed }

    /// Adds another scan's counts to these.
    public mutating func add(_ other: StateCounts) {
        pending += other.pending
        running += other.running
        done += other.done
        failed += other.failed
        unconverged += other.unconverged
    }
}

/// A fit as stored: the summary columns and the full result as JSON.
public struct StoredFit: Sendable, Hashable {
    public var degree: Int
    public var model: String
    public var pointsUsed: Int
    public var pointsExcluded: Int
    public var rEquilibriumAngstrom: Double
    public var energyHartree: Double
    public var rmsResidualHartree: Double
    public var resultJSON: String
    /// When the fit was stored, seconds since 1970; nil for a fit not stored yet.
    public var createdAtSeconds: Double?

    public init(
        degree: Int, model: String, pointsUsed: Int, pointsExcluded: Int, rEquilibriumAngstrom: Double,
        energyHartree: Double, rmsResidualHartree: Double, resultJSON: String, createdAtSeconds: Double? = nil
    ) {
        self.createdAtSeconds = createdAtSeconds
        self.degree = degree
        self.model = model
        self.pointsUsed = pointsUsed
        self.pointsExcluded = pointsExcluded
        self.rEquilibriumAngstrom = rEquilibriumAngstrom
        self.energyHartree = energyHartree
        self.rmsResidualHartree = rmsResidualHartree
        self.resultJSON = resultJSON
    }
}
