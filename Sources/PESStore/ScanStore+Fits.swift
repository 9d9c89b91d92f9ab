import Foundation
import GRDB

extension ScanStore {
    /// Stores a fit of a scan; every fit made is kept.
    public func recordFit(_ fit: StoredFit, scanID: Int64) throws(StoreError) {
        let now = Date().timeIntervalSince1970
        try write { db in
            try db.execute(
                sql: """
                    INSERT INTO fit (scan_id, created_at, model, degree, points_used, points_excluded, r_e_angstrom,
                                     energy_hartree, rms_residual_hartree, result_json)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    scanID, now, fit.model, fit.degree, fit.pointsUsed, fit.pointsExcluded, fit.rEquilibriumAngstrom,
                    fit.energyHartree, fit.rmsResidualHartree, fit.resultJSON,
                ])
        }
    }

    /// Fits stored for a scan, oldest first.
    public func fits(ofScan scanID: Int64) throws(StoreError) -> [StoredFit] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM fit WHERE scan_id = ? ORDER BY id", arguments: [scanID]).map { row in
                StoredFit(
                    degree: row["degree"], model: row["model"], pointsUsed: row["points_used"],
                    pointsExcluded: row["points_excluded"], rEquilibriumAngstrom: row["r_e_angstrom"],
                    energyHartree: row["energy_hartree"], rmsResidualHartree: row["rms_residual_hartree"],
                    resultJSON: row["result_json"], createdAtSeconds: row["created_at"])
            }
        }
    }
}
