import Foundation
import PESEngines
import PESStore

extension DispatchLoop {
    /// The next batch for a zone that computes points at once, when it has such scans, none in flight, and points may be pending.
    func immediateBatch(forZone index: Int) -> ImmediateBatch? {
        let zone = collector.zones[index]
        let engines = immediateEngines[index]
        guard !engines.isEmpty, !policy.submitOnly, pendingMayExist, !zoneStates[index].immediateBatchRunning,
            !zoneStates[index].immediateDrained,
            zoneStates[index].health.returnIfRested(at: clock.wallNow)
        else { return nil }
        return ImmediateBatch(
            store: store, request: ClaimRequest(zone: zone.name, scanIDs: Array(engines.keys), limit: ImmediateBatch.size),
            holder: collector.holder, zone: zone, zoneCount: collector.zones.count, policy: policy, clock: clock,
            scans: scansByID.filter { engines[$0.key] != nil }, engines: engines, resultsFolder: collector.resultsFolder)
    }

    /// Counts and reports a finished batch's attempts, which are already written.
    func account(
        _ batch: ImmediateBatch.Result, zone index: Int, summary: inout CollectSummary, onEvent: @Sendable (CollectEvent) -> Void
    ) throws {
        zoneStates[index].immediateBatchRunning = false
        if batch.drained { zoneStates[index].immediateDrained = true }
        for finished in batch.finished {
            try account(finished, decision: batch.decisions[finished.report.attemptID], zone: index, summary: &summary, onEvent: onEvent)
            emit(finished, onEvent: onEvent)
        }
    }

    /// For each zone, the engines of active scans that it computes at once, by scan id.
    func immediateEnginesByZone() -> [[Int64: any ImmediateEngine]] {
        collector.zones.map { zone in
            var engines: [Int64: any ImmediateEngine] = [:]
            for id in activeScanIDs {
                if let engine = collector.engines[id], zone.canRun(engine), let immediate = zone.immediateEngine(engine) {
                    engines[id] = immediate
                }
            }
            return engines
        }
    }
}
