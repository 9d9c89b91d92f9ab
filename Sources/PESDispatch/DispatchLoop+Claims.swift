import Foundation
import PESStore

extension DispatchLoop {
    /// Claims points for every zone with idle slots and nothing claimed ahead, in one transaction.
    func claimForIdleZones() throws {
        let now = clock.wallNow
        lastClaimAt = now
        var asking: [Int] = []
        var requests: [ClaimRequest] = []
        for (index, zone) in collector.zones.enumerated() where !zone.isBatch && !policy.submitOnly {
            guard zoneStates[index].health.returnIfRested(at: now) else { continue }
            let free = zone.heldPoints - zoneStates[index].running
            guard free > 0, zoneStates[index].claimedAhead.isEmpty, !zoneStates[index].exhausted,
                !eligibleScanIDs[index].isEmpty
            else { continue }
            asking.append(index)
            requests.append(ClaimRequest(
                zone: zone.name, scanIDs: eligibleScanIDs[index], limit: free + zoneStates[index].claimAhead.extra(slots: zone.heldPoints)))
        }
        guard !requests.isEmpty else { return }
        let claims = try store.claimPendingPoints(
            requests, holder: collector.holder, leaseSeconds: policy.leaseSeconds, nowSeconds: now.timeIntervalSince1970)
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
        let immediate = immediateGroupsByScans()
        // A group that stays keeps whether its batch is running and whether it came back short.
        immediateGroups = immediate.groups.map { group in
            var group = group
            if let old = immediateGroups.first(where: { $0.scanIDs == group.scanIDs }) { (group.running, group.drained) = (old.running, old.drained) }
            return group
        }
        // A scan a zone computes at once in batches is never claimed point by point there.
        eligibleScanIDs = zip(collector.zones, immediate.scanIDsByZone).map { zone, immediateIDs in
            activeScanIDs.filter { id in !immediateIDs.contains(id) && (collector.engines[id].map(zone.canRun) ?? false) }
        }
        distinctScanSets = Set(zip(collector.zones, eligibleScanIDs).filter { !$0.0.isBatch && !$0.1.isEmpty }.map { $0.1.sorted() })
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
}
