import Foundation

/// How pesscan drives one external program: its options, templates, argv, output file and parser.
///
/// A profile is data; ``build(settings:inputsFolder:environment:)`` checks
/// a scan's options against it, reads the templates from
/// `<inputs>/engines/<name>/`, finds the program and returns the
/// ``ProgramEngine`` that runs every point. Setup errors are thrown there,
/// before any point runs.
public struct ProgramProfile: Sendable {
    /// Engine name, also the folder of its templates under `Inputs/engines/`.
    public var name: String
    /// Options besides the common `program`, `threads` and `env.NAME`.
    public var options: [String: OptionRule]
    /// The program when the option `program` is not given: a name looked up on PATH, or a path.
    public var defaultProgram: String
    /// Templates read from `<inputs>/engines/<name>/<template>`, each written as `<file>` in the point's work directory.
    public var templates: [(template: String, file: String)]
    /// Arguments after the program, with placeholders.
    public var arguments: [String]
    /// The file the parser reads: `stdout.txt` for standard output, else a file the program writes.
    public var outputFile: String
    /// Reads the energy.
    public var parser: any EnergyParser
    /// Environment variables the program needs (values relative to the work directory).
    public var environment: [String: String]
    /// Arguments for one run of the program at setup that must succeed (e.g. a Python import), if any.
    public var probe: [String]?

    public init(
        name: String, options: [String: OptionRule], defaultProgram: String, templates: [(template: String, file: String)],
        arguments: [String], outputFile: String, parser: any EnergyParser, environment: [String: String] = [:],
        probe: [String]? = nil
    ) {
        self.name = name
        self.options = options
        self.defaultProgram = defaultProgram
        self.templates = templates
        self.arguments = arguments
        self.outputFile = outputFile
        self.parser = parser
        self.environment = environment
        self.probe = probe
    }

    /// Options every program engine takes.
    public static let commonOptions: [String: OptionRule] = [
        "program": OptionRule(.text, "the program to run: a name on PATH or a path"),
        "threads": OptionRule(.positiveInteger(max: 256), default: "1", "threads per point (OMP_NUM_THREADS and the program's own setting)"),
    ]

    /// Checks `settings` against the profile and builds the engine, or says why it cannot run.
    ///
    /// With `lookup` ``ProgramLookup/hostOrImage`` a program that is not on
    /// this machine is left for container images (and the probe is skipped).
    public func build(
        settings: [String: String], inputsFolder: URL, environment base: [String: String], lookup: ProgramLookup = .hostOnly
    ) throws(EngineSetupError) -> ProgramEngine {
        let rules = options.merging(Self.commonOptions) { own, _ in own }
        let resolved = try ResolvedOptions.resolve(engine: name, options: settings, rules: rules)
        let launch = try ProgramLaunch.find(
            resolved.values["program"] ?? defaultProgram, resolved: resolved, base: base, profileEnvironment: environment, lookup: lookup)
        let known = PointPlaceholders.names.union(resolved.values.keys)
        var files: [(name: String, template: InputTemplate)] = []
        for (template, file) in templates {
            let url = inputsFolder.appendingPathComponent("engines/\(name)/\(template)")
            files.append((file, try Self.loadTemplate(url, known: known)))
        }
        let argv = try arguments.map { argument throws(EngineSetupError) in
            try InputTemplate(text: argument, source: "the argv of engine \(name)", known: known)
        }
        if let probe, !launch.missingOnHost { try Self.runProbe(launch.executable, arguments: probe, environment: launch.environment) }
        return ProgramEngine(
            name: name, inputs: TemplateInputs(files: files), launch: launch, arguments: argv, outputFile: outputFile, parser: parser,
            options: resolved.values)
    }

    /// Refuses `program=` for an engine whose program is the first word of its `argv` option.
    static func refuseProgramOption(_ resolved: ResolvedOptions, engine: String) throws(EngineSetupError) {
        guard let program = resolved.values["program"] else { return }
        throw .invalidOption(
            engine: engine, key: "program", value: program,
            expected: "nothing: engine \(engine) runs its argv option, so put the program first there (argv=[\"\(program)\", …])")
    }

    /// A template file read and checked.
    static func loadTemplate(_ url: URL, known: Set<String>) throws(EngineSetupError) -> InputTemplate {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw .templateUnreadable(path: url.path, reason: error.localizedDescription)
        }
        return try InputTemplate(text: text, source: url.path, known: known)
    }

    /// Runs the program once with `arguments`; it must exit with status 0.
    static func runProbe(_ executable: URL, arguments: [String], environment: [String: String]) throws(EngineSetupError) {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        let errors = Pipe()
        process.standardError = errors
        do {
            try process.run()
        } catch {
            throw .programUnusable(program: executable.path, reason: error.localizedDescription)
        }
        let data = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let message = ErrorLine.meaningful(in: String(decoding: data, as: UTF8.self)) ?? ""
            throw .programUnusable(
                program: executable.path, reason: "`\(([executable.lastPathComponent] + arguments).joined(separator: " "))` failed: \(message)")
        }
    }
}
