/// Why an engine cannot run any point; raised before a scan is planned or collected.
public enum EngineSetupError: Error, Sendable, Equatable, CustomStringConvertible {
    case unknownEngine(String, known: [String])
    case noModelParameters(String)
    case invalidOption(engine: String, key: String, value: String, expected: String)
    case unknownOption(engine: String, key: String, known: [String])
    case programMissing(String)

    public var description: String {
        switch self {
        case .unknownEngine(let name, let known):
            return "Unknown engine \"\(name)\". Available: \(known.joined(separator: ", "))."
        case .noModelParameters(let molecule):
            return "The built-in model has no parameters for \(molecule): add it with its r_e, ω_e and ω_e x_e to Inputs/molecules.json, or choose another --engine."
        case .invalidOption(let engine, let key, let value, let expected):
            return "Engine \(engine): option \(key)=\(value) is invalid; expected \(expected)."
        case .unknownOption(let engine, let key, let known):
            return "Engine \(engine) has no option \"\(key)\". Options: \(known.joined(separator: ", "))."
        case .programMissing(let program):
            return "The program \(program) is not installed or not executable; install it or point the engine at it."
        }
    }
}
