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
    public func build(
        settings: [String: String], inputsFolder: URL, environment base: [String: String]
    ) throws(EngineSetupError) -> ProgramEngine {
        let rules = options.merging(Self.commonOptions) { own, _ in own }
        let resolved = try ResolvedOptions.resolve(engine: name, options: settings, rules: rules)
        let program = resolved.values["program"] ?? defaultProgram
        let environment = Self.childEnvironment(
            base: base, threads: resolved.values["threads"] ?? "1", profile: self.environment, user: resolved.environment)
        let executable = try Self.executable(program, environment: environment)
        let known = PointPlaceholders.names.union(resolved.values.keys)
        var files: [(name: String, template: InputTemplate)] = []
        for (template, file) in templates {
            let url = inputsFolder.appendingPathComponent("engines/\(name)/\(template)")
            files.append((file, try Self.loadTemplate(url, known: known)))
        }
        let argv = try arguments.map { argument throws(EngineSetupError) in
            try InputTemplate(text: argument, source: "the argv of engine \(name)", known: known)
        }
        if let probe { try Self.runProbe(executable, arguments: probe, environment: environment) }
        return ProgramEngine(
            name: name, inputs: TemplateInputs(files: files), executable: executable, arguments: argv,
            environment: environment, outputFile: outputFile, parser: parser, options: resolved.values)
    }

    /// The program's executable, or `programMissing`.
    static func executable(_ program: String, environment: [String: String]) throws(EngineSetupError) -> URL {
        guard let url = ExecutableLookup.find(program, environment: environment) else { throw .programMissing(program) }
        return url
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

    /// The child's environment: this process's, one thread per point unless `threads` says more, then the profile's and the user's.
    static func childEnvironment(
        base: [String: String], threads: String, profile: [String: String], user: [String: String]
    ) -> [String: String] {
        var environment = base
        for key in ["OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"] { environment[key] = threads }
        environment.merge(profile) { _, new in new }
        environment.merge(user) { _, new in new }
        return environment
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
