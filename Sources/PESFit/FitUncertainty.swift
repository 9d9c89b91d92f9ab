import Foundation

/// Standard errors of r_e and of the curvature at r_e, propagated from a fit's parameter covariance.
enum FitUncertainty {
    /// Standard error of r_e in ångström and relative standard error of d²E/dr² at r_e for a polynomial fit.
    ///
    /// The Jacobian of (r_e, E'') with respect to the scaled coefficients is
    /// taken by central differences, each perturbed polynomial's minimum
    /// found by Newton from the unperturbed one.
    static func polynomial(_ fit: PolynomialFit, re: Double) -> (reAngstrom: Double?, relativeCurvature: Double?) {
        guard let covariance = fit.scaledCovariance else { return (nil, nil) }
        let n = fit.degree + 1
        let t0 = fit.scaled(re)
        func evaluate(_ b: [Double]) -> (t: Double, curvature: Double) {
            let p = Polynomial(coefficients: b)
            let t = p.newtonStationaryPoint(from: t0, stepTolerance: 1e-15).x
            return (t, p.derivative.derivative.value(at: t))
        }
        let base = evaluate(fit.scaledPolynomial.coefficients)
        var gradRe = [Double](repeating: 0, count: n)
        var gradK = [Double](repeating: 0, count: n)
        for k in 0..<n {
            let h = max(covariance[k * n + k].squareRoot(), 1e-300) * 1e-3
            var plus = fit.scaledPolynomial.coefficients, minus = plus
            plus[k] += h
            minus[k] -= h
            let up = evaluate(plus), down = evaluate(minus)
            gradRe[k] = (up.t - down.t) * fit.halfWidthAngstrom / (2 * h)
            gradK[k] = (up.curvature - down.curvature) / (2 * h)
        }
        let varRe = quadraticForm(gradRe, covariance), varK = quadraticForm(gradK, covariance)
        return (varRe.squareRoot(), base.curvature > 0 ? varK.squareRoot() / base.curvature : nil)
    }

    /// Standard error of r_e in ångström and relative standard error of d²E/dr² = 2 D a² for a Morse fit.
    static func morse(_ morse: MorseFit) -> (reAngstrom: Double?, relativeCurvature: Double?) {
        guard let c = morse.covariance else { return (nil, nil) }
        // Gradient of d²E/dr² = 2 D a² with respect to (E∞, D, a, r_e).
        let a = morse.rangePerAngstrom
        let g = [0, 2 * a * a, 4 * morse.wellDepthHartree * a, 0]
        return (c[3 * 4 + 3].squareRoot(), quadraticForm(g, c).squareRoot() / morse.derivativesAtMinimum.second)
    }

    /// gᵀ C g for a gradient g and a row-major square covariance C.
    static func quadraticForm(_ g: [Double], _ c: [Double]) -> Double {
        let n = g.count
        var sum = 0.0
        for i in 0..<n { for j in 0..<n { sum += g[i] * c[i * n + j] * g[j] } }
        return sum
    }
}
