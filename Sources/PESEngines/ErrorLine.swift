import Foundation

/// The line of a program's stderr that says why it failed.
public enum ErrorLine {
    /// The last line naming an error or exception (a Python traceback ends `KeyError: …` or `BasisNotFoundError: …`
    /// under lines of source), else the last non-empty line; nil when `text` has none. Trimmed.
    public static func meaningful(in text: String) -> String? {
        let lines = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return lines.last(where: namesError) ?? lines.last
    }

    /// Whether `line` names an error: a word ending in Error or Exception, or `error:` / `fatal:` as a word.
    static func namesError(_ line: String) -> Bool {
        let words = line.split { !($0.isLetter || $0.isNumber || $0 == "_" || $0 == ".") }
        if words.contains(where: { $0.hasSuffix("Error") || $0.hasSuffix("Exception") }) { return true }
        let lower = line.lowercased()
        return lower.hasPrefix("error") || lower.contains(" error:") || lower.hasPrefix("fatal")
    }
}
