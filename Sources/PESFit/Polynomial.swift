import Foundation

/// A real polynomial in one variable, coefficients in increasing powers.
public struct Polynomial: Sendable, Hashable, Codable {
    /// Coefficients c₀, c₁, … of c₀ + c₁ x + c₂ x² + ….
    public var coefficients: [Double]

    public init(coefficients: [Double]) {
        self.coefficients = coefficients
    }

    /// Degree (the index of the last coefficient; 0 for a constant or empty polynomial).
    public var degree: Int { max(coefficients.count - 1, 0) }

    /// Value at `x` by Horner's rule.
    public func value(at x: Double) -> Double {
        coefficients.reversed().reduce(0) { $0 * x + $1 }
    }

    /// The first derivative.
    public var derivative: Polynomial {
        guard coefficients.count > 1 else { return Polynomial(coefficients: [0]) }
        return Polynomial(coefficients: (1..<coefficients.count).map { Double($0) * coefficients[$0] })
    }

    /// A stationary point (a root of the derivative) by Newton's method from `start`, and the steps taken.
    ///
    /// Steps x ← x − p′(x)/p″(x) until a step is below `stepTolerance` (in
    /// the polynomial's variable), the curvature is exactly zero, or
    /// `maximumSteps` have been taken. Every Newton polish of a fitted
    /// minimum goes through here.
    public func newtonStationaryPoint(
        from start: Double, stepTolerance: Double = 1e-14, maximumSteps: Int = 50
    ) -> (x: Double, steps: Int) {
        let gradient = derivative, curvature = gradient.derivative
        var x = start
        var steps = 0
        while steps < maximumSteps {
            let slope = curvature.value(at: x)
            guard slope != 0 else { break }
            let step = gradient.value(at: x) / slope
            x -= step
            steps += 1
            if abs(step) < stepTolerance { break }
        }
        return (x, steps)
    }

    /// The polynomial q(x) = p((x − center) / scale), expanded in powers of x.
    public func substitutingScaledVariable(center: Double, scale: Double) -> Polynomial {
        var result = [Double](repeating: 0, count: coefficients.count)
        // (x − c)^k / s^k expanded with binomial coefficients.
        for (k, b) in coefficients.enumerated() {
            let factor = b / pow(scale, Double(k))
            var binomial = 1.0
            for j in stride(from: k, through: 0, by: -1) {
                result[j] += factor * binomial * pow(-center, Double(k - j))
                binomial = binomial * Double(j) / Double(k - j + 1)
            }
        }
        return Polynomial(coefficients: result)
    }

    /// Real roots found as eigenvalues of the companion matrix (LAPACK `dgeev`).
    func realRoots(imaginaryTolerance: Double = 1e-7) throws(FitError) -> [Double] {
        var trimmed = coefficients
        while let last = trimmed.last, last == 0, trimmed.count > 1 { trimmed.removeLast() }
        let n = trimmed.count - 1
        guard n >= 1, let leading = trimmed.last else { return [] }
        if n == 1 { return [-trimmed[0] / leading] }
        // Companion matrix: ones on the sub-diagonal, −c_i / c_n in the last column.
        var companion = [Double](repeating: 0, count: n * n)
        for i in 1..<n { companion[(i - 1) * n + i] = 1 }
        for i in 0..<n { companion[(n - 1) * n + i] = -trimmed[i] / leading }
        let eigen = try LinearAlgebra.eigenvalues(matrixColumnMajor: companion, order: n)
        return eigen.filter { abs($0.imaginary) <= imaginaryTolerance * max(1, abs($0.real)) }.map(\.real).sorted()
    }
}

