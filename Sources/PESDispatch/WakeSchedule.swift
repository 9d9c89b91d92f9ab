import Foundation

/// When the dispatch loop must wake next if nothing finishes first: the soonest of the moments it waits for.
///
/// Pure: the loop gathers the candidates (asking the database only when an
/// answer can have changed) and this picks the time.
struct WakeSchedule: Sendable, Equatable {
    /// The time the schedule is made at.
    var now: Date
    /// When this run's leases are due for renewal, when it has points running.
    var renewalDue: Date?
    /// When finished attempts waiting in the buffer must be written.
    var resultsDeadline: Date?
    /// When another collect's lease that looks expired is due for judgement.
    var leaseVerdictDue: Date?
    /// When the soonest point waiting out a retry back-off may run.
    var nextRetry: Date?
    /// When a batch zone wants to look at its queue again.
    var batchPoll: Date?
    /// When resting zones come back; they count only when ``pointsWaiting`` is true.
    var restEnds: [Date] = []
    /// Whether pending points wait for a resting zone.
    var pointsWaiting = false
    /// `collect --no-wait`: nothing is waited for.
    var submitOnly = false

    init(now: Date) {
        self.now = now
    }

    /// When renewal is due for a run that renews every quarter of `leaseSeconds` and last renewed `secondsSinceRenewal` ago; nil with nothing running.
    static func renewal(now: Date, running: Int, leaseSeconds: Double, secondsSinceRenewal: Double) -> Date? {
        running > 0 ? now.addingTimeInterval(leaseSeconds / 4 - secondsSinceRenewal) : nil
    }

    /// The next wake, or nil when nothing is waited for.
    ///
    /// A zone stopped for the run (`.distantFuture`) and rests already over
    /// are not waited for.
    var next: Date? {
        guard !submitOnly else { return nil }
        var candidates = [renewalDue, resultsDeadline, leaseVerdictDue, nextRetry, batchPoll].compactMap { $0 }
        if pointsWaiting { candidates += restEnds.filter { $0 > now && $0 < .distantFuture } }
        return candidates.min()
    }
}
