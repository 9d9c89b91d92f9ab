import Foundation
import PESEngines

/// What one kind of zone does with points; the dispatch loop drives every zone through it.
///
/// A back-end either runs each point itself (``run(_:engine:)``: local
/// processes, containers) or hands points to a scheduler in batches that
/// outlive `collect` (``batchQueue``: Slurm). A new kind of zone is a new
/// conforming type.
protocol ZoneBackend: Sendable {
    /// Whether this zone can run `engine`.
    func canRun(_ engine: any Engine) -> Bool
    /// Container image or other place points run in, recorded with each attempt; nil for plain processes.
    var image: String? { get }
    /// The scheduler points are submitted to, for a back-end that runs batches; nil for one that runs each point itself.
    var batchQueue: (any BatchQueue)? { get }
    /// Runs one point's engine to its end; honours task cancellation by returning ``EngineOutcome/cancelled``.
    func run(_ job: EngineJob, engine: any Engine) async -> EngineOutcome
    /// Tidies up when the collect ends.
    func finish() async
}

extension ZoneBackend {
    var batchQueue: (any BatchQueue)? { nil }
    func finish() async {}
}

/// A scheduler that takes points as batch jobs and leaves their results in their work folders.
protocol BatchQueue: Sendable {
    /// How often `collect` looks at the queue, in seconds.
    var pollSeconds: Double { get }
    /// How long a task may be missing from the queue before its final state is asked for, in seconds.
    var missingGraceSeconds: Double { get }
    /// Submits one batch, a task per command in order, with `folder` for its files; returns the batch's job id.
    func submit(_ tasks: [(ProcessCommand, workDirectory: URL)], in folder: URL) async throws(SlurmClient.Failure) -> String
    /// States of the queued and running tasks of these batches, keyed `<job>_<task>`; the commands run in `folder`.
    func queuedTasks(batches: [String], in folder: URL) async throws(SlurmClient.Failure) -> [String: String]
    /// What became of a task that left the queue, or nil when the scheduler no longer knows it; the command runs in `folder`.
    func finalState(task: String, in folder: URL) async throws(SlurmClient.Failure) -> SlurmClient.FinalState?
    /// Brings the files of finished tasks into these work directories, for a scheduler on another machine; one call per look.
    func fetchFinished(workDirectories: [URL]) async
    /// The finished task's result from its work directory, or nil when it has not finished.
    func harvest(workDirectory: URL) -> ProcessResult?
}

extension BatchQueue {
    func fetchFinished(workDirectories: [URL]) async {}
}

/// A back-end that is its own batch queue: it runs prepared engines only, and only as batch tasks.
protocol BatchBackend: ZoneBackend, BatchQueue {}

extension BatchBackend {
    func canRun(_ engine: any Engine) -> Bool { engine is any ProcessEngine }
    var image: String? { nil }
    var batchQueue: (any BatchQueue)? { self }

    /// Never called: a batch zone's points run as array tasks, not one by one.
    func run(_ job: EngineJob, engine: any Engine) async -> EngineOutcome {
        .failed(reason: "a batch zone runs points only as array jobs", details: RunDetails(launchFailure: true))
    }
}
