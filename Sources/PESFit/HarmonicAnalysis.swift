import Foundation
import PESCore

/// Harmonic vibrational wavenumbers from a Hessian in internal coordinates, by Wilson's GF method.
///
/// The Hessian F (hartree per unit_i per unit_j) and the Cartesian
/// derivatives J = ∂x/∂q (ångström per unit_j) may use any unit per
/// coordinate (ångström, degree, radian): the unit cancels in the
/// eigenvalues as long as F and J use the same one. J is mass-weighted,
/// stripped of the overall translations and the infinitesimal rotations
/// about the centre of mass (a Z-matrix's construction moves its frame with
/// the coordinates), giving J̃; the kinetic matrix is T = J̃ᵀ J̃ = G⁻¹ and the
/// modes solve F c = λ T c (LAPACK `dsygv`). Reference: E. B. Wilson,
/// J. C. Decius and P. C. Cross, *Molecular Vibrations* (1955), ch. 4.
public enum HarmonicAnalysis {
    /// One hartree per dalton per ångström² in s⁻² (CODATA 2018).
    static let secondsSquaredPerHartreePerDaltonAngstrom2 =
        PhysicalConstants.hartreeInJoule / (PhysicalConstants.daltonInKilogram * 1e-20)

    /// The harmonic normal modes, lowest wavenumber first.
    ///
    /// - Parameters:
    ///   - coordinateNames: one name per internal coordinate, keys of each mode's composition.
    ///   - hessianHartreePerUnit2: F, n × n row-major, ∂²E/∂q_i∂q_j at the stationary geometry.
    ///   - jacobianAngstromPerUnit: J = ∂x/∂q, 3N × n row-major (row 3a + k is Cartesian component k of atom a).
    ///   - cartesianAngstrom: the stationary geometry, x, y, z of each atom in turn (3N values).
    ///   - massesDalton: the mass of each atom.
    public static func normalModes(
        coordinateNames: [String], hessianHartreePerUnit2: [Double], jacobianAngstromPerUnit: [Double],
        cartesianAngstrom: [Double], massesDalton: [Double]
    ) throws(FitError) -> [NormalMode] {
        let n = coordinateNames.count, atoms = massesDalton.count
        try SurfaceFit.checkNames(coordinateNames)
        guard hessianHartreePerUnit2.count == n * n else {
            throw .mismatchedDimensions(what: "Hessian entries (n × n)", have: hessianHartreePerUnit2.count, expected: n * n)
        }
        guard cartesianAngstrom.count == 3 * atoms else {
            throw .mismatchedDimensions(what: "Cartesian values (x, y, z of each atom)", have: cartesianAngstrom.count, expected: 3 * atoms)
        }
        guard jacobianAngstromPerUnit.count == 3 * atoms * n else {
            throw .mismatchedDimensions(what: "Jacobian entries (3N × n)", have: jacobianAngstromPerUnit.count, expected: 3 * atoms * n)
        }
        for (what, values) in [("Hessian", hessianHartreePerUnit2), ("Jacobian", jacobianAngstromPerUnit), ("geometry", cartesianAngstrom)]
        where !values.allSatisfy(\.isFinite) {
            throw .nonFiniteValue(what: what)
        }
        if let atom = massesDalton.firstIndex(where: { !($0 > 0 && $0.isFinite) }) { throw .nonPositiveMass(atom: atom) }

        let kinetic = try kineticMatrix(
            jacobianAngstromPerUnit: jacobianAngstromPerUnit, coordinateCount: n,
            cartesianAngstrom: cartesianAngstrom, massesDalton: massesDalton)
        // F symmetrised, so that only its upper triangle reaching dsygv loses nothing.
        let f = (0..<(n * n)).map { (hessianHartreePerUnit2[$0] + hessianHartreePerUnit2[($0 % n) * n + $0 / n]) / 2 }
        let eigen = try LinearAlgebra.generalizedSymmetricEigen(matrixColumnMajor: f, metricColumnMajor: kinetic, order: n)
        return (0..<n).map { k in
            let c = Array(eigen.vectorsColumnMajor[(k * n)..<((k + 1) * n)])
            let energies = (0..<n).map { abs(c[$0] * c[$0] * f[$0 * n + $0]) }
            let total = energies.reduce(0, +)
            var composition: [String: Double] = [:]
            for (name, energy) in zip(coordinateNames, energies) { composition[name] = total > 0 ? energy / total : 0 }
            return NormalMode(wavenumberPerCentimetre: wavenumber(eigenvalue: eigen.values[k]), composition: composition, displacements: c)
        }
    }

    /// The harmonic normal modes at a stationary point of a fitted surface (its coordinates and Hessian).
    ///
    /// `jacobianAngstromPerUnit`, `cartesianAngstrom` and `massesDalton` are
    /// as for ``normalModes(coordinateNames:hessianHartreePerUnit2:jacobianAngstromPerUnit:cartesianAngstrom:massesDalton:)``,
    /// at the point's geometry.
    public static func normalModes(
        at point: SurfaceStationaryPoint, jacobianAngstromPerUnit: [Double], cartesianAngstrom: [Double], massesDalton: [Double]
    ) throws(FitError) -> [NormalMode] {
        try normalModes(
            coordinateNames: point.coordinateNames, hessianHartreePerUnit2: point.hessianHartreePerUnit2,
            jacobianAngstromPerUnit: jacobianAngstromPerUnit, cartesianAngstrom: cartesianAngstrom, massesDalton: massesDalton)
    }

    /// The wavenumber in cm⁻¹ of an eigenvalue λ of F c = λ T c in hartree per dalton per ångström², negative when λ is.
    static func wavenumber(eigenvalue: Double) -> Double {
        let angular = (abs(eigenvalue) * secondsSquaredPerHartreePerDaltonAngstrom2).squareRoot()
        let perCentimetre = angular / (2 * Double.pi * PhysicalConstants.speedOfLightMetrePerSecond * 100)
        return eigenvalue < 0 ? -perCentimetre : perCentimetre
    }

    /// T = J̃ᵀ J̃ in dalton·Å² per unit_i per unit_j (n × n), J̃ the mass-weighted J without rigid translation and rotation.
    ///
    /// Refuses coordinates whose displacements are not independent once the
    /// rigid motions are gone (judged on T scaled by the unprojected lengths,
    /// so that the coordinates' units do not matter).
    static func kineticMatrix(
        jacobianAngstromPerUnit j: [Double], coordinateCount n: Int, cartesianAngstrom: [Double], massesDalton: [Double]
    ) throws(FitError) -> [Double] {
        let rows = cartesianAngstrom.count
        let roots = massesDalton.map { $0.squareRoot() }
        let rigid = rigidMotions(cartesianAngstrom: cartesianAngstrom, massesDalton: massesDalton)
        var unprojectedLengths: [Double] = []
        let columns = (0..<n).map { column -> [Double] in
            var v = (0..<rows).map { roots[$0 / 3] * j[$0 * n + column] }
            unprojectedLengths.append(dot(v, v).squareRoot())
            for motion in rigid { subtract(dot(motion, v), of: motion, from: &v) }
            return v
        }
        var t = [Double](repeating: 0, count: n * n)
        for a in 0..<n {
            for b in a..<n {
                t[a * n + b] = dot(columns[a], columns[b])
                t[b * n + a] = t[a * n + b]
            }
        }
        let scaled = (0..<(n * n)).map { index -> Double in
            let length = unprojectedLengths[index / n] * unprojectedLengths[index % n]
            return length > 0 ? t[index] / length : 0
        }
        let rank = try LinearAlgebra.symmetricEigen(matrixColumnMajor: scaled, order: n).values.filter { $0 > 1e-10 }.count
        guard rank == n else { throw .dependentCoordinates(rank: rank, count: n) }
        return t
    }

    /// Orthonormal mass-weighted vectors (3N each) of the rigid translations and of the rotations about the centre of mass.
    ///
    /// Built by Gram–Schmidt from √m_a e_k and √m_a (e_k × (r_a − R)); a
    /// rotation left shorter than 1e-6 √max(M · 1 Å², Σ m_a |r_a − R|²) (a
    /// linear molecule's rotation about its axis) is dropped.
    static func rigidMotions(cartesianAngstrom r: [Double], massesDalton m: [Double]) -> [[Double]] {
        let atoms = m.count, total = m.reduce(0, +)
        guard atoms > 0, total > 0 else { return [] }
        let centre = (0..<3).map { k in (0..<atoms).reduce(0) { $0 + m[$1] * r[3 * $1 + k] } / total }
        let d = (0..<(3 * atoms)).map { r[$0] - centre[$0 % 3] }
        var candidates: [[Double]] = (0..<3).map { k in (0..<(3 * atoms)).map { $0 % 3 == k ? m[$0 / 3].squareRoot() : 0 } }
        for axis in 0..<3 {
            // e_axis × d_a has components (axis + 1, axis + 2) mod 3 equal to −d_(axis+2), d_(axis+1).
            let next = (axis + 1) % 3, after = (axis + 2) % 3
            var v = [Double](repeating: 0, count: 3 * atoms)
            for a in 0..<atoms {
                v[3 * a + next] = -m[a].squareRoot() * d[3 * a + after]
                v[3 * a + after] = m[a].squareRoot() * d[3 * a + next]
            }
            candidates.append(v)
        }
        let natural = max(total, (0..<(3 * atoms)).reduce(0) { $0 + m[$1 / 3] * d[$1] * d[$1] }).squareRoot()
        var basis: [[Double]] = []
        for candidate in candidates {
            var v = candidate
            for _ in 0..<2 { for u in basis { subtract(dot(u, v), of: u, from: &v) } }
            let length = dot(v, v).squareRoot()
            if length > 1e-6 * natural { basis.append(v.map { $0 / length }) }
        }
        return basis
    }

    private static func dot(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }

    private static func subtract(_ amount: Double, of u: [Double], from v: inout [Double]) {
        for i in v.indices { v[i] -= amount * u[i] }
    }
}
