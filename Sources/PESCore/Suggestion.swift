/// "Did you mean …?" for a mistyped name: the closest known names by edit distance.
public enum Suggestion {
    /// The known names closest to `given` (ignoring case), in their order, when near enough to be a typo; empty otherwise.
    ///
    /// Near enough: at most 1 edit for names of up to 4 characters, 2 for longer
    /// ones, counting a swap of neighbouring characters as one edit (`b3lpy` → `b3lyp`).
    public static func closest(to given: String, among known: [String]) -> [String] {
        let folded = Array(given.lowercased())
        let limit = folded.count <= 4 ? 1 : 2
        let distances = known.map { ($0, editDistance(folded, Array($0.lowercased()))) }.filter { $0.1 <= limit }
        guard let best = distances.map(\.1).min() else { return [] }
        return distances.filter { $0.1 == best }.map(\.0)
    }

    /// " Did you mean X?" for `given` among `known`, or an empty string: ready to append to a message.
    public static func didYouMean(_ given: String, among known: [String]) -> String {
        let names = closest(to: given, among: known).prefix(4)
        guard let last = names.last else { return "" }
        return " Did you mean " + (names.count == 1 ? last : names.dropLast().joined(separator: ", ") + " or " + last) + "?"
    }

    /// Optimal-string-alignment distance: insertions, deletions, substitutions and neighbour swaps, each one edit.
    public static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous2 = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], previous2[j - 2] + 1)
                }
            }
            (previous2, previous, current) = (previous, current, previous2)
        }
        return previous[b.count]
    }
}
