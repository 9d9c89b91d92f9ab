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
    static let modelOptions = ["delay_seconds"]

    /// Builds the engine for a scan, or says why it cannot run.
    public func engine(for spec: ScanSpec) throws(EngineSetupError) -> any Engine {
        switch spec.engine.name {
        case "model", "model-process":
            guard let constants = spec.modelConstants else { throw .noModelParameters(spec.molecule.name) }
            let model = MorseModel(constants: constants, reducedMassDalton: spec.molecule.reducedMassDalton)
            let delay = try Self.delaySeconds(spec.engine)
            if spec.engine.name == "model" { return ModelEngine(model: model, delaySeconds: delay) }
            guard let executable = pesscanExecutable else { throw .programMissing("pesscan (model-energy)") }
            guard FileManager.default.isExecutableFile(atPath: executable.path) else {
                throw .programMissing(executable.path)
            }
            return ModelProcessEngine(model: model, delaySeconds: delay, executable: executable)
        default:
            throw .unknownEngine(spec.engine.name, known: Self.engineNames)
        }
    }

    private static func delaySeconds(_ settings: EngineSettings) throws(EngineSetupError) -> Double {
        for key in settings.options.keys where !modelOptions.contains(key) {
            throw .unknownOption(engine: settings.name, key: key, known: modelOptions)
        }
        guard let text = settings.options["delay_seconds"] else { return 0 }
        guard let delay = Double(text), delay.isFinite, delay >= 0, delay <= 86_400 else {
            throw .invalidOption(
                engine: settings.name, key: "delay_seconds", value: text, expected: "a number of seconds from 0 to 86400")
        }
        return delay
    }
}
