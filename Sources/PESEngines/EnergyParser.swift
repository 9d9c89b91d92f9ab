import Foundation
import PESCore

/// What a program's output says: the final energy in hartree, convergence and the program's version.
public struct ParsedEnergy: Sendable, Hashable {
    /// Final total energy in hartree.
    public var hartree: Double
    /// Whether the program reported convergence.
    public var converged: Bool
    /// Program name and version as the output states them, when it does.
    public var version: String?

    public init(hartree: Double, converged: Bool, version: String? = nil) {
        self.hartree = hartree
        self.converged = converged
        self.version = version
    }
}

/// Reads the final energy and convergence from the text of a program's output file.
public protocol EnergyParser: Sendable {
    /// Parses `text`; throws saying what was expected when the energy is not there.
    func parse(_ text: String) throws(EngineParseError) -> ParsedEnergy
    /// The line of `text` that says why the program failed (e.g. no SCF convergence), when there is one.
    func failureHint(_ text: String) -> String?
}

extension EnergyParser {
    /// No hint by default.
    public func failureHint(_ text: String) -> String? { nil }
}

/// Why an engine's output could not be read.
public enum EngineParseError: Error, Sendable, Equatable, CustomStringConvertible {
    case missingEnergy(expected: String)
    case notANumber(String)

    public var description: String {
        switch self {
        case .missingEnergy(let expected): return "no energy in the output; expected \(expected)"
        case .notANumber(let line): return "the energy line \"\(line)\" does not hold a finite number"
        }
    }
}


/// Line-oriented helpers the parsers share.
enum OutputText {
    /// The number right after `label` on the last line (or the first, with `last: false`) containing it.
    static func number(after label: String, in text: Substring, last: Bool = true) throws(EngineParseError) -> Double? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true)
        guard let line = last ? lines.last(where: { $0.contains(label) }) : lines.first(where: { $0.contains(label) }),
            let range = line.range(of: label)
        else { return nil }
        let rest = line[range.upperBound...].drop { $0 == " " || $0 == "=" || $0 == ":" }
        let token = rest.prefix { !$0.isWhitespace }
        guard let value = Double(token.replacingOccurrences(of: "D", with: "E")), value.isFinite else {
            throw .notANumber(String(line).trimmingCharacters(in: .whitespaces))
        }
        return value
    }

    /// The first line containing `marker`, trimmed, when there is one.
    static func line(containing marker: String, in text: String) -> String? {
        text.split(separator: "\n").first { $0.contains(marker) }.map { $0.trimmingCharacters(in: .whitespaces) }
    }
}

/// Reads the energy with a user's regular expression whose first capture group is the number.
public struct RegexEnergyParser: EnergyParser {
    /// The energy pattern (ICU syntax, as NSRegularExpression reads it); the last match counts.
    public let energyPattern: String
    /// Unit of the captured number.
    public let unit: EnergyUnit
    /// A pattern whose presence means the calculation did not converge, if any.
    public let unconvergedPattern: String?
    /// A pattern whose first group is the program's version, if any.
    public let versionPattern: String?

    /// Checks that every pattern compiles and the energy pattern has a capture group.
    public init(
        energyPattern: String, unit: EnergyUnit, unconvergedPattern: String? = nil, versionPattern: String? = nil
    ) throws(EngineSetupError) {
        for (key, pattern) in [("energy_regex", energyPattern), ("unconverged_regex", unconvergedPattern), ("version_regex", versionPattern)] {
            guard let pattern else { continue }
            let compiled: NSRegularExpression
            do {
                compiled = try NSRegularExpression(pattern: pattern, options: [.anchorsMatchLines])
            } catch {
                throw .invalidOption(engine: "template", key: key, value: pattern, expected: "a valid regular expression")
            }
            if key != "unconverged_regex", compiled.numberOfCaptureGroups < 1 {
                throw .invalidOption(
                    engine: "template", key: key, value: pattern, expected: "a regular expression with one capture group (…) around the value")
            }
        }
        self.energyPattern = energyPattern
        self.unit = unit
        self.unconvergedPattern = unconvergedPattern
        self.versionPattern = versionPattern
    }

    public func parse(_ text: String) throws(EngineParseError) -> ParsedEnergy {
        guard let captured = Self.lastCapture(energyPattern, in: text) else {
            throw .missingEnergy(expected: "a match of the regular expression \(energyPattern)")
        }
        guard let value = Double(captured.trimmingCharacters(in: .whitespaces)), value.isFinite else {
            throw .notANumber(captured)
        }
        let unconverged = unconvergedPattern.map { Self.lastMatch($0, in: text) != nil } ?? false
        return ParsedEnergy(
            hartree: unit.toHartree(value), converged: !unconverged, version: versionPattern.flatMap { Self.lastCapture($0, in: text) })
    }

    private static func lastMatch(_ pattern: String, in text: String) -> NSTextCheckingResult? {
        guard let regex = try? NSRegularExpression(pattern: pattern, options: [.anchorsMatchLines]) else { return nil }
        return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).last
    }

    private static func lastCapture(_ pattern: String, in text: String) -> String? {
        guard let match = lastMatch(pattern, in: text), match.numberOfRanges > 1,
            let range = Range(match.range(at: 1), in: text)
        else { return nil }
        return String(text[range])
    }
}
