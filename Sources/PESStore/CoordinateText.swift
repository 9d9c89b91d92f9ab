/// How a polyatomic point's coordinates are written in the point table: decimal numbers joined by commas.
///
/// Swift's shortest round-trip form of each `Double` is written, so reading
/// gives back the very same values, and `sqlite3` shows them readably.
enum CoordinateText {
    /// The stored text of `coordinates`.
    static func text(_ coordinates: [Double]) -> String {
        coordinates.map { "\($0)" }.joined(separator: ",")
    }

    /// The coordinates in `text`, or nil when the text is absent (a diatomic's point) or not a list of finite numbers.
    static func coordinates(_ text: String?) -> [Double]? {
        guard let text, !text.isEmpty else { return nil }
        var values: [Double] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard let value = Double(part), value.isFinite else { return nil }
            values.append(value)
        }
        return values
    }
}
