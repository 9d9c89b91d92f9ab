import Foundation
import PESEngines
import PESStore

/// Scans whose points some zones compute at once, with those zones: one batch of them runs at a time, whatever the number of zones.
struct ImmediateGroup {
    /// The scans, by id, with their engines.
    var engines: [Int64: any ImmediateEngine]
    /// The scans' ids in order: the group's name while the loop runs.
    var scanIDs: [Int64] { engines.keys.sorted() }
    /// Indices of the zones that compute these scans at once, in the zone file's order.
    var zones: [Int]
    /// Whether a batch of the group is running.
    var running = false
    /// Whether the group's last batch came back short, until points may be pending again.
    var drained = false
}

extension DispatchLoop {
    /// The next batch of a group, in its first healthy zone, when none runs and points may be pending; the group is then marked running.
    ///
    /// SQLite writes one transaction at a time, so a second batch of the same
    /// scans would only wait: ten thousand local zones still run one batch.
    func nextImmediateBatch(group index: Int) -> (zone: Int, batch: ImmediateBatch)? {
        guard !policy.submitOnly, pendingMayExist, !immediateGroups[index].running, !immediateGroups[index].drained else { return nil }
        let now = clock.wallNow
        guard let zoneIndex = immediateGroups[index].zones.first(where: { zoneStates[$0].health.returnIfRested(at: now) }) else {
            return nil
        }
        let engines = immediateGroups[index].engines
        let zone = collector.zones[zoneIndex]
        immediateGroups[index].running = true
        return (zoneIndex, ImmediateBatch(
            store: store, request: ClaimRequest(zone: zone.name, scanIDs: immediateGroups[index].scanIDs, limit: ImmediateBatch.size),
            holder: collector.holder, zone: zone, zoneCount: collector.zones.count, policy: policy, clock: clock,
            scans: scansByID.filter { engines[$0.key] != nil }, engines: engines, resultsFolder: collector.resultsFolder))
    }

    /// Counts and reports a finished batch's attempts, which are already written; `scanIDs` names the batch's group.
    func account(
        _ batch: ImmediateBatch.Result, scanIDs: [Int64], zone index: Int, summary: inout CollectSummary,
        onEvent: @Sendable (CollectEvent) -> Void
    ) throws {
        // The group is found by its scans: a scan that vanished meanwhile regrouped the others.
        if let group = immediateGroups.firstIndex(where: { $0.scanIDs == scanIDs }) {
            immediateGroups[group].running = false
            if batch.drained { immediateGroups[group].drained = true }
        }
        for finished in batch.finished {
            try account(finished, decision: batch.decisions[finished.report.attemptID], zone: index, summary: &summary, onEvent: onEvent)
            emit(finished, onEvent: onEvent)
        }
    }

    /// The groups of active scans computed at once, one per distinct set of such scans a zone has, and each zone's immediate scan ids.
    func immediateGroupsByScans() -> (groups: [ImmediateGroup], scanIDsByZone: [Set<Int64>]) {
        var groups: [ImmediateGroup] = []
        var groupOfScans: [[Int64]: Int] = [:]
        var scanIDsByZone: [Set<Int64>] = []
        for (zoneIndex, zone) in collector.zones.enumerated() {
            var engines: [Int64: any ImmediateEngine] = [:]
            for id in activeScanIDs {
                if let engine = collector.engines[id], zone.canRun(engine), let immediate = zone.immediateEngine(engine) {
                    engines[id] = immediate
                }
            }
            scanIDsByZone.append(Set(engines.keys))
            guard !engines.isEmpty else { continue }
            let key = engines.keys.sorted()
            if let group = groupOfScans[key] {
                groups[group].zones.append(zoneIndex)
            } else {
                groupOfScans[key] = groups.count
                groups.append(ImmediateGroup(engines: engines, zones: [zoneIndex]))
            }
        }
        return (groups, scanIDsByZone)
    }
}
