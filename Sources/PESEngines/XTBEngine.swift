import Foundation

extension ProgramProfile {
    /// xtb (GFN-xTB tight binding): `xtb mol.xyz --sp --gfn N --chrg Q --uhf U --acc A`, energy from standard output.
    public static let xtb = ProgramProfile(
        name: "xtb",
        options: [
            "gfn": OptionRule(.choice(["0", "1", "2"]), default: "2", "GFN-xTB parametrisation"),
            "accuracy": OptionRule(.positiveNumber, default: "0.01", "xtb --acc (smaller is tighter; 0.01 gives SCC 1e-8 Eh)"),
        ],
        defaultProgram: "xtb",
        templates: [("mol.xyz", "mol.xyz")],
        arguments: ["mol.xyz", "--sp", "--gfn", "{gfn}", "--chrg", "{charge}", "--uhf", "{unpaired}", "--acc", "{accuracy}"],
        outputFile: "stdout.txt",
        parser: XTBOutput())
}

/// Reads xtb's standard output: `| TOTAL ENERGY  <E> Eh |`, its version line and SCC failures.
public struct XTBOutput: EnergyParser {
    public init() {}

    public func parse(_ text: String) throws(EngineParseError) -> ParsedEnergy {
        guard let energy = try OutputText.number(after: "TOTAL ENERGY", in: Substring(text)) else {
            throw .missingEnergy(expected: "a line \"| TOTAL ENERGY  <number> Eh |\"")
        }
        let version = OutputText.line(containing: "xtb version", in: text).flatMap { line in
            line.split(separator: " ").drop { $0 != "version" }.dropFirst().first.map { "xtb \($0)" }
        }
        return ParsedEnergy(hartree: energy, converged: !text.contains("did not converge"), version: version)
    }

    public func failureHint(_ text: String) -> String? {
        OutputText.line(containing: "did not converge", in: text) ?? OutputText.line(containing: "[ERROR]", in: text)
    }
}
