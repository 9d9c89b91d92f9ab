import PESCore

/// How many points a scan in several coordinates has per coordinate: one count for all, or one per name.
public enum PointCounts: Sendable, Hashable {
    /// The same number of values for every varied coordinate.
    case each(Int)
    /// A number of values per coordinate name; every varied coordinate must have one.
    case byName([String: Int])
}

/// A polyatomic scan as asked for: its Z-matrix, which variables vary, around which values, and how its points are laid out.
public struct CoordinateScanRequest: Sendable, Hashable {
    /// Z-matrix text from a file (with or without values); nil takes the library molecule's.
    public var zmatrixText: String?
    /// Values replacing the reference ones (the grid's centre, the optimisation's start), ångström and degrees.
    public var values: [String: Double]
    /// Variables to vary, in the order of each point's coordinates; nil varies every variable of the Z-matrix.
    public var varied: [String]?
    /// Values per varied coordinate.
    public var counts: PointCounts
    /// Total width of each coordinate's range; a coordinate not named takes ``defaultLengthWidthAngstrom`` or ``defaultAngleWidthDegrees``.
    public var widths: [String: Double]
    /// Full grid or composite design.
    public var design: GridDesign

    /// Default total width of a length's range: 0.1 Å, ±0.05 Å around the centre.
    public static let defaultLengthWidthAngstrom = 0.1
    /// Default total width of an angle's or dihedral's range: 10°, ±5° around the centre.
    public static let defaultAngleWidthDegrees = 10.0

    public init(
        zmatrixText: String? = nil, values: [String: Double] = [:], varied: [String]? = nil, counts: PointCounts = .each(5),
        widths: [String: Double] = [:], design: GridDesign = .grid
    ) {
        self.zmatrixText = zmatrixText
        self.values = values
        self.varied = varied
        self.counts = counts
        self.widths = widths
        self.design = design
    }

    /// Whether anything but the Z-matrix and a plain count was asked for: options that only a polyatomic scan has.
    public var asksForCoordinates: Bool {
        if case .byName = counts { return true }
        return !values.isEmpty || varied != nil || !widths.isEmpty || design != .grid
    }

    /// The geometry to scan: the Z-matrix with every variable's value, the varied names, and no points yet.
    ///
    /// Values come from the library entry, then the Z-matrix text, then
    /// ``values``; every name given must be a variable of the Z-matrix.
    public func geometry(library entry: LibraryPolyatomic?) throws(WorkflowError) -> PolyatomicGeometry {
        let zmatrix: ZMatrix
        var reference: [String: Double] = entry?.values ?? [:]
        if let zmatrixText {
            do {
                let parsed = try ZMatrix.parse(zmatrixText)
                zmatrix = parsed.zmatrix
                reference.merge(parsed.values) { _, new in new }
            } catch {
                throw .geometry(error)
            }
        } else if let entry {
            zmatrix = entry.zmatrix
        } else {
            throw .noMolecule
        }
        let known = zmatrix.variableNames
        func check(_ names: some Sequence<String>, option: String) throws(WorkflowError) {
            for name in names where !known.contains(name) {
                throw .coordinates(
                    "\(option) names \"\(name)\", which is not a variable of the Z-matrix (its variables: \(known.joined(separator: ", ")))."
                        + Suggestion.didYouMean(name, among: known))
            }
        }
        try check(values.keys, option: "--start")
        try check(widths.keys, option: "--widths")
        if case .byName(let counts) = counts { try check(counts.keys, option: "--points") }
        reference.merge(values) { _, new in new }
        let varied = self.varied ?? known
        try check(varied, option: "--vary")
        guard !varied.isEmpty else { throw .coordinates("The Z-matrix has no variables to vary; name its coordinates (e.g. H 1 r) to scan them.") }
        guard Set(varied).count == varied.count else { throw .coordinates("--vary names a coordinate twice: \(varied.joined(separator: ",")).") }
        let missing = known.filter { reference[$0] == nil }
        guard missing.isEmpty else {
            throw .coordinates(
                "No value for \(missing.joined(separator: ", ")): give it in the Z-matrix file (name = value) or with --start \(missing[0])=VALUE.")
        }
        let geometry = PolyatomicGeometry(zmatrix: zmatrix, referenceValues: reference, varied: varied)
        do {
            _ = try geometry.cartesianAngstrom(at: varied.compactMap { reference[$0] })
        } catch {
            throw .geometry(error)
        }
        return geometry
    }

    /// The points of the scan around the geometry's reference values, each checked to have a geometry.
    public func points(of geometry: PolyatomicGeometry) throws(WorkflowError) -> [[Double]] {
        let names = geometry.varied
        var counts: [Int] = []
        for name in names {
            switch self.counts {
            case .each(let count): counts.append(count)
            case .byName(let byName):
                guard let count = byName[name] else {
                    throw .coordinates("--points gives no count for \(name); give one per varied coordinate, e.g. --points \(names.map { "\($0)=5" }.joined(separator: ",")).")
                }
                counts.append(count)
            }
        }
        let widths = names.map { name in
            self.widths[name] ?? (geometry.isLength(name) ? Self.defaultLengthWidthAngstrom : Self.defaultAngleWidthDegrees)
        }
        let points: [[Double]]
        do {
            points = try CoordinateGrid.points(
                design: design, centre: names.compactMap { geometry.referenceValues[$0] }, widths: widths, counts: counts)
        } catch {
            throw .scan(error)
        }
        for point in points {
            do {
                _ = try geometry.cartesianAngstrom(at: point)
            } catch {
                let at = zip(names, point).map { "\($0)=\($1)" }.joined(separator: ", ")
                throw .coordinates("The point \(at) has no geometry: \(error) Narrow --widths or move --start.")
            }
        }
        return points
    }
}
