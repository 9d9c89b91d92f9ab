import Foundation
import PESCore
import PESEngines
import PESStore
import Testing
@testable import PESDispatch

/// The dispatch loop on scripted zones with a test clock: the real database, no processes, minutes of rules in milliseconds.
@Suite("The dispatch loop on scripted zones")
struct DispatchLoopTests {
    /// Asserts that `actual` equals `expected` within `tolerance` seconds, element by element.
    func expectTimes(_ actual: [Double], _ expected: [Double], tolerance: Double = 0.05, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(actual.count == expected.count, "times \(actual), expected \(expected)", sourceLocation: sourceLocation)
        for (a, e) in zip(actual, expected) {
            #expect(abs(a - e) <= tolerance, "times \(actual), expected \(expected)", sourceLocation: sourceLocation)
        }
    }

    /// Runs the fixture's scan on one batch zone served by `queue`, with a process engine that never runs.
    func runOnBatchZone(_ f: LoopFixture, _ queue: ScriptedQueue, slots: Int) async throws -> (CollectSummary, [CollectEvent]) {
        let engine = ModelProcessEngine(model: f.model, delaySeconds: 0, executable: URL(fileURLWithPath: "/bin/false"))
        return try await f.run(f.collector(
            [try f.zone("cluster", slots: slots, kind: .slurm, queue)], policy: DispatchPolicy(), engine: engine))
    }

    @Test("a failed point is retried after a back-off that doubles (1 s, 2 s, 4 s) and succeeds within its retries")
    func retryBackoffDoubles() async throws {
        let f = try LoopFixture(points: 2)
        let zone = ScriptedBackend(clock: f.clock) { turn in
            turn.point == 0 && turn.ofPoint < 3 ? .fail("SCF did not converge") : .complete(energyHartree: -1)
        }
        let (summary, _) = try await f.run(f.collector(
            [try f.zone("a", zone)], policy: DispatchPolicy(retries: 3, backoffSeconds: 1, maximumBackoffSeconds: 60)))
        #expect(summary.done == 2 && summary.failed == 0 && summary.retried == 3)
        expectTimes(zone.calls(ofPoint: 0), [0, 1, 3, 7])
        let attempts = try f.attempts(ofPoint: 0)
        #expect(attempts.map(\.outcome) == [.failed, .failed, .failed, .done])
        // Times on the test clock: the back-offs were waited on it, not slept in real time.
        expectTimes(attempts.compactMap { f.clockSeconds($0.startedAt?.timeIntervalSince1970) }, [0, 1, 3, 7])
    }

    @Test("a point that keeps failing fails for good after retries + 1 attempts, the back-off capped at its maximum")
    func retryBudgetSpent() async throws {
        let f = try LoopFixture(points: 2)
        let zone = ScriptedBackend(clock: f.clock) { turn in
            turn.point == 0 ? .fail("SCF did not converge") : .complete(energyHartree: -1)
        }
        let (summary, _) = try await f.run(f.collector(
            [try f.zone("a", zone)], policy: DispatchPolicy(retries: 4, backoffSeconds: 3, maximumBackoffSeconds: 10)))
        #expect(summary.done == 1 && summary.failed == 1 && summary.retried == 4)
        // Waits 3, 6, 10 (capped), 10.
        expectTimes(zone.calls(ofPoint: 0), [0, 3, 9, 19, 29])
        let point = try #require(try f.store.points(ofScan: f.scan.id).first { $0.index == 0 })
        #expect(point.state == .failed && point.error == "SCF did not converge")
    }

    @Test("a zone rests 60 s after 3 launch failures in a row, then comes back and runs the point")
    func zoneRestsAfterLaunchFailures() async throws {
        let f = try LoopFixture(points: 2)
        let zone = ScriptedBackend(clock: f.clock) { turn in
            turn.ofZone < 3 ? .launchFailure("podman could not run image x (exit 125)") : .complete(energyHartree: -1)
        }
        let (summary, events) = try await f.run(f.collector([try f.zone("a", zone)], policy: DispatchPolicy(retries: 5)))
        #expect(summary.done == 2 && summary.failed == 0)
        // Launch failures retry at once; after the third the zone rests, and both points run once it is back.
        expectTimes(zone.calls.map(\.atSeconds), [0, 0, 0, 60, 60])
        #expect(events.zoneDowns.map(\.zone) == ["a"])
        #expect(events.zoneDowns.map(\.cooldownSeconds) == [60])
    }

    @Test("while a zone rests after its launch failures, another zone runs the points")
    func otherZoneCarriesOn() async throws {
        let f = try LoopFixture(points: 6)
        let broken = ScriptedBackend(clock: f.clock) { turn in
            turn.ofZone < 3 ? .launchFailure("runtime missing") : .complete(energyHartree: -1)
        }
        let slow = ScriptedBackend(clock: f.clock) { _ in .complete(energyHartree: -2) }
        let (summary, events) = try await f.run(f.collector(
            [try f.zone("broken", broken), try f.zone("good", slow)], policy: DispatchPolicy(retries: 2)))
        let counts = try f.store.stateCounts(ofScan: f.scan.id)
        #expect(summary.done == 6 && summary.failed == 0, "\(counts), calls \(broken.calls) \(slow.calls)")
        #expect(events.zoneDowns.map(\.zone) == ["broken"])
        #expect(broken.calls.count == 3)
        #expect(try f.store.points(ofScan: f.scan.id).allSatisfy { $0.zone == "good" })
    }

    @Test("a full disk stops its zone for the rest of the run; the point waits again without spending a retry and another zone runs it")
    func fullDiskStopsZone() async throws {
        let f = try LoopFixture(points: 4)
        let full = ScriptedBackend(clock: f.clock) { _ in .fullDisk(folder: "/scratch/runs") }
        let good = ScriptedBackend(clock: f.clock) { _ in .complete(energyHartree: -1) }
        let (summary, events) = try await f.run(f.collector(
            [try f.zone("full", full), try f.zone("good", good)], policy: DispatchPolicy(retries: 0)))
        #expect(summary.done == 4 && summary.failed == 0 && summary.retried == 1)
        #expect(full.calls.count == 1)
        #expect(summary.fullDisks == [FullDiskStop(zone: "full", folder: "/scratch/runs")])
        #expect(events.zoneDowns.map(\.zone) == ["full"])
        #expect(events.zoneDowns.map(\.cooldownSeconds) == [.infinity])
        #expect(try f.store.points(ofScan: f.scan.id).allSatisfy { $0.state == .done && $0.zone == "good" })
    }

    @Test("a full disk in the only zone leaves the points pending for the next collect, however long the run waits")
    func fullDiskOnlyZone() async throws {
        let f = try LoopFixture(points: 3)
        let full = ScriptedBackend(clock: f.clock) { _ in .fullDisk(folder: "/scratch/runs") }
        let (summary, _) = try await f.run(f.collector([try f.zone("full", full)], policy: DispatchPolicy(retries: 0)))
        #expect(summary.done == 0 && summary.failed == 0 && summary.fullDisks.count == 1)
        #expect(full.calls.count == 1)
        #expect(try f.store.stateCounts(ofScan: f.scan.id).pending == 3)
    }

    @Test("an engine that runs past the timeout is stopped and counted as failed")
    func timeoutStopsEngine() async throws {
        let f = try LoopFixture(points: 2)
        let zone = ScriptedBackend(clock: f.clock) { turn in turn.point == 0 ? .hang : .complete(energyHartree: -1) }
        let (summary, _) = try await f.run(f.collector(
            [try f.zone("a", zone)], policy: DispatchPolicy(retries: 0, timeoutSeconds: 30)))
        #expect(summary.failed == 1 && summary.done == 1)
        let attempt = try #require(try f.attempts(ofPoint: 0).first)
        #expect(attempt.error?.hasPrefix("timed out after 30 s") == true)
        // 30 s on the test clock: the timeout was waited on it, not in real time.
        #expect(abs((attempt.wallSeconds ?? 0) - 30) < 0.5)
    }

    @Test("a timed-out point is retried like any failure, and the retry may finish")
    func timeoutThenRetry() async throws {
        let f = try LoopFixture(points: 2)
        let zone = ScriptedBackend(clock: f.clock) { turn in
            turn.point == 0 && turn.ofPoint == 0 ? .hang : .complete(energyHartree: -1)
        }
        let (summary, _) = try await f.run(f.collector(
            [try f.zone("a", zone)], policy: DispatchPolicy(retries: 1, timeoutSeconds: 30, backoffSeconds: 5)))
        #expect(summary.done == 2 && summary.retried == 1)
        expectTimes(zone.calls(ofPoint: 0), [0, 35], tolerance: 0.1)
    }

    @Test("leases are renewed every quarter of the lease while a point runs, moving the heartbeat")
    func leasesRenewed() async throws {
        let f = try LoopFixture(points: 2)
        let zone = ScriptedBackend(clock: f.clock) { turn in turn.point == 0 ? .hang : .complete(energyHartree: -1) }
        let observer = LeaseHolder(token: "observer", host: "elsewhere", pid: 1)
        let collector = f.collector([try f.zone("a", zone)], policy: DispatchPolicy(retries: 0, timeoutSeconds: 95, leaseSeconds: 40))
        let run = Task { try await f.run(collector) }
        var beats: Set<Int> = []
        while beats.count < 20, f.clock.elapsedSeconds < 95 {
            for lease in try f.store.foreignLeases(excluding: observer) { if let beat = lease.beat { beats.insert(beat) } }
            try await Task.sleep(nanoseconds: 500_000)
        }
        let (summary, _) = try await run.value
        #expect(summary.failed == 1 && summary.done == 1)
        // Claimed at 0 (beat 1), renewed at 10, 20, ..., 90 s: nine renewals.
        #expect((beats.max() ?? 0) >= 9, "heartbeats seen: \(beats.sorted())")
    }

    @Test("points left running by a collect whose process is gone are taken over at once and run")
    func deadHolderTakenOver() async throws {
        let f = try LoopFixture(points: 5)
        let dead = LeaseHolder(token: "dead", host: Collector.currentProcessHolder().host, pid: Int32.max)
        let taken = try f.store.claimPendingPoints(ofScans: [f.scan.id], limit: 3, holder: dead, zone: "a", leaseSeconds: 300)
        #expect(taken.count == 3)
        let zone = ScriptedBackend(clock: f.clock) { _ in .complete(energyHartree: -1) }
        let (summary, _) = try await f.run(f.collector([try f.zone("a", zone)], policy: DispatchPolicy(retries: 0)))
        #expect(summary.reclaimed == 3 && summary.done == 5)
        let abandoned = try f.store.attempts(ofScan: f.scan.id).filter { $0.outcome == .abandoned }
        #expect(abandoned.count == 3)
        #expect(abandoned.allSatisfy { $0.error?.contains("ended before finishing") == true })
    }

    @Test("sbatch refusals return the points, back off 2 s then 4 s, and stop the zone after the third")
    func sbatchRefusalsBackOff() async throws {
        let f = try LoopFixture(points: 3)
        let queue = ScriptedQueue(clock: f.clock, refusesSubmissions: true)
        let (summary, events) = try await runOnBatchZone(f, queue, slots: 3)
        expectTimes(queue.submittedAt, [0, 2, 6])
        #expect(events.schedulerBackoffs == [2, 4])
        #expect(events.zoneDowns.map(\.zone) == ["cluster"])
        #expect(events.zoneDowns.map(\.cooldownSeconds) == [.infinity])
        #expect(summary.batchSubmissions.isEmpty && summary.failed == 0)
        #expect(try f.store.stateCounts(ofScan: f.scan.id).pending == 3)
        #expect(try f.store.attempts(ofScan: f.scan.id).allSatisfy { $0.outcome == .released })
    }

    @Test("failed looks at the queue back off 2 s doubling to 120 s; after eight collect stops waiting and leaves the jobs to Slurm")
    func queueLooksGiveUp() async throws {
        let f = try LoopFixture(points: 2)
        let queue = ScriptedQueue(clock: f.clock, refusesSubmissions: false)
        let (summary, events) = try await runOnBatchZone(f, queue, slots: 2)
        #expect(summary.batchSubmissions.count == 1)
        #expect(events.schedulerBackoffs == [2, 4, 8, 16, 32, 64, 120])
        // Looks every poll (5 s) or back-off, whichever is longer.
        let gaps = zip(queue.lookedAt.dropFirst(), queue.lookedAt).map { $0 - $1 }
        expectTimes(gaps, [5, 5, 8, 16, 32, 64, 120])
        #expect(events.zoneDowns.map(\.cooldownSeconds) == [.infinity])
        #expect(try f.store.submittedPoints(ofScans: [f.scan.id], zones: ["cluster"]).count == 2)
    }
}
