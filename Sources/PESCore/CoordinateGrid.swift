/// How the points of a scan in several coordinates are laid out around their centre.
public enum GridDesign: String, Sendable, Hashable, Codable, CaseIterable {
    /// Every combination of each coordinate's evenly spaced values (a full factorial grid).
    case grid
    /// A face-centred central composite design: the centre, the 2ⁿ corners and the 2n face centres of the box.
    ///
    /// It is the smallest symmetric set of points on three levels per
    /// coordinate that determines a full quadratic model with its cross terms
    /// (1 + 2n + n(n−1)/2 coefficients) with points to spare for residuals:
    /// 15 points for three coordinates where the 3 × 3 × 3 grid needs 27. It
    /// does not determine a quartic; use `grid` for fits above degree 2.
    case composite
}

/// The points of a scan in several coordinates: values of each varied coordinate, one list per point.
public enum CoordinateGrid {
    /// The points of `design` around `centre`, each coordinate spanning `widths` in total with `counts` values (grid only).
    ///
    /// Points come in lexicographic order of the coordinates' values, the
    /// first coordinate varying slowest; the composite design has three
    /// levels per coordinate whatever `counts` says.
    public static func points(
        design: GridDesign, centre: [Double], widths: [Double], counts: [Int]
    ) throws(ScanSpecError) -> [[Double]] {
        guard centre.count == widths.count, centre.count == counts.count, !centre.isEmpty else {
            throw .tooFewPoints(0)
        }
        for width in widths where !(width.isFinite && width > 0) { throw .nonPositiveWidth(width) }
        switch design {
        case .grid:
            for count in counts where count < 2 { throw .tooFewPoints(count) }
            let axes = zip(zip(centre, widths), counts).map { pair, count in
                evenlySpaced(centre: pair.0, width: pair.1, count: count)
            }
            return product(axes)
        case .composite:
            let axes = zip(centre, widths).map { evenlySpaced(centre: $0, width: $1, count: 3) }
            // Keep a point of the 3ⁿ grid when it is the centre, a corner (no coordinate at its centre) or a face centre (one off centre).
            return product(axes.map { [$0[0], $0[1], $0[2]] }).filter { point in
                let offCentre = zip(point, centre).filter { $0 != $1 }.count
                return offCentre == 0 || offCentre == 1 || offCentre == centre.count
            }
        }
    }

    /// `count` values evenly spaced over `width` around `centre`, both ends and (for odd counts) the centre itself exact.
    static func evenlySpaced(centre: Double, width: Double, count: Int) -> [Double] {
        let step = width / Double(count - 1)
        return (0..<count).map { index in
            let offset = Double(2 * index - (count - 1)) / 2
            return offset == 0 ? centre : centre + offset * step
        }
    }

    /// Every combination of one value per axis, the first axis varying slowest.
    static func product(_ axes: [[Double]]) -> [[Double]] {
        axes.reduce([[]]) { partial, axis in partial.flatMap { prefix in axis.map { prefix + [$0] } } }
    }
}
