import Foundation

/// A Morse curve E(r) = E_∞ + D_e[(1 − e^{−a(r − r_e)})² − 1] fitted by nonlinear least squares.
///
/// Levenberg–Marquardt: each step solves the damped linearised problem as a
/// least-squares system through LAPACK (`dgelsd`). The start comes from a
/// polynomial fit: a = −f₃/(3 f₂), D_e = f₂/(2a²), as a Morse curve has.
public struct MorseFit: Sendable, Hashable, Codable {
    /// Energy of the separated atoms E_∞ in hartree.
    public var asymptoteHartree: Double
    /// Dissociation energy (well depth) D_e in hartree.
    public var wellDepthHartree: Double
    /// Range parameter a in 1/ångström.
    public var rangePerAngstrom: Double
    /// Equilibrium bond length r_e in ångström.
    public var rEquilibriumAngstrom: Double
    /// Covariance of (E_∞, D_e, a, r_e), row-major, when the fit has degrees of freedom left.
    public var covariance: [Double]?
    /// Residuals E − fit in hartree at the data's bond lengths.
    public var residualsHartree: [Double]
    /// Root-mean-square residual in hartree.
    public var rmsResidualHartree: Double
    /// Iterations used.
    public var iterations: Int

    /// Energy in hartree at `r` ångström.
    public func energyHartree(atAngstrom r: Double) -> Double {
        Self.energy(r, parameters: [asymptoteHartree, wellDepthHartree, rangePerAngstrom, rEquilibriumAngstrom])
    }

    /// dⁿE/drⁿ at r_e for n = 2, 3, 4 in hartree/Åⁿ: 2Da², −6Da³, 14Da⁴.
    public var derivativesAtMinimum: (second: Double, third: Double, fourth: Double) {
        let d = wellDepthHartree, a = rangePerAngstrom
        return (2 * d * a * a, -6 * d * a * a * a, 14 * d * a * a * a * a)
    }

    /// Fits a Morse curve to energies in hartree at bond lengths in ångström.
    public static func fit(rAngstrom: [Double], energyHartree: [Double]) throws(FitError) -> MorseFit {
        let n = rAngstrom.count
        guard n >= 5 else { throw .tooFewPointsForModel(model: "Morse", have: n, need: 5) }
        let start = try PolynomialFit.fit(rAngstrom: rAngstrom, energyHartree: energyHartree, degree: min(4, n - 1))
        let minimum = try start.minimum(energiesForDiagnosis: rAngstrom, energyHartree: energyHartree)
        let f2 = start.derivative(order: 2, atAngstrom: minimum.rAngstrom)
        let f3 = start.derivative(order: 3, atAngstrom: minimum.rAngstrom)
        let a0 = f3 < 0 ? -f3 / (3 * f2) : 1.5
        let d0 = f2 / (2 * a0 * a0)
        var parameters = [minimum.energyHartree + d0, d0, a0, minimum.rAngstrom]
        var sse = sumOfSquares(rAngstrom, energyHartree, parameters)
        var lambda = 1e-3
        var iterations = 0
        var converged = false
        while !converged, iterations < 200 {
            iterations += 1
            let (jacobian, residuals) = linearise(rAngstrom, energyHartree, parameters)
            // Damped system [J; √λ·diag(JᵀJ)^½] δ = [r; 0] solved by LAPACK least squares.
            var columnNorms = [Double](repeating: 0, count: 4)
            for k in 0..<4 { columnNorms[k] = (0..<n).reduce(0) { $0 + pow(jacobian[k * n + $1], 2) }.squareRoot() }
            var improved = false
            var step = [Double](repeating: 0, count: 4)
            for _ in 0..<30 {
                let rows = n + 4
                var matrix = [Double](repeating: 0, count: rows * 4)
                for k in 0..<4 {
                    for i in 0..<n { matrix[k * rows + i] = jacobian[k * n + i] }
                    matrix[k * rows + n + k] = lambda.squareRoot() * max(columnNorms[k], 1e-300)
                }
                let rhs = residuals + [0, 0, 0, 0]
                step = try LinearAlgebra.leastSquares(matrixColumnMajor: matrix, rows: rows, columns: 4, rightHandSide: rhs).solution
                let trial = zip(parameters, step).map { $0 + $1 }
                let trialSSE = trial[1] > 0 && trial[2] > 0 ? sumOfSquares(rAngstrom, energyHartree, trial) : .infinity
                if trialSSE < sse {
                    let change = (sse - trialSSE) / max(sse, 1e-300)
                    parameters = trial
                    sse = trialSSE
                    lambda = max(lambda / 3, 1e-15)
                    improved = true
                    converged = change < 1e-14
                    break
                }
                lambda *= 4
            }
            let relativeStep = zip(step, parameters).map { abs($0) / max(abs($1), 1e-12) }.max() ?? 0
            if !improved || relativeStep < 1e-13 { converged = true }
        }
        guard converged else { throw .notConverged(what: "Morse fit", iterations: iterations) }
        let (jacobian, residuals) = linearise(rAngstrom, energyHartree, parameters)
        var covariance: [Double]?
        if n > 4 {
            var gram = [Double](repeating: 0, count: 16)
            for i in 0..<4 {
                for j in 0..<4 { gram[j * 4 + i] = (0..<n).reduce(0) { $0 + jacobian[i * n + $1] * jacobian[j * n + $1] } }
            }
            let variance = sse / Double(n - 4)
            covariance = try LinearAlgebra.inverseOfPositiveDefinite(matrixColumnMajor: gram, order: 4).map { $0 * variance }
        }
        return MorseFit(
            asymptoteHartree: parameters[0], wellDepthHartree: parameters[1], rangePerAngstrom: parameters[2],
            rEquilibriumAngstrom: parameters[3], covariance: covariance, residualsHartree: residuals,
            rmsResidualHartree: (sse / Double(n)).squareRoot(), iterations: iterations)
    }

    static func energy(_ r: Double, parameters p: [Double]) -> Double {
        let u = 1 - exp(-p[2] * (r - p[3]))
        return p[0] + p[1] * (u * u - 1)
    }

    static func sumOfSquares(_ r: [Double], _ e: [Double], _ p: [Double]) -> Double {
        zip(r, e).reduce(0) { $0 + pow($1.1 - energy($1.0, parameters: p), 2) }
    }

    /// Jacobian (column-major, n × 4) of the model and the residuals E − model at `p`.
    static func linearise(_ r: [Double], _ e: [Double], _ p: [Double]) -> ([Double], [Double]) {
        let n = r.count
        var jacobian = [Double](repeating: 0, count: n * 4)
        var residuals = [Double](repeating: 0, count: n)
        for i in 0..<n {
            let x = r[i] - p[3]
            let q = exp(-p[2] * x)
            let u = 1 - q
            jacobian[0 * n + i] = 1
            jacobian[1 * n + i] = u * u - 1
            jacobian[2 * n + i] = 2 * p[1] * u * x * q
            jacobian[3 * n + i] = -2 * p[1] * u * p[2] * q
            residuals[i] = e[i] - (p[0] + p[1] * (u * u - 1))
        }
        return (jacobian, residuals)
    }
}
