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
    /// Scans still in the database whose points this run takes; a scan replaced or deleted meanwhile leaves it.
    var activeScanIDs: [Int64] = []
    /// For each zone, the active scans whose engine it can run.
    var eligibleScanIDs: [[Int64]] = []
    /// Other collects' leases, judged on this process's monotonic clock.
    var leaseWatch: LeaseWatch
    /// When a lease that looks expired is due for judgement.
    var leaseVerdictDue: Date?
    /// The distinct sets of scans that the run's process zones can run.
    var distinctScanSets: Set<[Int64]> = []
    /// Whether a claim may find pending points: false once every zone's scans came back short, until something may return points.
    var pendingMayExist = true
    /// Zones that started an attempt in this run.
    var usedZones: Set<Int> = []
    /// When this run last renewed its leases, on the monotonic clock.
    var lastRenewal = ContinuousClock.now

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
        self.leaseWatch = LeaseWatch(
            localHost: collector.holder.host, defaultLeaseSeconds: collector.policy.leaseSeconds,
            isProcessAlive: Collector.isProcessAlive)
    }

    var policy: DispatchPolicy { collector.policy }
    var store: ScanStore { collector.store }

    /// Every zone's load, or with `usedOnly` only the zones that ran something in this run (cheap with thousands of zones).
    func zoneStatuses(now: Date = Date(), usedOnly: Bool = false) -> [ZoneStatus] {
        let indices = usedOnly ? Array(usedZones).sorted() : Array(collector.zones.indices)
        return indices.map { index in
            let (zone, state) = (collector.zones[index], zoneStates[index])
            return ZoneStatus(
                name: zone.name, kind: zone.kind.rawValue, slots: zone.slots, running: state.running, done: state.done,
                failed: state.failed, down: state.downUntil.map { $0 > now } ?? false)
        }
    }

    func run(summary: inout CollectSummary, onEvent: @Sendable (CollectEvent) -> Void) async throws {
        activeScanIDs = scans.map(\.id).filter { collector.engines[$0] != nil }
        updateEligibility()
        try takeOverStaleLeases(summary: &summary, onEvent: onEvent, announce: false)
        for id in activeScanIDs { totals.add(try store.stateCounts(ofScan: id)) }
        totalPoints = totals.total
        onEvent(.started(pending: totals.pending, reclaimed: summary.reclaimed, zones: zoneStatuses()))
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
                if pendingMayExist { try claimForIdleZones() }
                for index in zoneStates.indices where !zoneStates[index].claimedAhead.isEmpty {
                    let zone = collector.zones[index]
                    while zoneStates[index].running < zone.slots, let point = zoneStates[index].claimedAhead.popLast() {
                        guard let scan = scansByID[point.scanID], let engine = collector.engines[point.scanID] else { continue }
                        guard let job = try jobUnlessDiskFull(
                            for: point, scan: scan, engine: engine, zone: index, summary: &summary, onEvent: onEvent)
                        else { break }
                        zoneStates[index].running += 1
                        usedZones.insert(index)
                        let timeout = policy.timeoutSeconds
                        let host = collector.holder.host
                        group.addTask {
                            .finished(zone: index, await Self.attempt(job, point: point, engine: engine, zone: zone, host: host, timeout: timeout))
                        }
                    }
                }
            }
            /// When idle work may appear (a back-off ending, a zone coming back, a lease running out), results are due to be written, or leases need renewing.
            ///
            /// The database is asked only when the answer can have changed:
            /// retry times while a back-off may be waiting, pending counts
            /// while a zone is down.
            func nextWake() throws -> Date? {
                let now = Date()
                let scanIDs = activeScanIDs
                var candidates: [Date] = []
                let running = zoneStates.reduce(0) { $0 + $1.running }
                if running > 0 { candidates.append(now.addingTimeInterval(policy.leaseSeconds / 4 - seconds(since: lastRenewal))) }
                if let deadline = unwritten.deadline { candidates.append(deadline) }
                if let due = leaseVerdictDue { candidates.append(due) }
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
            try await serviceBatchZones(scanIDs: activeScanIDs, summary: &summary, onEvent: onEvent)
            batchDue = .distantFuture
            try planWake()
            while let event = try await group.next() {
                switch event {
                case .wake:
                    wakesOutstanding -= 1
                    wakeAt = nil
                    pendingMayExist = true
                case .finished(let index, let finished):
                    zoneStates[index].running -= 1
                    if var finished {
                        try handle(&finished, zone: index, summary: &summary, onEvent: onEvent)
                        emit(finished, onEvent: onEvent)
                    }
                }
                if unwritten.isDue() || zoneStates.allSatisfy({ $0.running == 0 }) { try flushResults(summary: &summary, onEvent: onEvent) }
                if seconds(since: lastRenewal) >= policy.leaseSeconds / 4 - 0.01 {
                    try renewLeases(summary: &summary, onEvent: onEvent)
                }
                if let due = leaseVerdictDue, due <= Date() { try takeOverStaleLeases(summary: &summary, onEvent: onEvent) }
                for index in zoneStates.indices { zoneStates[index].exhausted = false }
                try fill()
                // Batch zones look at their queue when due, and take waiting points whenever a timer fires.
                var woken = false
                if case .wake = event { woken = true }
                if woken || Date() >= batchDue {
                    try await serviceBatchZones(scanIDs: activeScanIDs, summary: &summary, onEvent: onEvent)
                    batchDue = .distantFuture
                }
                try planWake()
            }
        }
        try flushResults(summary: &summary, onEvent: onEvent)
        summary.zones = zoneStatuses(usedOnly: collector.zones.count > 64)
    }

    /// Claims points for every zone with idle slots and nothing claimed ahead, in one transaction.
    func claimForIdleZones() throws {
        let now = Date()
        var asking: [Int] = []
        var requests: [ClaimRequest] = []
        for (index, zone) in collector.zones.enumerated() where !zone.isBatch && !policy.submitOnly {
            if let until = zoneStates[index].downUntil {
                if until > now { continue }
                zoneStates[index].downUntil = nil
                zoneStates[index].launchFailuresInARow = 0
            }
            let free = zone.slots - zoneStates[index].running
            guard free > 0, zoneStates[index].claimedAhead.isEmpty, !zoneStates[index].exhausted,
                !eligibleScanIDs[index].isEmpty
            else { continue }
            asking.append(index)
            requests.append(ClaimRequest(
                zone: zone.name, scanIDs: eligibleScanIDs[index], limit: free + zoneStates[index].claimAhead.extra(slots: zone.slots)))
        }
        guard !requests.isEmpty else { return }
        let claims = try store.claimPendingPoints(requests, holder: collector.holder, leaseSeconds: policy.leaseSeconds)
        var drained: Set<[Int64]> = []
        for ((index, request), claimed) in zip(zip(asking, requests), claims) {
            if claimed.count < request.limit {
                zoneStates[index].exhausted = true
                drained.insert(request.scanIDs.sorted())
            }
            zoneStates[index].claimedAhead = claimed.reversed()
        }
        // Nothing is pending for any zone once every set of scans the zones run came back short.
        if distinctScanSets.isSubset(of: drained) { pendingMayExist = false }
    }

    /// Recomputes, for each zone, which active scans it can run.
    func updateEligibility() {
        eligibleScanIDs = collector.zones.map { zone in
            activeScanIDs.filter { id in collector.engines[id].map(zone.canRun) ?? false }
        }
        distinctScanSets = Set(zip(collector.zones, eligibleScanIDs).filter { !$0.0.isBatch && !$0.1.isEmpty }.map { $0.1.sorted() })
    }

    /// Seconds elapsed on the monotonic clock since `instant`.
    func seconds(since instant: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - instant
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    }

    /// Renews this run's leases; when some were taken over meanwhile (this process was paused past its lease), checks its scans.
    func renewLeases(summary: inout CollectSummary, onEvent: @Sendable (CollectEvent) -> Void) throws {
        let held = try store.renewLeases(of: collector.holder, forSeconds: policy.leaseSeconds)
        lastRenewal = .now
        let runningHere = zoneStates.reduce(0) { $0 + $1.running } + zoneStates.reduce(0) { $0 + $1.claimedAhead.count }
        if held < runningHere { try dropVanishedScans() }
        try takeOverStaleLeases(summary: &summary, onEvent: onEvent)
    }

    /// Returns to pending the running points of collects judged gone, and notes when the next lease is due for judgement.
    func takeOverStaleLeases(summary: inout CollectSummary, onEvent: @Sendable (CollectEvent) -> Void, announce: Bool = true) throws {
        let leases = try store.foreignLeases(excluding: collector.holder)
        let verdicts = leaseWatch.verdicts(on: leases)
        if !verdicts.isEmpty {
            let taken = try store.reclaimLeases(verdicts)
            if taken > 0 {
                summary.reclaimed += taken
                retryMayBeWaiting = true
                pendingMayExist = true
                if announce { onEvent(.takenOver(points: taken, reasons: verdicts.map(\.reason))) }
            }
        }
        leaseVerdictDue = leaseWatch.nextVerdict(on: try verdicts.isEmpty ? leases : store.foreignLeases(excluding: collector.holder))
    }

    /// Stops launching for scans that are no longer in the database (replaced or deleted while this run held points of them).
    func dropVanishedScans() throws {
        let existing = Set(try store.existingScanIDs(among: activeScanIDs))
        guard existing.count < activeScanIDs.count else { return }
        activeScanIDs = activeScanIDs.filter(existing.contains)
        updateEligibility()
        for index in zoneStates.indices {
            zoneStates[index].claimedAhead.removeAll { !existing.contains($0.scanID) }
        }
    }

    /// Reports a finished attempt to the progress display.
    func emit(_ finished: FinishedPoint, onEvent: @Sendable (CollectEvent) -> Void) {
        finishedThisRun += 1
        var report = finished.display
        report.willRetry = finished.report.retryAfterSeconds != nil
        onEvent(.pointFinished(report, totals: CollectTotals(
            done: totals.done, failed: totals.failed, total: totalPoints, finishedThisRun: finishedThisRun,
            elapsedSeconds: Date().timeIntervalSince(started), zones: zoneStatuses(usedOnly: true))))
    }

    /// Writes every finished attempt waiting in the buffer, in one transaction; results that lost their claims are counted, not used.
    func flushResults(summary: inout CollectSummary, onEvent: @Sendable (CollectEvent) -> Void) throws {
        let reports = unwritten.drain()
        let stale = Set(try store.recordAttempts(reports, holder: collector.holder))
        guard !stale.isEmpty else { return }
        for report in reports where stale.contains(report.attemptID) {
            if case .done = report.outcome {
                summary.done -= 1
                totals.done -= 1
            }
        }
        summary.staleResults += stale.count
        onEvent(.staleResults(count: stale.count))
        try dropVanishedScans()
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
                pendingMayExist = true
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
        if case .failed = finished.report.outcome { try flushResults(summary: &summary, onEvent: onEvent) }
    }

    /// The work directory of one attempt, created when the engine uses one: `runs/<database>/<scan>/<index>/<attempt id>`.
    ///
    /// Attempt ids are never reused, so no two attempts, and no two databases
    /// sharing a results folder, ever write the same files. No component is
    /// followed if it is a symbolic link.
    func job(for point: ClaimedPoint, scan: ScanRecord, engine: any Engine) throws(DispatchError) -> EngineJob {
        let components = [
            "runs", store.workFolderName, scan.spec.name.rawValue, String(point.index), String(point.attemptID),
        ]
        let folder: URL
        if engine.usesWorkDirectory {
            folder = try WorkFolder.create(components, under: collector.resultsFolder)
        } else {
            folder = components.reduce(collector.resultsFolder) { $0.appendingPathComponent($1, isDirectory: true) }
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
