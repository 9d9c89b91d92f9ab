extension ScanSpec {
    /// Every atom's position in ångström at `point`: a polyatomic's from its Z-matrix at the point's coordinates, a diatomic's as ``diatomicPositionsAngstrom(_:)``.
    ///
    /// A polyatomic point without coordinates has no geometry and is refused
    /// as ``ZMatrixError/missingValues(_:)`` of the varied coordinates, never
    /// placed at the reference geometry.
    public func positionsAngstrom(of point: ScanPoint) throws(ZMatrixError) -> [[Double]] {
        try positionsAngstrom(rAngstrom: point.rAngstrom, coordinates: point.coordinates)
    }

    /// Every atom's position in ångström at a point of bond length `rAngstrom` (a diatomic's) or varied `coordinates` (a polyatomic's).
    public func positionsAngstrom(rAngstrom: Double, coordinates: [Double]?) throws(ZMatrixError) -> [[Double]] {
        guard let geometry else { return Self.diatomicPositionsAngstrom(rAngstrom) }
        guard let coordinates, coordinates.count == geometry.varied.count else {
            throw .missingValues(geometry.varied)
        }
        return try geometry.cartesianAngstrom(at: coordinates)
    }

    /// A diatomic's positions in ångström: the first atom at the origin, the second on the +z axis at `rAngstrom`.
    public static func diatomicPositionsAngstrom(_ rAngstrom: Double) -> [[Double]] {
        [[0, 0, 0], [0, 0, rAngstrom]]
    }
}
