import Foundation

extension ProgramProfile {
    /// NWChem: `nwchem input.nw`, SCF or DFT energy from standard output.
    public static let nwchem = ProgramProfile(
        name: "nwchem",
        options: [
            "method": OptionRule(.choice(["scf", "dft"]), default: "scf", "NWChem task: scf (Hartree–Fock) or dft"),
            "basis": OptionRule(.token, default: "cc-pvdz", "basis set name from NWChem's library"),
            "xc": OptionRule(.token, default: "b3lyp", "exchange–correlation functional for method dft"),
        ],
        defaultProgram: "nwchem",
        templates: [("input.nw", "input.nw")],
        arguments: ["input.nw"],
        outputFile: "stdout.txt",
        parser: NWChemOutput())
}

/// Reads NWChem's standard output: the last `Total SCF energy =` or `Total DFT energy =` line.
public struct NWChemOutput: EnergyParser {
    public init() {}

    public func parse(_ text: String) throws(EngineParseError) -> ParsedEnergy {
        let labels = ["Total SCF energy =", "Total DFT energy ="]
        let lastLabel = labels.compactMap { label in text.range(of: label, options: .backwards).map { (label, $0.lowerBound) } }
            .max { $0.1 < $1.1 }?.0
        guard let lastLabel, let energy = try OutputText.number(after: lastLabel, in: Substring(text)) else {
            throw .missingEnergy(expected: "a line \"Total SCF energy = <number>\" or \"Total DFT energy = <number>\"")
        }
        let version = OutputText.line(containing: "(NWChem)", in: text).flatMap { line in
            line.components(separatedBy: "(NWChem)").last.map { "NWChem " + $0.trimmingCharacters(in: .whitespaces) }
        }
        return ParsedEnergy(hartree: energy, converged: !text.contains("Calculation failed to converge"), version: version)
    }

    public func failureHint(_ text: String) -> String? {
        OutputText.line(containing: "failed to converge", in: text)
    }
}
