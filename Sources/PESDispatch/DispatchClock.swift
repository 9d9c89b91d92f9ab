import Foundation

/// Where the dispatch loop reads the time and waits: the system's clocks in a real run, a controlled one in tests.
///
/// Wall time dates retries, leases and attempts in the database; monotonic
/// time measures intervals (lease renewal, heartbeat silence) so that a
/// stepped wall clock cannot shorten or stretch them.
protocol DispatchClock: Sendable {
    /// The wall-clock time now.
    var wallNow: Date { get }
    /// The monotonic time now.
    var monotonicNow: ContinuousClock.Instant { get }
    /// Returns after `seconds` have passed on this clock, or early when the task is cancelled.
    func sleep(seconds: Double) async
    /// Told when the loop starts (`true`) and stops waiting for its tasks; a test clock moves on only while it waits.
    func loopIsWaiting(_ waiting: Bool)
}

extension DispatchClock {
    func loopIsWaiting(_ waiting: Bool) {}
}

/// The system's wall clock and its monotonic `ContinuousClock`.
struct SystemClock: DispatchClock {
    var wallNow: Date { Date() }
    var monotonicNow: ContinuousClock.Instant { .now }

    func sleep(seconds: Double) async {
        try? await Task.sleep(nanoseconds: UInt64(max(0, seconds) * 1e9))
    }
}

extension ContinuousClock.Instant {
    /// Seconds from `start` to this instant (negative when `start` is later).
    func seconds(since start: ContinuousClock.Instant) -> Double {
        let duration = self - start
        return Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }
}
