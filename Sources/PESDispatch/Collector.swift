import Foundation
import PESCore
import PESEngines
import PESStore

/// Runs every pending point of some scans in a zone and stores each result as it arrives.
///
/// The collector is the only writer of the database for its run. It claims
/// points atomically (with a lease naming this process), keeps at most
/// `zone.slots` engine runs going in a task group, writes every finished
/// attempt in its own transaction and, when cancelled, stops the engines
/// and returns their points to pending.
public struct Collector: Sendable {
    /// The database.
    public var store: ScanStore
    /// Where points run.
    public var zone: LocalZone
    /// Folder under which every point gets its work directory (`runs/<scan>/<index>`).
    public var resultsFolder: URL
    /// Engines by scan id, built before anything runs.
    public var engines: [Int64: any Engine]
    /// Who this run is, for leases.
    public var holder: LeaseHolder
    /// How long a claim lasts without renewal, in seconds.
    public var leaseSeconds: Double = 300

    public init(store: ScanStore, zone: LocalZone, resultsFolder: URL, engines: [Int64: any Engine], holder: LeaseHolder) {
        self.store = store
        self.zone = zone
        self.resultsFolder = resultsFolder
        self.engines = engines
        self.holder = holder
    }

    /// A lease holder for this process on this host.
    public static func currentProcessHolder() -> LeaseHolder {
        LeaseHolder(
            token: UUID().uuidString, host: ProcessInfo.processInfo.hostName,
            pid: ProcessInfo.processInfo.processIdentifier)
    }

    /// Runs all pending points of `scans`; returns when none is left or the task is cancelled.
    public func run(
        scans: [ScanRecord], onEvent: @Sendable (CollectEvent) -> Void = { _ in }
    ) async throws(DispatchError) -> CollectSummary {
        let clock = ContinuousClock()
        let started = clock.now
        var summary = CollectSummary()
        let scansByID = Dictionary(uniqueKeysWithValues: scans.map { ($0.id, $0) })
        let scanIDs = scans.map(\.id).filter { engines[$0] != nil }
        do {
            summary.reclaimed = try store.reclaimStaleLeases(
                localHost: holder.host, excluding: holder, isProcessAlive: Self.isProcessAlive)
            var totals = StateCounts()
            for id in scanIDs {
                let counts = try store.stateCounts(ofScan: id)
                totals.pending += counts.pending
                totals.running += counts.running
                totals.done += counts.done
                totals.failed += counts.failed
            }
            onEvent(.started(pending: totals.pending, reclaimed: summary.reclaimed, slots: zone.slots))
            try await runPoints(scanIDs: scanIDs, scansByID: scansByID, summary: &summary, totals: totals, onEvent: onEvent)
        } catch let error as StoreError {
            _ = try? store.releaseRunningPoints(of: holder, reason: "collect stopped by an error: \(error)")
            throw .store(error)
        } catch let error as DispatchError {
            _ = try? store.releaseRunningPoints(of: holder, reason: "collect stopped by an error: \(error)")
            throw error
        } catch {
            _ = try? store.releaseRunningPoints(of: holder, reason: "collect stopped by an error: \(error)")
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
        summary.wallSeconds = (clock.now - started).seconds
        return summary
    }

    private func runPoints(
        scanIDs: [Int64], scansByID: [Int64: ScanRecord], summary: inout CollectSummary, totals: StateCounts,
        onEvent: @Sendable (CollectEvent) -> Void
    ) async throws {
        let holder = holder
        let zoneName = zone.name
        var done = totals.done
        var failed = totals.failed
        try await withThrowingTaskGroup(of: FinishedPoint?.self) { group in
            var running = 0
            var exhausted = false
            var lastRenewal = Date()
            func fill() throws {
                while !exhausted, !Task.isCancelled, running < zone.slots {
                    let claimed = try store.claimPendingPoints(
                        ofScans: scanIDs, limit: zone.slots - running, holder: holder, zone: zoneName,
                        leaseSeconds: leaseSeconds)
                    if claimed.isEmpty { exhausted = true }
                    for point in claimed {
                        guard let scan = scansByID[point.scanID], let engine = engines[point.scanID] else { continue }
                        let job = try job(for: point, scan: scan, engine: engine)
                        running += 1
                        group.addTask { await Self.run(job, of: point, on: engine, zone: zoneName, host: holder.host) }
                    }
                }
            }
            try fill()
            while let finished = try await group.next() {
                running -= 1
                if let finished {
                    try store.recordAttempts([finished.report], holder: holder)
                    switch finished.report.outcome {
                    case .done:
                        summary.done += 1
                        done += 1
                    case .failed:
                        summary.failed += 1
                        failed += 1
                    }
                    onEvent(.pointFinished(finished.display, done: done, failed: failed, total: totals.total))
                }
                if Date().timeIntervalSince(lastRenewal) > leaseSeconds / 4 {
                    try store.renewLeases(of: holder, forSeconds: leaseSeconds)
                    lastRenewal = Date()
                }
                try fill()
            }
        }
    }

    /// Runs one claimed point and turns the engine's outcome into an attempt report; nil when cancelled.
    private static func run(
        _ job: EngineJob, of point: ClaimedPoint, on engine: any Engine, zone: String, host: String
    ) async -> FinishedPoint? {
        let start = Date().timeIntervalSince1970
        let outcome = await engine.run(job)
        let end = Date().timeIntervalSince1970
        let attempt: AttemptOutcome
        let details: RunDetails
        switch outcome {
        case .cancelled: return nil
        case .energy(let energy, let converged, let d): (attempt, details) = (.done(energyHartree: energy, converged: converged), d)
        case .failed(let reason, let d): (attempt, details) = (.failed(reason: reason), d)
        }
        let report = AttemptReport(
            attemptID: point.attemptID, pointID: point.pointID, outcome: attempt, zone: zone, host: host,
            engineVersion: details.engineVersion, startedAtSeconds: start, finishedAtSeconds: end,
            exitStatus: details.exitStatus, stderrTail: details.stderrTail)
        var display = PointReport(
            scanName: job.scanName, index: job.pointIndex, rAngstrom: job.rAngstrom, zone: zone, wallSeconds: end - start)
        switch attempt {
        case .done(let energy, _): display.energyHartree = energy
        case .failed(let reason): display.failure = reason
        }
        return FinishedPoint(report: report, display: display)
    }

    private func job(for point: ClaimedPoint, scan: ScanRecord, engine: any Engine) throws(DispatchError) -> EngineJob {
        let folder = resultsFolder.appendingPathComponent("runs", isDirectory: true)
            .appendingPathComponent(scan.spec.name.rawValue, isDirectory: true)
            .appendingPathComponent(String(point.index), isDirectory: true)
        if engine.usesWorkDirectory {
            do {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            } catch {
                throw .workDirectory(folder.path, error.localizedDescription)
            }
        }
        return EngineJob(
            scanName: scan.spec.name.rawValue, pointIndex: point.index, rAngstrom: point.rAngstrom,
            molecule: scan.spec.molecule, workDirectory: folder)
    }

    /// Whether a process with this id exists on this host.
    static func isProcessAlive(_ pid: Int32) -> Bool {
        guard pid > 0 else { return false }
        return kill(pid, 0) == 0 || errno == EPERM
    }
}

/// A finished attempt with what progress output shows of it.
struct FinishedPoint: Sendable {
    var report: AttemptReport
    var display: PointReport
}

extension Duration {
    /// The duration in seconds as a floating-point number.
    var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) * 1e-18
    }
}
