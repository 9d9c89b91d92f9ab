import Foundation
import PESCore
import PESEngines
import PESStore

/// The state of one `collect` run: per-zone load and health, and the loop that keeps zones full.
final class DispatchLoop: @unchecked Sendable {
    // @unchecked Sendable: all mutable state is touched only by `run`, which is never entered twice.
    let collector: Collector
    let scans: [ScanRecord]
    let scansByID: [Int64: ScanRecord]
    let started: Date
    var zoneStates: [ZoneState]
    var totals = StateCounts()
    var finishedThisRun = 0
    var totalPoints = 0
    /// When each batch task was first seen missing from the queue.
    var missingSince: [String: Date] = [:]
    /// Extra wait before the next look at a troubled scheduler, in seconds.
    var schedulerBackoffSeconds = 0.0
    /// Scheduler failures in a row.
    var schedulerTroubles = 0
    /// Finished attempts not yet written.
    var unwritten = ResultBuffer()
    /// Whether a point may be waiting out a retry back-off (checked in the database until it says none is).
    var retryMayBeWaiting = true

    /// Load and health of one zone during the run.
    struct ZoneState {
        var running = 0
        var done = 0
        var failed = 0
        var launchFailuresInARow = 0
        var downUntil: Date?
        var exhausted = false
        /// Points claimed for this zone that have not started yet, next last.
        var claimedAhead: [ClaimedPoint] = []
        /// How many points to claim beyond the free slots.
        var claimAhead = ClaimAhead()
    }

    /// What the task group's children report.
    enum Event: Sendable {
        case finished(zone: Int, FinishedPoint?)
        case wake
    }

    init(collector: Collector, scans: [ScanRecord], started: Date) {
        self.collector = collector
        self.scans = scans
        self.scansByID = Dictionary(uniqueKeysWithValues: scans.map { ($0.id, $0) })
        self.started = started
        self.zoneStates = collector.zones.map { _ in ZoneState() }
    }

    var policy: DispatchPolicy { collector.policy }
    var store: ScanStore { collector.store }

    func zoneStatuses(now: Date = Date()) -> [ZoneStatus] {
        zip(collector.zones, zoneStates).map { zone, state in
            ZoneStatus(
                name: zone.name, kind: zone.kind.rawValue, slots: zone.slots, running: state.running, done: state.done,
                failed: state.failed, down: state.downUntil.map { $0 > now } ?? false)
        }
    }

    func run(summary: inout CollectSummary, onEvent: @Sendable (CollectEvent) -> Void) async throws {
        let scanIDs = scans.map(\.id).filter { collector.engines[$0] != nil }
        for id in scanIDs { totals.add(try store.stateCounts(ofScan: id)) }
        totalPoints = totals.total
        onEvent(.started(pending: totals.pending, reclaimed: summary.reclaimed, zones: zoneStatuses()))
        var lastRenewal = Date()
        try await withThrowingTaskGroup(of: Event.self) { group in
            var wakeAt: Date?
            var wakesOutstanding = 0
            var batchDue = Date.distantPast
            func scheduleWake(at date: Date) {
                if let pending = wakeAt, pending <= date.addingTimeInterval(0.01) { return }
                wakeAt = date
                wakesOutstanding += 1
                let seconds = max(0.01, date.timeIntervalSinceNow)
                group.addTask {
                    try? await Task.sleep(nanoseconds: UInt64(seconds * 1e9))
                    return .wake
                }
            }
            func fill() throws {
                guard !Task.isCancelled else { return }
                let now = Date()
                for (index, zone) in collector.zones.enumerated() where !zone.isBatch && !policy.submitOnly {
                    if let until = zoneStates[index].downUntil {
                        if until > now { continue }
                        zoneStates[index].downUntil = nil
                        zoneStates[index].launchFailuresInARow = 0
                    }
                    let eligible = scanIDs.filter { id in collector.engines[id].map(zone.canRun) ?? false }
                    while zoneStates[index].running < zone.slots {
                        if zoneStates[index].claimedAhead.isEmpty {
                            guard !zoneStates[index].exhausted else { break }
                            let free = zone.slots - zoneStates[index].running
                            let claimed = try store.claimPendingPoints(
                                ofScans: eligible, limit: free + zoneStates[index].claimAhead.extra(slots: zone.slots),
                                holder: collector.holder, zone: zone.name, leaseSeconds: policy.leaseSeconds)
                            if claimed.isEmpty { zoneStates[index].exhausted = true }
                            zoneStates[index].claimedAhead = claimed.reversed()
                            continue
                        }
                        guard let point = zoneStates[index].claimedAhead.popLast() else { break }
                        guard let scan = scansByID[point.scanID], let engine = collector.engines[point.scanID] else { continue }
                        guard let job = try jobUnlessDiskFull(
                            for: point, scan: scan, engine: engine, zone: index, summary: &summary, onEvent: onEvent)
                        else { break }
                        zoneStates[index].running += 1
                        let timeout = policy.timeoutSeconds
                        let host = collector.holder.host
                        group.addTask {
                            .finished(zone: index, await Self.attempt(job, point: point, engine: engine, zone: zone, host: host, timeout: timeout))
                        }
                    }
                }
            }
            /// When idle work may appear (a back-off ending, a zone coming back), results are due to be written, or leases need renewing.
            ///
            /// The database is asked only when the answer can have changed:
            /// retry times while a back-off may be waiting, pending counts
            /// while a zone is down.
            func nextWake() throws -> Date? {
                let now = Date()
                var candidates: [Date] = []
                let running = zoneStates.reduce(0) { $0 + $1.running }
                if running > 0 { candidates.append(now.addingTimeInterval(policy.leaseSeconds / 4)) }
                if let deadline = unwritten.deadline { candidates.append(deadline) }
                if retryMayBeWaiting {
                    if let retry = try store.nextRetryTime(ofScans: scanIDs) {
                        candidates.append(Date(timeIntervalSince1970: retry))
                    } else {
                        retryMayBeWaiting = false
                    }
                }
                if !policy.submitOnly, let poll = try nextBatchPoll(scanIDs: scanIDs) {
                    candidates.append(poll)
                    batchDue = min(batchDue, poll)
                }
                // A zone given up for this run (distant future) is not waited for.
                let resting = zoneStates.compactMap { $0.downUntil }.filter { $0 > now && $0 < .distantFuture }
                if !resting.isEmpty {
                    let waiting = try scanIDs.reduce(0) { $0 + (try store.stateCounts(ofScan: $1).pending) }
                    if waiting > 0 { candidates += resting }
                }
                return policy.submitOnly ? nil : candidates.min()
            }

            /// Schedules the next wake-up, or clears sleeping timers once nothing is left to wait for.
            func planWake() throws {
                let running = zoneStates.reduce(0) { $0 + $1.running }
                let wake = Task.isCancelled ? nil : try nextWake()
                if let wake {
                    scheduleWake(at: wake)
                } else if running == 0, wakesOutstanding > 0 {
                    group.cancelAll()
                }
            }

            try fill()
            try await serviceBatchZones(scanIDs: scanIDs, summary: &summary, onEvent: onEvent)
            batchDue = .distantFuture
            try planWake()
            while let event = try await group.next() {
                switch event {
                case .wake:
                    wakesOutstanding -= 1
                    wakeAt = nil
                case .finished(let index, let finished):
                    zoneStates[index].running -= 1
                    if var finished {
                        try handle(&finished, zone: index, summary: &summary, onEvent: onEvent)
                        emit(finished, onEvent: onEvent)
                    }
                }
                if unwritten.isDue() || zoneStates.allSatisfy({ $0.running == 0 }) { try flushResults() }
                if Date().timeIntervalSince(lastRenewal) > policy.leaseSeconds / 4 {
                    try store.renewLeases(of: collector.holder, forSeconds: policy.leaseSeconds)
                    lastRenewal = Date()
                }
                for index in zoneStates.indices { zoneStates[index].exhausted = false }
                try fill()
                // Batch zones look at their queue when due, and take waiting points whenever a timer fires.
                var woken = false
                if case .wake = event { woken = true }
                if woken || Date() >= batchDue {
                    try await serviceBatchZones(scanIDs: scanIDs, summary: &summary, onEvent: onEvent)
                    batchDue = .distantFuture
                }
                try planWake()
            }
        }
        try flushResults()
        summary.zones = zoneStatuses()
    }

    /// Reports a finished attempt to the progress display.
    func emit(_ finished: FinishedPoint, onEvent: @Sendable (CollectEvent) -> Void) {
        finishedThisRun += 1
        var report = finished.display
        report.willRetry = finished.report.retryAfterSeconds != nil
        onEvent(.pointFinished(report, totals: CollectTotals(
            done: totals.done, failed: totals.failed, total: totalPoints, finishedThisRun: finishedThisRun,
            elapsedSeconds: Date().timeIntervalSince(started), zones: zoneStatuses())))
    }

    /// Writes every finished attempt waiting in the buffer, in one transaction.
    func flushResults() throws {
        let reports = unwritten.drain()
        try store.recordAttempts(reports, holder: collector.holder)
    }

    /// Decides retry or final failure, rests a failing zone, and writes the attempt.
    func handle(
        _ finished: inout FinishedPoint, zone index: Int, summary: inout CollectSummary,
        onEvent: @Sendable (CollectEvent) -> Void
    ) throws {
        switch finished.report.outcome {
        case .done:
            zoneStates[index].claimAhead.recordSuccess(
                wallSeconds: finished.report.finishedAtSeconds - finished.report.startedAtSeconds)
            zoneStates[index].launchFailuresInARow = 0
            zoneStates[index].done += 1
            summary.done += 1
            totals.done += 1
        case .failed(let reason):
            zoneStates[index].claimAhead.recordFailure()
            zoneStates[index].failed += 1
            // Retries count failures only: an attempt released by Ctrl-C or abandoned by a killed collect is not one.
            let attempt = finished.failedBefore + 1
            // A zone's launch failure is not the calculation's fault: it gets one extra try per other zone.
            let budget = policy.retries + (finished.report.launchFailure ? collector.zones.count - 1 : 0)
            // A full disk is the zone's fault alone: the point waits again, for another zone or the next collect.
            if attempt <= budget || finished.fullDiskFolder != nil {
                let wait = finished.report.launchFailure ? 0 : policy.backoff(afterAttempt: attempt)
                finished.report.retryAfterSeconds = Date().timeIntervalSince1970 + wait
                retryMayBeWaiting = true
                summary.retried += 1
            } else {
                summary.failed += 1
                totals.failed += 1
            }
            if let folder = finished.fullDiskFolder {
                try stopForFullDisk(zone: index, folder: folder, reason: reason, summary: &summary, onEvent: onEvent)
            } else if finished.report.launchFailure {
                zoneStates[index].launchFailuresInARow += 1
                if zoneStates[index].launchFailuresInARow >= policy.zoneFailureLimit, zoneStates[index].downUntil == nil {
                    try takeDown(zone: index, until: Date().addingTimeInterval(policy.zoneCooldownSeconds), reason: reason, onEvent: onEvent)
                }
            } else {
                zoneStates[index].launchFailuresInARow = 0
            }
        }
        unwritten.append(finished.report)
        // A failure is written at once: its retry time decides when the point may run again.
        if case .failed = finished.report.outcome { try flushResults() }
    }

    /// The work directory of a point: `runs/<scan>/<index>` under the results folder.
    func workDirectory(scan: ScanRecord, index: Int) -> URL {
        collector.resultsFolder.appendingPathComponent("runs", isDirectory: true)
            .appendingPathComponent(scan.spec.name.rawValue, isDirectory: true)
            .appendingPathComponent(String(index), isDirectory: true)
    }

    func job(for point: ClaimedPoint, scan: ScanRecord, engine: any Engine) throws(DispatchError) -> EngineJob {
        let folder = workDirectory(scan: scan, index: point.index)
        if engine.usesWorkDirectory {
            do {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            } catch {
                throw .workDirectory(folder.path, error.localizedDescription)
            }
        }
        return EngineJob(
            scanName: scan.spec.name.rawValue, pointIndex: point.index, attemptNumber: point.attemptNumber,
            rAngstrom: point.rAngstrom, molecule: scan.spec.molecule, workDirectory: folder)
    }

    /// Runs one claimed point in a zone, stopping it after `timeout` seconds; nil when the run was cancelled.
    static func attempt(
        _ job: EngineJob, point: ClaimedPoint, engine: any Engine, zone: Zone, host: String, timeout: Double?
    ) async -> FinishedPoint? {
        let start = Date().timeIntervalSince1970
        let (outcome, timedOut) = await runBounded(job, engine: engine, launcher: zone.launcher, timeout: timeout)
        let end = Date().timeIntervalSince1970
        let attempt: AttemptOutcome
        let details: RunDetails
        switch outcome {
        case .cancelled:
            guard timedOut, let timeout else { return nil }
            attempt = .failed(reason: String(format: "timed out after %.3g s: stopped with SIGTERM, then SIGKILL", timeout))
            details = RunDetails()
        case .energy(let energy, let converged, let d):
            (attempt, details) = (.done(energyHartree: energy, converged: converged), d)
        case .failed(let reason, let d):
            (attempt, details) = (.failed(reason: reason), d)
        }
        let report = AttemptReport(
            attemptID: point.attemptID, pointID: point.pointID, outcome: attempt, zone: zone.name, host: host,
            engineVersion: details.engineVersion, startedAtSeconds: start, finishedAtSeconds: end,
            exitStatus: details.exitStatus, stderrTail: details.stderrTail, image: zone.launcher.image,
            launchFailure: details.launchFailure)
        var display = PointReport(
            scanName: job.scanName, index: job.pointIndex, rAngstrom: job.rAngstrom, zone: zone.name, wallSeconds: end - start)
        switch attempt {
        case .done(let energy, _): display.energyHartree = energy
        case .failed(let reason): display.failure = reason
        }
        return FinishedPoint(
            report: report, display: display, failedBefore: point.failedAttempts, fullDiskFolder: details.fullDiskFolder)
    }

    /// Runs the engine, racing it against a timer when there is a timeout; reports whether the timer won.
    static func runBounded(
        _ job: EngineJob, engine: any Engine, launcher: any ProcessLauncher, timeout: Double?
    ) async -> (EngineOutcome, timedOut: Bool) {
        guard let timeout else { return (await engine.run(job, launcher: launcher), false) }
        return await withTaskGroup(of: (EngineOutcome, Bool)?.self) { group in
            group.addTask { (await engine.run(job, launcher: launcher), false) }
            group.addTask {
                try? await Task.sleep(nanoseconds: UInt64(timeout * 1e9))
                return Task.isCancelled ? nil : (.cancelled, true)
            }
            var result: (EngineOutcome, Bool) = (.cancelled, false)
            while let next = await group.next() {
                guard let next else { continue }
                if next.1 {
                    result = (.cancelled, true)
                    group.cancelAll()
                } else if !result.1 {
                    result = next
                    group.cancelAll()
                }
            }
            return result
        }
    }
}

/// A finished attempt with what progress output shows of it.
struct FinishedPoint: Sendable {
    var report: AttemptReport
    var display: PointReport
    /// Failed attempts of the point before this one.
    var failedBefore: Int
    /// The work folder whose disk was full, when that is why the attempt failed.
    var fullDiskFolder: String? = nil
}
