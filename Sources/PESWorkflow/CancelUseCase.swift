import Foundation
import PESDispatch
import PESStore

/// What `cancel` did: the scan, the batch jobs cancelled, and the points returned to pending.
public struct CancelResult: Sendable, Hashable, Codable {
    public var scan: String
    public var cancelledJobs: [String]
    public var pointsReturned: Int
}

/// `cancel`: removes a scan's queued and running batch jobs (scancel) and returns their points to pending.
public enum CancelUseCase {
    /// Cancels the batch jobs of the scan named `scan` (the newest when nil), each where its zone submitted it.
    ///
    /// A job of an SSH zone in `zones` is cancelled on that site's login node;
    /// any other (or of a zone no longer in the file) with this machine's scancel.
    public static func run(
        scan: String?, store: ScanStore, resultsFolder: URL, zones: [ZoneSpec] = []
    ) async throws(WorkflowError) -> CancelResult {
        let record: ScanRecord
        do {
            record = try store.scan(named: scan)
        } catch {
            throw .store(error)
        }
        return try await cancelBatchJobs(of: record, store: store, resultsFolder: resultsFolder, zones: zones)
    }

    /// Cancels the batch jobs of the scan named `name` if it exists and has any; nil when there is nothing to cancel.
    static func cancelBatchJobs(ofScanNamed name: String, store: ScanStore, resultsFolder: URL) async throws(WorkflowError) -> CancelResult? {
        guard let record = try? store.scan(named: name) else { return nil }
        return try await cancelBatchJobs(of: record, store: store, resultsFolder: resultsFolder)
    }

    private static func cancelBatchJobs(
        of record: ScanRecord, store: ScanStore, resultsFolder: URL, zones: [ZoneSpec] = []
    ) async throws(WorkflowError) -> CancelResult {
        let submitted: [SubmittedPoint]
        do {
            submitted = try store.submittedPoints(ofScans: [record.id])
        } catch {
            throw .store(error)
        }
        let jobs = submitted.map(\.jobID)
        for zone in Set(submitted.map(\.zone)).sorted() {
            do {
                try await ZoneSpec.cancelBatchJobs(
                    submitted.filter { $0.zone == zone }.map(\.jobID), submittedBy: zones.first { $0.name == zone },
                    scratch: resultsFolder)
            } catch {
                throw .schedulerRefused(String(describing: error))
            }
        }
        do {
            let released = try store.releaseSubmittedPoints(submitted, reason: "cancelled with pesscan cancel")
            return CancelResult(scan: record.spec.name.rawValue, cancelledJobs: jobs, pointsReturned: released)
        } catch {
            throw .store(error)
        }
    }
}
