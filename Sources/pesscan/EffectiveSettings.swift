import Foundation
import PESCore
import PESDispatch

/// What `pesscan config` prints: the config files looked at, the data folders and every effective setting with its source.
struct EffectiveSettings: Encodable {
    /// One config file, in order of precedence.
    struct ConfigFilePlace: Encodable {
        var path: String
        var exists: Bool
    }

    /// One setting: its value (nil when unset) and where it came from.
    struct Setting: Encodable {
        var name: String
        var value: String?
        /// The source as a person reads it: an option, `$VARIABLE`, a config file's path, `found in the data folders` or `default`.
        var source: String
        /// One word: `option`, `environment`, `config`, `found` or `default`.
        var from: String

        init<T>(_ name: String, _ sourced: Sourced<T>, _ text: (T) -> String?) {
            self.name = name
            value = text(sourced.value)
            source = sourced.source.description
            from = sourced.source.kind
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(name, forKey: .name)
            try container.encode(value, forKey: .value)
            try container.encode(source, forKey: .source)
            try container.encode(from, forKey: .from)
        }

        enum CodingKeys: String, CodingKey { case name, value, source, from }
    }

    var configFiles: [ConfigFilePlace]
    var dataFolders: [String]
    var settings: [Setting]

    /// The settings a command with these store options would use.
    static func report(store: StoreOptions) throws -> EffectiveSettings {
        let (databasePath, isDefault) = StoreOptions.databasePath(option: store.db)
        let config = try store.configuration()
        let environment = Locations.environment
        let database: Sourced<String> =
            store.db?.isEmpty == false ? Sourced(databasePath, .option("--db"))
            : isDefault ? Sourced(databasePath, .builtIn) : Sourced(databasePath, .environment("PESSCAN_DB"))
        let engine = config.value(\.engine) ?? Sourced(.model, .builtIn)
        let engineOption = { (key: KeyPath<ConfigDefaults, String?>) -> Sourced<String?> in
            guard let value = config.value(key) else { return Sourced(nil, .builtIn) }
            return Sourced(value.value, value.source)
        }
        let python: Sourced<String> =
            environment["PESSCAN_PYTHON"].flatMap { $0.isEmpty ? nil : Sourced($0, .environment("PESSCAN_PYTHON")) }
            ?? config.value(\.python) ?? Sourced("python3", .builtIn)
        let slots: Sourced<String> =
            config.value(\.slots).map { Sourced(String($0.value), $0.source) }
            ?? Sourced("\(Zone.coreCount) (the number of cores)", .builtIn)
        let zones: Sourced<String> =
            Locations.zoneFile(option: nil, configured: config.value(\.zones)).map { Sourced($0.value.path, $0.source) }
            ?? Sourced("one local zone", .builtIn)
        let molecules: Sourced<String>
        do {
            molecules = try Locations.moleculeLibrarySource(option: nil).map(\.path)
        } catch {
            molecules = Sourced("not found", .builtIn)
        }
        let templates = Locations.inputsFolderSource.map { $0.appendingPathComponent("engines").path }
        return EffectiveSettings(
            configFiles: config.searched.map { ConfigFilePlace(path: $0.path, exists: FileManager.default.fileExists(atPath: $0.path)) },
            dataFolders: Locations.dataFolders.map(\.standardizedFileURL.path),
            settings: [
                Setting("database", database) { $0 },
                Setting("engine", engine) { $0.rawValue },
                Setting("method", engineOption(\.method)) { $0 },
                Setting("basis", engineOption(\.basis)) { $0 },
                Setting("python", python) { $0 },
                Setting("slots", slots) { $0 },
                Setting("zones", zones) { $0 },
                Setting("molecules", molecules) { $0 },
                Setting("templates", templates) { $0 },
            ])
    }
}

extension Sourced {
    /// The same source with the value transformed.
    func map<T>(_ transform: (Value) -> T) -> Sourced<T> {
        Sourced<T>(transform(value), source)
    }
}
