import Foundation

/// Leave-one-out (jackknife) estimates of how much r_e and ω_e depend on single points.
public struct JackknifeEstimate: Sendable, Hashable, Codable {
    /// Jackknife standard error of r_e in ångström.
    public var standardErrorReAngstrom: Double
    /// Jackknife standard error of ω_e in cm⁻¹.
    public var standardErrorOmegaE: Double
    /// Number of leave-one-out refits that succeeded.
    public var refits: Int

    /// Fewest leave-one-out refits that make an estimate.
    public static let minimumRefits = 3

    /// Most points a fit adds the estimate for without being asked (``JackknifeChoice/automatic``): it costs one refit
    /// per point, each of all the others, so its time grows as the square of the points.
    public static let automaticPointLimit = 100

    /// Fewest points with which every leave-one-out refit of `model` still has enough points.
    public static func minimumPoints(for model: CurveModel) -> Int {
        switch model {
        case .polynomial(let degree), .localized(let degree, _): return max(degree + 2, minimumRefits)
        case .polynomialAutomaticDegree: return 5
        case .morse: return 6
        }
    }

    /// Refits `model` once per left-out point; `nil` when fewer than ``minimumRefits`` refits succeed.
    public static func estimate(
        rAngstrom: [Double], energyHartree: [Double], model: CurveModel, reducedMassDalton: Double
    ) -> JackknifeEstimate? {
        try? estimateOrShortfall(rAngstrom: rAngstrom, energyHartree: energyHartree, model: model, reducedMassDalton: reducedMassDalton).get()
    }

    /// Refits `model` once per left-out point, or says why no estimate could be made.
    public static func estimateOrShortfall(
        rAngstrom: [Double], energyHartree: [Double], model: CurveModel, reducedMassDalton: Double
    ) -> Result<JackknifeEstimate, JackknifeShortfall> {
        let need = minimumPoints(for: model)
        guard rAngstrom.count >= need else { return .failure(.tooFewPoints(have: rAngstrom.count, need: need)) }
        var res: [Double] = [], omegas: [Double] = []
        for left in rAngstrom.indices {
            var r = rAngstrom, e = energyHartree
            r.remove(at: left)
            e.remove(at: left)
            guard let analysis = try? DiatomicAnalysis.analyse(rAngstrom: r, energyHartree: e, model: model, estimateDegreeBias: false)
            else { continue }
            res.append(analysis.rEquilibriumAngstrom)
            omegas.append(analysis.constants(reducedMassDalton: reducedMassDalton).omegaE)
        }
        guard res.count >= minimumRefits else { return .failure(.tooFewRefits(succeeded: res.count, of: rAngstrom.count)) }
        func spread(_ values: [Double]) -> Double {
            let n = Double(values.count)
            let mean = values.reduce(0, +) / n
            return ((n - 1) / n * values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }).squareRoot()
        }
        return .success(JackknifeEstimate(standardErrorReAngstrom: spread(res), standardErrorOmegaE: spread(omegas), refits: res.count))
    }
}

/// Why no jackknife estimate was made.
public enum JackknifeShortfall: Error, Sendable, Hashable, CustomStringConvertible {
    /// Too few points for every leave-one-out refit to be fitted.
    case tooFewPoints(have: Int, need: Int)
    /// Too few of the leave-one-out refits found a minimum inside their points.
    case tooFewRefits(succeeded: Int, of: Int)

    public var description: String {
        switch self {
        case .tooFewPoints(let have, let need):
            return "the jackknife estimate was not computed: leave-one-out refits of this curve need at least \(need) points; have \(have)"
        case .tooFewRefits(let succeeded, let of):
            return "the jackknife estimate was not computed: only \(succeeded) of \(of) leave-one-out refits found a minimum "
                + "(\(JackknifeEstimate.minimumRefits) needed); add points around r_e"
        }
    }
}

/// When a fit adds the leave-one-out (jackknife) estimate.
public enum JackknifeChoice: Sendable, Hashable {
    /// Up to ``JackknifeEstimate/automaticPointLimit`` points, where it is cheap; silently left out when it cannot be made.
    case automatic
    /// Whatever the number of points (`--jackknife`); a warning says why when it cannot be made.
    case always
    /// Never (`--no-jackknife`).
    case never

    /// Whether a fit of `pointCount` points computes the estimate.
    public func computes(pointCount: Int) -> Bool {
        switch self {
        case .automatic: return pointCount <= JackknifeEstimate.automaticPointLimit
        case .always: return true
        case .never: return false
        }
    }

    /// Whether a shortfall is reported: only when the estimate was asked for.
    public var reportsShortfall: Bool { self == .always }
}
