/// Which markers of a large plot to draw: one per pixel and kind, so a million points make an SVG of a few thousand.
///
/// Plots of up to ``wholeBelow`` points draw every marker; above that a
/// marker is drawn only when no marker of its kind fell in the same pixel
/// (pixel coordinates rounded), which looks the same.
struct PixelThinning {
    /// Most markers drawn without thinning.
    static let wholeBelow = 2000
    private let thins: Bool
    private var seen: Set<[Int]> = []

    /// Thinning for a plot of `count` markers.
    init(count: Int) { thins = count > Self.wholeBelow }

    /// Whether a marker of `kind` at pixel (`x`, `y`) is to be drawn, remembering it.
    mutating func isNew(x: Double, y: Double, kind: Int) -> Bool {
        guard thins else { return true }
        guard x.isFinite, y.isFinite else { return true }
        return seen.insert([Int(x.rounded()), Int(y.rounded()), kind]).inserted
    }
}
