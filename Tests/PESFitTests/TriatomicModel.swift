import Foundation
@testable import PESFit
import PESCore

/// A triatomic A–B–C held by a Cartesian model potential, seen both in Cartesians and in the Z-matrix (r₁, r₂, θ).
///
/// The Z-matrix puts the central atom (index 0) at the origin, atom 1 on +z
/// at r₁, and atom 2 at r₂ from the centre in the xz plane at angle θ from
/// atom 1: (r₂ sin θ, 0, r₂ cos θ). Beyond 180° sin θ is negative, so θ is a
/// signed in-plane bend that passes smoothly through the linear geometry.
struct TriatomicModel {
    /// Masses in dalton, central atom first.
    var massesDalton: [Double]
    /// Energy in hartree of nine Cartesian coordinates in ångström (central atom, atom 1, atom 2).
    var energyHartree: @Sendable ([Double]) -> Double

    /// The Cartesian geometry (ångström) of bond lengths r₁, r₂ (ångström) and angle θ given in `angleUnitRadian` radians.
    static func cartesian(_ q: [Double], angleUnitRadian: Double) -> [Double] {
        let theta = q[2] * angleUnitRadian
        return [0, 0, 0, 0, 0, q[0], q[1] * sin(theta), 0, q[1] * cos(theta)]
    }

    /// Bond lengths from the centre to atoms 1 and 2 (ångström) and the cosine of the angle between them, from Cartesians.
    static func internals(_ x: [Double]) -> (r1: Double, r2: Double, cosine: Double) {
        let a = (0..<3).map { x[3 + $0] - x[$0] }, b = (0..<3).map { x[6 + $0] - x[$0] }
        let r1 = sqrt(a.reduce(0) { $0 + $1 * $1 }), r2 = sqrt(b.reduce(0) { $0 + $1 * $1 })
        return (r1, r2, zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } / (r1 * r2))
    }

    /// The angle in radians between the two bonds, by atan2 so that it is accurate at any angle.
    static func angleRadian(_ x: [Double]) -> Double {
        let a = (0..<3).map { x[3 + $0] - x[$0] }, b = (0..<3).map { x[6 + $0] - x[$0] }
        let cross = [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]]
        return atan2(sqrt(cross.reduce(0) { $0 + $1 * $1 }), zip(a, b).reduce(0) { $0 + $1.0 * $1.1 })
    }

    /// Water-like H–O–H: stretch springs, a stretch–stretch and a stretch–bend coupling, and a bend spring about θ₀.
    static func water(r0: Double = 0.9578, thetaZeroDegree: Double = 104.48) -> TriatomicModel {
        let theta0 = thetaZeroDegree * Double.pi / 180
        return TriatomicModel(massesDalton: [15.9949146, 1.00782503, 1.00782503]) { x in
            let (r1, r2, _) = internals(x)
            let d1 = r1 - r0, d2 = r2 - r0, dt = angleRadian(x) - theta0
            return 0.5 * 1.8 * (d1 * d1 + d2 * d2) - 0.02 * d1 * d2 + 0.5 * 0.16 * dt * dt + 0.05 * (d1 + d2) * dt
        }
    }

    /// HCN-like linear C (centre) with H and N: stretch springs, a stretch coupling and a bend k (1 + cos θ), smooth through 180°.
    static func linear(r10: Double = 1.066, r20: Double = 1.153) -> TriatomicModel {
        TriatomicModel(massesDalton: [12.0, 1.00782503, 14.0030740]) { x in
            let (r1, r2, cosine) = internals(x)
            let d1 = r1 - r10, d2 = r2 - r20
            return 0.5 * 1.4 * d1 * d1 + 0.5 * 4.1 * d2 * d2 - 0.1 * d1 * d2 + 0.046 * (1 + cosine)
        }
    }

    /// ∂²f/∂x_i∂x_j by central differences with step `steps[i]`, n × n row-major.
    static func hessian(_ f: ([Double]) -> Double, at x: [Double], steps: [Double]) -> [Double] {
        let n = x.count
        var h = [Double](repeating: 0, count: n * n)
        func shifted(_ i: Int, _ si: Double, _ j: Int, _ sj: Double) -> Double {
            var y = x
            y[i] += si * steps[i]
            y[j] += sj * steps[j]
            return f(y)
        }
        for i in 0..<n {
            for j in i..<n {
                let value = (shifted(i, 1, j, 1) - shifted(i, 1, j, -1) - shifted(i, -1, j, 1) + shifted(i, -1, j, -1))
                    / (4 * steps[i] * steps[j])
                h[i * n + j] = value
                h[j * n + i] = value
            }
        }
        return h
    }

    /// ∂x/∂q of the Z-matrix at `q` by central differences, 9 × 3 row-major (ångström per unit of each coordinate).
    static func jacobian(at q: [Double], angleUnitRadian: Double, steps: [Double]) -> [Double] {
        var j = [Double](repeating: 0, count: 27)
        for column in 0..<3 {
            var up = q, down = q
            up[column] += steps[column]
            down[column] -= steps[column]
            let plus = cartesian(up, angleUnitRadian: angleUnitRadian), minus = cartesian(down, angleUnitRadian: angleUnitRadian)
            for row in 0..<9 { j[row * 3 + column] = (plus[row] - minus[row]) / (2 * steps[column]) }
        }
        return j
    }

    /// The reference: the `count` highest wavenumbers (cm⁻¹, ascending) of the mass-weighted Cartesian Hessian at `x`.
    ///
    /// Nothing is projected: at a stationary point of a potential that
    /// translation and rotation leave unchanged, the Hessian has (numerically)
    /// zero eigenvalues for those motions, below every vibration.
    func cartesianWavenumbers(at x: [Double], count: Int) throws -> [Double] {
        let h = Self.hessian(energyHartree, at: x, steps: [Double](repeating: 1e-4, count: 9))
        let roots: [Double] = (0..<9).map { massesDalton[$0 / 3].squareRoot() }
        let weighted: [Double] = (0..<81).map { (index: Int) -> Double in h[index] / (roots[index / 9] * roots[index % 9]) }
        let values = try LinearAlgebra.symmetricEigen(matrixColumnMajor: weighted, order: 9).values
        let perSecondSquared = PhysicalConstants.hartreeInJoule / (PhysicalConstants.daltonInKilogram * 1e-20)
        return values.suffix(count).map {
            ($0 * perSecondSquared).squareRoot() / (2 * Double.pi * PhysicalConstants.speedOfLightMetrePerSecond * 100)
        }
    }

    /// The energy as a function of the Z-matrix coordinates (ångström, ångström, angle in `angleUnitRadian` radians).
    func internalEnergy(angleUnitRadian: Double) -> ([Double]) -> Double {
        { q in energyHartree(Self.cartesian(q, angleUnitRadian: angleUnitRadian)) }
    }
}
