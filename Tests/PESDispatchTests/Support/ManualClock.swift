import Foundation
@testable import PESDispatch

/// A clock that tests control: time moves only when told, or, with `autoAdvance`, jumps to the next sleeper's deadline once the loop is idle.
///
/// Idle means the dispatch loop waits for its tasks, no test back-end is
/// working (see ``busy(_:)``), every sleeper the clock woke has led to an
/// event the loop took, and nothing happened for two ticks of real time;
/// then the clock moves to the earliest deadline of its sleepers and wakes
/// them, so a 60 s rest passes in milliseconds, in order.
final class ManualClock: DispatchClock, @unchecked Sendable {
    // @unchecked Sendable: every mutable field is touched only under `lock`.
    private enum Sleeper {
        case waiting(deadline: Double, CheckedContinuation<Void, Never>)
        case cancelled
    }

    /// Wall time at offset zero.
    let wallStart: Date
    /// Monotonic time at offset zero.
    let monotonicStart: ContinuousClock.Instant
    /// Real nanoseconds between the driver's looks; two looks without any event make the loop idle.
    static let tickNanoseconds: UInt64 = 15_000_000
    private let lock = NSLock()
    private var offsetSeconds = 0.0
    private var sleepers: [Int: Sleeper] = [:]
    private var nextID = 0
    private var generation = 0
    private var loopWaiting = false
    private var busyCount = 0
    /// Sleepers woken whose event the loop has not taken yet.
    private var wokenUntaken = 0
    private var driver: Task<Void, Never>?

    /// A clock at `wallStart`; with `autoAdvance` it moves itself whenever the loop is idle.
    init(wallStart: Date = Date(), autoAdvance: Bool = true) {
        self.wallStart = wallStart
        self.monotonicStart = .now
        if autoAdvance {
            driver = Task.detached { [weak self] in
                var seen = -1
                var quietLooks = 0
                while !Task.isCancelled {
                    try? await Task.sleep(nanoseconds: Self.tickNanoseconds)
                    guard let self else { return }
                    let now = self.generationNow
                    quietLooks = now == seen ? quietLooks + 1 : 0
                    seen = now
                    if quietLooks >= 2 {
                        seen = self.advanceIfIdle(seenGeneration: seen)
                        quietLooks = 0
                    }
                }
            }
        }
    }

    deinit { driver?.cancel() }

    /// Seconds the clock has moved since it started.
    var elapsedSeconds: Double { lock.withLock { offsetSeconds } }

    var wallNow: Date { wallStart.addingTimeInterval(elapsedSeconds) }
    var monotonicNow: ContinuousClock.Instant { monotonicStart + .seconds(elapsedSeconds) }

    func sleep(seconds: Double) async {
        guard seconds > 0 else { return }
        let id = lock.withLock {
            nextID += 1
            return nextID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = lock.withLock {
                    generation += 1
                    if case .cancelled = sleepers[id] {
                        sleepers[id] = nil
                        return true
                    }
                    sleepers[id] = .waiting(deadline: offsetSeconds + seconds, continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let continuation: CheckedContinuation<Void, Never>? = lock.withLock {
                generation += 1
                if case .waiting(_, let continuation) = sleepers[id] {
                    sleepers[id] = nil
                    return continuation
                }
                sleepers[id] = .cancelled
                return nil
            }
            continuation?.resume()
        }
    }

    func loopIsWaiting(_ waiting: Bool) {
        lock.withLock {
            loopWaiting = waiting
            if !waiting { wokenUntaken = max(0, wokenUntaken - 1) }
            generation += 1
        }
    }

    private var generationNow: Int { lock.withLock { generation } }

    /// Runs `body` as work the clock must not skip over (a test back-end handling a point).
    func busy<T>(_ body: () -> T) -> T {
        lock.withLock {
            busyCount += 1
            generation += 1
        }
        defer {
            lock.withLock {
                busyCount -= 1
                generation += 1
            }
        }
        return body()
    }

    /// Moves the clock on by `seconds` and wakes every sleeper whose deadline has come.
    func advance(by seconds: Double) {
        let due: [CheckedContinuation<Void, Never>] = lock.withLock {
            offsetSeconds += seconds
            return takeDue()
        }
        due.forEach { $0.resume() }
    }

    /// One step of the driver: when nothing happened since `seenGeneration` and the loop is idle, moves to the next deadline.
    private func advanceIfIdle(seenGeneration: Int) -> Int {
        let (due, generationNow): ([CheckedContinuation<Void, Never>], Int) = lock.withLock {
            guard generation == seenGeneration, loopWaiting, busyCount == 0, wokenUntaken == 0 else { return ([], generation) }
            let deadlines = sleepers.values.compactMap { sleeper -> Double? in
                if case .waiting(let deadline, _) = sleeper, deadline.isFinite { return deadline }
                return nil
            }
            guard let next = deadlines.min() else { return ([], generation) }
            offsetSeconds = max(offsetSeconds, next)
            generation += 1
            let due = takeDue()
            wokenUntaken += due.count
            return (due, generation)
        }
        due.forEach { $0.resume() }
        return generationNow
    }

    /// Removes and returns the continuations of sleepers whose deadline has come; called under `lock`.
    private func takeDue() -> [CheckedContinuation<Void, Never>] {
        var due: [CheckedContinuation<Void, Never>] = []
        for (id, sleeper) in sleepers {
            if case .waiting(let deadline, let continuation) = sleeper, deadline <= offsetSeconds {
                due.append(continuation)
                sleepers[id] = nil
            }
        }
        return due
    }
}
