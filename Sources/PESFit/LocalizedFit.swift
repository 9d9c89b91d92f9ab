import Foundation

/// Psi4's way to a diatomic minimum: a weighted quartic localised at the current guess, refitted as Newton moves it.
///
/// Reference: Psi4 `driver/diatomic.py` and J. Chem. Phys. 140, 044118 (2014),
/// eq. (7). Weights w = exp(−z)/(z + 10⁻³) with z = ((r − r_loc)/1 Å)² favour
/// the points nearest the minimum. Iterations start at the lowest data point
/// and stop when |dE/dr| < `gradientThreshold`.
public enum LocalizedFit {
    /// Default convergence threshold on |dE/dr| in hartree/Å (Psi4's).
    public static let defaultGradientThreshold = 1e-9

    /// The converged local fit and how it got there.
    public struct Result: Sendable, Hashable {
        /// The weighted polynomial centred at r_e.
        public var fit: PolynomialFit
        /// r_e in ångström.
        public var rEquilibriumAngstrom: Double
        /// Newton iterations used.
        public var iterations: Int
        /// |dE/dr| at r_e in hartree/Å.
        public var gradientHartreePerAngstrom: Double
    }

    /// The Psi4 weights for points at `rAngstrom` localised at `center`.
    public static func weights(rAngstrom: [Double], center: Double) -> [Double] {
        rAngstrom.map { r in
            let z = (r - center) * (r - center)
            return exp(-z) / (z + 1e-3)
        }
    }

    /// Runs the localised Newton search on sorted or unsorted data.
    public static func minimum(
        rAngstrom: [Double], energyHartree: [Double], degree: Int = 4, weighted: Bool = true,
        gradientThreshold: Double = defaultGradientThreshold, maxIterations: Int = 30
    ) throws(FitError) -> Result {
        guard rAngstrom.count >= degree + 1 else {
            throw .tooFewPointsForModel(model: "localised degree-\(degree)", have: rAngstrom.count, need: degree + 1)
        }
        guard let lowest = zip(rAngstrom, energyHartree).min(by: { $0.1 < $1.1 }) else {
            throw .tooFewPoints(have: 0, degree: degree)
        }
        var re = lowest.0
        for iteration in 1...maxIterations {
            let fit = try PolynomialFit.fit(
                rAngstrom: rAngstrom, energyHartree: energyHartree, degree: degree, center: re,
                weights: weighted ? weights(rAngstrom: rAngstrom, center: re) : nil)
            let gradient = fit.derivative(order: 1, atAngstrom: re)
            let hessian = fit.derivative(order: 2, atAngstrom: re)
            if abs(gradient) < gradientThreshold {
                return Result(fit: fit, rEquilibriumAngstrom: re, iterations: iteration, gradientHartreePerAngstrom: abs(gradient))
            }
            guard hessian > 0 else { throw .noMinimumInFit(degree: degree) }
            re -= gradient / hessian
            guard re.isFinite, re > 0 else { throw .notConverged(what: "localised Newton search", iterations: iteration) }
        }
        throw .notConverged(what: "localised Newton search for the minimum", iterations: maxIterations)
    }
}
