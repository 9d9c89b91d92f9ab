import Foundation
import PESCore

/// Builds engines from a scan's stored settings, checking them before any point runs.
public struct EngineCatalog: Sendable {
    /// The pesscan executable, for engines that run the model as a child process.
    public var pesscanExecutable: URL?
    /// The folder holding `engines/<engine>/` templates (the project's `Inputs/`).
    public var inputsFolder: URL
    /// The environment external programs start from (PATH, PESSCAN_PYTHON, …).
    public var environment: [String: String]
    /// Whether programs must be on this machine, or may be only in container zones' images.
    public var programLookup: ProgramLookup = .hostOnly

    public init(
        pesscanExecutable: URL?, inputsFolder: URL, environment: [String: String]
    ) {
        self.pesscanExecutable = pesscanExecutable
        self.inputsFolder = inputsFolder
        self.environment = environment
    }

    /// Names of the engines pesscan knows.
    public static let engineNames = EngineKind.allCases.map(\.rawValue)

    /// Options each engine accepts.
    static let modelOptions = ["delay_seconds", "fail_fraction", "fail_seed", "marker_file"]

    /// Builds the engine for a scan, or says why it cannot run.
    public func engine(for spec: ScanSpec) throws(EngineSetupError) -> any Engine {
        let options = spec.engine.options
        guard let kind = EngineKind(rawValue: spec.engine.name) else { throw .unknownEngine(spec.engine.name, known: Self.engineNames) }
        switch kind {
        case .model, .modelProcess:
            guard spec.geometry == nil else { throw .modelIsDiatomic(spec.molecule.name) }
            guard let constants = spec.modelConstants else { throw .noModelParameters(spec.molecule.name) }
            let model = MorseModel(constants: constants, reducedMassDalton: spec.molecule.reducedMassDalton)
            let delay = try Self.number(spec.engine, "delay_seconds", in: 0...86_400, expected: "a number of seconds from 0 to 86400") ?? 0
            let fraction = try Self.number(spec.engine, "fail_fraction", in: 0...1, expected: "a fraction from 0 to 1") ?? 0
            let seed = try Self.number(spec.engine, "fail_seed", in: 0...1e15, expected: "a whole number") ?? 0
            let failures = InjectedFailures(fraction: fraction, seed: UInt64(seed))
            let marker = options["marker_file"]
            if let marker, kind == .model || !WorkFileName.isPlain(marker) {
                throw .invalidOption(
                    engine: spec.engine.name, key: "marker_file", value: marker,
                    expected: "a plain file name inside the point's work directory (no / or ..), with the model-process engine")
            }
            if kind == .model { return ModelEngine(model: model, delaySeconds: delay, failures: failures) }
            guard let executable = pesscanExecutable else { throw .programMissing("pesscan (model-energy)") }
            guard FileManager.default.isExecutableFile(atPath: executable.path) else {
                throw .programMissing(executable.path)
            }
            return ModelProcessEngine(
                model: model, delaySeconds: delay, executable: executable, failures: failures, markerFile: marker)
        case .pyscf:
            let engine = try ProgramProfile.pyscf(environment: environment).build(
                settings: options, inputsFolder: inputsFolder, environment: environment, lookup: programLookup)
            try PySCFChecks.check(engine.options, molecule: spec.molecule, inputsFolder: inputsFolder)
            return engine
        case .xtb:
            return try ProgramProfile.xtb.build(settings: options, inputsFolder: inputsFolder, environment: environment, lookup: programLookup)
        case .nwchem:
            return try ProgramProfile.nwchem.build(settings: options, inputsFolder: inputsFolder, environment: environment, lookup: programLookup)
        case .psi4:
            return try ProgramProfile.psi4.build(settings: options, inputsFolder: inputsFolder, environment: environment, lookup: programLookup)
        case .bertha:
            return try BerthaEngine.build(settings: options, molecule: spec.molecule, environment: environment, lookup: programLookup)
        case .template:
            return try TemplateEngine.build(settings: options, inputsFolder: inputsFolder, environment: environment, lookup: programLookup)
        }
    }

    /// Reads a numeric model option, refusing unknown options and values outside `range`.
    private static func number(
        _ settings: EngineSettings, _ key: String, in range: ClosedRange<Double>, expected: String
    ) throws(EngineSetupError) -> Double? {
        for other in settings.options.keys where !modelOptions.contains(other) {
            throw .unknownOption(engine: settings.name, key: other, known: modelOptions)
        }
        guard let text = settings.options[key] else { return nil }
        guard let value = Double(text), value.isFinite, range.contains(value) else {
            throw .invalidOption(engine: settings.name, key: key, value: text, expected: expected)
        }
        return value
    }
}
