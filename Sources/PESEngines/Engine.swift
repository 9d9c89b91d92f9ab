import Foundation
import PESCore

/// One single-point calculation to run: a geometry of a scan and where its files go.
public struct EngineJob: Sendable, Hashable {
    /// Name of the scan the point belongs to.
    public var scanName: String
    /// Index of the point in its scan.
    public var pointIndex: Int
    /// 1 for the point's first attempt, 2 for its first retry, and so on.
    public var attemptNumber: Int
    /// Bond length in ångström.
    public var rAngstrom: Double
    /// The molecule, with charge and multiplicity.
    public var molecule: Molecule
    /// The point's own work directory under the results folder; for an engine that uses none, the results folder itself, never written.
    public var workDirectory: URL
    /// Positions of every atom in ångström (x, y, z per atom) for a polyatomic point; nil puts a diatomic on the z axis at ``rAngstrom``.
    public var cartesianAngstrom: [[Double]]?

    public init(
        scanName: String, pointIndex: Int, attemptNumber: Int = 1, rAngstrom: Double, molecule: Molecule, workDirectory: URL,
        cartesianAngstrom: [[Double]]? = nil
    ) {
        self.cartesianAngstrom = cartesianAngstrom
        self.scanName = scanName
        self.pointIndex = pointIndex
        self.attemptNumber = attemptNumber
        self.rAngstrom = rAngstrom
        self.molecule = molecule
        self.workDirectory = workDirectory
    }

    /// Every atom's position in ångström: the polyatomic geometry, or the diatomic's first atom at the origin and the second on z.
    public var positionsAngstrom: [[Double]] {
        cartesianAngstrom ?? ScanSpec.diatomicPositionsAngstrom(rAngstrom)
    }
}

/// What one calculation produced: an energy, or the reason it failed.
public enum EngineOutcome: Sendable, Hashable {
    /// A final energy in hartree and whether the engine reported convergence.
    case energy(hartree: Double, converged: Bool, details: RunDetails)
    /// The calculation failed; `reason` says how.
    case failed(reason: String, details: RunDetails)
    /// The run was stopped because `collect` was cancelled; the point should wait again.
    case cancelled
}

/// Provenance of one engine run.
public struct RunDetails: Sendable, Hashable {
    /// Exit status of the engine process, when it was a process.
    public var exitStatus: Int?
    /// Last lines the engine wrote to stderr.
    public var stderrTail: String?
    /// Engine name and version, when known.
    public var engineVersion: String?
    /// Whether the zone could not launch the engine at all: an infrastructure failure, not the calculation's.
    public var launchFailure: Bool
    /// The work folder whose disk was full when the run failed, when it was: a launch failure that stops the zone.
    public var fullDiskFolder: String?
    /// Whether the launch failure will recur for every point of the zone, so the zone stops for the run.
    public var stopsZone = false
    /// The machine the engine ran on, when not this one (an SSH site).
    public var host: String?
    /// The id of the run where it ran (a site's process id), for provenance.
    public var jobID: String?

    public init(
        exitStatus: Int? = nil, stderrTail: String? = nil, engineVersion: String? = nil, launchFailure: Bool = false,
        fullDiskFolder: String? = nil
    ) {
        self.exitStatus = exitStatus
        self.stderrTail = stderrTail
        self.engineVersion = engineVersion
        self.launchFailure = launchFailure
        self.fullDiskFolder = fullDiskFolder
    }
}

extension EngineOutcome {
    /// This outcome with where it ran recorded in its details (nothing changes for a local run or a cancelled one).
    public func ranAt(host: String?, jobID: String?) -> EngineOutcome {
        guard host != nil || jobID != nil else { return self }
        switch self {
        case .energy(let energy, let converged, var details):
            details.host = host
            details.jobID = jobID
            return .energy(hartree: energy, converged: converged, details: details)
        case .failed(let reason, var details):
            details.host = host
            details.jobID = jobID
            return .failed(reason: reason, details: details)
        case .cancelled:
            return self
        }
    }
}

/// Something that computes E(r) for one geometry.
///
/// A failed calculation is an outcome, not an error: it is recorded on its
/// point. Problems that would make every point fail are caught when the
/// engine is built (see ``EngineCatalog``).
public protocol Engine: Sendable {
    /// Engine name as stored with the scan.
    var name: String { get }
    /// Whether the engine reads and writes files in the point's work directory.
    var usesWorkDirectory: Bool { get }
    /// Whether the engine runs as a separate program, so a container or batch zone can run it.
    var runsAsProcess: Bool { get }
    /// Runs one calculation, its program (if any) started through `launcher`; honours task cancellation by returning ``EngineOutcome/cancelled``.
    func run(_ job: EngineJob, launcher: any ProcessLauncher) async -> EngineOutcome
    /// The engine's program when it is not on this machine, so that only container zones (looking in their images) can run it.
    var programMissingOnHost: String? { get }
}

extension Engine {
    /// Programs are on this machine unless an engine says otherwise.
    public var programMissingOnHost: String? { nil }
}

/// An engine that can compute a point in this process without waiting, so that `collect` claims, computes and records whole batches in one transaction.
///
/// Meant for engines that take microseconds a point (the built-in model):
/// for them the framework's per-point costs (a task, a claim, a result
/// written separately) are the whole cost of a scan.
public protocol ImmediateEngine: Engine {
    /// Whether this engine, as configured, computes without waiting (false, for instance, while it simulates a delay).
    var computesImmediately: Bool { get }
    /// Computes one point at once, on the calling thread.
    func computeImmediately(_ job: EngineJob) -> EngineOutcome
}

/// An engine that runs one program per point: its inputs written first, the program run, its output read after.
///
/// The split lets a zone run the program wherever it likes: a local process,
/// a container, or a batch job harvested by a later `collect`.
public protocol ProcessEngine: Engine {
    /// Writes the point's input files into its work directory and returns the program to run, or why it cannot run.
    func prepare(_ job: EngineJob) -> Result<ProcessCommand, PreparationFailure>
    /// Reads the calculation's outcome from the finished program and the files it left.
    func interpret(_ job: EngineJob, _ result: ProcessResult) -> EngineOutcome
}

/// Why a point's program could not be prepared.
public struct PreparationFailure: Error, Sendable, Hashable {
    /// What went wrong, for the point's error text.
    public var reason: String

    public init(reason: String) { self.reason = reason }
}


extension ProcessEngine {
    public var runsAsProcess: Bool { true }

    public func run(_ job: EngineJob, launcher: any ProcessLauncher) async -> EngineOutcome {
        let command: ProcessCommand
        switch prepare(job) {
        case .failure(let failure):
            return EngineOutcome.failed(reason: failure.reason, details: RunDetails()).blamingFullDisk(in: job.workDirectory)
        case .success(let prepared): command = prepared
        }
        let result = await launcher.launch(
            command, workDirectory: job.workDirectory, label: "pesscan-\(job.scanName)-\(job.pointIndex)-\(job.attemptNumber)")
        if result.cancelled { return .cancelled }
        if let failure = result.launchFailure {
            var details = RunDetails(stderrTail: result.standardErrorTail, launchFailure: true, fullDiskFolder: result.fullDiskFolder)
            details.stopsZone = result.launchFailureStopsZone
            details.host = result.host
            details.jobID = result.jobID
            return EngineOutcome.failed(reason: failure, details: details).blamingFullDisk(in: job.workDirectory)
        }
        return interpret(job, result).blamingFullDisk(in: job.workDirectory).ranAt(host: result.host, jobID: result.jobID)
    }
}
