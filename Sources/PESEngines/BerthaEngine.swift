import Foundation
import PESCore

/// The BERTHA four-component Dirac–Kohn–Sham engine: `input.inp` and `fitt2.inp` from a basis library, serial or under mpirun.
///
/// Options: `argv` (the BERTHA executable or the pyBERTHA driver command,
/// JSON array or words; required), `basis_library` (the authors' JSON
/// library; required), `basis` and `fitting` (one set name for every
/// element, or `Au:dyall_vtz,Og:dyall_vtz`; required), `ranks` (MPI ranks,
/// default 1 = serial; more runs `mpirun -np N argv…`), `mpirun` (default
/// `mpirun`), `xc` (default BLYP), `grid_quality` (1–5, default 5),
/// `maxit` (default 100), `output` (default `stdout.txt`), `bohr`
/// (`berthaingen`, 1.8897259886 bohr/Å, or `codata2018`), `masses`
/// (`standard` atomic weights as berthaingen writes them, or `isotopic`),
/// `threads`, `env.NAME` (e.g. `env.LD_LIBRARY_PATH`), `stack` / `limit.KIND`.
/// `program` is refused: the program is the first word of `argv`. By default
/// every point runs with an unlimited stack and `OMP_STACKSIZE=400M`, what
/// the authors run with (BERTHA dies with signal 11 on an 8 MB stack).
public enum BerthaEngine {
    /// Option rules of the BERTHA engine.
    public static let options: [String: OptionRule] = [
        "argv": OptionRule(.text, "the BERTHA program or driver command with its arguments"),
        "basis_library": OptionRule(.text, "path of the basis library (JSON, BasisFittSetBertha format)"),
        "basis": OptionRule(.text, "basis set: one name, or Element:name pairs separated by commas"),
        "fitting": OptionRule(.text, "fitting set: one name, or Element:name pairs separated by commas"),
        "ranks": OptionRule(.positiveInteger(max: 4096), default: "1", "MPI ranks; 1 runs serially"),
        "mpirun": OptionRule(.text, default: "mpirun", "MPI launcher used when ranks > 1"),
        "xc": OptionRule(.choice(["LDA", "B88P86", "HCTH93", "BLYP"]), default: "BLYP", "exchange–correlation potential"),
        "grid_quality": OptionRule(.choice(["1", "2", "3", "4", "5"]), default: "5", "integration grid quality"),
        "maxit": OptionRule(.positiveInteger(max: 100_000), default: "100", "SCF iteration limit"),
        "output": OptionRule(.text, default: "stdout.txt", "file holding the final output block"),
        "bohr": OptionRule(
            .choice(BerthaConventions.LengthFactor.allCases.map(\.rawValue)), default: "berthaingen",
            "Å→bohr factor: berthaingen (1.8897259886, the authors') or codata2018"),
        "masses": OptionRule(
            .choice(BerthaConventions.MassField.allCases.map(\.rawValue)), default: "standard",
            "mass field: standard atomic weights (the authors') or the isotopic masses of the scan"),
    ].merging(ProgramProfile.commonOptions) { own, _ in own }

    /// What BERTHA's authors run with: an unlimited stack (8 MB and 64 MB crash with signal 11; 256 MB works).
    public static let defaultLimits = ResourceLimits([.stack: .unlimited])
    /// The OpenMP thread stack size the authors recommend.
    public static let defaultEnvironment = ["OMP_STACKSIZE": "400M"]

    /// Builds the engine for `molecule`, reading its basis and fitting sets before any point runs.
    public static func build(
        settings: [String: String], molecule: Molecule, environment base: [String: String], lookup: ProgramLookup = .hostOnly
    ) throws(EngineSetupError) -> ProgramEngine {
        let resolved = try ResolvedOptions.resolve(engine: "bertha", options: settings, rules: options)
        try ProgramProfile.refuseProgramOption(resolved, engine: "bertha")
        func required(_ key: String, _ hint: String) throws(EngineSetupError) -> String {
            guard let value = resolved.values[key] else { throw .missingOption(engine: "bertha", key: key, hint: hint) }
            return value
        }
        let argv = try ArgvOption.parse(
            try required("argv", "the BERTHA executable, e.g. argv=bertha.serial, or the pyBERTHA driver command"),
            engine: "bertha", key: "argv")
        let library = try BerthaBasisLibrary.load(
            path: try required("basis_library", "the path of the basis library JSON file"))
        let basisNames = try setNames(try required("basis", "the basis set, e.g. basis=dyall_vtz"), key: "basis", molecule: molecule)
        let fittingNames = try setNames(try required("fitting", "the fitting set, e.g. fitting=Au:b20,Og:og"), key: "fitting", molecule: molecule)
        var bases: [BerthaBasis] = []
        var fittings: [BerthaFittingSet] = []
        for (atom, (basis, fitting)) in zip(molecule.atoms, zip(basisNames, fittingNames)) {
            bases.append(try library.basis(atom.symbol, basis))
            fittings.append(try library.fitting(atom.symbol, fitting))
        }
        let ranks = Int(resolved.values["ranks"] ?? "1") ?? 1
        let berthaSettings = BerthaSettings(
            functional: resolved.values["xc"] ?? "BLYP", gridQuality: Int(resolved.values["grid_quality"] ?? "5") ?? 5,
            maxIterations: Int(resolved.values["maxit"] ?? "100") ?? 100, processGrid: BerthaSettings.processGrid(ranks: ranks))
        let outputName = resolved.values["output"] ?? "stdout.txt"
        guard WorkFileName.isPlain(outputName) else {
            throw .invalidOption(engine: "bertha", key: "output", value: outputName, expected: "a plain file name inside the point's work directory")
        }
        let command = ranks > 1 ? [resolved.values["mpirun"] ?? "mpirun", "-np", String(ranks)] + argv : argv
        let launch = try ProgramLaunch.find(
            command[0], resolved: resolved, base: base, profileEnvironment: defaultEnvironment, defaultLimits: defaultLimits,
            lookup: lookup)
        let arguments = try command.dropFirst().map { argument throws(EngineSetupError) in
            try InputTemplate(text: argument, source: "the argv option of engine bertha", known: PointPlaceholders.names)
        }
        let factor = BerthaConventions.LengthFactor(rawValue: resolved.values["bohr"] ?? "") ?? .berthaingen
        let field = BerthaConventions.MassField(rawValue: resolved.values["masses"] ?? "") ?? .standard
        let masses: [Double]
        switch BerthaConventions.masses(of: molecule, field: field) {
        case .success(let found): masses = found
        case .failure(let missing):
            throw .invalidOption(
                engine: "bertha", key: "masses", value: field.rawValue,
                expected: "isotopic: pesscan holds no standard atomic weight for \(missing.symbol) (masses=isotopic writes the scan's masses)")
        }
        let input = BerthaInput(
            molecule: molecule, bases: bases, fittingSets: fittings, settings: berthaSettings,
            bohrPerAngstrom: factor.bohrPerAngstrom, massesDalton: masses)
        return ProgramEngine(
            name: "bertha", inputs: BerthaInputWriter(input: input), launch: launch, arguments: arguments, outputFile: outputName,
            parser: BerthaOutput(), options: [:])
    }

    /// The set name for each atom from `name` or `El:name,El:name`.
    static func setNames(_ text: String, key: String, molecule: Molecule) throws(EngineSetupError) -> [String] {
        guard text.contains(":") else { return molecule.atoms.map { _ in text } }
        var byElement: [String: String] = [:]
        for pair in text.split(separator: ",") {
            let parts = pair.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw .invalidOption(engine: "bertha", key: key, value: text, expected: "a set name, or Element:name pairs like Au:dyall_vtz,Og:dyall_vtz")
            }
            byElement[parts[0]] = parts[1]
        }
        var names: [String] = []
        for atom in molecule.atoms {
            guard let name = byElement[atom.symbol] else {
                throw .invalidOption(engine: "bertha", key: key, value: text, expected: "a set for \(atom.symbol) as well")
            }
            names.append(name)
        }
        return names
    }
}
