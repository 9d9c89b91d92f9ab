import Foundation

/// A least-squares polynomial E(r) through scan energies, solved on a centred and scaled abscissa.
///
/// The abscissa is mapped to t = (r − center) / halfWidth. By default the
/// centre is the middle of the data and the half-width half their span, so
/// the data fill [−1, 1], the window NumPy's `Polynomial.fit` uses; the fit
/// is then well conditioned whatever the bond lengths are. A fit localised
/// at a point (as Psi4's `diatomic` does) passes that point as `center`.
public struct PolynomialFit: Sendable, Hashable, Codable {
    /// Polynomial degree.
    public var degree: Int
    /// Centre of the scaled abscissa in ångström.
    public var centerAngstrom: Double
    /// Scale of the abscissa in ångström (half the data's span for a centred fit).
    public var halfWidthAngstrom: Double
    /// E(t) in hartree, t the scaled abscissa.
    public var scaledPolynomial: Polynomial
    /// E(r) in hartree, r in ångström, expanded in powers of r (as `numpy.polynomial.polynomial.polyfit` gives).
    public var polynomial: Polynomial
    /// Root-mean-square (unweighted) residual in hartree.
    public var rmsResidualHartree: Double
    /// Largest absolute residual in hartree.
    public var maxAbsResidualHartree: Double
    /// Number of points fitted.
    public var pointCount: Int
    /// Ratio of the largest to the smallest singular value of the (weighted) scaled design matrix.
    public var conditionNumber: Double
    /// Covariance of the scaled coefficients in hartree², row-major, when the fit has degrees of freedom left.
    public var scaledCovariance: [Double]?
    /// Bond lengths of the data in ångström, ascending as given.
    public var rAngstrom: [Double]
    /// Residuals E − fit in hartree, in the order of ``rAngstrom``.
    public var residualsHartree: [Double]
    /// Leverage (diagonal of the hat matrix) of each point, for leave-one-out residuals.
    public var leverages: [Double]

    /// Condition number above which a fit is refused rather than silently solved.
    public static let refusedConditionNumber = 1e12

    /// Fits a polynomial of `degree` to energies in hartree at bond lengths in ångström.
    ///
    /// - Parameters:
    ///   - center: centre of the scaled abscissa in ångström (default: middle of the data).
    ///   - weights: one weight per point multiplying its residual, as NumPy's `polyfit(w=)` (default: all 1).
    public static func fit(
        rAngstrom: [Double], energyHartree: [Double], degree: Int, center: Double? = nil, weights: [Double]? = nil
    ) throws(FitError) -> PolynomialFit {
        guard rAngstrom.count == energyHartree.count else {
            throw .mismatchedData(rAngstrom.count, energyHartree.count)
        }
        guard degree >= 2 else { throw .degreeTooLow(degree) }
        for (r, e) in zip(rAngstrom, energyHartree) where !r.isFinite || !e.isFinite {
            throw .nonFiniteData(r, e)
        }
        let distinct = Self.distinctCount(rAngstrom, enough: degree + 1)
        guard distinct >= degree + 1, let low = rAngstrom.min(), let high = rAngstrom.max() else {
            throw .tooFewPoints(have: distinct, degree: degree)
        }
        if let weights {
            guard weights.count == rAngstrom.count, weights.allSatisfy({ $0.isFinite && $0 > 0 }) else {
                throw .mismatchedData(rAngstrom.count, weights.count)
            }
        }
        let centre = center ?? (low + high) / 2
        let scale = center == nil ? (high - low) / 2 : max(abs(high - centre), abs(low - centre))
        let rows = rAngstrom.count, columns = degree + 1
        // Unweighted powers t^k of every point, column-major; the design matrix is them times the weights. Only the
        // powers are kept: LAPACK overwrites a copy of the design matrix, and the weighted rows are formed again as needed.
        var powers = [Double](repeating: 1, count: rows * columns)
        powers.withUnsafeMutableBufferPointer { p in
            for row in 0..<rows {
                let t = (rAngstrom[row] - centre) / scale
                for column in stride(from: 1, to: columns, by: 1) { p[column * rows + row] = p[(column - 1) * rows + row] * t }
            }
        }
        var design = powers
        if let weights {
            for column in 0..<columns {
                for row in 0..<rows { design[column * rows + row] *= weights[row] }
            }
        }
        // (Xᵀ W² X)⁻¹ gives leverages and, scaled by the weighted residual variance, the covariance.
        let gram = LinearAlgebra.gram(matrixColumnMajor: design, rows: rows, columns: columns)
        let rhs = weights.map { zip(energyHartree, $0).map { $0 * $1 } } ?? energyHartree
        let solved = try LinearAlgebra.leastSquares(overwriting: &design, rows: rows, columns: columns, rightHandSide: rhs)
        design = []
        let largest = solved.singularValues.first ?? 0
        let smallest = solved.singularValues.last ?? 0
        let condition = smallest > 0 ? largest / smallest : .infinity
        guard solved.rank == columns else { throw .rankDeficient(rank: solved.rank, columns: columns) }
        guard condition < refusedConditionNumber else { throw .illConditioned(conditionNumber: condition) }
        let scaled = Polynomial(coefficients: solved.solution)
        let residuals = powers.withUnsafeBufferPointer { p in
            (0..<rows).map { row in
                var fitted = 0.0
                for column in 0..<columns { fitted += p[column * rows + row] * solved.solution[column] }
                return energyHartree[row] - fitted
            }
        }
        let rms = (residuals.reduce(0) { $0 + $1 * $1 } / Double(rows)).squareRoot()
        let inverse = try LinearAlgebra.inverseOfPositiveDefinite(matrixColumnMajor: gram, order: columns)
        let leverages = powers.withUnsafeBufferPointer { x in
            inverse.withUnsafeBufferPointer { g in
                (0..<rows).map { row -> Double in
                    // The weighted design matrix's row, X[row, k] = t^k w, as the solve had it.
                    let w = weights?[row] ?? 1
                    var h = 0.0
                    for i in 0..<columns {
                        var gx = 0.0
                        for j in 0..<columns { gx += g[j * columns + i] * (x[j * rows + row] * w) }
                        h += (x[i * rows + row] * w) * gx
                    }
                    return h
                }
            }
        }
        var covariance: [Double]?
        if rows > columns {
            let weightedSquares = weights.map { zip(residuals, $0).reduce(0) { $0 + $1.0 * $1.0 * $1.1 * $1.1 } }
                ?? residuals.reduce(0) { $0 + $1 * $1 }
            let variance = weightedSquares / Double(rows - columns)
            covariance = inverse.map { $0 * variance }
        }
        return PolynomialFit(
            degree: degree, centerAngstrom: centre, halfWidthAngstrom: scale,
            scaledPolynomial: scaled,
            polynomial: scaled.substitutingScaledVariable(center: centre, scale: scale),
            rmsResidualHartree: rms,
            maxAbsResidualHartree: residuals.map(abs).max() ?? 0,
            pointCount: rows,
            conditionNumber: condition,
            scaledCovariance: covariance,
            rAngstrom: rAngstrom,
            residualsHartree: residuals,
            leverages: leverages)
    }

    /// Fitted energy in hartree at `r` ångström.
    public func energyHartree(atAngstrom r: Double) -> Double {
        scaledPolynomial.value(at: scaled(r))
    }

    /// dE/dr in hartree per ångström at `r` ångström.
    public func firstDerivative(atAngstrom r: Double) -> Double {
        derivative(order: 1, atAngstrom: r)
    }

    /// d²E/dr² in hartree per ångström² at `r` ångström.
    public func secondDerivative(atAngstrom r: Double) -> Double {
        derivative(order: 2, atAngstrom: r)
    }

    /// The n-th derivative dⁿE/drⁿ in hartree per ångströmⁿ at `r` ångström.
    public func derivative(order: Int, atAngstrom r: Double) -> Double {
        var p = scaledPolynomial
        for _ in 0..<order { p = p.derivative }
        return p.value(at: scaled(r)) / pow(halfWidthAngstrom, Double(order))
    }

    /// Range of the fitted data in ångström.
    public var dataRangeAngstrom: ClosedRange<Double> {
        (rAngstrom.min() ?? centerAngstrom)...(rAngstrom.max() ?? centerAngstrom)
    }

    /// Leave-one-out (PRESS) root-mean-square prediction error in hartree, from the leverages.
    public var leaveOneOutRMSHartree: Double {
        let press = zip(residualsHartree, leverages).reduce(0.0) { sum, pair in
            let denominator = 1 - pair.1
            guard denominator > 1e-12 else { return .infinity }
            return sum + pow(pair.0 / denominator, 2)
        }
        return (press / Double(pointCount)).squareRoot()
    }

    func scaled(_ r: Double) -> Double { (r - centerAngstrom) / halfWidthAngstrom }

    /// The number of distinct values, counting no further than `enough`.
    static func distinctCount(_ values: [Double], enough: Int) -> Int {
        var seen = Set<Double>(minimumCapacity: enough)
        for value in values {
            seen.insert(value)
            if seen.count >= enough { break }
        }
        return seen.count
    }
}
