import Foundation
import PESCore
import PESDispatch
import PESEngines
import PESStore

/// What `collect` is asked for.
public struct CollectRequest: Sendable {
    /// Scans to collect by name; empty for every scan.
    public var scans: [String]
    /// Zones to run in, already chosen and checked.
    public var zones: [Zone]
    /// Retries, back-off, timeout, lease, submit-only.
    public var policy: DispatchPolicy
    /// Put failed points back to pending first.
    public var retryFailed: Bool
    /// The folder under which attempts get their work folders (the database's folder).
    public var resultsFolder: URL

    public init(scans: [String], zones: [Zone], policy: DispatchPolicy, retryFailed: Bool, resultsFolder: URL) {
        self.scans = scans
        self.zones = zones
        self.policy = policy
        self.retryFailed = retryFailed
        self.resultsFolder = resultsFolder
    }
}

/// A collect ready to run: its scans read, every engine built once and every zone checked.
public struct PreparedCollect: Sendable {
    public var scans: [ScanRecord]
    public var collector: Collector
}

/// How a collect ended, which decides its exit status.
public enum CollectOutcome: Sendable, Hashable, Codable {
    /// Every point the run was responsible for is done (or handed to a batch zone).
    case finished
    /// Ctrl-C or SIGTERM stopped it; running points went back to pending.
    case interrupted
    /// A zone's work folder filled up and points remain: free space in `folder`, then collect again.
    case diskFull(zone: String, folder: String, pending: Int)
    /// Points are left failed for good.
    case pointsFailed(count: Int)
    /// Every point has an energy, but some did not converge (so `fit` leaves them out).
    case pointsUnconverged(count: Int)
}

/// A scan's point counts after the collect.
public struct ScanProgress: Sendable, Hashable, Codable {
    public var scan: String
    public var counts: StateCounts
}

/// What a collect did, and how it ended.
public struct CollectResult: Sendable, Codable {
    public var summary: CollectSummary
    public var scans: [ScanProgress]
    public var outcome: CollectOutcome
}

/// `collect`: runs every pending point of the scans across the zones and stores each result as it arrives.
public enum CollectUseCase {
    /// Reads the scans, builds each scan's engine once and checks that some zone can run it; nothing runs yet.
    public static func prepare(_ request: CollectRequest, store: ScanStore, engines: EngineCatalog) throws(WorkflowError) -> PreparedCollect {
        var scans: [ScanRecord] = []
        do throws(StoreError) {
            if request.scans.isEmpty {
                scans = try store.scans()
            } else {
                for name in request.scans { scans.append(try store.scan(named: name)) }
            }
            if scans.isEmpty { throw StoreError.noScans(store.path) }
            if request.retryFailed { for record in scans { try store.resetFailedPoints(ofScan: record.id) } }
        } catch {
            throw .store(error)
        }
        var built: [Int64: any Engine] = [:]
        var engines = engines
        // With a container zone a program missing here may be in its image; Collector.validate then finds a zone for it.
        if request.zones.contains(where: { $0.kind == .container || $0.kind == .ssh }) { engines.programLookup = .hostOrImage }
        // Imported scans have no engine: their points came from elsewhere.
        for record in scans where record.spec.engine.name != ScanStore.importedProvenance {
            do {
                built[record.id] = try engines.engine(for: record.spec)
            } catch {
                throw .engineSetup(scan: record.spec.name.rawValue, error)
            }
        }
        let collector = Collector(
            store: store, zones: request.zones, resultsFolder: request.resultsFolder, engines: built,
            holder: Collector.currentProcessHolder(), policy: request.policy)
        do {
            try collector.validate(scans: scans)
        } catch {
            throw .dispatch(error)
        }
        return PreparedCollect(scans: scans, collector: collector)
    }

    /// Runs the prepared collect until no point is left or the task is cancelled, reporting progress to `onEvent`.
    public static func run(
        _ prepared: PreparedCollect, onEvent: @Sendable (CollectEvent) -> Void = { _ in }
    ) async throws(WorkflowError) -> CollectResult {
        let summary: CollectSummary
        do {
            summary = try await prepared.collector.run(scans: prepared.scans, onEvent: onEvent)
        } catch {
            throw .dispatch(error)
        }
        let store = prepared.collector.store
        var progress: [ScanProgress] = []
        do throws(StoreError) {
            for record in prepared.scans {
                progress.append(ScanProgress(scan: record.spec.name.rawValue, counts: try store.stateCounts(ofScan: record.id)))
            }
        } catch {
            throw .store(error)
        }
        return CollectResult(summary: summary, scans: progress, outcome: outcome(of: summary, counts: progress.map(\.counts)))
    }

    /// How the run ended: interrupted, stopped by a full disk with points left, points failed for good, unconverged, or finished.
    ///
    /// Points left submitted to a batch zone (`--no-wait`) are the batch zone's to finish, so they count as done here.
    static func outcome(of summary: CollectSummary, counts: [StateCounts]) -> CollectOutcome {
        let total = counts.reduce(into: StateCounts()) { $0.add($1) }
        if summary.interrupted { return .interrupted }
        if let stop = summary.fullDisks.first, total.pending > 0 {
            return .diskFull(zone: stop.zone, folder: stop.folder, pending: total.pending)
        }
        if total.failed > 0 { return .pointsFailed(count: total.failed) }
        if total.unconverged > 0 { return .pointsUnconverged(count: total.unconverged) }
        return .finished
    }
}
