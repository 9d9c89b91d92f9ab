import Foundation
import PESDispatch
import PESEngines

/// The config files in effect for one database and the defaults they set.
///
/// Precedence, highest first: command-line options, environment variables,
/// `pesscan.yaml` beside the database, the user's
/// `~/.config/pesscan/config.yaml` (`$XDG_CONFIG_HOME/pesscan/config.yaml`
/// when that is set), then the built-in defaults. Each setting is taken from
/// the first file that sets it.
struct Configuration {
    /// Config files in order of precedence, whether or not they exist.
    var searched: [URL]
    /// The files that exist, in order of precedence, with what each sets.
    var files: [(url: URL, defaults: ConfigDefaults)]

    /// The config file beside the database at `databasePath`, then the user's.
    static func paths(databasePath: String) -> [URL] {
        let beside = URL(fileURLWithPath: databasePath).standardizedFileURL.deletingLastPathComponent()
            .appendingPathComponent("pesscan.yaml")
        let environment = Locations.environment
        let configHome: URL
        if let xdg = environment["XDG_CONFIG_HOME"], xdg.hasPrefix("/") {
            configHome = URL(fileURLWithPath: xdg, isDirectory: true)
        } else {
            let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
            configHome = URL(fileURLWithPath: home, isDirectory: true).appendingPathComponent(".config", isDirectory: true)
        }
        return [beside, configHome.appendingPathComponent("pesscan/config.yaml")]
    }

    /// Reads the config files for the database at `databasePath`; a file that exists but is not valid is an error (exit 65).
    static func load(databasePath: String) throws -> Configuration {
        let searched = paths(databasePath: databasePath)
        var files: [(url: URL, defaults: ConfigDefaults)] = []
        for url in searched where FileManager.default.fileExists(atPath: url.path) {
            do {
                files.append((url, try ConfigFile.load(from: url)))
            } catch {
                throw Failure.report(error.description + " Fix the file or move it away.", status: .data)
            }
        }
        return Configuration(searched: searched, files: files)
    }

    /// The first file's value of a setting, with that file as its source.
    func value<T>(_ key: KeyPath<ConfigDefaults, T?>) -> Sourced<T>? {
        for file in files {
            if let value = file.defaults[keyPath: key] { return Sourced(value, .configFile(file.url)) }
        }
        return nil
    }

    /// Python interpreter of the pyscf engine, if a config file sets one.
    var python: String? { value(\.python)?.value }
    /// Slots of the default local zone, if a config file sets them.
    var slots: Int? { value(\.slots)?.value }

    /// The engine of a plan and the engine options the config adds: `given` (`--engine`), else the config's engine, else `model`.
    ///
    /// The config's `method` and `basis` come with its `engine`: they are
    /// added only to scans of that engine, from the same file.
    func planEngine(given: EngineKind?) -> (kind: EngineKind, options: [String: String]) {
        guard let configured = value(\.engine) else { return (given ?? .model, [:]) }
        let kind = given ?? configured.value
        guard kind == configured.value, let file = files.first(where: { .configFile($0.url) == configured.source }) else {
            return (kind, [:])
        }
        var options: [String: String] = [:]
        if let method = file.defaults.method { options["method"] = method }
        if let basis = file.defaults.basis { options["basis"] = basis }
        return (kind, options)
    }

    /// The engines, with the config's `python` when `$PESSCAN_PYTHON` is not set.
    var engineCatalog: EngineCatalog { Locations.engineCatalog(python: python) }
}
