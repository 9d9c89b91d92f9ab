import Foundation

/// A least-squares polynomial E(r) through scan energies, solved on a centred and scaled abscissa.
///
/// The abscissa is mapped to t = (r − center) / halfWidth so the data span
/// [−1, 1], the same window NumPy's `Polynomial.fit` uses; the fit is then
/// well conditioned whatever the bond lengths are.
public struct PolynomialFit: Sendable, Hashable, Codable {
    /// Polynomial degree.
    public var degree: Int
    /// Centre of the data's bond-length range in ångström.
    public var centerAngstrom: Double
    /// Half the width of the data's bond-length range in ångström.
    public var halfWidthAngstrom: Double
    /// E(t) in hartree, t the scaled abscissa.
    public var scaledPolynomial: Polynomial
    /// E(r) in hartree, r in ångström, expanded in powers of r (as `numpy.polynomial.polynomial.polyfit` gives).
    public var polynomial: Polynomial
    /// Root-mean-square residual in hartree.
    public var rmsResidualHartree: Double
    /// Largest absolute residual in hartree.
    public var maxAbsResidualHartree: Double
    /// Number of points fitted.
    public var pointCount: Int
    /// Ratio of the largest to the smallest singular value of the scaled design matrix.
    public var conditionNumber: Double

    /// Fits a polynomial of `degree` to energies in hartree at bond lengths in ångström.
    public static func fit(rAngstrom: [Double], energyHartree: [Double], degree: Int) throws(FitError) -> PolynomialFit {
        guard rAngstrom.count == energyHartree.count else {
            throw .mismatchedData(rAngstrom.count, energyHartree.count)
        }
        guard degree >= 2 else { throw .degreeTooLow(degree) }
        guard rAngstrom.count >= degree + 1 else { throw .tooFewPoints(have: rAngstrom.count, degree: degree) }
        for (r, e) in zip(rAngstrom, energyHartree) where !r.isFinite || !e.isFinite {
            throw .nonFiniteData(r, e)
        }
        guard let low = rAngstrom.min(), let high = rAngstrom.max(), high > low else {
            throw .tooFewPoints(have: Set(rAngstrom).count, degree: degree)
        }
        guard Set(rAngstrom).count >= degree + 1 else {
            throw .tooFewPoints(have: Set(rAngstrom).count, degree: degree)
        }
        let center = (low + high) / 2
        let halfWidth = (high - low) / 2
        let rows = rAngstrom.count, columns = degree + 1
        var design = [Double](repeating: 0, count: rows * columns)
        for (row, r) in rAngstrom.enumerated() {
            let t = (r - center) / halfWidth
            var power = 1.0
            for column in 0..<columns {
                design[column * rows + row] = power
                power *= t
            }
        }
        let solved = try LinearAlgebra.leastSquares(
            matrixColumnMajor: design, rows: rows, columns: columns, rightHandSide: energyHartree)
        guard solved.rank == columns else { throw .rankDeficient(rank: solved.rank, columns: columns) }
        let scaled = Polynomial(coefficients: solved.solution)
        let residuals = zip(rAngstrom, energyHartree).map { r, e in e - scaled.value(at: (r - center) / halfWidth) }
        let rms = (residuals.reduce(0) { $0 + $1 * $1 } / Double(rows)).squareRoot()
        let largest = solved.singularValues.first ?? 0
        let smallest = solved.singularValues.last ?? 0
        return PolynomialFit(
            degree: degree, centerAngstrom: center, halfWidthAngstrom: halfWidth,
            scaledPolynomial: scaled,
            polynomial: scaled.substitutingScaledVariable(center: center, scale: halfWidth),
            rmsResidualHartree: rms,
            maxAbsResidualHartree: residuals.map(abs).max() ?? 0,
            pointCount: rows,
            conditionNumber: smallest > 0 ? largest / smallest : .infinity)
    }

    /// Fitted energy in hartree at `r` ångström.
    public func energyHartree(atAngstrom r: Double) -> Double {
        scaledPolynomial.value(at: scaled(r))
    }

    /// dE/dr in hartree per ångström at `r` ångström.
    public func firstDerivative(atAngstrom r: Double) -> Double {
        scaledPolynomial.derivative.value(at: scaled(r)) / halfWidthAngstrom
    }

    /// d²E/dr² in hartree per ångström² at `r` ångström.
    public func secondDerivative(atAngstrom r: Double) -> Double {
        scaledPolynomial.derivative.derivative.value(at: scaled(r)) / (halfWidthAngstrom * halfWidthAngstrom)
    }

    /// The n-th derivative dⁿE/drⁿ in hartree per ångströmⁿ at `r` ångström.
    public func derivative(order: Int, atAngstrom r: Double) -> Double {
        var p = scaledPolynomial
        for _ in 0..<order { p = p.derivative }
        return p.value(at: scaled(r)) / pow(halfWidthAngstrom, Double(order))
    }

    /// Range of the fitted data in ångström.
    public var dataRangeAngstrom: ClosedRange<Double> {
        (centerAngstrom - halfWidthAngstrom)...(centerAngstrom + halfWidthAngstrom)
    }

    func scaled(_ r: Double) -> Double { (r - centerAngstrom) / halfWidthAngstrom }
}

