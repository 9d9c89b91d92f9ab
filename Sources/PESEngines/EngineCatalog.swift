import Foundation
import PESCore

/// Builds engines from a scan's stored settings, checking them before any point runs.
public struct EngineCatalog: Sendable {
    /// The pesscan executable, for engines that run the model as a child process.
    public var pesscanExecutable: URL?

    public init(pesscanExecutable: URL?) {
        self.pesscanExecutable = pesscanExecutable
    }

    /// Names of the engines pesscan knows.
    public static let engineNames = ["model", "model-process"]

    /// Options each engine accepts.
    static let modelOptions = ["delay_seconds", "fail_fraction", "fail_seed"]

    /// Builds the engine for a scan, or says why it cannot run.
    public func engine(for spec: ScanSpec) throws(EngineSetupError) -> any Engine {
        switch spec.engine.name {
        case "model", "model-process":
            guard let constants = spec.modelConstants else { throw .noModelParameters(spec.molecule.name) }
            let model = MorseModel(constants: constants, reducedMassDalton: spec.molecule.reducedMassDalton)
            let delay = try Self.number(spec.engine, "delay_seconds", in: 0...86_400, expected: "a number of seconds from 0 to 86400") ?? 0
            let fraction = try Self.number(spec.engine, "fail_fraction", in: 0...1, expected: "a fraction from 0 to 1") ?? 0
            let seed = try Self.number(spec.engine, "fail_seed", in: 0...1e15, expected: "a whole number") ?? 0
            let failures = InjectedFailures(fraction: fraction, seed: UInt64(seed))
            if spec.engine.name == "model" { return ModelEngine(model: model, delaySeconds: delay, failures: failures) }
            guard let executable = pesscanExecutable else { throw .programMissing("pesscan (model-energy)") }
            guard FileManager.default.isExecutableFile(atPath: executable.path) else {
                throw .programMissing(executable.path)
            }
            return ModelProcessEngine(model: model, delaySeconds: delay, executable: executable, failures: failures)
        default:
            throw .unknownEngine(spec.engine.name, known: Self.engineNames)
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
