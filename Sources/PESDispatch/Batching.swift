import Foundation
import PESStore

/// Finished attempts not yet written, flushed together so that fast engines do not pay one transaction per point.
///
/// Crash safety does not depend on the buffer: until its attempt is written,
/// a point stays `running` under this run's lease, so a run killed before
/// the flush leaves it to be reclaimed and run again, never lost and never
/// done twice.
struct ResultBuffer {
    /// Attempts waiting to be written, oldest first.
    private(set) var reports: [AttemptReport] = []
    /// When the oldest waiting attempt finished.
    private(set) var oldest: Date?

    /// Longest time a finished attempt waits before it is written, in seconds.
    static let maximumDelaySeconds = 0.2
    /// Attempts written in one transaction at most.
    static let maximumCount = 1024

    var isEmpty: Bool { reports.isEmpty }

    /// Adds a finished attempt.
    mutating func append(_ report: AttemptReport, at now: Date = Date()) {
        if reports.isEmpty { oldest = now }
        reports.append(report)
    }

    /// When the buffer must be written at the latest, or nil when it is empty.
    var deadline: Date? { oldest?.addingTimeInterval(Self.maximumDelaySeconds) }

    /// Whether the buffer is full or its oldest attempt has waited long enough.
    func isDue(at now: Date = Date()) -> Bool {
        guard let deadline else { return false }
        return reports.count >= Self.maximumCount || now >= deadline
    }

    /// Takes every waiting attempt out of the buffer.
    mutating func drain() -> [AttemptReport] {
        defer {
            reports.removeAll(keepingCapacity: true)
            oldest = nil
        }
        return reports
    }
}

/// How many points a zone claims beyond its free slots, from how long its recent points took.
///
/// Slow engines (a second or more) claim exactly their free slots, as one
/// claim per point costs nothing next to the point. Fast engines would spend
/// much of their time in claim transactions (a process point of 30 ms on two
/// cores paid one claim every three points), so a zone whose points finish
/// quickly claims enough to stay busy for ``coveredSeconds``, up to
/// ``maximumExtra`` points.
struct ClaimAhead {
    /// Exponential moving average of the wall time of successful attempts in seconds; nil until one succeeded.
    private(set) var averageSeconds: Double?

    /// Seconds of work a zone's claimed-but-not-started queue should hold.
    static let coveredSeconds = 0.25
    /// Most points claimed ahead of free slots.
    static let maximumExtra = 1024

    /// Records a successful attempt's wall time in seconds.
    mutating func recordSuccess(wallSeconds: Double) {
        let wall = max(wallSeconds, 0)
        averageSeconds = averageSeconds.map { 0.8 * $0 + 0.2 * wall } ?? wall
    }

    /// Forgets the average after a failure, so a failing zone claims no more than its free slots.
    mutating func recordFailure() {
        averageSeconds = nil
    }

    /// Points to claim beyond the free slots of a zone with `slots` slots.
    func extra(slots: Int) -> Int {
        guard let averageSeconds else { return 0 }
        let covered = Self.coveredSeconds * Double(slots) / max(averageSeconds, 1e-6)
        return min(Self.maximumExtra, Int(covered.rounded(.down)))
    }
}
