import Foundation

extension ProgramProfile {
    /// Psi4: `psi4 -n T input.dat output.dat`, energy from the template's `pesscan_energy_hartree =` line in output.dat.
    public static let psi4 = ProgramProfile(
        name: "psi4",
        options: [
            "method": OptionRule(.token, default: "scf", "Psi4 method name for energy(), e.g. scf, mp2, b3lyp"),
            "basis": OptionRule(.token, default: "cc-pvdz", "basis set name from Psi4's library"),
            "memory_mb": OptionRule(.positiveInteger(max: 1_000_000), default: "300", "Psi4 memory in MiB (at least 250)"),
        ],
        defaultProgram: "psi4",
        templates: [("input.dat", "input.dat")],
        arguments: ["-n", "{threads}", "input.dat", "output.dat"],
        outputFile: "output.dat",
        parser: Psi4Output(),
        environment: ["PSI_SCRATCH": "."])
}

/// Reads Psi4's output.dat: the line `pesscan_energy_hartree = <E>` the template prints, else the last `Total Energy =`.
public struct Psi4Output: EnergyParser {
    public init() {}

    public func parse(_ text: String) throws(EngineParseError) -> ParsedEnergy {
        // Psi4 echoes its input, so the template's print_out(…) line appears once unformatted; only a line starting with the key is a result.
        let printed = text.split(separator: "\n").last { $0.hasPrefix("pesscan_energy_hartree =") }
        var value: Double?
        if let printed { value = try OutputText.number(after: "pesscan_energy_hartree =", in: printed) }
        if value == nil { value = try OutputText.number(after: "Total Energy =", in: Substring(text)) }
        guard let value else {
            throw .missingEnergy(expected: "a line \"pesscan_energy_hartree = <number>\" or \"Total Energy = <number>\"")
        }
        let version = OutputText.line(containing: "release", in: text).flatMap { line -> String? in
            let words = line.split(separator: " ")
            guard words.count >= 2, words[0] == "Psi4" else { return nil }
            return "Psi4 \(words[1])"
        }
        return ParsedEnergy(hartree: value, converged: !text.contains("Could not converge"), version: version)
    }

    public func failureHint(_ text: String) -> String? {
        OutputText.line(containing: "Could not converge", in: text) ?? OutputText.line(containing: "PsiException", in: text)
    }
}
