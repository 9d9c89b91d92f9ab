import Foundation
import PESCore
import PESEngines
import PESStore

/// A finished attempt with what progress output shows of it.
struct FinishedPoint: Sendable {
    var report: AttemptReport
    var display: PointReport
    /// Failed attempts of the point before this one.
    var failedBefore: Int
    /// The work folder whose disk was full, when that is why the attempt failed.
    var fullDiskFolder: String? = nil
    /// Whether the attempt's launch failure will recur for every point of the zone (a refused host key), so the zone stops.
    var stopsZone = false

    /// A finished attempt of `point` in `zone`, from `startedAtSeconds` to `finishedAtSeconds` (seconds since 1970).
    init(
        _ point: ClaimedPoint, scanName: String, zone: Zone, host: String, outcome: AttemptOutcome, details: RunDetails,
        jobID: String?, image: String?, startedAtSeconds: Double, finishedAtSeconds: Double
    ) {
        report = AttemptReport(
            attemptID: point.attemptID, pointID: point.pointID, outcome: outcome, zone: zone.name, host: host, jobID: jobID,
            engineVersion: details.engineVersion, startedAtSeconds: startedAtSeconds, finishedAtSeconds: finishedAtSeconds,
            exitStatus: details.exitStatus, stderrTail: details.stderrTail, image: image, launchFailure: details.launchFailure)
        display = PointReport(
            scanName: scanName, index: point.index, rAngstrom: point.rAngstrom, coordinates: point.coordinates, zone: zone.name,
            wallSeconds: finishedAtSeconds - startedAtSeconds)
        switch outcome {
        case .done(let energy, let converged):
            display.energyHartree = energy
            display.converged = converged
        case .failed(let reason): display.failure = reason
        }
        failedBefore = point.failedAttempts
        fullDiskFolder = details.fullDiskFolder
        stopsZone = details.stopsZone
    }
}

extension DispatchLoop {
    /// The job of one attempt, its work directory created when the engine uses one: `runs/<database>/<scan>/<index>/<attempt id>`.
    ///
    /// Attempt ids are never reused, so no two attempts, and no two databases
    /// sharing a results folder, ever write the same files. No component is
    /// followed if it is a symbolic link.
    func job(for point: ClaimedPoint, scan: ScanRecord, engine: any Engine) throws(DispatchError) -> EngineJob {
        try Self.job(
            for: point, scan: scan, engine: engine, resultsFolder: collector.resultsFolder, workFolderName: store.workFolderName)
    }

    /// The job of one attempt with its work directory under `resultsFolder`, for callers away from the loop.
    static func job(
        for point: ClaimedPoint, scan: ScanRecord, engine: any Engine, resultsFolder: URL, workFolderName: String
    ) throws(DispatchError) -> EngineJob {
        // An engine without files gets the results folder itself, never written: no path is made for each of the
        // thousands of points such an engine computes in a batch.
        let folder = engine.usesWorkDirectory
            ? try WorkFolder.create(
                ["runs", workFolderName, scan.spec.name.rawValue, String(point.index), String(point.attemptID)], under: resultsFolder)
            : resultsFolder
        var cartesian: [[Double]]?
        if scan.spec.geometry != nil {
            do {
                cartesian = try scan.spec.positionsAngstrom(rAngstrom: point.rAngstrom, coordinates: point.coordinates)
            } catch {
                throw .geometry(scan: scan.spec.name.rawValue, index: point.index, error)
            }
        }
        return EngineJob(
            scanName: scan.spec.name.rawValue, pointIndex: point.index, attemptNumber: point.attemptNumber,
            rAngstrom: point.rAngstrom, molecule: scan.spec.molecule, workDirectory: folder, cartesianAngstrom: cartesian)
    }

    /// An attempt that ended without running in a zone's back-end (a batch task harvested, a point that could not start), finished now.
    func finished(
        _ point: ClaimedPoint, scanName: String, zone: Zone, outcome: AttemptOutcome, details: RunDetails, jobID: String?,
        startedAt: Double? = nil
    ) -> FinishedPoint {
        let now = clock.wallNow.timeIntervalSince1970
        return FinishedPoint(
            point, scanName: scanName, zone: zone, host: zone.isBatch ? "slurm" : collector.holder.host, outcome: outcome,
            details: details, jobID: jobID, image: nil, startedAtSeconds: startedAt ?? now, finishedAtSeconds: now)
    }

    /// Runs one claimed point in a zone's back-end, stopping it after `timeout` seconds; nil when the run was cancelled.
    static func attempt(
        _ job: EngineJob, point: ClaimedPoint, engine: any Engine, zone: Zone, host: String, timeout: Double?,
        clock: any DispatchClock
    ) async -> FinishedPoint? {
        let start = clock.wallNow.timeIntervalSince1970
        let (outcome, timedOut) = await runBounded(job, engine: engine, backend: zone.backend, timeout: timeout, clock: clock)
        let end = clock.wallNow.timeIntervalSince1970
        let attempt: AttemptOutcome
        let details: RunDetails
        if let recorded = outcome.recorded {
            (attempt, details) = recorded
        } else {
            guard timedOut, let timeout else { return nil }
            attempt = .failed(reason: String(format: "timed out after %.3g s: stopped with SIGTERM, then SIGKILL", timeout))
            details = RunDetails()
        }
        return FinishedPoint(
            point, scanName: job.scanName, zone: zone, host: details.host ?? host, outcome: attempt, details: details,
            jobID: details.jobID, image: zone.backend.image, startedAtSeconds: start, finishedAtSeconds: end)
    }

    /// Runs the engine, racing it against a timer on `clock` when there is a timeout; reports whether the timer won.
    static func runBounded(
        _ job: EngineJob, engine: any Engine, backend: any ZoneBackend, timeout: Double?, clock: any DispatchClock
    ) async -> (EngineOutcome, timedOut: Bool) {
        guard let timeout else { return (await backend.run(job, engine: engine), false) }
        return await withTaskGroup(of: (EngineOutcome, Bool)?.self) { group in
            group.addTask { (await backend.run(job, engine: engine), false) }
            group.addTask {
                await clock.sleep(seconds: timeout)
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

extension EngineOutcome {
    /// The outcome as an attempt records it, with the run's details; nil for a cancelled run, which records nothing of its own.
    var recorded: (AttemptOutcome, RunDetails)? {
        switch self {
        case .energy(let energy, let converged, let details): return (.done(energyHartree: energy, converged: converged), details)
        case .failed(let reason, let details): return (.failed(reason: reason), details)
        case .cancelled: return nil
        }
    }
}
