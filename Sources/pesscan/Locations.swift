import Foundation
import PESCore
import PESEngines

/// Where the command line finds its files, resolved once from options, environment variables and the data folders.
///
/// Libraries take these as plain URLs; only the executable reads the
/// environment and its own path.
///
/// The molecule library (`molecules.json`) and the engine templates
/// (`engines/<engine>/…`) are looked for in this order, the first that has
/// the file winning:
///
/// 1. the option (`--molecules`) or environment variable (`$PESSCAN_MOLECULES`
///    for the library, `$PESSCAN_INPUTS` for the folder holding `engines/`),
///    used as given;
/// 2. `./Inputs/` in the current folder (a checkout of the project);
/// 3. `<exe>/../share/pesscan/` beside the executable's `bin/` folder, where
///    `scripts/install PREFIX` puts them (the executable's symbolic links are
///    followed first, so a linked `pesscan` finds its own install);
/// 4. `Inputs/` in the nearest of the six folders above the executable (the
///    build tree: `.build/debug/pesscan` finds the checkout's `Inputs/`).
enum Locations {
    /// The process's environment.
    static var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// The folders that may hold pesscan's data files, in lookup order, each once: `./Inputs`, `<exe>/../share/pesscan`, then `Inputs/` above the executable.
    static var dataFolders: [URL] {
        let here = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("Inputs", isDirectory: true)
        let binFolder = (SelfExecutable.url ?? URL(fileURLWithPath: CommandLine.arguments.first ?? ".")).resolvingSymlinksInPath()
            .deletingLastPathComponent()
        let installed = binFolder.deletingLastPathComponent().appendingPathComponent("share/pesscan", isDirectory: true)
        var buildTree: [URL] = []
        var folder = binFolder
        for _ in 0..<6 {
            buildTree.append(folder.appendingPathComponent("Inputs", isDirectory: true))
            folder = folder.deletingLastPathComponent()
        }
        var seen: Set<String> = []
        return ([here, installed] + buildTree).map(\.standardizedFileURL).filter { seen.insert($0.path).inserted }
    }

    /// `relative` in the first data folder that has it, or nil with none.
    static func dataFile(_ relative: String) -> URL? {
        dataFolders.map { $0.appendingPathComponent(relative) }.first { FileManager.default.fileExists(atPath: $0.path) }
    }

    /// A path given as the option `optionName`, else one from the environment variable `variable`, else nil; with where it came from.
    static func given(_ option: String?, named optionName: String, orEnvironment variable: String) -> Sourced<URL>? {
        if let option, !option.isEmpty { return Sourced(URL(fileURLWithPath: option), .option(optionName)) }
        if let value = environment[variable], !value.isEmpty { return Sourced(URL(fileURLWithPath: value), .environment(variable)) }
        return nil
    }

    /// The molecule library: `--molecules`, else `$PESSCAN_MOLECULES`, else `molecules.json` in the first data folder that has it.
    ///
    /// Throws ``MoleculeLibraryError/notFound(searched:)`` naming every place looked at when none has it.
    static func moleculeLibrary(option: String?) throws(MoleculeLibraryError) -> URL {
        try moleculeLibrarySource(option: option).value
    }

    /// The molecule library as ``moleculeLibrary(option:)`` finds it, with where it came from.
    static func moleculeLibrarySource(option: String?) throws(MoleculeLibraryError) -> Sourced<URL> {
        if let given = given(option, named: "--molecules", orEnvironment: "PESSCAN_MOLECULES") { return given }
        if let found = dataFile("molecules.json") { return Sourced(found, .dataFolder) }
        throw .notFound(searched: dataFolders.map { $0.appendingPathComponent("molecules.json").path })
    }

    /// The zone file: `--zones`, else `$PESSCAN_ZONES`, else `zones` of the config file, else `Inputs/zones.yaml` in the current folder when it exists; nil for the default local zone.
    static func zoneFile(option: String?, configured: Sourced<URL>? = nil) -> Sourced<URL>? {
        if let given = given(option, named: "--zones", orEnvironment: "PESSCAN_ZONES") { return given }
        if let configured { return configured }
        let here = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("Inputs/zones.yaml")
        return FileManager.default.fileExists(atPath: here.path) ? Sourced(here, .dataFolder) : nil
    }

    /// The folder holding `engines/<engine>/` templates: `$PESSCAN_INPUTS`, else the first data folder with an `engines/` folder, else `./Inputs`.
    static var inputsFolder: URL { inputsFolderSource.value }

    /// The templates folder as ``inputsFolder`` finds it, with where it came from.
    static var inputsFolderSource: Sourced<URL> {
        if let given = given(nil, named: "", orEnvironment: "PESSCAN_INPUTS") { return given }
        if let found = dataFile("engines") { return Sourced(found.deletingLastPathComponent(), .dataFolder) }
        return Sourced(dataFolders.first ?? URL(fileURLWithPath: "Inputs"), .builtIn)
    }

    /// The engines, built from this executable, the inputs folder and the environment (`$PESSCAN_PYTHON` else the config's `python`).
    static func engineCatalog(python: String? = nil) -> EngineCatalog {
        var environment = environment
        if let python, environment["PESSCAN_PYTHON"].map(\.isEmpty) ?? true { environment["PESSCAN_PYTHON"] = python }
        return EngineCatalog(pesscanExecutable: SelfExecutable.url, inputsFolder: inputsFolder, environment: environment)
    }

    /// The engines with the built-in defaults and the environment only (no config file).
    static var engineCatalog: EngineCatalog { engineCatalog() }
}

/// Where a setting's value came from, as `pesscan config` shows it.
enum SettingSource: Equatable {
    /// A command-line option, such as `--db`.
    case option(String)
    /// An environment variable, such as `PESSCAN_DB`.
    case environment(String)
    /// A config file.
    case configFile(URL)
    /// Found by looking through the data folders (``Locations/dataFolders``).
    case dataFolder
    /// pesscan's built-in default.
    case builtIn

    /// One word for scripts: `option`, `environment`, `config`, `found` or `default`.
    var kind: String {
        switch self {
        case .option: return "option"
        case .environment: return "environment"
        case .configFile: return "config"
        case .dataFolder: return "found"
        case .builtIn: return "default"
        }
    }

    /// The source as a person reads it: `--db`, `$PESSCAN_DB`, the config file's path, `found`, `default`.
    var description: String {
        switch self {
        case .option(let name): return name
        case .environment(let name): return "$" + name
        case .configFile(let url): return url.path
        case .dataFolder: return "found in the data folders"
        case .builtIn: return "default"
        }
    }
}

/// A value with where it came from.
struct Sourced<Value> {
    var value: Value
    var source: SettingSource

    init(_ value: Value, _ source: SettingSource) {
        self.value = value
        self.source = source
    }
}

/// The running pesscan executable, for engines that start it again as a child process.
enum SelfExecutable {
    static var url: URL? {
        let proc = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        if FileManager.default.isExecutableFile(atPath: proc.path), proc.path != "/proc/self/exe" { return proc }
        return Bundle.main.executableURL
    }
}
