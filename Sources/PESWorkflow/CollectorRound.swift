import PESDispatch
import PESStore

extension Collector {
    /// Runs one round of a scan's pending points, as `refine` and `optimize` do; returns whether the run was interrupted.
    func collectRound(of scan: ScanRecord) async throws(WorkflowError) -> Bool {
        do {
            return try await run(scans: [scan]).interrupted
        } catch {
            throw .dispatch(error)
        }
    }
}
