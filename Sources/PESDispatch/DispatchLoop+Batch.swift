import Foundation
import PESCore
import PESEngines
import PESStore

extension DispatchLoop {
    /// The soonest a batch zone wants to look at its queue again, when jobs of these scans are in flight.
    func nextBatchPoll(scanIDs: [Int64]) throws -> Date? {
        let indices = batchZoneIndices.filter { !zoneStates[$0].health.isStopped }
        guard !indices.isEmpty else { return nil }
        let names = indices.map { collector.zones[$0].name }
        guard !(try store.submittedPoints(ofScans: scanIDs, zones: names)).isEmpty else { return nil }
        let poll = indices.compactMap { collector.zones[$0].backend.batchQueue?.pollSeconds }.min() ?? 5
        return clock.wallNow.addingTimeInterval(max(poll, scheduler.backoffSeconds))
    }

    /// Harvests finished batch jobs, then submits pending points to batch zones with free slots.
    func serviceBatchZones(
        scanIDs: [Int64], summary: inout CollectSummary, onEvent: @Sendable (CollectEvent) -> Void
    ) async throws {
        guard !batchZoneIndices.isEmpty, !Task.isCancelled else { return }
        do {
            try await harvest(scanIDs: scanIDs, summary: &summary, onEvent: onEvent)
            try await submit(scanIDs: scanIDs, summary: &summary, onEvent: onEvent)
        } catch let failure as SlurmClient.Failure {
            // A scheduler blip: wait longer each time, never resubmit in a tight loop; after many, stop waiting.
            switch scheduler.recordFailure(at: clock.wallNow, rule: .queueLooks) {
            case .stop, .alreadyDown:
                for index in batchZoneIndices { _ = zoneStates[index].health.stop() }
                onEvent(.zoneDown(
                    zone: batchZoneIndices.map { collector.zones[$0].name }.joined(separator: ", "),
                    reason: "the scheduler failed \(scheduler.failuresInARow) times in a row: \(failure); submitted points stay with Slurm for a later collect",
                    cooldownSeconds: .infinity))
            case .counted, .backOff, .rest:
                onEvent(.schedulerTrouble(message: failure.description, retryInSeconds: scheduler.backoffSeconds))
            }
            return
        }
        scheduler.recordSuccess()
    }

    /// Claims pending points for each batch zone up to its slots and submits them as one batch per zone.
    private func submit(scanIDs: [Int64], summary: inout CollectSummary, onEvent: @Sendable (CollectEvent) -> Void) async throws {
        for index in batchZoneIndices {
            let zone = collector.zones[index]
            guard let queue = zone.backend.batchQueue, !zoneStates[index].health.isDown(at: clock.wallNow) else { continue }
            let inFlight = try store.submittedPoints(ofScans: scanIDs, zones: [zone.name]).count
            let free = zone.heldPoints - inFlight
            guard free > 0 else { continue }
            let eligible = scanIDs.filter { id in collector.engines[id].map(zone.canRun) ?? false }
            let claimed = try store.claimPendingPoints(
                ofScans: eligible, limit: free, holder: collector.holder, zone: zone.name, leaseSeconds: policy.leaseSeconds,
                nowSeconds: clock.wallNow.timeIntervalSince1970)
            guard !claimed.isEmpty else { continue }
            var tasks: [(ProcessCommand, workDirectory: URL)] = []
            var taskPoints: [ClaimedPoint] = []
            for point in claimed {
                guard let scan = scansByID[point.scanID], let engine = collector.engines[point.scanID] as? any ProcessEngine else { continue }
                let job = try job(for: point, scan: scan, engine: engine)
                switch engine.prepare(job) {
                case .success(let command):
                    tasks.append((command, job.workDirectory))
                    taskPoints.append(point)
                case .failure(let failure):
                    var finished = finished(
                        point, scanName: job.scanName, zone: zone, outcome: .failed(reason: failure.reason), details: RunDetails(),
                        jobID: nil)
                    try handle(&finished, zone: index, summary: &summary, onEvent: onEvent)
                }
            }
            guard !tasks.isEmpty else { continue }
            let batchFolder = try WorkFolder.create(
                ["runs", store.workFolderName, "_slurm", "\(collector.holder.token.prefix(8))-\(UUID().uuidString.prefix(8))"],
                under: collector.resultsFolder)
            let arrayJob: String
            do {
                arrayJob = try await queue.submit(tasks, in: batchFolder)
            } catch {
                // A scheduler that refuses a submission costs the points nothing: they wait again, and the zone backs off,
                // then gives up for this run after repeated refusals instead of resubmitting in a loop.
                try store.releaseClaims(taskPoints, holder: collector.holder, reason: "sbatch failed: \(error)")
                switch zoneStates[index].health.recordFailure(at: clock.wallNow, rule: .submissions(policy)) {
                case .stop, .alreadyDown:
                    onEvent(.zoneDown(zone: zone.name, reason: "sbatch failed \(policy.zoneFailureLimit) times: \(error)", cooldownSeconds: .infinity))
                case .counted, .backOff, .rest:
                    onEvent(.schedulerTrouble(message: "sbatch: \(error)", retryInSeconds: zoneStates[index].health.backoffSeconds))
                }
                continue
            }
            try store.markSubmitted(
                taskPoints.enumerated().map { (attemptID: $1.attemptID, pointID: $1.pointID, jobID: "\(arrayJob)_\($0)") },
                holder: collector.holder)
            zoneStates[index].health.recordSuccess()
            summary.batchSubmissions.append(BatchSubmission(zone: zone.name, arrayJob: arrayJob, tasks: tasks.count))
            onEvent(.submitted(zone: zone.name, arrayJob: arrayJob, tasks: tasks.count))
        }
    }

    /// Reads the results of finished batch tasks and settles tasks that left the queue without one.
    private func harvest(scanIDs: [Int64], summary: inout CollectSummary, onEvent: @Sendable (CollectEvent) -> Void) async throws {
        let zoneIndexByName = Dictionary(uniqueKeysWithValues: batchZoneIndices.map { (collector.zones[$0].name, $0) })
        let submitted = try store.submittedPoints(ofScans: scanIDs, zones: Array(zoneIndexByName.keys))
        guard !submitted.isEmpty else { return }
        let scratch = collector.resultsFolder
        // Each submitted point's job, once: its work folder is where a remote scheduler's files land and its result is read.
        var jobs: [EngineJob?] = []
        for point in submitted {
            guard let scan = scansByID[point.claim.scanID], let engine = collector.engines[point.claim.scanID] as? any ProcessEngine else {
                jobs.append(nil)
                continue
            }
            jobs.append(try job(for: point.claim, scan: scan, engine: engine))
        }
        let positionsByZone = Dictionary(grouping: submitted.indices, by: { submitted[$0].zone })
        // A scheduler on another machine sends back the finished tasks' folders first, in one exchange per zone.
        for index in batchZoneIndices {
            guard let queue = collector.zones[index].backend.batchQueue, let positions = positionsByZone[collector.zones[index].name]
            else { continue }
            let folders = positions.compactMap { jobs[$0]?.workDirectory }
            if !folders.isEmpty { await queue.fetchFinished(workDirectories: folders) }
        }
        var queuedByZone: [Int: [String: String]] = [:]
        let now = clock.wallNow
        for (position, point) in submitted.enumerated() {
            let claimed = point.claim
            guard let index = zoneIndexByName[point.zone], let queue = collector.zones[index].backend.batchQueue,
                let job = jobs[position], let engine = collector.engines[claimed.scanID] as? any ProcessEngine
            else { continue }
            if queuedByZone[index] == nil {
                let batches = (positionsByZone[point.zone] ?? []).compactMap {
                    submitted[$0].jobID.split(separator: "_").first.map(String.init)
                }
                queuedByZone[index] = try await queue.queuedTasks(batches: Array(Set(batches)).sorted(), in: scratch)
            }
            let queued = queuedByZone[index] ?? [:]
            let zone = collector.zones[index]
            var outcome: EngineOutcome?
            if let result = queue.harvest(workDirectory: job.workDirectory) {
                outcome = engine.interpret(job, result)
            } else if queued[point.jobID] != nil || BatchTaskID.isPending(point.jobID, in: queued) {
                missingSince[point.jobID] = nil
                continue
            } else {
                let firstMissing = missingSince[point.jobID] ?? now
                missingSince[point.jobID] = firstMissing
                guard now.timeIntervalSince(firstMissing) >= queue.missingGraceSeconds else { continue }
                // Gone from the queue past the grace period, with no result: ask what became of it.
                let final = try await queue.finalState(task: point.jobID, in: scratch)
                if let result = queue.harvest(workDirectory: job.workDirectory) {
                    outcome = engine.interpret(job, result)
                } else if let final, BatchTaskID.stillInFlightStates.contains(final.state) {
                    missingSince[point.jobID] = nil
                    continue
                } else {
                    let what = final.map { "ended \($0.state)" + ($0.exitCode.map { " (exit code \($0))" } ?? "") }
                        ?? "is no longer known to Slurm (not in squeue or scontrol)"
                    outcome = .failed(reason: "Slurm job \(point.jobID) \(what) without a result", details: RunDetails())
                }
            }
            missingSince[point.jobID] = nil
            let attempt: (AttemptOutcome, RunDetails)
            switch outcome {
            case .none, .cancelled:
                continue
            case .energy(let energy, let converged, let details):
                attempt = (.done(energyHartree: energy, converged: converged), details)
            case .failed(let reason, let details):
                attempt = (.failed(reason: reason), details)
            }
            var finished = finished(
                claimed, scanName: job.scanName, zone: zone, outcome: attempt.0, details: attempt.1, jobID: point.jobID,
                startedAt: point.submittedAtSeconds)
            try handle(&finished, zone: index, summary: &summary, onEvent: onEvent)
            emit(finished, onEvent: onEvent)
        }
    }
}
