import Foundation
import PESEngines
import PESStore

extension DispatchLoop {
    /// Points an instant engine runs in one task: `first` and the next claimed points of its scan, a fair share of the zone's claimed points per free slot.
    ///
    /// A task per point would cost more than the point; the share leaves
    /// the zone's other slots work of their own. Every point keeps its own
    /// claim and attempt, and each one taken is announced as started.
    func instantBatch(
        starting first: (EngineJob, ClaimedPoint), scan: ScanRecord, engine: any Engine, zone index: Int,
        summary: inout CollectSummary, onEvent: @Sendable (CollectEvent) -> Void
    ) throws -> [(EngineJob, ClaimedPoint)] {
        let zone = collector.zones[index]
        let freeSlots = max(1, zone.slots - zoneStates[index].busySlots + 1)
        let share = min(Self.maximumInstantBatch, max(1, (zoneStates[index].claimedAhead.count + 1 + freeSlots - 1) / freeSlots))
        var jobs = [first]
        jobs.reserveCapacity(share)
        while jobs.count < share, let next = zoneStates[index].claimedAhead.last, next.scanID == first.1.scanID {
            zoneStates[index].claimedAhead.removeLast()
            guard let job = try jobUnlessDiskFull(for: next, scan: scan, engine: engine, zone: index, summary: &summary, onEvent: onEvent)
            else { break }
            jobs.append((job, next))
        }
        for (_, point) in jobs {
            onEvent(.pointStarted(scan: scan.spec.name.rawValue, index: point.index, zone: zone.name))
        }
        return jobs
    }

    /// Most points of an instant engine run in one task.
    static let maximumInstantBatch = 512
}
