import PESStore

extension FitRecord {
    /// Stores the record as a row of the `fit` table of `store`, for the scan with row id `scanID`; `fit` and `refine` both store through here.
    public func store(in store: ScanStore, scanID: Int64) throws(WorkflowError) {
        let json: String
        do {
            json = try JSONConvention.text(self, pretty: false)
        } catch {
            throw .encoding(reason: String(describing: error))
        }
        let row = StoredFit(
            degree: degree ?? 0, model: model, pointsUsed: pointsUsed,
            pointsExcluded: pointsExcludedFailed + pointsExcludedUnconverged, rEquilibriumAngstrom: rEAngstrom,
            energyHartree: energyHartree, rmsResidualHartree: rmsResidualHartree, resultJSON: json)
        do {
            try store.recordFit(row, scanID: scanID)
        } catch {
            throw .store(error)
        }
    }
}
