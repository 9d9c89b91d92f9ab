import Foundation

/// A stationary point of a fitted surface: where it is, its energy, its Hessian and how sure the fit is of them.
public struct SurfaceStationaryPoint: Sendable, Hashable, Codable {
    /// Names of the coordinates, as in the fit.
    public var coordinateNames: [String]
    /// The stationary geometry, one value per coordinate in its unit.
    public var coordinates: [Double]
    /// Fitted energy there in hartree.
    public var energyHartree: Double
    /// ‖∂E/∂t‖ left there in hartree, t the fit's scaled coordinates (each coordinate over its half-width).
    public var scaledGradientNormHartree: Double
    /// ∂²E/∂x_i∂x_j there in hartree per unit of coordinate i per unit of coordinate j, n × n row-major.
    public var hessianHartreePerUnit2: [Double]
    /// Eigenvalues of ``hessianHartreePerUnit2``, ascending; their values depend on the coordinates' units, their signs do not.
    public var hessianEigenvalues: [Double]
    /// Orthonormal eigenvectors of ``hessianHartreePerUnit2``, one per eigenvalue, each one value per coordinate.
    public var hessianEigenvectors: [[Double]]
    /// Newton steps taken from the start.
    public var iterations: Int
    /// Standard error of each coordinate in its unit, propagated from the fit's covariance; nil without one.
    public var standardErrors: [Double]?
    /// Standard error of ``energyHartree`` in hartree, propagated from the fit's covariance; nil without one.
    public var energyStandardErrorHartree: Double?
    /// Whether the point lies outside the box the data span (so the polynomial extrapolates there).
    public var liesOutsideData: Bool

    /// Number of directions in which the energy falls (negative Hessian eigenvalues): 0 at a minimum, 1 at a transition state.
    public var negativeDirectionCount: Int { hessianEigenvalues.filter { $0 < 0 }.count }

    /// Whether the energy rises in every direction (all Hessian eigenvalues positive).
    public var isMinimum: Bool { hessianEigenvalues.allSatisfy { $0 > 0 } }
}

extension SurfaceFit {
    /// Newton steps taken before the search gives up.
    static let maximumNewtonSteps = 100
    /// Longest Newton step in scaled coordinates (a quarter of the data's box), so the search does not run off.
    static let maximumScaledStep = 0.5

    /// Finds the stationary point (minimum, saddle or maximum) of the fitted polynomial nearest `start` by Newton's method.
    ///
    /// The search runs in the scaled coordinates: each step solves H p = −g
    /// (Hessian eigenvalues kept at least 1e-12 of the largest in size), is
    /// cut to ``maximumScaledStep`` and then halved until ‖g‖ falls. It
    /// converges when ‖g‖ is below 1e-12 of the size the gradient's terms
    /// have over the data, within ``maximumNewtonSteps`` steps.
    ///
    /// The standard errors are linear propagation of the coefficients'
    /// covariance: dx*/dc = −H⁻¹ ∂g/∂c, Var(x*) = J Cov Jᵀ, and
    /// Var(E*) = (∂E/∂c) Cov (∂E/∂c)ᵀ (the x* dependence drops out where g = 0).
    ///
    /// - Parameter start: the starting geometry in the coordinates' units (default: the point of lowest energy).
    public func stationaryPoint(start: [Double]? = nil) throws(FitError) -> SurfaceStationaryPoint {
        let n = coordinateNames.count, basis = self.basis
        let lowest = energiesHartree.indices.min { energiesHartree[$0] < energiesHartree[$1] }.map { points[$0] }
        guard let origin = start ?? lowest else { throw .tooFewPointsForSurface(have: 0, terms: termCount, degree: totalDegree) }
        guard origin.count == n else { throw .mismatchedDimensions(what: "coordinate values in the start", have: origin.count, expected: n) }
        let sizeOverData = zip(exponents, scaledCoefficientsHartree).reduce(0) { $0 + abs($1.1) * Double($1.0.reduce(0, +)) }
        var t = scaled(origin)
        var g = scaledGradient(t, basis: basis)
        for iteration in 0...Self.maximumNewtonSteps {
            let norm = Self.norm(g)
            if norm <= 1e-12 * max(sizeOverData, gradientTermSize(t, basis: basis)) {
                return try stationaryPoint(at: t, gradientNorm: norm, iterations: iteration, basis: basis)
            }
            guard iteration < Self.maximumNewtonSteps else { break }
            let step = try Self.newtonStep(hessian: scaledHessian(t, basis: basis), gradient: g)
            var fraction = 1.0
            var accepted = false
            for _ in 0..<50 {
                let trial = zip(t, step).map { $0 + fraction * $1 }
                let trialGradient = scaledGradient(trial, basis: basis)
                if Self.norm(trialGradient) <= (1 - 1e-4 * fraction) * norm {
                    t = trial
                    g = trialGradient
                    accepted = true
                    break
                }
                fraction /= 2
            }
            guard accepted else { throw .stationaryPointNotFound(iterations: iteration, scaledGradientNormHartree: norm) }
        }
        throw .stationaryPointNotFound(iterations: Self.maximumNewtonSteps, scaledGradientNormHartree: Self.norm(g))
    }

    /// Σ_k |c_k| Σ_i |∂m_k/∂t_i| at t: the size of the gradient's terms, below which rounding hides it.
    private func gradientTermSize(_ t: [Double], basis: MonomialBasis) -> Double {
        zip(basis.gradients(at: t), scaledCoefficientsHartree).reduce(0) { sum, term in
            sum + abs(term.1) * term.0.reduce(0) { $0 + abs($1) }
        }
    }

    /// The Newton step −H⁻¹ g through H's eigenvalues (each at least 1e-12 of the largest in size), cut to ``maximumScaledStep``.
    private static func newtonStep(hessian: [Double], gradient: [Double]) throws(FitError) -> [Double] {
        let n = gradient.count
        let eigen = try LinearAlgebra.symmetricEigen(matrixColumnMajor: hessian, order: n)
        let floor = 1e-12 * (eigen.values.map(abs).max() ?? 0)
        var step = [Double](repeating: 0, count: n)
        for k in 0..<n {
            let vector = eigen.vectorsColumnMajor[(k * n)..<((k + 1) * n)]
            let value = eigen.values[k]
            let kept = abs(value) >= floor && value != 0 ? value : (value < 0 ? -floor : floor)
            guard kept != 0 else { continue }
            let along = zip(vector, gradient).reduce(0) { $0 + $1.0 * $1.1 } / kept
            for (i, v) in vector.enumerated() { step[i] -= along * v }
        }
        if step.allSatisfy({ $0 == 0 }) { step = gradient.map { -$0 } }
        let length = norm(step)
        return length > maximumScaledStep ? step.map { $0 * maximumScaledStep / length } : step
    }

    /// The result at the converged scaled point t, with the Hessian's eigen-decomposition and the propagated errors.
    private func stationaryPoint(
        at t: [Double], gradientNorm: Double, iterations: Int, basis: MonomialBasis
    ) throws(FitError) -> SurfaceStationaryPoint {
        let n = t.count
        let scaledH = scaledHessian(t, basis: basis)
        let hessian = unscaledHessian(scaledH)
        let eigen = try LinearAlgebra.symmetricEigen(matrixColumnMajor: hessian, order: n)
        let errors = standardErrors(at: t, scaledHessian: scaledH, basis: basis)
        return SurfaceStationaryPoint(
            coordinateNames: coordinateNames, coordinates: unscaled(t), energyHartree: scaledEnergy(t, basis: basis),
            scaledGradientNormHartree: gradientNorm, hessianHartreePerUnit2: hessian, hessianEigenvalues: eigen.values,
            hessianEigenvectors: (0..<n).map { Array(eigen.vectorsColumnMajor[($0 * n)..<(($0 + 1) * n)]) },
            iterations: iterations, standardErrors: errors?.coordinates, energyStandardErrorHartree: errors?.energy,
            liesOutsideData: t.contains { abs($0) > 1 + 1e-9 })
    }

    /// Standard errors of x* (coordinates' units) and E* (hartree) by linear propagation; nil without a covariance or with a singular Hessian.
    private func standardErrors(
        at t: [Double], scaledHessian: [Double], basis: MonomialBasis
    ) -> (coordinates: [Double], energy: Double)? {
        guard let covariance = scaledCovariance else { return nil }
        let n = t.count, p = termCount
        // Column k of the right-hand side is −∂g/∂c_k = −∂m_k/∂t at t*.
        let rhs = basis.gradients(at: t).flatMap { $0.map { -$0 } }
        guard let sensitivity = try? LinearAlgebra.solve(
            matrixColumnMajor: scaledHessian, order: n, rightHandSidesColumnMajor: rhs, rightHandSideCount: p)
        else { return nil }
        let coordinates = (0..<n).map { i in
            let row = (0..<p).map { sensitivity[$0 * n + i] * halfWidths[i] }
            return max(FitUncertainty.quadraticForm(row, covariance), 0).squareRoot()
        }
        return (coordinates, max(FitUncertainty.quadraticForm(basis.values(at: t), covariance), 0).squareRoot())
    }

    /// Euclidean norm.
    private static func norm(_ v: [Double]) -> Double { v.reduce(0) { $0 + $1 * $1 }.squareRoot() }
}
