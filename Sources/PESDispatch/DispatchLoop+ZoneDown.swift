import Foundation
import PESCore
import PESEngines
import PESStore

extension DispatchLoop {
    /// Takes a zone out of the run until `until` (`.distantFuture`: for the rest of the run), returning the points claimed ahead for it to pending.
    func takeDown(zone index: Int, until: Date, reason: String, onEvent: @Sendable (CollectEvent) -> Void) throws {
        let zone = collector.zones[index]
        zoneStates[index].downUntil = until
        let waiting = zoneStates[index].claimedAhead
        zoneStates[index].claimedAhead = []
        try store.releaseClaims(waiting, holder: collector.holder, reason: "zone \(zone.name) went down before the point started")
        pendingMayExist = true
        let rest = until == .distantFuture ? Double.infinity : until.timeIntervalSinceNow
        onEvent(.zoneDown(zone: zone.name, reason: reason, cooldownSeconds: rest))
    }

    /// Stops launching into a zone whose work folder's disk is full, for the rest of the run, and notes it in the summary.
    func stopForFullDisk(
        zone index: Int, folder: String, reason: String, summary: inout CollectSummary, onEvent: @Sendable (CollectEvent) -> Void
    ) throws {
        guard zoneStates[index].downUntil != .distantFuture else { return }
        summary.fullDisks.append(FullDiskStop(zone: collector.zones[index].name, folder: folder))
        try takeDown(zone: index, until: .distantFuture, reason: reason, onEvent: onEvent)
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
            var finished = Self.finished(
                point, job: nil, zone: collector.zones[index], outcome: .failed(reason: reason),
                details: RunDetails(launchFailure: true, fullDiskFolder: path), jobID: nil)
            finished.display.scanName = scan.spec.name.rawValue
            try handle(&finished, zone: index, summary: &summary, onEvent: onEvent)
            emit(finished, onEvent: onEvent)
            return nil
        }
    }
}
