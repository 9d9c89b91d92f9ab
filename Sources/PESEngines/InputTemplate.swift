/// A text with named placeholders `{name}`, filled in per point; `{{` and `}}` stand for literal braces.
///
/// A placeholder is a brace, a lower-case identifier (`[a-z_][a-z0-9_]*`) and
/// a closing brace; any other brace is copied as written, so inputs such as
/// Psi4's `molecule h2 {` need no escaping. Unknown placeholders are found
/// when the template is built, before any point runs.
public struct InputTemplate: Sendable, Hashable {
    /// Where the template came from, for error messages (a path or a description).
    public let source: String
    /// The template text.
    public let text: String
    /// Names of the placeholders the text uses, in order of first use.
    public let placeholders: [String]

    /// Reads the placeholders of `text` and checks each is one of `known`.
    public init(text: String, source: String, known: Set<String>) throws(EngineSetupError) {
        self.source = source
        self.text = text
        var names: [String] = []
        for piece in Self.pieces(of: text) {
            guard case .placeholder(let name) = piece else { continue }
            guard known.contains(name) else {
                throw .unknownPlaceholder(name, template: source, known: known.sorted())
            }
            if !names.contains(name) { names.append(name) }
        }
        self.placeholders = names
    }

    /// The text with every placeholder replaced by its value; every name must be in `values`.
    public func render(_ values: [String: String]) -> String {
        var output = ""
        for piece in Self.pieces(of: text) {
            switch piece {
            case .literal(let literal): output += literal
            case .placeholder(let name): output += values[name] ?? "{\(name)}"
            }
        }
        return output
    }

    enum Piece: Equatable {
        case literal(String)
        case placeholder(String)
    }

    /// Splits a template into literal text and placeholders.
    static func pieces(of text: String) -> [Piece] {
        var pieces: [Piece] = []
        var literal = ""
        let characters = Array(text)
        var index = 0
        while index < characters.count {
            let character = characters[index]
            let next = index + 1 < characters.count ? characters[index + 1] : nil
            if (character == "{" && next == "{") || (character == "}" && next == "}") {
                literal.append(character)
                index += 2
                continue
            }
            if character == "{", let end = placeholderEnd(characters, from: index + 1) {
                if !literal.isEmpty { pieces.append(.literal(literal)) }
                literal = ""
                pieces.append(.placeholder(String(characters[(index + 1)..<end])))
                index = end + 1
                continue
            }
            literal.append(character)
            index += 1
        }
        if !literal.isEmpty { pieces.append(.literal(literal)) }
        return pieces
    }

    /// Index of the `}` closing an identifier that starts at `start`, or nil when none does.
    private static func placeholderEnd(_ characters: [Character], from start: Int) -> Int? {
        var index = start
        while index < characters.count {
            let c = characters[index]
            if c == "}" { return index > start ? index : nil }
            let isLetter = ("a"..."z").contains(c) || c == "_"
            let isDigit = ("0"..."9").contains(c)
            guard isLetter || (isDigit && index > start) else { return nil }
            index += 1
        }
        return nil
    }
}
