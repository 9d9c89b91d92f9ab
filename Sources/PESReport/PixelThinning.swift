/// Which markers of a large plot to draw: one per pixel and kind, so a million points make an SVG of a few thousand.
///
/// Plots of up to ``wholeBelow`` points draw every marker; above that a
/// marker is drawn only when no marker of its kind fell in the same pixel
/// (pixel coordinates rounded), which looks the same: every pixel that holds
/// a point of a kind still shows one, so the lowest and highest energy in
/// each pixel column, and every outlier, stay visible.
struct PixelThinning {
    /// Most markers drawn without thinning.
    static let wholeBelow = 2000
    private let thins: Bool
    private var seen: Set<Pixel> = []

    /// A marker's rounded pixel and kind: one value, hashed without building an array.
    private struct Pixel: Hashable {
        var x: Int
        var y: Int
        var kind: Int
    }

    /// Thinning for a plot of `count` markers.
    init(count: Int) { thins = count > Self.wholeBelow }

    /// Whether a marker of `kind` at pixel (`x`, `y`) is to be drawn, remembering it.
    mutating func isNew(x: Double, y: Double, kind: Int) -> Bool {
        guard thins else { return true }
        guard x.isFinite, y.isFinite, abs(x) < 1e15, abs(y) < 1e15 else { return true }
        return seen.insert(Pixel(x: Int(x.rounded()), y: Int(y.rounded()), kind: kind)).inserted
    }
}
