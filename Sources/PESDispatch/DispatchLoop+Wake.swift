import Foundation
import PESStore

extension DispatchLoop {
    /// When idle work may appear (a back-off ending, a zone coming back, a lease running out), results are due to be written, or leases need renewing.
    ///
    /// The database is asked only when the answer can have changed: retry
    /// times while a back-off may be waiting, pending counts while a zone
    /// rests. A batch poll found moves `batchDue` earlier.
    ///
    /// A back-off that ended between the last claim and now still wakes the
    /// loop (at once): on a busy machine the claim can come just before a
    /// short back-off ends and this look just after, and the run must not end
    /// with that point pending.
    func nextWake(batchDue: inout Date) throws -> Date? {
        guard !policy.submitOnly else { return nil }
        let now = clock.wallNow
        let scanIDs = activeScanIDs
        var schedule = WakeSchedule(now: now)
        schedule.renewalDue = WakeSchedule.renewal(
            now: now, running: running, leaseSeconds: policy.leaseSeconds, secondsSinceRenewal: seconds(since: lastRenewal))
        schedule.resultsDeadline = unwritten.deadline
        schedule.leaseVerdictDue = leaseVerdictDue
        // Back-offs that ended after the last claim count even when already past: no claim has seen them yet.
        if retryMayBeWaiting {
            let seenUntil = min(now, lastClaimAt).timeIntervalSince1970
            if let retry = try store.nextRetryTime(ofScans: scanIDs, nowSeconds: seenUntil) {
                schedule.nextRetry = Date(timeIntervalSince1970: retry)
            } else {
                retryMayBeWaiting = false
            }
        }
        if let poll = try nextBatchPoll(scanIDs: scanIDs) {
            schedule.batchPoll = poll
            batchDue = min(batchDue, poll)
        }
        schedule.restEnds = zoneStates.compactMap { $0.health.restEnd(after: now) }
        if !schedule.restEnds.isEmpty {
            schedule.pointsWaiting = try scanIDs.contains { try store.stateCounts(ofScan: $0).pending > 0 }
        }
        return schedule.next
    }
}
