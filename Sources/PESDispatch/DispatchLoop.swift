import Foundation
import PESCore
import PESEngines
import PESStore

/// The state of one `collect` run: per-zone load and health, and the loop that keeps zones full.
///
/// The loop only drives: what a zone kind does with points is its
/// ``ZoneBackend``; zone health, retries and wake times are the pure
/// ``ZoneHealth``, ``RetryDecision`` and ``WakeSchedule``; the time comes
/// from the collector's ``DispatchClock``.
final class DispatchLoop: @unchecked Sendable {
    // @unchecked Sendable: all mutable state is touched only by `run`, which is never entered twice.
    let collector: Collector
    let scans: [ScanRecord]
    let scansByID: [Int64: ScanRecord]
    let started: Date
    let clock: any DispatchClock
    /// Indices of the zones that run batch jobs.
    let batchZoneIndices: [Int]
    var zoneStates: [ZoneState]
    var totals = StateCounts()
    var finishedThisRun = 0
    var totalPoints = 0
    /// When each batch task was first seen missing from the queue.
    var missingSince: [String: Date] = [:]
    /// Failed looks at the batch queue in a row, and the back-off before the next look.
    var scheduler = ZoneHealth()
    /// Finished attempts not yet written.
    var unwritten = ResultBuffer()
    /// Whether a point may be waiting out a retry back-off (checked in the database until it says none is).
    var retryMayBeWaiting = true
    /// When the process zones last asked for points: a back-off that ended since then has not been seen by a claim yet.
    var lastClaimAt: Date
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
    var pendingMayExist = true {
        didSet {
            guard pendingMayExist else { return }
            for index in immediateGroups.indices { immediateGroups[index].drained = false }
        }
    }
    /// The active scans computed at once in batches (``ImmediateBatch``), grouped by the zones that compute them.
    var immediateGroups: [ImmediateGroup] = []
    /// Zones that started an attempt in this run.
    var usedZones: Set<Int> = []
    /// When this run last renewed its leases, on the monotonic clock.
    var lastRenewal: ContinuousClock.Instant

    /// Load and health of one zone during the run.
    struct ZoneState {
        /// Points running.
        var running = 0
        var done = 0
        var failed = 0
        /// Launch failures in a row, rest and stop.
        var health = ZoneHealth()
        var exhausted = false
        /// Points claimed for this zone that have not started yet, next last.
        var claimedAhead: [ClaimedPoint] = []
        /// How many points to claim beyond the free slots.
        var claimAhead = ClaimAhead()
    }

    /// What the task group's children report.
    enum Event: Sendable {
        case finished(zone: Int, FinishedPoint?)
        /// A batch of points computed at once, already written.
        case finishedAtOnce(scanIDs: [Int64], zone: Int, ImmediateBatch.Result)
        case wake
    }

    init(collector: Collector, scans: [ScanRecord], started: Date) {
        self.collector = collector
        self.scans = scans
        self.scansByID = Dictionary(uniqueKeysWithValues: scans.map { ($0.id, $0) })
        self.started = started
        self.clock = collector.clock
        self.batchZoneIndices = collector.zones.indices.filter { collector.zones[$0].isBatch }
        self.zoneStates = collector.zones.map { _ in ZoneState() }
        self.leaseWatch = LeaseWatch(
            localHost: collector.holder.host, defaultLeaseSeconds: collector.policy.leaseSeconds,
            isProcessAlive: Collector.isProcessAlive)
        self.lastRenewal = collector.clock.monotonicNow
        self.lastClaimAt = started
    }

    var policy: DispatchPolicy { collector.policy }
    var store: ScanStore { collector.store }
    /// Points running in this run's zones.
    var running: Int { zoneStates.reduce(0) { $0 + $1.running } }

    /// Every zone's load, or with `usedOnly` only the zones that ran something in this run (cheap with thousands of zones).
    func zoneStatuses(usedOnly: Bool = false) -> [ZoneStatus] {
        let now = clock.wallNow
        let indices = usedOnly ? Array(usedZones).sorted() : Array(collector.zones.indices)
        return indices.map { index in
            let (zone, state) = (collector.zones[index], zoneStates[index])
            return ZoneStatus(
                name: zone.name, kind: zone.kind.rawValue, slots: zone.slots, heldPoints: zone.heldPoints, running: state.running,
                done: state.done, failed: state.failed, down: state.health.isDown(at: now))
        }
    }

    func run(summary: inout CollectSummary, onEvent: @Sendable (CollectEvent) -> Void) async throws {
        activeScanIDs = scans.map(\.id).filter { collector.engines[$0] != nil }
        updateEligibility()
        try takeOverStaleLeases(summary: &summary, onEvent: onEvent, announce: false)
        for id in activeScanIDs { totals.add(try store.stateCounts(ofScan: id)) }
        totalPoints = totals.total
        onEvent(.started(pending: totals.pending, reclaimed: summary.reclaimed, zones: zoneStatuses()))
        let clock = self.clock
        try await withThrowingTaskGroup(of: Event.self) { group in
            var wakeAt: Date?
            var wakesOutstanding = 0
            var batchDue = Date.distantPast
            func scheduleWake(at date: Date) {
                if let pending = wakeAt, pending <= date.addingTimeInterval(0.01) { return }
                wakeAt = date
                wakesOutstanding += 1
                let seconds = max(0.01, date.timeIntervalSince(clock.wallNow))
                group.addTask {
                    await clock.sleep(seconds: seconds)
                    return .wake
                }
            }
            func fill() throws {
                guard !Task.isCancelled else { return }
                for groupIndex in immediateGroups.indices {
                    guard let (index, batch) = nextImmediateBatch(group: groupIndex) else { continue }
                    usedZones.insert(index)
                    let scanIDs = batch.request.scanIDs
                    group.addTask { .finishedAtOnce(scanIDs: scanIDs, zone: index, try batch.run()) }
                }
                if pendingMayExist { try claimForIdleZones() }
                for index in zoneStates.indices where !zoneStates[index].claimedAhead.isEmpty {
                    let zone = collector.zones[index]
                    while zoneStates[index].running < zone.heldPoints, let point = zoneStates[index].claimedAhead.popLast() {
                        guard let scan = scansByID[point.scanID], let engine = collector.engines[point.scanID] else { continue }
                        guard let job = try jobUnlessDiskFull(
                            for: point, scan: scan, engine: engine, zone: index, summary: &summary, onEvent: onEvent)
                        else { break }
                        let host = collector.holder.host
                        usedZones.insert(index)
                        zoneStates[index].running += 1
                        onEvent(.pointStarted(scan: scan.spec.name.rawValue, index: point.index, zone: zone.name))
                        let timeout = policy.timeoutSeconds
                        group.addTask {
                            .finished(zone: index, await Self.attempt(
                                job, point: point, engine: engine, zone: zone, host: host, timeout: timeout, clock: clock))
                        }
                    }
                }
            }
            /// Schedules the next wake-up, or clears sleeping timers once nothing is left to wait for.
            func planWake() throws {
                let wake = Task.isCancelled ? nil : try nextWake(batchDue: &batchDue)
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
            while let event = try await nextEvent(&group) {
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
                case .finishedAtOnce(let scanIDs, let index, let batch):
                    try account(batch, scanIDs: scanIDs, zone: index, summary: &summary, onEvent: onEvent)
                }
                if unwritten.isDue(at: clock.wallNow) || running == 0 { try flushResults(summary: &summary, onEvent: onEvent) }
                if renewalIsDue { try renewLeases(summary: &summary, onEvent: onEvent) }
                if let due = leaseVerdictDue, due <= clock.wallNow { try takeOverStaleLeases(summary: &summary, onEvent: onEvent) }
                for index in zoneStates.indices { zoneStates[index].exhausted = false }
                try fill()
                // Batch zones look at their queue when due, and take waiting points whenever a timer fires.
                var woken = false
                if case .wake = event { woken = true }
                if woken || clock.wallNow >= batchDue {
                    try await serviceBatchZones(scanIDs: activeScanIDs, summary: &summary, onEvent: onEvent)
                    batchDue = .distantFuture
                }
                try planWake()
            }
        }
        try flushResults(summary: &summary, onEvent: onEvent)
        summary.zones = zoneStatuses(usedOnly: collector.zones.count > 64)
    }

    /// Waits for the next task to report, telling the clock that the loop is idle meanwhile.
    private func nextEvent(_ group: inout ThrowingTaskGroup<Event, any Error>) async throws -> Event? {
        clock.loopIsWaiting(true)
        defer { clock.loopIsWaiting(false) }
        return try await group.next()
    }

    /// Seconds elapsed on the loop's monotonic clock since `instant`.
    func seconds(since instant: ContinuousClock.Instant) -> Double {
        clock.monotonicNow.seconds(since: instant)
    }

    /// Reports a finished attempt to the progress display.
    func emit(_ finished: FinishedPoint, onEvent: @Sendable (CollectEvent) -> Void) {
        finishedThisRun += 1
        var report = finished.display
        report.willRetry = finished.report.retryAfterSeconds != nil
        onEvent(.pointFinished(report, totals: CollectTotals(
            done: totals.done, failed: totals.failed, total: totalPoints, finishedThisRun: finishedThisRun,
            elapsedSeconds: clock.wallNow.timeIntervalSince(started), zones: zoneStatuses(usedOnly: true))))
    }
}
