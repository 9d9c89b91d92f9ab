import Foundation

/// Whether a zone (or the batch scheduler) may be used now, from its recent failures.
///
/// One rule serves every kind: failures in a row are counted; a rule may
/// back off after each (2 s doubling to 120 s) and, at its limit, rests the
/// zone for a cool-down or stops it for the rest of the run. A success
/// clears the count and the back-off.
struct ZoneHealth: Sendable, Equatable {
    /// How failures of one kind are answered.
    struct Rule: Sendable, Equatable {
        /// What happens once ``limit`` failures came in a row.
        enum AtLimit: Sendable, Equatable {
            /// Rest this many seconds, then try again.
            case rest(seconds: Double)
            /// Take no more work for the rest of the run.
            case stop
        }

        /// Failures in a row that trigger ``atLimit``.
        var limit: Int
        var atLimit: AtLimit
        /// Whether each failure below the limit rests the zone for a doubling back-off.
        var backsOff: Bool

        /// Launch failures of a process zone: rest `policy.zoneCooldownSeconds` after `policy.zoneFailureLimit` in a row.
        static func launches(_ policy: DispatchPolicy) -> Rule {
            Rule(limit: policy.zoneFailureLimit, atLimit: .rest(seconds: policy.zoneCooldownSeconds), backsOff: false)
        }

        /// Refused submissions to a batch zone: back off, and give up for the run after `policy.zoneFailureLimit` in a row.
        static func submissions(_ policy: DispatchPolicy) -> Rule {
            Rule(limit: policy.zoneFailureLimit, atLimit: .stop, backsOff: true)
        }

        /// Failed looks at the batch queue: back off, and stop waiting on batch zones after 8 in a row.
        static let queueLooks = Rule(limit: 8, atLimit: .stop, backsOff: true)
    }

    /// What a failure did to the zone.
    enum Verdict: Sendable, Equatable {
        /// Counted; the zone stays in use.
        case counted
        /// The zone waits `seconds` (the back-off) before it is used again.
        case backOff(seconds: Double)
        /// The limit was reached: the zone rests until `until`.
        case rest(until: Date)
        /// The limit was reached: the zone is stopped for the rest of the run.
        case stop
        /// The zone was already resting or stopped; nothing changed but the count.
        case alreadyDown
    }

    /// First back-off in seconds.
    static let firstBackoffSeconds = 2.0
    /// Longest back-off in seconds.
    static let maximumBackoffSeconds = 120.0

    /// Failures in a row since the last success.
    private(set) var failuresInARow = 0
    /// Current back-off in seconds; 0 after a success.
    private(set) var backoffSeconds = 0.0
    /// Until when the zone takes no work; `.distantFuture` once stopped for the run.
    private(set) var downUntil: Date?
    /// Whether ``downUntil`` ends a cool-down, after which the count starts over (a back-off keeps it).
    private var coolingDown = false

    /// Whether the zone is stopped for the rest of the run.
    var isStopped: Bool { downUntil == .distantFuture }

    /// Whether the zone takes no work at `now`.
    func isDown(at now: Date) -> Bool { downUntil.map { $0 > now } ?? false }

    /// When a zone resting or backing off at `now` (not a stopped one) comes back; nil when it is not down.
    func restEnd(after now: Date) -> Date? {
        guard let downUntil, downUntil > now, !isStopped else { return nil }
        return downUntil
    }

    /// Puts a zone whose rest is over at `now` back in use; returns whether it may take work.
    ///
    /// After a cool-down the count starts over; after a back-off it stands,
    /// so refusals in a row still reach the limit.
    mutating func returnIfRested(at now: Date) -> Bool {
        guard let downUntil else { return true }
        guard downUntil <= now else { return false }
        self.downUntil = nil
        if coolingDown {
            failuresInARow = 0
            coolingDown = false
        }
        return true
    }

    /// Clears the count and the back-off after a success (or a failure that is not the zone's).
    mutating func recordSuccess() {
        failuresInARow = 0
        backoffSeconds = 0
    }

    /// Counts a failure at `now` and applies `rule`.
    mutating func recordFailure(at now: Date, rule: Rule) -> Verdict {
        failuresInARow += 1
        if rule.backsOff {
            backoffSeconds = min(max(backoffSeconds * 2, Self.firstBackoffSeconds), Self.maximumBackoffSeconds)
        }
        if failuresInARow >= rule.limit {
            switch rule.atLimit {
            case .stop:
                return stop() ? .stop : .alreadyDown
            case .rest(let seconds):
                // Failures of points started before the zone went down do not extend its rest.
                guard downUntil == nil else { return .alreadyDown }
                downUntil = now.addingTimeInterval(seconds)
                coolingDown = true
                return .rest(until: now.addingTimeInterval(seconds))
            }
        }
        guard rule.backsOff, !isStopped else { return .counted }
        downUntil = now.addingTimeInterval(backoffSeconds)
        return .backOff(seconds: backoffSeconds)
    }

    /// Stops the zone for the rest of the run; false when it already was.
    mutating func stop() -> Bool {
        guard !isStopped else { return false }
        downUntil = .distantFuture
        coolingDown = false
        return true
    }
}
