import Foundation
import PESCore
import PESEngines
import PESStore
import PESTestSupport
@testable import PESDispatch

/// A scan in a fresh database on a temporary file, and collectors that run it on scripted zones with a test clock.
struct LoopFixture {
    var store: ScanStore
    var scan: ScanRecord
    var folder: URL
    var model: MorseModel
    let clock = ManualClock()

    init(points: Int) throws {
        folder = try TestSupport.temporaryFolder("pesscan-loop")
        store = try ScanStore(path: folder.appendingPathComponent("loop.sqlite").path, create: true)
        let entry = try MoleculeLibrary.load(from: TestSupport.moleculeLibrary).molecule(named: "AuOg+")
        let spec = ScanSpec(
            name: try ScanName("AuOg+"), molecule: entry.molecule, engine: EngineSettings(name: "model"),
            modelConstants: entry.constants,
            bondLengthsAngstrom: try BondLengthRange.evenlySpaced(entry.defaultRangeAngstrom, count: points))
        model = MorseModel(constants: entry.constants, reducedMassDalton: entry.molecule.reducedMassDalton)
        scan = try store.createScan(spec)
    }

    /// A scripted zone of the run.
    func zone(_ name: String, slots: Int = 1, kind: ZoneKind = .local, _ backend: any ZoneBackend) throws -> Zone {
        try Zone(name: name, kind: kind, slots: slots, backend: backend)
    }

    /// A collector over `zones` reading the fixture's clock, running `engine` (default: the in-process model).
    func collector(
        _ zones: [Zone], policy: DispatchPolicy, engine: (any Engine)? = nil, holder: LeaseHolder = Collector.currentProcessHolder()
    ) -> Collector {
        var collector = Collector(
            store: store, zones: zones, resultsFolder: folder, engines: [scan.id: engine ?? ModelEngine(model: model)],
            holder: holder, policy: policy)
        collector.clock = clock
        return collector
    }

    /// Runs `collector` over the scan, gathering its events.
    func run(_ collector: Collector) async throws -> (CollectSummary, [CollectEvent]) {
        let events = EventLog()
        let summary = try await collector.run(scans: [scan]) { events.append($0) }
        return (summary, events.all)
    }

    /// Attempts of the scan's point `index`, in order.
    func attempts(ofPoint index: Int) throws -> [AttemptRecord] {
        let pointID = try store.points(ofScan: scan.id).first { $0.index == index }?.id
        return try store.attempts(ofScan: scan.id).filter { $0.pointID == pointID }.sorted { $0.number < $1.number }
    }

    /// Seconds on the fixture's clock of a time stored in the database (seconds since 1970).
    func clockSeconds(_ stored: Double?) -> Double? {
        stored.map { $0 - clock.wallStart.timeIntervalSince1970 }
    }
}

/// Events of a run, collected from the `onEvent` callback.
final class EventLog: @unchecked Sendable {
    // @unchecked Sendable: `events` is touched only under `lock`.
    private let lock = NSLock()
    private var events: [CollectEvent] = []

    func append(_ event: CollectEvent) { lock.withLock { events.append(event) } }
    var all: [CollectEvent] { lock.withLock { events } }
}

extension [CollectEvent] {
    /// Every zone-down event: zone, reason and rest in seconds.
    var zoneDowns: [(zone: String, reason: String, cooldownSeconds: Double)] {
        compactMap {
            if case .zoneDown(let zone, let reason, let cooldown) = $0 { return (zone, reason, cooldown) }
            return nil
        }
    }

    /// Every scheduler-trouble event's back-off in seconds.
    var schedulerBackoffs: [Double] {
        compactMap {
            if case .schedulerTrouble(_, let retry) = $0 { return retry }
            return nil
        }
    }
}
