import Foundation
import PESCore
import PESEngines
import PESStore

extension DispatchLoop {
    /// Counts a launch failure of a process zone and rests the zone once they come `policy.zoneFailureLimit` in a row.
    func recordLaunchFailure(zone index: Int, reason: String, onEvent: @Sendable (CollectEvent) -> Void) throws {
        let now = clock.wallNow
        guard case .rest(let until) = zoneStates[index].health.recordFailure(at: now, rule: .launches(policy)) else { return }
        try zoneWentDown(zone: index, until: until, reason: reason, onEvent: onEvent)
    }

    /// Returns the points claimed ahead for a zone that just went down (until `until`; `.distantFuture`: for the rest of the run) to pending, and says so.
    func zoneWentDown(zone index: Int, until: Date, reason: String, onEvent: @Sendable (CollectEvent) -> Void) throws {
        let zone = collector.zones[index]
        let waiting = zoneStates[index].claimedAhead
        zoneStates[index].claimedAhead = []
        try store.releaseClaims(waiting, holder: collector.holder, reason: "zone \(zone.name) went down before the point started")
        pendingMayExist = true
        let rest = until == .distantFuture ? Double.infinity : until.timeIntervalSince(clock.wallNow)
        onEvent(.zoneDown(zone: zone.name, reason: reason, cooldownSeconds: rest))
    }

    /// Stops launching into a zone for the rest of the run, for a failure that waiting will not cure (a refused host key).
    func stopZone(_ index: Int, reason: String, onEvent: @Sendable (CollectEvent) -> Void) throws {
        guard zoneStates[index].health.stop() else { return }
        try zoneWentDown(zone: index, until: .distantFuture, reason: reason, onEvent: onEvent)
    }

    /// Stops launching into a zone whose work folder's disk is full, for the rest of the run, and notes it in the summary.
    func stopForFullDisk(
        zone index: Int, folder: String, reason: String, summary: inout CollectSummary, onEvent: @Sendable (CollectEvent) -> Void
    ) throws {
        guard zoneStates[index].health.stop() else { return }
        summary.fullDisks.append(FullDiskStop(zone: collector.zones[index].name, folder: folder))
        try zoneWentDown(zone: index, until: .distantFuture, reason: reason, onEvent: onEvent)
    }

    /// The job of a claimed point; nil when its work folder cannot be created because the disk is full.
    ///
    /// Then the attempt is recorded as a full-disk failure and the zone is
    /// stopped, so the caller stops filling it.
    func jobUnlessDiskFull(
        for point: ClaimedPoint, scan: ScanRecord, engine: any Engine, zone index: Int, summary: inout CollectSummary,
        onEvent: @Sendable (CollectEvent) -> Void
    ) throws -> EngineJob? {
        do {
            return try job(for: point, scan: scan, engine: engine)
        } catch {
            guard case .workDirectory(let path, let why) = error, VolumeSpace.isNearlyFull(holding: path) else { throw error }
            let reason = EngineOutcome.fullDiskReason(folder: path, failure: "cannot create the work directory: \(why)")
            var finished = finished(
                point, scanName: scan.spec.name.rawValue, zone: collector.zones[index], outcome: .failed(reason: reason),
                details: RunDetails(launchFailure: true, fullDiskFolder: path), jobID: nil)
            try handle(&finished, zone: index, summary: &summary, onEvent: onEvent)
            emit(finished, onEvent: onEvent)
            return nil
        }
    }
}
