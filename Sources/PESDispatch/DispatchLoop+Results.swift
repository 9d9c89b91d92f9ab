import Foundation
import PESStore

extension DispatchLoop {
    /// Decides retry or final failure, rests a failing zone, and writes the attempt.
    func handle(
        _ finished: inout FinishedPoint, zone index: Int, summary: inout CollectSummary,
        onEvent: @Sendable (CollectEvent) -> Void
    ) throws {
        let now = clock.wallNow
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
            let decision = RetryDecision.decide(
                failedBefore: finished.failedBefore, launchFailure: finished.report.launchFailure,
                fullDisk: finished.fullDiskFolder != nil, zoneCount: collector.zones.count, policy: policy,
                nowSeconds: now.timeIntervalSince1970)
            switch decision {
            case .retry(let atSeconds):
                finished.report.retryAfterSeconds = atSeconds
                retryMayBeWaiting = true
                pendingMayExist = true
                summary.retried += 1
            case .failForGood:
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
        unwritten.append(finished.report, at: now)
        // A failure is written at once: its retry time decides when the point may run again.
        if case .failed = finished.report.outcome { try flushResults(summary: &summary, onEvent: onEvent) }
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
