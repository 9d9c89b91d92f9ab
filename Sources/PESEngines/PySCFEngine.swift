import Foundation

extension ProgramProfile {
    /// PySCF methods the template script knows, from Hartree–Fock to four-component Dirac–Kohn–Sham.
    ///
    /// `rhf`/`uhf`/`rohf`/`rks`/`uks`/`roks` non-relativistic (`rhf` and `rks` closed-shell only); `dhf` and `dks` four-component
    /// Dirac–Hartree–Fock and Dirac–Kohn–Sham (`scf.DHF`, `dft.DKS`, the paper's
    /// method with `xc=blyp`); `x2c-hf` and `x2c-ks` the scalar-relativistic
    /// spin-free X2C Hamiltonian (`.x2c()`).
    public static let pyscfMethods = ["rhf", "uhf", "rohf", "rks", "uks", "roks", "dhf", "dks", "x2c-hf", "x2c-ks"]

    /// PySCF: the Python script `point.py` from the template, run by the venv's Python; energy from standard output.
    ///
    /// The Python interpreter is the option `program`, else `$PESSCAN_PYTHON`, else `python3`;
    /// it must be able to `import pyscf` (checked at setup).
    public static func pyscf(environment: [String: String]) -> ProgramProfile {
        ProgramProfile(
            name: "pyscf",
            options: [
                "method": OptionRule(.choice(pyscfMethods), default: "rhf", "PySCF method"),
                "basis": OptionRule(.token, default: "cc-pvdz", "basis set name as PySCF spells it"),
                "xc": OptionRule(.token, default: "blyp", "exchange–correlation functional for the Kohn–Sham methods"),
                "conv_tol": OptionRule(.positiveNumber, default: "1e-10", "SCF energy convergence in hartree"),
                "max_cycle": OptionRule(.positiveInteger(max: 10_000), default: "100", "SCF iteration limit"),
            ],
            defaultProgram: environment["PESSCAN_PYTHON"].flatMap { $0.isEmpty ? nil : $0 } ?? "python3",
            templates: [("point.py", "point.py")],
            arguments: ["point.py"],
            outputFile: "stdout.txt",
            parser: PySCFOutput(),
            probe: ["-c", "import pyscf"])
    }
}

/// Reads the `key = value` lines the PySCF template prints: `energy_hartree`, `converged`, `pyscf_version`.
public struct PySCFOutput: EnergyParser {
    public init() {}

    public func parse(_ text: String) throws(EngineParseError) -> ParsedEnergy {
        var fields: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if parts.count == 2 { fields[parts[0]] = parts[1] }
        }
        guard let text = fields["energy_hartree"] else {
            throw .missingEnergy(expected: "a line \"energy_hartree = <number>\" printed by point.py")
        }
        guard let energy = Double(text), energy.isFinite else { throw .notANumber("energy_hartree = \(text)") }
        return ParsedEnergy(
            hartree: energy, converged: fields["converged"] == "True", version: fields["pyscf_version"].map { "PySCF \($0)" })
    }
}
