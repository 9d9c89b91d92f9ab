import PESCore

/// The minimum of a fitted curve: r_e, E(r_e) and the curvature there.
public struct CurveMinimum: Sendable, Hashable, Codable {
    /// Equilibrium bond length r_e in ångström.
    public var rAngstrom: Double
    /// Fitted energy at r_e in hartree.
    public var energyHartree: Double
    /// d²E/dr² at r_e in hartree per ångström².
    public var secondDerivativeHartreePerAngstrom2: Double
    /// |dE/dr| left at r_e after Newton polishing, in hartree per ångström.
    public var residualGradientHartreePerAngstrom: Double
    /// Newton steps taken to polish the eigenvalue root.
    public var newtonIterations: Int

    /// r_e in bohr.
    public var rBohr: Double { rAngstrom * PhysicalConstants.angstromInBohr }
    /// d²E/dr² at r_e in hartree per bohr².
    public var secondDerivativeHartreePerBohr2: Double {
        secondDerivativeHartreePerAngstrom2 * PhysicalConstants.bohrInAngstrom * PhysicalConstants.bohrInAngstrom
    }
}

extension PolynomialFit {
    /// Finds the lowest minimum inside the fitted range from the real roots of dE/dr, polished by Newton's method.
    ///
    /// Roots come from the eigenvalues of the derivative's companion matrix
    /// (LAPACK `dgeev`); a root counts when it is real, lies inside the data
    /// and has positive curvature. Newton steps on dE/dr run until the step is
    /// below 1e-14 of the scaled range or 50 steps have been taken.
    public func minimum(
        energiesForDiagnosis rAngstrom: [Double] = [], energyHartree: [Double] = []
    ) throws(FitError) -> CurveMinimum {
        let curvature = scaledPolynomial.derivative.derivative
        let tolerance = 1e-9
        var best: (t: Double, energy: Double, iterations: Int)?
        for root in try scaledPolynomial.derivative.realRoots() {
            let (t, iterations) = scaledPolynomial.newtonStationaryPoint(from: root)
            guard t >= -1 - tolerance, t <= 1 + tolerance, curvature.value(at: t) > 0 else { continue }
            let energy = scaledPolynomial.value(at: t)
            if best == nil || energy < (best?.energy ?? .infinity) { best = (t, energy, iterations) }
        }
        guard let found = best else {
            throw diagnoseMissingMinimum(rAngstrom: rAngstrom, energyHartree: energyHartree)
        }
        let r = centerAngstrom + found.t * halfWidthAngstrom
        return CurveMinimum(
            rAngstrom: r, energyHartree: found.energy,
            secondDerivativeHartreePerAngstrom2: secondDerivative(atAngstrom: r),
            residualGradientHartreePerAngstrom: abs(firstDerivative(atAngstrom: r)),
            newtonIterations: found.iterations)
    }

    /// Explains why no minimum lies inside the data, naming the side the energies fall towards.
    private func diagnoseMissingMinimum(rAngstrom: [Double], energyHartree: [Double]) -> FitError {
        let range = dataRangeAngstrom
        let lowest = zip(rAngstrom, energyHartree).min { $0.1 < $1.1 }?.0
        let fallsTowardLong = lowest.map { $0 >= range.upperBound } ?? (firstDerivative(atAngstrom: range.upperBound) < 0)
        let fallsTowardShort = lowest.map { $0 <= range.lowerBound } ?? (firstDerivative(atAngstrom: range.lowerBound) > 0)
        if fallsTowardLong { return .minimumBeyond(.longer, of: range) }
        if fallsTowardShort { return .minimumBeyond(.shorter, of: range) }
        return .noMinimumInFit(degree: degree)
    }
}

