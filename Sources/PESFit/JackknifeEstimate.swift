import Foundation

/// Leave-one-out (jackknife) estimates of how much r_e and ω_e depend on single points.
public struct JackknifeEstimate: Sendable, Hashable, Codable {
    /// Jackknife standard error of r_e in ångström.
    public var standardErrorReAngstrom: Double
    /// Jackknife standard error of ω_e in cm⁻¹.
    public var standardErrorOmegaE: Double
    /// Number of leave-one-out refits that succeeded.
    public var refits: Int

    /// Refits `model` once per left-out point; `nil` when fewer than three refits succeed.
    public static func estimate(
        rAngstrom: [Double], energyHartree: [Double], model: CurveModel, reducedMassDalton: Double
    ) -> JackknifeEstimate? {
        var res: [Double] = [], omegas: [Double] = []
        for left in rAngstrom.indices {
            var r = rAngstrom, e = energyHartree
            r.remove(at: left)
            e.remove(at: left)
            guard let analysis = try? DiatomicAnalysis.analyse(rAngstrom: r, energyHartree: e, model: model) else { continue }
            res.append(analysis.rEquilibriumAngstrom)
            omegas.append(analysis.constants(reducedMassDalton: reducedMassDalton).omegaE)
        }
        guard res.count >= 3 else { return nil }
        func spread(_ values: [Double]) -> Double {
            let n = Double(values.count)
            let mean = values.reduce(0, +) / n
            return ((n - 1) / n * values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }).squareRoot()
        }
        return JackknifeEstimate(standardErrorReAngstrom: spread(res), standardErrorOmegaE: spread(omegas), refits: res.count)
    }
}
