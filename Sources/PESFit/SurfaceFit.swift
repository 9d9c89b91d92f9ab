import Foundation

/// A least-squares polynomial E(x₁, …, xₙ) in hartree of total degree d through energies on a surface of n coordinates.
///
/// Each coordinate is mapped to tᵢ = (xᵢ − centreᵢ) / halfWidthᵢ with the
/// centre the middle of the data and the half-width half their span, so the
/// data fill [−1, 1] in every tᵢ (as ``PolynomialFit`` does for one
/// coordinate); the fit is then a combination of all monomials
/// t₁^a₁ ⋯ tₙ^aₙ with a₁ + … + aₙ ≤ d. Coordinates keep the units the caller
/// gives them (ångström, degree, …): derivatives are per those units.
public struct SurfaceFit: Sendable, Hashable, Codable {
    /// Names of the coordinates, in the order of every point's values.
    public var coordinateNames: [String]
    /// Highest total degree of the monomials.
    public var totalDegree: Int
    /// Centre of each scaled coordinate, in that coordinate's unit.
    public var centres: [Double]
    /// Half-width of each scaled coordinate (half the data's span), in that coordinate's unit.
    public var halfWidths: [Double]
    /// Exponents (a₁, …, aₙ) of each monomial, ordered by total degree.
    public var exponents: [[Int]]
    /// Coefficient of each monomial of the scaled coordinates in hartree, in the order of ``exponents``.
    public var scaledCoefficientsHartree: [Double]
    /// Root-mean-square residual in hartree (each residual times its weight, for a weighted fit).
    public var rmsResidualHartree: Double
    /// Largest absolute residual in hartree.
    public var maxAbsResidualHartree: Double
    /// The points fitted, one value per coordinate each, in the coordinates' units.
    public var points: [[Double]]
    /// Energies of the points in hartree.
    public var energiesHartree: [Double]
    /// Residuals E − fit in hartree, in the order of ``points``.
    public var residualsHartree: [Double]
    /// Ratio of the largest to the smallest singular value of the scaled design matrix.
    public var conditionNumber: Double
    /// Covariance σ² (AᵀA)⁻¹ of ``scaledCoefficientsHartree`` in hartree², row-major, σ² = RSS/(m − p); nil without points to spare.
    public var scaledCovariance: [Double]?

    /// Singular values below this fraction of the largest count as zero when the rank of the design is judged.
    ///
    /// Far below 1 / ``PolynomialFit/refusedConditionNumber``: a design that
    /// is degenerate (points on a circle for a quadratic) is reported as rank
    /// deficient, one that is merely poor as badly conditioned.
    static let rankTolerance = 1e-14

    /// Number of points fitted.
    public var pointCount: Int { points.count }

    /// Number of monomials, C(n + d, d).
    public var termCount: Int { exponents.count }

    /// Fits the polynomial of `totalDegree` in `coordinateNames.count` coordinates to energies in hartree.
    ///
    /// - Parameters:
    ///   - coordinateNames: one name per coordinate (for messages and results).
    ///   - points: the geometries, one value per coordinate each, in the units the caller chooses.
    ///   - energyHartree: the energy of each point in hartree.
    ///   - totalDegree: the highest total degree, at least 2.
    ///   - weights: one positive weight per point multiplying its residual, as NumPy's `polyfit(w=)` (default: all 1).
    public static func fit(
        coordinateNames: [String], points: [[Double]], energyHartree: [Double], totalDegree: Int, weights: [Double]? = nil
    ) throws(FitError) -> SurfaceFit {
        let n = coordinateNames.count
        try checkNames(coordinateNames)
        guard energyHartree.count == points.count else {
            throw .mismatchedDimensions(what: "energies (one per point)", have: energyHartree.count, expected: points.count)
        }
        for (index, point) in points.enumerated() where point.count != n {
            throw .mismatchedDimensions(what: "coordinate values in point \(index + 1)", have: point.count, expected: n)
        }
        guard totalDegree >= 2 else { throw .degreeTooLow(totalDegree) }
        for (index, point) in points.enumerated() where !energyHartree[index].isFinite || !point.allSatisfy(\.isFinite) {
            throw .nonFinitePoint(index: index)
        }
        let weights = weights ?? [Double](repeating: 1, count: points.count)
        guard weights.count == points.count, weights.allSatisfy({ $0.isFinite && $0 > 0 }) else {
            throw .mismatchedDimensions(what: "positive finite weights (one per point)", have: weights.count, expected: points.count)
        }
        let basis = MonomialBasis(variableCount: n, totalDegree: totalDegree)
        let rows = points.count, columns = basis.termCount
        guard rows >= columns else { throw .tooFewPointsForSurface(have: rows, terms: columns, degree: totalDegree) }
        var centres: [Double] = [], halfWidths: [Double] = []
        for i in 0..<n {
            let values = points.map { $0[i] }
            let distinct = PolynomialFit.distinctCount(values, enough: totalDegree + 1)
            guard distinct >= totalDegree + 1, let low = values.min(), let high = values.max() else {
                throw .tooFewDistinctValues(coordinate: coordinateNames[i], have: distinct, degree: totalDegree)
            }
            centres.append((low + high) / 2)
            halfWidths.append((high - low) / 2)
        }
        let scaledPoints = points.map { point in (0..<n).map { (point[$0] - centres[$0]) / halfWidths[$0] } }
        let rowValues = scaledPoints.map(basis.values(at:))
        var design = [Double](repeating: 0, count: rows * columns)
        for row in 0..<rows {
            for column in 0..<columns { design[column * rows + row] = rowValues[row][column] * weights[row] }
        }
        // Solved for the energies less their mean, so that a large total energy does not swamp the rounding.
        let reference = energyHartree.reduce(0, +) / Double(rows)
        let relative = energyHartree.map { $0 - reference }
        let solved = try LinearAlgebra.leastSquares(
            matrixColumnMajor: design, rows: rows, columns: columns, rightHandSide: zip(relative, weights).map { $0 * $1 },
            rcond: rankTolerance)
        guard solved.rank == columns else {
            throw .surfaceRankDeficient(coordinates: coordinateNames, degree: totalDegree, terms: columns, rank: solved.rank)
        }
        let largest = solved.singularValues.first ?? 0, smallest = solved.singularValues.last ?? 0
        let condition = smallest > 0 ? largest / smallest : .infinity
        guard condition < PolynomialFit.refusedConditionNumber else { throw .illConditioned(conditionNumber: condition) }
        let residuals = (0..<rows).map { row in
            relative[row] - zip(rowValues[row], solved.solution).reduce(0) { $0 + $1.0 * $1.1 }
        }
        var coefficients = solved.solution
        coefficients[0] += reference
        let squares = zip(residuals, weights).reduce(0) { $0 + $1.0 * $1.0 * $1.1 * $1.1 }
        return SurfaceFit(
            coordinateNames: coordinateNames, totalDegree: totalDegree, centres: centres, halfWidths: halfWidths,
            exponents: basis.exponents, scaledCoefficientsHartree: coefficients,
            rmsResidualHartree: (squares / Double(rows)).squareRoot(),
            maxAbsResidualHartree: residuals.map(abs).max() ?? 0,
            points: points, energiesHartree: energyHartree, residualsHartree: residuals, conditionNumber: condition,
            scaledCovariance: rows > columns
                ? covariance(design: design, rows: rows, columns: columns, variance: squares / Double(rows - columns)) : nil)
    }

    /// Refuses an empty or repeated coordinate name.
    static func checkNames(_ names: [String]) throws(FitError) {
        guard !names.isEmpty else { throw .noCoordinates }
        var seen = Set<String>()
        for name in names where !seen.insert(name).inserted { throw .duplicateCoordinate(name) }
    }

    /// σ² (AᵀA)⁻¹ row-major for a column-major design A, or nil when AᵀA cannot be inverted.
    private static func covariance(design: [Double], rows: Int, columns: Int, variance: Double) -> [Double]? {
        let gram = LinearAlgebra.gram(matrixColumnMajor: design, rows: rows, columns: columns)
        return (try? LinearAlgebra.inverseOfPositiveDefinite(matrixColumnMajor: gram, order: columns))?.map { $0 * variance }
    }

    /// The monomials of the fit.
    var basis: MonomialBasis { MonomialBasis(exponents: exponents, variableCount: coordinateNames.count) }

    /// The scaled coordinates t of a point x (one value per coordinate, in their units).
    func scaled(_ x: [Double]) -> [Double] {
        precondition(x.count == coordinateNames.count, "a point of \(x.count) values on a surface of \(coordinateNames.count) coordinates")
        return (0..<x.count).map { (x[$0] - centres[$0]) / halfWidths[$0] }
    }

    /// The point x of scaled coordinates t.
    func unscaled(_ t: [Double]) -> [Double] {
        (0..<t.count).map { centres[$0] + t[$0] * halfWidths[$0] }
    }

    /// E in hartree at scaled coordinates t.
    func scaledEnergy(_ t: [Double], basis: MonomialBasis) -> Double {
        zip(basis.values(at: t), scaledCoefficientsHartree).reduce(0) { $0 + $1.0 * $1.1 }
    }

    /// ∂E/∂t_i in hartree at scaled coordinates t.
    func scaledGradient(_ t: [Double], basis: MonomialBasis) -> [Double] {
        var g = [Double](repeating: 0, count: t.count)
        for (term, c) in zip(basis.gradients(at: t), scaledCoefficientsHartree) {
            for i in 0..<t.count { g[i] += c * term[i] }
        }
        return g
    }

    /// ∂²E/∂t_i∂t_j in hartree at scaled coordinates t, row-major.
    func scaledHessian(_ t: [Double], basis: MonomialBasis) -> [Double] {
        var h = [Double](repeating: 0, count: t.count * t.count)
        for (term, c) in zip(basis.hessians(at: t), scaledCoefficientsHartree) {
            for k in 0..<h.count { h[k] += c * term[k] }
        }
        return h
    }

    /// Fitted energy in hartree at `x` (one value per coordinate, in their units).
    public func energyHartree(at x: [Double]) -> Double {
        scaledEnergy(scaled(x), basis: basis)
    }

    /// ∂E/∂x_i at `x` in hartree per unit of coordinate i.
    public func gradientHartreePerUnit(at x: [Double]) -> [Double] {
        zip(scaledGradient(scaled(x), basis: basis), halfWidths).map { $0 / $1 }
    }

    /// ∂²E/∂x_i∂x_j at `x` in hartree per unit of coordinate i per unit of coordinate j, n × n row-major.
    public func hessianHartreePerUnit2(at x: [Double]) -> [Double] {
        unscaledHessian(scaledHessian(scaled(x), basis: basis))
    }

    /// A Hessian in scaled coordinates (row-major) in the coordinates' units.
    func unscaledHessian(_ h: [Double]) -> [Double] {
        let n = halfWidths.count
        return (0..<h.count).map { h[$0] / (halfWidths[$0 / n] * halfWidths[$0 % n]) }
    }
}
