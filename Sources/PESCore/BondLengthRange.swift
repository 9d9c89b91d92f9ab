/// Validation and sampling of bond-length ranges.
public enum BondLengthRange {
    /// Checks a range in ångström: both ends finite and positive, `from` below `to`.
    public static func validated(from: Double, to: Double) throws(ScanSpecError) -> ClosedRange<Double> {
        guard from.isFinite, to.isFinite, from > 0, to > 0 else { throw .nonPositiveRange(from, to) }
        guard from < to else { throw .reversedRange(from, to) }
        return from...to
    }

    /// Builds a range from its centre and total width in ångström.
    public static func centred(at center: Double, width: Double) throws(ScanSpecError) -> ClosedRange<Double> {
        guard width.isFinite, width > 0 else { throw .nonPositiveWidth(width) }
        return try validated(from: center - width / 2, to: center + width / 2)
    }

    /// `count` evenly spaced bond lengths in ångström from the lower to the upper end, both included exactly.
    public static func evenlySpaced(_ range: ClosedRange<Double>, count: Int) throws(ScanSpecError) -> [Double] {
        guard count >= 2 else { throw .tooFewPoints(count) }
        let step = (range.upperBound - range.lowerBound) / Double(count - 1)
        return (0..<count).map { index in
            index == count - 1 ? range.upperBound : range.lowerBound + Double(index) * step
        }
    }
}
