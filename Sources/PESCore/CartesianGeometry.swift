import Foundation

/// Distances, angles, dihedrals and linearity of Cartesian geometries given as [x, y, z] rows in Å.
///
/// A point that does not have exactly three coordinates makes a measure NaN
/// and a geometry not linear.
public enum CartesianGeometry {
    /// Below this sine of their angle, three atoms count as lying on one line when they frame a dihedral (about 2 × 10⁻⁴ degree).
    static let collinearSine = 1e-6

    /// Whether all atoms lie on one straight line, each within `toleranceAngstrom` of it.
    ///
    /// The line runs through the first atom and the atom farthest from it; one
    /// or two atoms, or atoms all at one point, are linear.
    public static func isLinear(cartesianAngstrom points: [[Double]], toleranceAngstrom: Double = 1e-6) -> Bool {
        guard points.allSatisfy({ $0.count == 3 }) else { return false }
        let vectors = points.map(vector)
        guard let first = vectors.first else { return true }
        let offsets = vectors.map { $0 - first }
        guard let far = offsets.max(by: { length($0) < length($1) }), length(far) > toleranceAngstrom else { return true }
        let direction = far / length(far)
        return offsets.allSatisfy { length(cross($0, direction)) <= toleranceAngstrom }
    }

    /// Distance between two atoms in Å.
    public static func distanceAngstrom(_ a: [Double], _ b: [Double]) -> Double {
        length(vector(a) - vector(b))
    }

    /// Angle a–vertex–c in degrees, between 0° and 180°.
    ///
    /// Computed from the cross and dot products (atan2), so it stays accurate near 0° and 180°.
    public static func angleDegree(_ a: [Double], _ vertex: [Double], _ c: [Double]) -> Double {
        let u = vector(a) - vector(vertex), v = vector(c) - vector(vertex)
        return atan2(length(cross(u, v)), (u * v).sum()) * 180 / .pi
    }

    /// Dihedral a–b–c–d in degrees, between −180° and 180°, positive when d turns clockwise from a looking from b to c (IUPAC).
    public static func dihedralDegree(_ a: [Double], _ b: [Double], _ c: [Double], _ d: [Double]) -> Double {
        let b1 = vector(b) - vector(a), b2 = vector(c) - vector(b), b3 = vector(d) - vector(c)
        let n1 = cross(b1, b2), n2 = cross(b2, b3)
        return atan2(length(b2) * (b1 * n2).sum(), (n1 * n2).sum()) * 180 / .pi
    }

    private static func vector(_ point: [Double]) -> SIMD3<Double> {
        point.count == 3 ? SIMD3(point[0], point[1], point[2]) : SIMD3(repeating: .nan)
    }

    /// The length of `v`.
    static func length(_ v: SIMD3<Double>) -> Double {
        (v * v).sum().squareRoot()
    }

    /// The unit vector along `v`.
    static func unit(_ v: SIMD3<Double>) -> SIMD3<Double> {
        v / length(v)
    }

    /// The cross product a × b.
    static func cross(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> SIMD3<Double> {
        SIMD3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
    }
}
