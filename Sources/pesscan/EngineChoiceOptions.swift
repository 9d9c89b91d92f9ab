import ArgumentParser
import PESEngines

/// The `--engine`, `--method`, `--basis` and `--option` options of commands that plan points (`plan`, `optimize`).
struct EngineChoiceOptions: ParsableArguments {
    @Option(help: "Engine: \(EngineCatalog.engineNames.joined(separator: ", ")) (any case; default: engine of the config file, else model).")
    var engine: String?

    @Option(help: "Method, stored as the engine option method (e.g. rhf, dks, x2c-hf for pyscf; scf, dft for nwchem).")
    var method: String?

    @Option(help: "Basis set, stored as the engine option basis (e.g. cc-pvdz).")
    var basis: String?

    @Option(
        name: .customLong("option"),
        help: ArgumentHelp("Engine option key=value, repeatable, e.g. delay_seconds=0.5.", valueName: "key=value"))
    var engineOptions: [String] = []

    func validate() throws {
        _ = try givenEngine()
    }

    /// The engine named by --engine (any case), or nil; an unknown name is a usage error suggesting the nearest.
    func givenEngine() throws -> EngineKind? {
        guard let engine else { return nil }
        guard let kind = EngineKind(named: engine) else {
            throw ValidationError(EngineSetupError.unknownEngine(engine, known: EngineCatalog.engineNames).description)
        }
        return kind
    }

    /// The `--option` pairs with `--method` and `--basis` folded in (a value given both ways must agree), then the config's `defaults` where unset.
    func settingsOptions(defaults: [String: String]) throws -> [String: String] {
        var options = try Self.parseOptions(engineOptions)
        for (key, value) in [("method", method), ("basis", basis)] {
            guard let value else { continue }
            if let given = options[key], given != value {
                throw ValidationError("--\(key) \(value) disagrees with --option \(key)=\(given); give one.")
            }
            options[key] = value
        }
        for (key, value) in defaults where options[key] == nil { options[key] = value }
        return options
    }

    /// `key=value` pairs as a dictionary; a pair without `=` or key is a usage error.
    static func parseOptions(_ pairs: [String]) throws -> [String: String] {
        var options: [String: String] = [:]
        for pair in pairs {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty else {
                throw ValidationError("--option takes key=value; got \"\(pair)\".")
            }
            options[parts[0]] = parts[1]
        }
        return options
    }
}
