import Foundation
import PESEngines
@testable import PESDispatch

/// What a scripted zone does with one attempt.
enum ScriptedBehaviour: Sendable, Hashable {
    /// Finishes with this energy in hartree.
    case complete(energyHartree: Double)
    /// The calculation fails with this reason.
    case fail(String)
    /// The zone cannot start the engine (a missing image, a broken runtime).
    case launchFailure(String)
    /// The disk under the work folder is full.
    case fullDisk(folder: String)
    /// Runs until stopped (a timeout or the end of the run).
    case hang
}

/// Which attempt a scripted zone is asked to run.
struct ScriptedTurn: Sendable, Hashable {
    /// Index of the point in its scan.
    var point: Int
    /// Attempts of this point the zone received before (0 for its first here).
    var ofPoint: Int
    /// Attempts the zone received before, of any point.
    var ofZone: Int
}

/// One call a scripted zone received.
struct ScriptedCall: Sendable, Hashable {
    var pointIndex: Int
    var attemptNumber: Int
    /// Seconds on the test clock since it started.
    var atSeconds: Double
}

/// A zone back-end for unit tests: no processes; each attempt does what the script says.
final class ScriptedBackend: ZoneBackend, @unchecked Sendable {
    // @unchecked Sendable: `recorded` is touched only under `lock`.
    let clock: ManualClock
    let script: @Sendable (ScriptedTurn) -> ScriptedBehaviour
    private let lock = NSLock()
    private var recorded: [ScriptedCall] = []

    /// A back-end whose every attempt does what `script` returns for its turn.
    init(clock: ManualClock, script: @escaping @Sendable (ScriptedTurn) -> ScriptedBehaviour) {
        self.clock = clock
        self.script = script
    }

    /// Every attempt the zone received, in order.
    var calls: [ScriptedCall] { lock.withLock { recorded } }

    /// When each attempt of point `index` came, in seconds on the test clock.
    func calls(ofPoint index: Int) -> [Double] { calls.filter { $0.pointIndex == index }.map(\.atSeconds) }

    func canRun(_ engine: any Engine) -> Bool { true }
    var image: String? { "scripted" }

    func run(_ job: EngineJob, engine: any Engine) async -> EngineOutcome {
        let behaviour: ScriptedBehaviour = clock.busy {
            lock.withLock {
                let turn = ScriptedTurn(
                    point: job.pointIndex, ofPoint: recorded.count { $0.pointIndex == job.pointIndex }, ofZone: recorded.count)
                recorded.append(ScriptedCall(pointIndex: job.pointIndex, attemptNumber: job.attemptNumber, atSeconds: clock.elapsedSeconds))
                return script(turn)
            }
        }
        switch behaviour {
        case .complete(let energy):
            return .energy(hartree: energy, converged: true, details: RunDetails(engineVersion: "scripted"))
        case .fail(let reason):
            return .failed(reason: reason, details: RunDetails(exitStatus: 1))
        case .launchFailure(let reason):
            return .failed(reason: reason, details: RunDetails(exitStatus: 125, launchFailure: true))
        case .fullDisk(let folder):
            return .failed(
                reason: "no space left on device in \(folder)", details: RunDetails(launchFailure: true, fullDiskFolder: folder))
        case .hang:
            while !Task.isCancelled { try? await Task.sleep(nanoseconds: 1_000_000) }
            return .cancelled
        }
    }
}

/// A batch scheduler for unit tests: refuses submissions, or takes them and then fails every look at the queue.
final class ScriptedQueue: ZoneBackend, BatchQueue, @unchecked Sendable {
    // @unchecked Sendable: the logs are touched only under `lock`.
    let clock: ManualClock
    /// Whether every submission is refused; otherwise each is taken and every look at the queue fails.
    let refusesSubmissions: Bool
    private let lock = NSLock()
    private var submissions: [Double] = []
    private var looks: [Double] = []

    init(clock: ManualClock, refusesSubmissions: Bool) {
        self.clock = clock
        self.refusesSubmissions = refusesSubmissions
    }

    /// When each submission came, in seconds on the test clock.
    var submittedAt: [Double] { lock.withLock { submissions } }
    /// When each look at the queue came, in seconds on the test clock.
    var lookedAt: [Double] { lock.withLock { looks } }

    func canRun(_ engine: any Engine) -> Bool { engine is any ProcessEngine }
    var image: String? { nil }
    var batchQueue: (any BatchQueue)? { self }
    var pollSeconds: Double { 5 }
    var missingGraceSeconds: Double { 30 }

    func run(_ job: EngineJob, engine: any Engine) async -> EngineOutcome {
        .failed(reason: "a batch zone runs no single points", details: RunDetails(launchFailure: true))
    }

    func submit(_ tasks: [(ProcessCommand, workDirectory: URL)], in folder: URL) async throws(SlurmClient.Failure) -> String {
        let at = clock.elapsedSeconds
        lock.withLock { submissions.append(at) }
        guard !refusesSubmissions else {
            throw SlurmClient.Failure(command: "sbatch", message: "exit 1: sbatch: error: Batch job submission failed")
        }
        return "77"
    }

    func queuedTasks(batches: [String], in folder: URL) async throws(SlurmClient.Failure) -> [String: String] {
        let at = clock.elapsedSeconds
        lock.withLock { looks.append(at) }
        throw SlurmClient.Failure(command: "squeue", message: "exit 1: slurm_load_jobs error: Socket timed out")
    }

    func finalState(task: String, in folder: URL) async throws(SlurmClient.Failure) -> SlurmClient.FinalState? { nil }
    func harvest(workDirectory: URL) -> ProcessResult? { nil }
}
