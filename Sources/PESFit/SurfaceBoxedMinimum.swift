/// The lowest point of a fitted surface inside a box around a start, as an optimisation step needs it.
public struct SurfaceBoxedMinimum: Sendable, Hashable {
    /// The point found, one value per coordinate in their units.
    public var coordinates: [Double]
    /// The fitted energy there in hartree.
    public var energyHartree: Double
    /// Whether the point lies on the box's boundary (the surface goes on down beyond it).
    public var onBoundary: Bool
}

extension SurfaceFit {
    /// The lowest point of the surface found by Newton's method from `start`, kept within `start ± reach` in every coordinate.
    ///
    /// Each step solves (H + μ I) d = −g with the shift μ just large enough
    /// to make the Hessian positive definite (zero at a minimum's basin), is
    /// clipped to the box and halved until the energy does not rise: a
    /// surface without a minimum in the box ends on its boundary, downhill.
    /// Works in the fit's scaled coordinates; at most 200 steps.
    public func minimum(from start: [Double], reach: [Double]) throws(FitError) -> SurfaceBoxedMinimum {
        let n = coordinateNames.count
        guard start.count == n, reach.count == n else {
            throw .mismatchedDimensions(what: "start and reach values (one per coordinate)", have: min(start.count, reach.count), expected: n)
        }
        let basis = self.basis
        let origin = scaled(start)
        let box = zip(reach, halfWidths).map { abs($0) / $1 }
        func clipped(_ t: [Double]) -> [Double] {
            (0..<n).map { min(max(t[$0], origin[$0] - box[$0]), origin[$0] + box[$0]) }
        }
        var t = origin
        var energy = scaledEnergy(t, basis: basis)
        for _ in 0..<200 {
            let g = scaledGradient(t, basis: basis)
            var h = scaledHessian(t, basis: basis)
            let eigen = try LinearAlgebra.symmetricEigen(matrixColumnMajor: h, order: n)
            let lowest = eigen.values.first ?? 0, largest = eigen.values.map(abs).max() ?? 0
            let shift = max(0, -lowest + 1e-8 * max(largest, .leastNormalMagnitude))
            for i in 0..<n { h[i * n + i] += shift }
            let step = try LinearAlgebra.solve(
                matrixColumnMajor: h, order: n, rightHandSidesColumnMajor: g.map { -$0 }, rightHandSideCount: 1)
            var fraction = 1.0
            var next = clipped(zip(t, step).map { $0 + $1 })
            var nextEnergy = scaledEnergy(next, basis: basis)
            while nextEnergy > energy, fraction > 1e-6 {
                fraction /= 2
                next = clipped(zip(t, step).map { $0 + fraction * $1 })
                nextEnergy = scaledEnergy(next, basis: basis)
            }
            let moved = zip(next, t).map { abs($0 - $1) }.max() ?? 0
            t = next
            energy = nextEnergy
            if moved < 1e-13 { break }
        }
        let onBoundary = (0..<n).contains { abs(t[$0] - origin[$0]) >= box[$0] * (1 - 1e-12) }
        return SurfaceBoxedMinimum(coordinates: unscaled(t), energyHartree: energy, onBoundary: onBoundary)
    }
}
