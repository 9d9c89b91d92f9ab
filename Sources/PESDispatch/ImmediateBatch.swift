import Foundation
import PESEngines
import PESStore

/// One batch of points of engines that compute at once, claimed, computed and recorded in one transaction by a child task of the loop.
///
/// Such an engine (the built-in model) takes well under a microsecond a
/// point, so a task, a claim and a result write per point would be the whole
/// cost of a scan; a batch pays them once for ``size`` points. One batch at a
/// time runs per set of such scans (an ``ImmediateGroup``), beside the zones'
/// slots: SQLite writes one transaction at a time anyway. Nothing is left
/// running, so no lease is held or renewed: a kill before its commit leaves
/// every point of the batch pending.
struct ImmediateBatch: Sendable {
    /// Most points in one batch: a few milliseconds of the write lock.
    static let size = 4096

    var store: ScanStore
    var request: ClaimRequest
    var holder: LeaseHolder
    var zone: Zone
    /// Zones of the run, for the retry decision.
    var zoneCount: Int
    var policy: DispatchPolicy
    var clock: any DispatchClock
    var scans: [Int64: ScanRecord]
    var engines: [Int64: any ImmediateEngine]
    var resultsFolder: URL

    /// What a batch did.
    struct Result: Sendable {
        /// Every attempt of the batch, written, with what progress output shows of it.
        var finished: [FinishedPoint]
        /// The retry decision of each failed attempt, by attempt id.
        var decisions: [Int64: RetryDecision]
        /// Whether the batch found fewer points than it asked for: nothing more is pending for its scans now.
        var drained: Bool
    }

    /// Claims, computes and records the batch; every point's attempt is in the database when this returns.
    func run() throws -> Result {
        var finished: [FinishedPoint] = []
        var decisions: [Int64: RetryDecision] = [:]
        finished.reserveCapacity(request.limit)
        let reports = try store.claimComputeAndRecord(
            request, holder: holder, nowSeconds: clock.wallNow.timeIntervalSince1970
        ) { point in
            let start = clock.wallNow.timeIntervalSince1970
            var outcome: AttemptOutcome
            var details = RunDetails()
            let scan = scans[point.scanID]
            if let scan, let engine = engines[point.scanID] {
                do {
                    let job = try DispatchLoop.job(
                        for: point, scan: scan, engine: engine, resultsFolder: resultsFolder, workFolderName: store.workFolderName)
                    (outcome, details) = engine.computeImmediately(job).recorded
                        ?? (.failed(reason: "the engine reported a cancellation while computing at once"), RunDetails())
                } catch {
                    outcome = .failed(reason: "\(error)")
                }
            } else {
                outcome = .failed(reason: "no engine for scan \(point.scanID) in this collect")
            }
            var point = FinishedPoint(
                point, scanName: scan?.spec.name.rawValue ?? "", zone: zone, host: holder.host, outcome: outcome,
                details: details, jobID: nil, image: nil, startedAtSeconds: start, finishedAtSeconds: clock.wallNow.timeIntervalSince1970)
            if let decision = DispatchLoop.decideRetry(&point, zoneCount: zoneCount, policy: policy, nowSeconds: start) {
                decisions[point.report.attemptID] = decision
            }
            finished.append(point)
            return point.report
        }
        return Result(finished: finished, decisions: decisions, drained: reports.count < request.limit)
    }
}
