import Foundation
import PESTestSupport

/// A small seeded generator of hostile and malformed text for property tests.
struct FuzzGenerator {
    var random: SeededGenerator

    init(seed: UInt64) { random = SeededGenerator(seed: seed) }

    /// Values that would do harm if they ever reached a shell or a path unchecked; `{marker}` is a file the test watches.
    static func hostile(marker: String) -> [String] {
        [
            "; touch \(marker)", "$(touch \(marker))", "`touch \(marker)`", "'; touch \(marker); '", "\"; touch \(marker); \"",
            "a\ntouch \(marker)", "../../../\(marker)", "../\(marker)", "/\(marker)", "x && touch \(marker)", "| touch \(marker)",
            "$HOME", "${IFS}touch${IFS}\(marker)", "\u{0}", "", " ", "..", ".", "{scan}", "{{", "}}", "%s%n%x", "-rf",
            "--db", String(repeating: "A", count: 5000), "é\u{301}🧪", "\u{202E}txt.sh",
        ]
    }

    /// Numbers and number-like text at the edges.
    static let numbers = [
        "0", "-0", "1", "-1", "2", "11", "1e308", "-1e308", "1e-320", "nan", "NaN", "inf", "-inf", "infinity", "0x1p3",
        "99999999999999999999999", "-9223372036854775808", "3.", ".5", "1,5", "1e", "", " 2", "2.862", "0.7", "1e999",
    ]

    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &random) }
    mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &random) < p }
    mutating func pick<T>(_ items: [T]) -> T { items[int(0...(items.count - 1))] }

    /// A random string over an alphabet rich in shell, path, brace and regex metacharacters.
    mutating func text(maxLength: Int = 40) -> String {
        let alphabet = Array("abcXYZ019 ._-+=/\\;$()`'\"\n\t{}[]*?|&<>#~!%^,:@\u{0}é🧪")
        return String((0..<int(0...maxLength)).map { _ in pick(alphabet) })
    }

    /// A value for an option: a number, a hostile string or random text.
    mutating func value(marker: String) -> String {
        switch int(0...2) {
        case 0: return pick(Self.numbers)
        case 1: return pick(Self.hostile(marker: marker))
        default: return text()
        }
    }

    /// `text` with a few random edits: deletions, insertions, duplications, number swaps.
    mutating func mutate(_ text: String, marker: String) -> String {
        var characters = Array(text)
        for _ in 0..<int(1...4) {
            guard !characters.isEmpty else { characters = Array(self.text()); continue }
            let at = int(0...(characters.count - 1))
            let length = min(int(1...12), characters.count - at)
            switch int(0...4) {
            case 0: characters.removeSubrange(at..<(at + length))
            case 1: characters.insert(contentsOf: Array(value(marker: marker)), at: at)
            case 2: characters.insert(contentsOf: characters[at..<(at + length)], at: at)
            case 3: characters[at] = pick(Array("{}[]\":,0-9e.\n "))
            default:
                // Replace the next number with an extreme one.
                if let start = characters[at...].firstIndex(where: { $0.isNumber }) {
                    let end = characters[start...].firstIndex { !($0.isNumber || $0 == ".") } ?? characters.endIndex
                    characters.replaceSubrange(start..<end, with: Array(pick(Self.numbers)))
                }
            }
        }
        return String(characters)
    }
}
