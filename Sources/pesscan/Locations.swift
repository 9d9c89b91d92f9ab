import Foundation
import PESEngines

/// Where the command line finds its files, resolved once from options, environment variables and the `Inputs/` folder.
///
/// Libraries take these as plain URLs; only the executable reads the
/// environment and its own path.
enum Locations {
    /// The process's environment.
    static var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// `Inputs/<relative>` in the current folder, else in the nearest folder above the executable that has it; the first when none has.
    static func inputs(_ relative: String) -> URL {
        let manager = FileManager.default
        let here = URL(fileURLWithPath: manager.currentDirectoryPath).appendingPathComponent("Inputs").appendingPathComponent(relative)
        if manager.fileExists(atPath: here.path) { return here }
        var folder = (SelfExecutable.url ?? URL(fileURLWithPath: CommandLine.arguments.first ?? ".")).resolvingSymlinksInPath()
            .deletingLastPathComponent()
        for _ in 0..<6 {
            let candidate = folder.appendingPathComponent("Inputs").appendingPathComponent(relative)
            if manager.fileExists(atPath: candidate.path) { return candidate }
            folder = folder.deletingLastPathComponent()
        }
        return here
    }

    /// A path given on the command line, else one from the environment variable `variable`, else nil.
    static func given(_ option: String?, orEnvironment variable: String) -> URL? {
        if let option, !option.isEmpty { return URL(fileURLWithPath: option) }
        if let value = environment[variable], !value.isEmpty { return URL(fileURLWithPath: value) }
        return nil
    }

    /// The molecule library: `--molecules`, else `$PESSCAN_MOLECULES`, else `Inputs/molecules.json`.
    static func moleculeLibrary(option: String?) -> URL {
        given(option, orEnvironment: "PESSCAN_MOLECULES") ?? inputs("molecules.json")
    }

    /// The zone file: `--zones`, else `$PESSCAN_ZONES`, else `Inputs/zones.yaml` in the current folder when it exists; nil for the default local zone.
    static func zoneFile(option: String?) -> URL? {
        if let given = given(option, orEnvironment: "PESSCAN_ZONES") { return given }
        let here = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("Inputs/zones.yaml")
        return FileManager.default.fileExists(atPath: here.path) ? here : nil
    }

    /// The folder holding `engines/<engine>/` templates: `$PESSCAN_INPUTS`, else the `Inputs/` folder found as above.
    static var inputsFolder: URL {
        given(nil, orEnvironment: "PESSCAN_INPUTS") ?? inputs("engines").deletingLastPathComponent()
    }

    /// The engines, built from this executable, the inputs folder and the environment.
    static var engineCatalog: EngineCatalog {
        EngineCatalog(pesscanExecutable: SelfExecutable.url, inputsFolder: inputsFolder, environment: environment)
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
