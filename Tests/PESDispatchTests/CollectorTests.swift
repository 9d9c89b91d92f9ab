import Foundation
import PESCore
import PESDispatch
import PESEngines
import PESStore
import PESTestSupport
import Testing

/// Wraps an engine to measure how many runs overlap; the energies still come from the wrapped engine.
final class ConcurrencyProbe: Engine, @unchecked Sendable {
    // @unchecked Sendable: the counters are only touched under the lock.
    let inner: any Engine
    let failingIndices: Set<Int>
    private let lock = NSLock()
    private var current = 0
    private(set) var peak = 0
    private(set) var runs = 0

    init(_ inner: any Engine, failingIndices: Set<Int> = []) {
        self.inner = inner
        self.failingIndices = failingIndices
    }

    var name: String { inner.name }
    var usesWorkDirectory: Bool { inner.usesWorkDirectory }
    var runsAsProcess: Bool { inner.runsAsProcess }

    func run(_ job: EngineJob, launcher: any ProcessLauncher) async -> EngineOutcome {
        lock.withLock {
            current += 1
            runs += 1
            peak = max(peak, current)
        }
        defer { lock.withLock { current -= 1 } }
        let outcome = await inner.run(job, launcher: launcher)
        if failingIndices.contains(job.pointIndex), case .energy = outcome {
            return .failed(reason: "injected failure at point \(job.pointIndex)", details: RunDetails(exitStatus: 1))
        }
        return outcome
    }
}

@Suite("The collector")
struct CollectorTests {
    struct Fixture {
        var store: ScanStore
        var scan: ScanRecord
        var folder: URL
        var model: MorseModel
    }

    func fixture(points: Int) throws -> Fixture {
        let folder = try TestSupport.temporaryFolder("pesscan-collect")
        let store = try ScanStore(path: folder.appendingPathComponent("c.sqlite").path, create: true)
        let entry = try MoleculeLibrary.load(from: TestSupport.moleculeLibrary).molecule(named: "AuOg+")
        let spec = ScanSpec(
            name: try ScanName("AuOg+"), molecule: entry.molecule, engine: EngineSettings(name: "model"),
            modelConstants: entry.constants,
            bondLengthsAngstrom: try BondLengthRange.evenlySpaced(entry.defaultRangeAngstrom, count: points))
        let model = MorseModel(constants: entry.constants, reducedMassDalton: entry.molecule.reducedMassDalton)
        return Fixture(store: try store, scan: try store.createScan(spec), folder: folder, model: model)
    }

    func collector(_ f: Fixture, engine: any Engine, slots: Int) throws -> Collector {
        Collector(
            store: f.store, zones: [try Zone.local(slots: slots)], resultsFolder: f.folder, engines: [f.scan.id: engine],
            holder: Collector.currentProcessHolder(), policy: DispatchPolicy(retries: 0))
    }

    @Test("every point runs once, never more than the zone's slots at a time, with the model's energies")
    func runsAllBounded() async throws {
        let f = try fixture(points: 30)
        let probe = ConcurrencyProbe(ModelEngine(model: f.model, delaySeconds: 0.02))
        let summary = try await collector(f, engine: probe, slots: 3).run(scans: [f.scan])
        #expect(summary.done == 30 && summary.failed == 0 && !summary.interrupted)
        #expect(probe.runs == 30)
        #expect(probe.peak == 3)
        let points = try f.store.points(ofScan: f.scan.id)
        for point in points {
            #expect(point.state == .done)
            #expect(point.energyHartree == f.model.energyHartree(atAngstrom: point.rAngstrom))
            #expect(point.zone == "local")
        }
        // Idempotent: nothing left to do, nothing run again.
        let again = try await collector(f, engine: probe, slots: 3).run(scans: [f.scan])
        #expect(again.done == 0)
        #expect(probe.runs == 30)
        #expect(try f.store.attempts(ofScan: f.scan.id).count == 30)
    }

    @Test("a failed calculation is recorded on its point and does not stop the scan")
    func failuresAreData() async throws {
        let f = try fixture(points: 11)
        let probe = ConcurrencyProbe(ModelEngine(model: f.model), failingIndices: [3, 7])
        let summary = try await collector(f, engine: probe, slots: 2).run(scans: [f.scan])
        #expect(summary.done == 9 && summary.failed == 2)
        let failed = try f.store.points(ofScan: f.scan.id).filter { $0.state == .failed }
        #expect(failed.map(\.index) == [3, 7])
        #expect(failed.allSatisfy { $0.error?.contains("injected failure") == true && $0.exitStatus == 1 })
    }

    @Test("cancellation stops the engines, leaves nothing running, and the next run finishes without repeating a point")
    func cancelAndResume() async throws {
        let f = try fixture(points: 24)
        let slow = ConcurrencyProbe(ModelEngine(model: f.model, delaySeconds: 0.15))
        let first = try collector(f, engine: slow, slots: 2)
        let task = Task { try await first.run(scans: [f.scan]) }
        // Cancel once a few points are done, however loaded the machine is.
        for _ in 0..<600 where try f.store.stateCounts(ofScan: f.scan.id).done < 3 {
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        task.cancel()
        let summary = try await task.value
        #expect(summary.interrupted)
        let afterCancel = try f.store.stateCounts(ofScan: f.scan.id)
        #expect(afterCancel.running == 0)
        #expect(afterCancel.done > 0 && afterCancel.done < 24)
        #expect(afterCancel.done + afterCancel.pending == 24)
        let doneBefore = Set(try f.store.points(ofScan: f.scan.id).filter { $0.state == .done }.map(\.id))

        let resumed = try await collector(f, engine: ModelEngine(model: f.model), slots: 2).run(scans: [f.scan])
        #expect(resumed.done == 24 - doneBefore.count)
        let attempts = try f.store.attempts(ofScan: f.scan.id)
        let doneAttempts = attempts.filter { $0.outcome == .done }
        #expect(doneAttempts.count == 24)
        #expect(Set(doneAttempts.map(\.pointID)).count == 24)
        #expect(attempts.filter { $0.outcome == .released }.count == summary.returnedToPending)
        #expect(try f.store.stateCounts(ofScan: f.scan.id).done == 24)
    }

    @Test("the model without delay is computed in batches at once: one done attempt a point, the model's energies, nothing run twice")
    func immediateBatches() async throws {
        // More than two batches of 4096 points, and not a multiple of the batch size.
        let count = 2 * 4096 + 123
        let f = try fixture(points: count)
        let summary = try await collector(f, engine: ModelEngine(model: f.model), slots: 2).run(scans: [f.scan])
        #expect(summary.done == count && summary.failed == 0 && !summary.interrupted)
        let points = try f.store.points(ofScan: f.scan.id)
        #expect(points.allSatisfy { $0.state == .done && $0.attemptCount == 1 && $0.zone == "local" })
        #expect(points.allSatisfy { $0.energyHartree == f.model.energyHartree(atAngstrom: $0.rAngstrom) })
        let attempts = try f.store.attempts(ofScan: f.scan.id)
        #expect(attempts.count == count && Set(attempts.map(\.pointID)).count == count)
        #expect(attempts.allSatisfy { $0.outcome == .done && $0.engineVersion == "pesscan-morse-1" && ($0.wallSeconds ?? -1) >= 0 })
        #expect(try f.store.stateCounts(ofScan: f.scan.id).running == 0)
        let again = try await collector(f, engine: ModelEngine(model: f.model), slots: 2).run(scans: [f.scan])
        #expect(again.done == 0)
        #expect(try f.store.attempts(ofScan: f.scan.id).count == count)
    }

    @Test("failures computed at once wait out their back-off and retry; a point whose retries are spent fails for good")
    func immediateRetries() async throws {
        let f = try fixture(points: 200)
        let failures = InjectedFailures(fraction: 0.3, seed: 7)
        let policy = DispatchPolicy(retries: 1, backoffSeconds: 0.05, maximumBackoffSeconds: 0.05)
        let collector = Collector(
            store: f.store, zones: [try Zone.local(slots: 2)], resultsFolder: f.folder,
            engines: [f.scan.id: ModelEngine(model: f.model, failures: failures)], holder: Collector.currentProcessHolder(),
            policy: policy)
        let summary = try await collector.run(scans: [f.scan])
        // What the seeded failures decide: a point fails for good when both its attempts fail.
        let failsTwice = (0..<200).filter { failures.failure(point: $0, attempt: 1) != nil && failures.failure(point: $0, attempt: 2) != nil }
        let failsOnce = (0..<200).filter { failures.failure(point: $0, attempt: 1) != nil }
        #expect(!failsTwice.isEmpty && failsOnce.count > failsTwice.count)
        #expect(summary.failed == failsTwice.count && summary.done == 200 - failsTwice.count)
        #expect(summary.retried == failsOnce.count)
        let points = try f.store.points(ofScan: f.scan.id)
        #expect(points.filter { $0.state == .failed }.map(\.index) == failsTwice)
        #expect(points.allSatisfy { $0.attemptCount == (failsOnce.contains($0.index) ? 2 : 1) })
        let attempts = try f.store.attempts(ofScan: f.scan.id)
        #expect(attempts.count == 200 + failsOnce.count)
        #expect(attempts.filter { $0.outcome == .failed }.count == failsOnce.count + failsTwice.count)
    }

    @Test("a scan computed at once and a scan run point by point finish together in one collect")
    func immediateBesideTasks() async throws {
        let f = try fixture(points: 500)
        let entry = try MoleculeLibrary.load(from: TestSupport.moleculeLibrary).molecule(named: "H2")
        let slowSpec = ScanSpec(
            name: try ScanName("slow"), molecule: entry.molecule, engine: EngineSettings(name: "model"),
            modelConstants: entry.constants, bondLengthsAngstrom: try BondLengthRange.evenlySpaced(entry.defaultRangeAngstrom, count: 6))
        let slow = try f.store.createScan(slowSpec)
        let slowModel = MorseModel(constants: entry.constants, reducedMassDalton: entry.molecule.reducedMassDalton)
        let probe = ConcurrencyProbe(ModelEngine(model: slowModel, delaySeconds: 0.05))
        let collector = Collector(
            store: f.store, zones: [try Zone.local(slots: 2)], resultsFolder: f.folder,
            engines: [f.scan.id: ModelEngine(model: f.model), slow.id: probe], holder: Collector.currentProcessHolder(),
            policy: DispatchPolicy(retries: 0))
        let summary = try await collector.run(scans: [f.scan, slow])
        #expect(summary.done == 506)
        #expect(probe.runs == 6 && probe.peak <= 2)
        #expect(try f.store.stateCounts(ofScan: f.scan.id).done == 500)
        #expect(try f.store.stateCounts(ofScan: slow.id).done == 6)
    }

    @Test("a zone needs at least one slot")
    func slotsValidated() {
        #expect(throws: DispatchError.self) { try Zone.local(slots: 0) }
    }
}
