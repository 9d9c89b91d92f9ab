import Foundation

/// Reads BERTHA's output: the block after ` final output:`, or the pyBERTHA driver's closing `total energy = …`.
///
/// Per-iteration lines also mention the total energy, so only the final
/// block is read. A ` convergence not obtained` line anywhere means the
/// run did not converge, even though BERTHA then prints ` convergence
/// obtained in <maxit+1> iterations` in the final block. Without a final
/// block (the driver at its default verbosity) the driver's last
/// `total energy =` line is read, and with no convergence statement the
/// energy counts as unconverged: run the driver with `-v 1`.
public struct BerthaOutput: EnergyParser {
    public init() {}

    public func parse(_ text: String) throws(EngineParseError) -> ParsedEnergy {
        let notObtained = text.contains("convergence not obtained")
        let block: Substring
        if let marker = text.range(of: " final output:", options: .backwards) {
            block = text[marker.upperBound...]
        } else {
            block = Substring(text)
        }
        let lines = block.split(separator: "\n")
        let energyLines = lines.filter { Self.value(of: "total energy", in: $0) != nil }
        let chosen = block.startIndex == text.startIndex ? energyLines.last : energyLines.first
        guard let line = chosen, let token = Self.value(of: "total energy", in: line) else {
            throw .missingEnergy(expected: "a \"total energy = <number>\" line after \" final output:\" (or the pyBERTHA driver's closing summary)")
        }
        guard let energy = Double(token.replacingOccurrences(of: "D", with: "E")), energy.isFinite else {
            throw .notANumber(line.trimmingCharacters(in: .whitespaces))
        }
        let obtained = lines.contains { $0.contains("convergence obtained") }
        return ParsedEnergy(hartree: energy, converged: obtained && !notObtained, version: Self.version(in: text))
    }

    /// `BERTHA 0.11.0` from the driver's `BERTHA version: 0.11.0` line, when the output has one.
    static func version(in text: String) -> String? {
        guard let line = OutputText.line(containing: "BERTHA version:", in: text),
            let range = line.range(of: "BERTHA version:")
        else { return nil }
        let number = line[range.upperBound...].trimmingCharacters(in: .whitespaces).split(separator: " ").first.map(String.init)
        return number.map { "BERTHA \($0)" }
    }

    public func failureHint(_ text: String) -> String? {
        OutputText.line(containing: "convergence not obtained", in: text)
    }

    /// The token after `label … =` when the trimmed line is exactly `label`, spaces, `=`, value.
    static func value(of label: String, in line: Substring) -> String? {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix(label) else { return nil }
        let rest = trimmed.dropFirst(label.count).drop { $0 == " " }
        guard rest.first == "=" else { return nil }
        let value = rest.dropFirst().trimmingCharacters(in: .whitespaces)
        return value.split(separator: " ").first.map(String.init)
    }
}
