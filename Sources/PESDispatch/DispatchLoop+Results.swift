import Foundation
import PESStore

extension DispatchLoop {
    /// Decides retry or final failure, rests a failing zone, and writes the attempt.
    func handle(
        _ finished: inout FinishedPoint, zone index: Int, summary: inout CollectSummary,
        onEvent: @Sendable (CollectEvent) -> Void
    ) throws {
        let now = clock.wallNow
        let decision = Self.decideRetry(
            &finished, zoneCount: collector.zones.count, policy: policy, nowSeconds: now.timeIntervalSince1970)
        try account(finished, decision: decision, zone: index, summary: &summary, onEvent: onEvent)
        unwritten.append(finished.report, at: now)
        // A failure is written at once: its retry time decides when the point may run again.
        if case .failed = finished.report.outcome { try flushResults(summary: &summary, onEvent: onEvent) }
    }

    /// Whether a failed attempt's point runs again (its report then carries the retry time) or fails for good; nil for a success.
    static func decideRetry(
        _ finished: inout FinishedPoint, zoneCount: Int, policy: DispatchPolicy, nowSeconds: Double
    ) -> RetryDecision? {
        guard case .failed = finished.report.outcome else { return nil }
        let decision = RetryDecision.decide(
            failedBefore: finished.failedBefore, launchFailure: finished.report.launchFailure,
            fullDisk: finished.fullDiskFolder != nil, zoneCount: zoneCount, policy: policy, nowSeconds: nowSeconds)
        if case .retry(let atSeconds) = decision { finished.report.retryAfterSeconds = atSeconds }
        return decision
    }

    /// Counts a finished attempt in the run's totals and its zone's health; rests or stops a zone whose launches fail.
    func account(
        _ finished: FinishedPoint, decision: RetryDecision?, zone index: Int, summary: inout CollectSummary,
        onEvent: @Sendable (CollectEvent) -> Void
    ) throws {
        switch finished.report.outcome {
        case .done:
            zoneStates[index].claimAhead.recordSuccess(
                wallSeconds: finished.report.finishedAtSeconds - finished.report.startedAtSeconds)
            zoneStates[index].health.recordSuccess()
            zoneStates[index].done += 1
            summary.done += 1
            totals.done += 1
        case .failed(let reason):
            zoneStates[index].claimAhead.recordFailure()
            zoneStates[index].failed += 1
            switch decision {
            case .retry:
                retryMayBeWaiting = true
                pendingMayExist = true
                summary.retried += 1
            case .failForGood, nil:
                summary.failed += 1
                totals.failed += 1
            }
            if let folder = finished.fullDiskFolder {
                try stopForFullDisk(zone: index, folder: folder, reason: reason, summary: &summary, onEvent: onEvent)
            } else if finished.stopsZone {
                try stopZone(index, reason: reason, onEvent: onEvent)
            } else if finished.report.launchFailure {
                try recordLaunchFailure(zone: index, reason: reason, onEvent: onEvent)
            } else {
                zoneStates[index].health.recordSuccess()
            }
        }
    }

    /// Writes every finished attempt waiting in the buffer, in one transaction; results that lost their claims are counted, not used.
    func flushResults(summary: inout CollectSummary, onEvent: @Sendable (CollectEvent) -> Void) throws {
        let reports = unwritten.drain()
        let stale = Set(try store.recordAttempts(reports, holder: collector.holder))
        guard !stale.isEmpty else { return }
        for report in reports where stale.contains(report.attemptID) {
            if case .done = report.outcome {
                summary.done -= 1
                totals.done -= 1
            }
        }
        summary.staleResults += stale.count
        onEvent(.staleResults(count: stale.count))
        try dropVanishedScans()
    }
}
