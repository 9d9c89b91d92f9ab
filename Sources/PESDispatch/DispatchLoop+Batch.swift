import Foundation
import PESCore
import PESEngines
import PESStore

extension DispatchLoop {
    /// Scheduler failures in a row after which `collect` stops waiting on its batch zones.
    static let schedulerTroubleLimit = 8

    /// Indices of the zones that run batch jobs.
    var batchZoneIndices: [Int] { collector.zones.indices.filter { collector.zones[$0].isBatch } }

    /// The soonest a batch zone wants to look at its queue again, when jobs of these scans are in flight.
    func nextBatchPoll(scanIDs: [Int64]) throws -> Date? {
        let indices = batchZoneIndices.filter { zoneStates[$0].downUntil != .distantFuture }
        guard !indices.isEmpty else { return nil }
        let names = indices.map { collector.zones[$0].name }
        guard !(try store.submittedPoints(ofScans: scanIDs, zones: names)).isEmpty else { return nil }
        let poll = indices.compactMap { collector.zones[$0].slurm?.pollSeconds }.min() ?? 5
        return Date().addingTimeInterval(max(poll, schedulerBackoffSeconds))
    }

    /// Harvests finished batch jobs, then submits pending points to batch zones with free slots.
    func serviceBatchZones(
        scanIDs: [Int64], summary: inout CollectSummary, onEvent: @Sendable (CollectEvent) -> Void
    ) async throws {
        guard !batchZoneIndices.isEmpty, !Task.isCancelled else { return }
        do {
            try await harvest(scanIDs: scanIDs, summary: &summary, onEvent: onEvent)
            try await submit(scanIDs: scanIDs, summary: &summary, onEvent: onEvent)
            schedulerBackoffSeconds = 0
        } catch let failure as SlurmClient.Failure {
            // A scheduler blip: wait longer each time, never resubmit in a tight loop; after many, stop waiting.
            schedulerTroubles += 1
            schedulerBackoffSeconds = min(max(schedulerBackoffSeconds * 2, 2), 120)
            if schedulerTroubles >= Self.schedulerTroubleLimit {
                for index in batchZoneIndices { zoneStates[index].downUntil = .distantFuture }
                onEvent(.zoneDown(
                    zone: batchZoneIndices.map { collector.zones[$0].name }.joined(separator: ", "),
                    reason: "the scheduler failed \(schedulerTroubles) times in a row: \(failure); submitted points stay with Slurm for a later collect",
                    cooldownSeconds: .infinity))
            } else {
                onEvent(.schedulerTrouble(message: failure.description, retryInSeconds: schedulerBackoffSeconds))
            }
            return
        }
        schedulerTroubles = 0
    }

    /// Claims pending points for each batch zone up to its slots and submits them as one array job per zone.
    private func submit(scanIDs: [Int64], summary: inout CollectSummary, onEvent: @Sendable (CollectEvent) -> Void) async throws {
        let now = Date()
        for index in batchZoneIndices {
            let zone = collector.zones[index]
            guard let settings = zone.slurm else { continue }
            if let until = zoneStates[index].downUntil, until > now { continue }
            let inFlight = try store.submittedPoints(ofScans: scanIDs, zones: [zone.name]).count
            let free = zone.slots - inFlight
            guard free > 0 else { continue }
            let eligible = scanIDs.filter { id in collector.engines[id].map(zone.canRun) ?? false }
            let claimed = try store.claimPendingPoints(
                ofScans: eligible, limit: free, holder: collector.holder, zone: zone.name, leaseSeconds: policy.leaseSeconds)
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
                    var finished = Self.finished(
                        point, job: job, zone: zone, outcome: .failed(reason: failure.reason), details: RunDetails(), jobID: nil)
                    try handle(&finished, zone: index, summary: &summary, onEvent: onEvent)
                }
            }
            guard !tasks.isEmpty else { continue }
            let batchFolder = try WorkFolder.create(
                ["runs", store.workFolderName, "_slurm", "\(collector.holder.token.prefix(8))-\(UUID().uuidString.prefix(8))"],
                under: collector.resultsFolder)
            let arrayJob: String
            do {
                let script = try SlurmBatch.write(commands: tasks, to: batchFolder)
                arrayJob = try await SlurmClient(scratch: batchFolder).submitArray(
                    script: script, taskCount: tasks.count, settings: settings, jobName: "pesscan", workDirectory: batchFolder)
            } catch {
                // A scheduler that refuses a submission costs the points nothing: they wait again, and the zone backs off,
                // then gives up for this run after repeated refusals instead of resubmitting in a loop.
                try store.releaseClaims(taskPoints, holder: collector.holder, reason: "sbatch failed: \(error)")
                zoneStates[index].launchFailuresInARow += 1
                schedulerBackoffSeconds = min(max(schedulerBackoffSeconds * 2, 2), 120)
                if zoneStates[index].launchFailuresInARow >= policy.zoneFailureLimit {
                    zoneStates[index].downUntil = .distantFuture
                    onEvent(.zoneDown(zone: zone.name, reason: "sbatch failed \(policy.zoneFailureLimit) times: \(error)", cooldownSeconds: .infinity))
                } else {
                    onEvent(.schedulerTrouble(message: "sbatch: \(error)", retryInSeconds: schedulerBackoffSeconds))
                    zoneStates[index].downUntil = Date().addingTimeInterval(schedulerBackoffSeconds)
                }
                continue
            }
            try store.markSubmitted(
                taskPoints.enumerated().map { (attemptID: $1.attemptID, pointID: $1.pointID, jobID: "\(arrayJob)_\($0)") },
                holder: collector.holder)
            zoneStates[index].launchFailuresInARow = 0
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
        let client = SlurmClient(scratch: scratch)
        let arrayJobs = Array(Set(submitted.compactMap { $0.jobID.split(separator: "_").first.map(String.init) })).sorted()
        let queued = try await client.queuedTasks(arrayJobs: arrayJobs)
        let now = Date()
        for point in submitted {
            let claimed = point.claim
            guard let index = zoneIndexByName[point.zone], let scan = scansByID[claimed.scanID],
                let engine = collector.engines[claimed.scanID] as? any ProcessEngine
            else { continue }
            let zone = collector.zones[index]
            let job = try job(for: claimed, scan: scan, engine: engine)
            var outcome: EngineOutcome?
            if let result = SlurmBatch.harvest(workDirectory: job.workDirectory) {
                outcome = engine.interpret(job, result)
            } else if queued[point.jobID] != nil || isArrayPending(point.jobID, in: queued) {
                missingSince[point.jobID] = nil
                continue
            } else {
                let firstMissing = missingSince[point.jobID] ?? now
                missingSince[point.jobID] = firstMissing
                let grace = zone.slurm?.missingGraceSeconds ?? 30
                guard now.timeIntervalSince(firstMissing) >= grace else { continue }
                // Gone from the queue past the grace period, with no result: ask what became of it.
                let final = try await client.finalState(task: point.jobID)
                if let result = SlurmBatch.harvest(workDirectory: job.workDirectory) {
                    outcome = engine.interpret(job, result)
                } else if let final, ["PENDING", "RUNNING", "CONFIGURING", "COMPLETING", "REQUEUED", "RESIZING", "SUSPENDED"].contains(final.state) {
                    missingSince[point.jobID] = nil
                    continue
                } else {
                    let what = final.map { "ended \($0.state)" + ($0.exitCode.map { " (exit code \($0))" } ?? "") }
                        ?? "is no longer known to Slurm (not in squeue or scontrol)"
                    outcome = .failed(reason: "Slurm job \(point.jobID) \(what) without a result", details: RunDetails())
                }
            }
            missingSince[point.jobID] = nil
            guard let outcome else { continue }
            let started = point.submittedAtSeconds
            switch outcome {
            case .cancelled:
                continue
            case .energy(let energy, let converged, let details):
                var finished = Self.finished(
                    claimed, job: job, zone: zone, outcome: .done(energyHartree: energy, converged: converged), details: details,
                    jobID: point.jobID, startedAt: started)
                try handle(&finished, zone: index, summary: &summary, onEvent: onEvent)
                emit(finished, onEvent: onEvent)
            case .failed(let reason, let details):
                var finished = Self.finished(
                    claimed, job: job, zone: zone, outcome: .failed(reason: reason), details: details, jobID: point.jobID,
                    startedAt: started)
                try handle(&finished, zone: index, summary: &summary, onEvent: onEvent)
                emit(finished, onEvent: onEvent)
            }
        }
    }

    /// Whether a task id is still covered by a pending array entry such as `12_[3-9]`.
    private func isArrayPending(_ task: String, in queued: [String: String]) -> Bool {
        let parts = task.split(separator: "_")
        guard parts.count == 2, let number = Int(parts[1]) else { return false }
        let prefix = "\(parts[0])_["
        for key in queued.keys where key.hasPrefix(prefix) {
            let body = key.dropFirst(prefix.count).prefix { $0 != "]" }
            for range in body.split(separator: ",") {
                let bounds = range.split(separator: "%")[0].split(separator: "-").compactMap { Int($0) }
                if bounds.count == 1, bounds[0] == number { return true }
                if bounds.count == 2, (bounds[0]...bounds[1]).contains(number) { return true }
            }
        }
        return false
    }

    /// A finished attempt as the loop records it.
    static func finished(
        _ point: ClaimedPoint, job: EngineJob?, zone: Zone, outcome: AttemptOutcome, details: RunDetails, jobID: String?,
        startedAt: Double? = nil
    ) -> FinishedPoint {
        let now = Date().timeIntervalSince1970
        let start = startedAt ?? now
        let report = AttemptReport(
            attemptID: point.attemptID, pointID: point.pointID, outcome: outcome, zone: zone.name,
            host: zone.isBatch ? "slurm" : ProcessInfo.processInfo.hostName, jobID: jobID,
            engineVersion: details.engineVersion, startedAtSeconds: start, finishedAtSeconds: now,
            exitStatus: details.exitStatus, stderrTail: details.stderrTail, image: nil, launchFailure: details.launchFailure)
        var display = PointReport(
            scanName: job?.scanName ?? "", index: point.index, rAngstrom: point.rAngstrom, zone: zone.name, wallSeconds: now - start)
        switch outcome {
        case .done(let energy, _): display.energyHartree = energy
        case .failed(let reason): display.failure = reason
        }
        return FinishedPoint(
            report: report, display: display, failedBefore: point.failedAttempts, fullDiskFolder: details.fullDiskFolder)
    }
}
