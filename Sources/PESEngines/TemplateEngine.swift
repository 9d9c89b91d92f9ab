import Foundation
import PESCore

/// The generic template engine: any program with an input template, an argv and an energy regular expression.
///
/// For ORCA, Gaussian, in-house codes and scripts. Options: `template`
/// (a path, relative ones under `Inputs/engines/template/`), `input` (the
/// file name it is written as, default the template's name), `argv` (JSON
/// array or words separated by spaces, placeholders allowed), `output` (file
/// parsed, default `stdout.txt`), `energy_regex` (first capture group is the
/// energy; the last match counts), `energy_unit` (hartree, eV, kcal/mol,
/// kJ/mol), optional `unconverged_regex` and `version_regex`, `threads`,
/// `env.NAME`; any other lower-case option is a placeholder of the template.
public enum TemplateEngine {
    /// Option rules of the template engine.
    public static let options: [String: OptionRule] = [
        "template": OptionRule(.text, "input template: a path, relative ones under Inputs/engines/template/"),
        "input": OptionRule(.text, "file name the filled-in template is written as (default: the template's name)"),
        "argv": OptionRule(.text, "program and arguments: a JSON array or words separated by spaces"),
        "output": OptionRule(.text, default: "stdout.txt", "file holding the energy (stdout.txt is standard output)"),
        "energy_regex": OptionRule(.text, "regular expression whose first group is the energy; the last match counts"),
        "energy_unit": OptionRule(.choice(EnergyUnit.allCases.map(\.rawValue)), default: "hartree", "unit of the energy"),
        "unconverged_regex": OptionRule(.text, "regular expression that matches only when the calculation did not converge"),
        "version_regex": OptionRule(.text, "regular expression whose first group is the program's version"),
    ].merging(ProgramProfile.commonOptions) { own, _ in own }

    /// Builds the engine from a scan's options, checking every one before any point runs.
    public static func build(
        settings: [String: String], inputsFolder: URL, environment base: [String: String], lookup: ProgramLookup = .hostOnly
    ) throws(EngineSetupError) -> ProgramEngine {
        let resolved = try ResolvedOptions.resolve(engine: "template", options: settings, rules: options, extraPlaceholders: true)
        try ProgramProfile.refuseProgramOption(resolved, engine: "template")
        func required(_ key: String, _ hint: String) throws(EngineSetupError) -> String {
            guard let value = resolved.values[key] else { throw .missingOption(engine: "template", key: key, hint: hint) }
            return value
        }
        let templatePath = try required("template", "the input template's path, e.g. template=orca.inp")
        let argv = try ArgvOption.parse(
            try required("argv", "the program and its arguments, e.g. argv=[\"orca\",\"input.inp\"]"), engine: "template", key: "argv")
        let pattern = try required("energy_regex", "a regular expression whose first group is the energy")
        let url =
            templatePath.hasPrefix("/")
            ? URL(fileURLWithPath: templatePath) : inputsFolder.appendingPathComponent("engines/template/\(templatePath)")
        let inputName = resolved.values["input"] ?? url.lastPathComponent
        let outputName = resolved.values["output"] ?? "stdout.txt"
        for (key, file) in [("input", inputName), ("output", outputName)] where !WorkFileName.isPlain(file) {
            throw .invalidOption(engine: "template", key: key, value: file, expected: "a plain file name inside the point's work directory (no / or ..)")
        }
        let unit = EnergyUnit(name: resolved.values["energy_unit"] ?? "hartree") ?? .hartree
        let parser = try RegexEnergyParser(
            energyPattern: pattern, unit: unit, unconvergedPattern: resolved.values["unconverged_regex"],
            versionPattern: resolved.values["version_regex"])
        let known = PointPlaceholders.names.union(resolved.values.keys)
        let template = try ProgramProfile.loadTemplate(url, known: known)
        let launch = try ProgramLaunch.find(argv[0], resolved: resolved, base: base, lookup: lookup)
        let arguments = try argv.dropFirst().map { argument throws(EngineSetupError) in
            try InputTemplate(text: argument, source: "the argv option of engine template", known: known)
        }
        let used = Set(template.placeholders + arguments.flatMap(\.placeholders))
        for key in resolved.values.keys.sorted() where options[key] == nil && !used.contains(key) {
            throw .unknownOption(engine: "template", key: key, known: options.keys.sorted() + ["env.NAME", "placeholders of the template"])
        }
        return ProgramEngine(
            name: "template", inputs: TemplateInputs(files: [(inputName, template)]), launch: launch, arguments: arguments,
            outputFile: outputName, parser: parser, options: resolved.values)
    }
}

/// File names an engine may write or read: plain names inside the point's work directory.
enum WorkFileName {
    /// Whether `name` is a plain file name: no folder separators, not `.` or `..`, not hidden.
    static func isPlain(_ name: String) -> Bool {
        !name.isEmpty && !name.contains("/") && !name.hasPrefix(".") && !name.contains("\u{0}")
    }
}
