/// A validated scan name, safe to use as a folder name under the results folder.
public struct ScanName: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The name as stored and printed.
    public let rawValue: String

    /// Accepts 1–64 characters of letters, digits, `.`, `_`, `+` and `-`, starting with a letter or digit.
    public init(_ rawValue: String) throws(ScanSpecError) {
        let allowedPunctuation: Set<Character> = [".", "_", "+", "-"]
        guard let first = rawValue.first, rawValue.count <= 64,
            first.isASCII, first.isLetter || first.isNumber,
            rawValue.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || allowedPunctuation.contains($0)) })
        else { throw .invalidScanName(rawValue) }
        self.rawValue = rawValue
    }

    /// Derives a valid scan name from a molecule name by replacing other characters with `-`.
    public static func derived(fromMolecule name: String) -> ScanName {
        let allowedPunctuation: Set<Character> = [".", "_", "+", "-"]
        var cleaned = String(name.prefix(64).map { character -> Character in
            character.isASCII && (character.isLetter || character.isNumber || allowedPunctuation.contains(character))
                ? character : "-"
        })
        if let first = cleaned.first, !(first.isLetter || first.isNumber) { cleaned = "scan" + cleaned.prefix(60) }
        return (try? ScanName(cleaned)) ?? ScanName(unchecked: "scan")
    }

    private init(unchecked: String) { rawValue = unchecked }

    public var description: String { rawValue }
}
