import PESCore

/// Why an engine cannot run any point; raised before a scan is planned or collected.
public enum EngineSetupError: Error, Sendable, Equatable, CustomStringConvertible {
    case unknownEngine(String, known: [String])
    case noModelParameters(String)
    /// The built-in model is a diatomic's Morse curve; a polyatomic needs a program engine.
    case modelIsDiatomic(String)
    case invalidOption(engine: String, key: String, value: String, expected: String)
    case unknownOption(engine: String, key: String, known: [String])
    case missingOption(engine: String, key: String, hint: String)
    case programMissing(String)
    case programUnusable(program: String, reason: String)
    case templateUnreadable(path: String, reason: String)
    case unknownPlaceholder(String, template: String, known: [String])
    case basisLibraryUnreadable(path: String, reason: String)
    case basisMissing(element: String, set: String, kind: String, library: String)
    /// A name option (basis, functional) that is not in the engine's list but close to a name there: a typo; `suggestion` is " Did you mean …?".
    case misspelledName(engine: String, key: String, value: String, suggestion: String, list: String)
    /// A restricted method asked for an open-shell molecule, which the program would silently run as another method.
    case restrictedOpenShell(engine: String, method: String, multiplicity: Int, alternatives: [String])

    public var description: String {
        switch self {
        case .unknownEngine(let name, let known):
            return "Unknown engine \"\(name)\".\(Suggestion.didYouMean(name, among: known)) Available: \(known.joined(separator: ", "))."
        case .noModelParameters(let molecule):
            return "The built-in model has no parameters for \(molecule): add it with its r_e, ω_e and ω_e x_e to Inputs/molecules.json, or choose another --engine."
        case .modelIsDiatomic(let molecule):
            return "The built-in model is a diatomic's Morse curve and cannot compute \(molecule), a polyatomic; "
                + "choose a program engine, e.g. --engine pyscf --method rhf --basis cc-pvdz, or --engine xtb."
        case .invalidOption(let engine, let key, let value, let expected):
            return "Engine \(engine): option \(key)=\(value) is invalid; expected \(expected)."
        case .unknownOption(let engine, let key, let known):
            return "Engine \(engine) has no option \"\(key)\".\(Suggestion.didYouMean(key, among: known)) Options: \(known.joined(separator: ", "))."
        case .missingOption(let engine, let key, let hint):
            return "Engine \(engine) needs the option \(key): \(hint)."
        case .programMissing(let program):
            return "The program \(program) is not installed or not executable here; install it or give its path (option program=PATH, "
                + "or argv for bertha and template), or run the scan in a container zone whose image has it (zone files: kind: container)."
        case .programUnusable(let program, let reason):
            return "The program \(program) cannot be used: \(reason)."
        case .templateUnreadable(let path, let reason):
            return "Cannot read the input template \(path): \(reason). Put the template there, or set PESSCAN_INPUTS to the folder holding engines/<engine>/."
        case .unknownPlaceholder(let name, let template, let known):
            return "The template \(template) uses the unknown placeholder {\(name)}. Known placeholders: \(known.map { "{\($0)}" }.joined(separator: ", ")); write {{ and }} for literal braces."
        case .basisLibraryUnreadable(let path, let reason):
            return "Cannot read the basis library \(path): \(reason). Give a JSON file in the BasisFittSetBertha format with option basis_library=PATH."
        case .basisMissing(let element, let set, let kind, let library):
            return "The basis library \(library) has no \(kind) \"\(element)/\(set)/\(kind)\"; add it or choose another set for \(element)."
        case .misspelledName(let engine, let key, let value, let suggestion, let list):
            return "Engine \(engine): \(key) \"\(value)\" is not a name \(engine) knows.\(suggestion) (The names it knows are listed in \(list).)"
        case .restrictedOpenShell(let engine, let method, let multiplicity, let alternatives):
            let choices = alternatives.map { "--method \($0)" }.joined(separator: " or ")
            return "Engine \(engine): method \(method) is closed-shell, but the molecule has multiplicity \(multiplicity) "
                + "(\(engine) would quietly run a restricted open-shell calculation instead). Give \(choices)."
        }
    }
}
