import Foundation
import PESCore
import PESStore

/// One stored fit as `fits` lists it.
public struct FitSummary: Sendable, Hashable, Codable {
    public var scan: String
    /// When the fit was stored.
    public var createdAt: Date?
    public var model: String
    /// Polynomial degree; nil for models without one.
    public var degree: Int?
    public var pointsUsed: Int
    /// Equilibrium bond length in ångström.
    public var rEAngstrom: Double
    /// Harmonic wavenumber ω_e in cm⁻¹, when the stored record holds it.
    public var omegaECm1: Double?
    /// Energy at the minimum in hartree.
    public var energyHartree: Double
}

/// `fits`: the fits stored for one scan or every scan, oldest first.
public enum FitsUseCase {
    /// The stored fits of the scan `scan`, or of every scan when nil.
    public static func run(scan: String?, store: ScanStore) throws(WorkflowError) -> [FitSummary] {
        do throws(StoreError) {
            let scans = if let scan { [try store.scan(named: scan)] } else { try store.scans() }
            var summaries: [FitSummary] = []
            for record in scans {
                summaries += try store.fits(ofScan: record.id).map { fit in
                    let full = try? JSONConvention.decoder().decode(FitRecord.self, from: Data(fit.resultJSON.utf8))
                    return FitSummary(
                        scan: record.spec.name.rawValue, createdAt: fit.createdAtSeconds.map(Date.init(timeIntervalSince1970:)),
                        model: fit.model, degree: full?.degree ?? (fit.degree > 0 ? fit.degree : nil), pointsUsed: fit.pointsUsed,
                        rEAngstrom: fit.rEquilibriumAngstrom, omegaECm1: full?.omegaECm1, energyHartree: fit.energyHartree)
                }
            }
            return summaries
        } catch {
            throw .store(error)
        }
    }
}
