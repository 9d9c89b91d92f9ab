import Foundation
import PESCore
import PESEngines
import PESStore

/// Runs every pending point of some scans across zones and stores each result as it arrives.
///
/// The collector is the only writer of the database for its run. It claims
/// points atomically with a lease naming this process, keeps each zone busy
/// up to its slots in one task group, stops engines that exceed the policy's
/// timeout, retries failed points (preferring another zone, with back-off,
/// a bounded number of times), rests zones whose launches keep failing, and,
/// when cancelled, stops the engines and returns their points to pending.
public struct Collector: Sendable {
    /// The database.
    public var store: ScanStore
    /// Where points run; preferred zones take work first.
    public var zones: [Zone]
    /// Folder under which every attempt gets its work directory (`runs/<database>/<scan>/<index>/<attempt>`).
    public var resultsFolder: URL
    /// Engines by scan id, built before anything runs.
    public var engines: [Int64: any Engine]
    /// Who this run is, for leases.
    public var holder: LeaseHolder
    /// Retries, timeouts, back-off, zone rest.
    public var policy: DispatchPolicy
    /// Where the run reads the time and waits: the system's clocks, or a controlled clock in tests.
    var clock: any DispatchClock = SystemClock()

    public init(
        store: ScanStore, zones: [Zone], resultsFolder: URL, engines: [Int64: any Engine], holder: LeaseHolder,
        policy: DispatchPolicy = DispatchPolicy()
    ) {
        self.store = store
        self.zones = zones.enumerated().sorted { ($0.element.prefer ? 0 : 1, $0.offset) < ($1.element.prefer ? 0 : 1, $1.offset) }
            .map(\.element)
        self.resultsFolder = resultsFolder
        self.engines = engines
        self.holder = holder
        self.policy = policy
    }

    /// A lease holder for this process on this host.
    public static func currentProcessHolder() -> LeaseHolder {
        LeaseHolder(
            token: UUID().uuidString, host: ProcessInfo.processInfo.hostName,
            pid: ProcessInfo.processInfo.processIdentifier)
    }

    /// Checks that every scan has at least one zone able to run its engine.
    public func validate(scans: [ScanRecord]) throws(DispatchError) {
        for scan in scans {
            guard let engine = engines[scan.id] else { continue }
            guard zones.contains(where: { $0.canRun(engine) }) else {
                if let program = engine.programMissingOnHost {
                    throw .programOnlyInImages(scan: scan.spec.name.rawValue, program: program)
                }
                throw .noZoneCanRun(scan: scan.spec.name.rawValue, engine: engine.name)
            }
        }
    }

    /// Runs all pending points of `scans`; returns when none is left or the task is cancelled.
    public func run(
        scans: [ScanRecord], onEvent: @Sendable (CollectEvent) -> Void = { _ in }
    ) async throws(DispatchError) -> CollectSummary {
        try validate(scans: scans)
        let started = clock.wallNow
        var summary = CollectSummary()
        let loop = DispatchLoop(collector: self, scans: scans, started: started)
        do {
            try await loop.run(summary: &summary, onEvent: onEvent)
            for zone in zones { await zone.finish() }
        } catch {
            for zone in zones { await zone.finish() }
            _ = try? store.releaseRunningPoints(of: holder, reason: "collect stopped by an error: \(error)")
            if let error = error as? StoreError { throw .store(error) }
            if let error = error as? DispatchError { throw error }
            throw .store(.sqlite(String(describing: error)))
        }
        if Task.isCancelled {
            summary.interrupted = true
            onEvent(.stopping)
        }
        do {
            summary.returnedToPending = try store.releaseRunningPoints(
                of: holder, reason: "collect was interrupted before the engine finished")
        } catch {
            throw .store(error)
        }
        summary.wallSeconds = clock.wallNow.timeIntervalSince(started)
        return summary
    }

    /// Whether a process with this id exists on this host.
    @Sendable static func isProcessAlive(_ pid: Int32) -> Bool {
        guard pid > 0 else { return false }
        return kill(pid, 0) == 0 || errno == EPERM
    }
}
