import Foundation
import PESEngines

/// Defaults read from one config file (`pesscan.yaml`); nil where the file does not set them.
public struct ConfigDefaults: Sendable, Equatable {
    /// Engine of new scans.
    public var engine: EngineKind?
    /// Engine option `method` of new scans of ``engine``.
    public var method: String?
    /// Engine option `basis` of new scans of ``engine``.
    public var basis: String?
    /// The Python interpreter of the pyscf engine (what `$PESSCAN_PYTHON` sets); a relative path is resolved against the file's folder.
    public var python: String?
    /// Slots of the default local zone.
    public var slots: Int?
    /// The zone file, a relative path resolved against the config file's folder.
    public var zones: URL?

    public init() {}
}

/// Reading config files: a flat YAML mapping of defaults, such as
///
/// ```yaml
/// engine: pyscf
/// method: rhf
/// basis: cc-pvdz
/// python: .venv/bin/python
/// slots: 4
/// zones: zones.yaml
/// ```
public enum ConfigFile {
    /// Keys a config file may have.
    public static let keys = ["basis", "engine", "method", "python", "slots", "zones"]

    /// Reads and validates the config file at `url`.
    public static func load(from url: URL) throws(ConfigFileError) -> ConfigDefaults {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw ConfigFileError(path: url.path, line: nil, message: "cannot be read: \(error.localizedDescription)")
        }
        return try parse(text, path: url.path, folder: url.deletingLastPathComponent())
    }

    /// Parses config YAML; `path` names the file in messages and relative paths are resolved against `folder`.
    public static func parse(_ text: String, path: String, folder: URL) throws(ConfigFileError) -> ConfigDefaults {
        let entries: [YAMLEntry]
        do {
            entries = try ZoneFile.flatMapping(text, path: path)
        } catch {
            throw ConfigFileError(path: error.path, line: error.line, message: error.message)
        }
        var defaults = ConfigDefaults()
        for entry in entries {
            let fail = { (message: String) in ConfigFileError(path: path, line: entry.line, message: "\"\(entry.key)\": \(message)") }
            guard keys.contains(entry.key) else {
                throw ConfigFileError(
                    path: path, line: entry.line, message: "unknown setting \"\(entry.key)\"; a config file takes \(keys.joined(separator: ", "))")
            }
            guard let value = entry.text?.trimmingCharacters(in: .whitespaces), !value.isEmpty, !value.contains(where: \.isNewline) else {
                throw fail("needs one value on its line")
            }
            switch entry.key {
            case "engine":
                guard let kind = EngineKind(named: value) else {
                    throw fail("\"\(value)\" is not an engine; use one of \(EngineKind.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                defaults.engine = kind
            case "method": defaults.method = value
            case "basis": defaults.basis = value
            case "python":
                defaults.python = value.contains("/") && !value.hasPrefix("/") ? folder.appendingPathComponent(value).standardizedFileURL.path : value
            case "slots":
                guard let slots = Int(value), (1...4096).contains(slots) else { throw fail("must be a whole number from 1 to 4096") }
                defaults.slots = slots
            default:
                defaults.zones = value.hasPrefix("/") ? URL(fileURLWithPath: value) : folder.appendingPathComponent(value).standardizedFileURL
            }
        }
        if defaults.engine == nil, defaults.method != nil || defaults.basis != nil {
            let line = entries.first { $0.key == "method" || $0.key == "basis" }?.line
            throw ConfigFileError(path: path, line: line, message: "method and basis go with an engine; add \"engine: NAME\" to the file")
        }
        return defaults
    }
}

/// A config file that cannot be used, with the file, line and setting at fault.
public struct ConfigFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The config file.
    public var path: String
    /// Line of the problem, when known.
    public var line: Int?
    /// What is wrong and what to write instead.
    public var message: String

    public var description: String {
        "\(path)\(line.map { ":\($0)" } ?? ""): \(message)."
    }
}
