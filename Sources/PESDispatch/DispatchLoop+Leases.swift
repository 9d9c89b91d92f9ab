import Foundation
import PESStore

extension DispatchLoop {
    /// Whether a quarter of a lease has passed on the monotonic clock since the last renewal.
    var renewalIsDue: Bool { seconds(since: lastRenewal) >= policy.leaseSeconds / 4 - 0.01 }

    /// Renews this run's leases; when some were taken over meanwhile (this process was paused past its lease), checks its scans.
    func renewLeases(summary: inout CollectSummary, onEvent: @Sendable (CollectEvent) -> Void) throws {
        let held = try store.renewLeases(of: collector.holder, forSeconds: policy.leaseSeconds)
        lastRenewal = clock.monotonicNow
        let runningHere = running + zoneStates.reduce(0) { $0 + $1.claimedAhead.count }
        if held < runningHere { try dropVanishedScans() }
        try takeOverStaleLeases(summary: &summary, onEvent: onEvent)
    }

    /// Returns to pending the running points of collects judged gone, and notes when the next lease is due for judgement.
    func takeOverStaleLeases(summary: inout CollectSummary, onEvent: @Sendable (CollectEvent) -> Void, announce: Bool = true) throws {
        let leases = try store.foreignLeases(excluding: collector.holder)
        let verdicts = leaseWatch.verdicts(on: leases, wallNowSeconds: clock.wallNow.timeIntervalSince1970, now: clock.monotonicNow)
        if !verdicts.isEmpty {
            let taken = try store.reclaimLeases(verdicts)
            if taken > 0 {
                summary.reclaimed += taken
                retryMayBeWaiting = true
                pendingMayExist = true
                if announce { onEvent(.takenOver(points: taken, reasons: verdicts.map(\.reason))) }
            }
        }
        leaseVerdictDue = leaseWatch.nextVerdict(
            on: try verdicts.isEmpty ? leases : store.foreignLeases(excluding: collector.holder), wallNow: clock.wallNow,
            now: clock.monotonicNow)
    }
}
