/// The geometry of a polyatomic scan: a Z-matrix, the values of its variables, and which of them the scan varies.
///
/// Each point of the scan is the list of values of ``varied``, in that
/// order; every other variable keeps its reference value. Lengths are in
/// ångström, angles and dihedrals in degrees.
public struct PolyatomicGeometry: Sendable, Hashable, Codable {
    /// The molecule's Z-matrix with named variables.
    public var zmatrix: ZMatrix
    /// Value of every variable at the reference geometry; a point overrides the varied ones.
    public var referenceValues: [String: Double]
    /// Names of the varied variables, in the order of each point's coordinates.
    public var varied: [String]
    /// Coordinates of each point (values of ``varied``) in point order; the point table holds them, not the stored spec.
    public var pointCoordinates: [[Double]]

    public init(zmatrix: ZMatrix, referenceValues: [String: Double], varied: [String], pointCoordinates: [[Double]] = []) {
        self.zmatrix = zmatrix
        self.referenceValues = referenceValues
        self.varied = varied
        self.pointCoordinates = pointCoordinates
    }

    /// Every variable's value at a point whose varied coordinates are `coordinates`.
    public func values(at coordinates: [Double]) -> [String: Double] {
        var values = referenceValues
        for (name, value) in zip(varied, coordinates) { values[name] = value }
        return values
    }

    /// Values of the varied coordinates (in ``varied``'s order) keyed by name.
    public func named(_ values: [Double]) -> [String: Double] {
        Dictionary(zip(varied, values), uniquingKeysWith: { first, _ in first })
    }

    /// Cartesian positions in ångström (one x, y, z row per atom) at a point.
    public func cartesianAngstrom(at coordinates: [Double]) throws(ZMatrixError) -> [[Double]] {
        try zmatrix.cartesianAngstrom(values: values(at: coordinates))
    }

    /// Whether a varied variable is a length (ångström) rather than an angle or dihedral (degrees).
    public func isLength(_ name: String) -> Bool { zmatrix.kind(of: name) == .length }

    /// The unit symbol of a variable: `Å` for lengths, `°` for angles and dihedrals.
    public func unitSymbol(of name: String) -> String { isLength(name) ? "Å" : "°" }

    /// The unit of a variable as a word for keys and column names: `angstrom` for lengths, `degree` for angles and dihedrals.
    public func unitName(of name: String) -> String { isLength(name) ? "angstrom" : "degree" }

    /// A variable's key with its unit, as exports name columns and fields: `r_angstrom`, `theta_degree`.
    public func keyWithUnit(of name: String) -> String { "\(name)_\(unitName(of: name))" }
}
