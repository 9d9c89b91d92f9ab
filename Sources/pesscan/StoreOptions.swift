import ArgumentParser
import Foundation
import PESStore

/// The `--db` option every command shares.
struct StoreOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "SQLite database file (default: $PESSCAN_DB, else Results/pesscan.sqlite); its folder must exist.", valueName: "path"))
    var db: String?

    /// The default database, whose folder `Results/` is the only one pesscan creates by itself.
    static let defaultDatabasePath = "Results/pesscan.sqlite"

    /// The database path chosen by `option`, else `$PESSCAN_DB`, else the default; `isDefault` when neither was given.
    static func databasePath(option: String?) -> (path: String, isDefault: Bool) {
        if let option, !option.isEmpty { return (option, false) }
        if let fromEnvironment = Locations.environment["PESSCAN_DB"], !fromEnvironment.isEmpty { return (fromEnvironment, false) }
        return (defaultDatabasePath, true)
    }

    /// The database path chosen by option, environment or default.
    var databasePath: String { Self.databasePath(option: db).path }

    /// The folder holding the database; work directories go under it.
    var resultsFolder: URL {
        URL(fileURLWithPath: databasePath).standardizedFileURL.deletingLastPathComponent()
    }

    /// The config files for this database, beside it first (`pesscan.yaml`), then the user's.
    func configuration() throws -> Configuration {
        try Configuration.load(databasePath: databasePath)
    }

    /// Opens the database for reading and writing, turning a failure into a printed error and exit status.
    func open(create: Bool) throws -> ScanStore {
        try open(access: .readWrite(create: create))
    }

    /// Opens the database for reading only (no migration, not a byte written; fine on a read-only file or mount).
    func openReadOnly() throws -> ScanStore {
        try open(access: .readOnly)
    }

    /// Opens the database as `access` says, turning a failure into a printed error and exit status.
    private func open(access: StoreAccess) throws -> ScanStore {
        try checkPlace()
        do {
            return try ScanStore(path: databasePath, access: access)
        } catch {
            throw Failure.report(error.commandLineMessage, status: .unavailableOrData(error))
        }
    }

    /// Refuses (exit 69, nothing created) a database path that is a folder, or whose folder is missing unless it is the default `Results/`.
    private func checkPlace() throws {
        let (path, isDefault) = Self.databasePath(option: db)
        let given = db?.isEmpty == false ? "--db \(path)" : isDefault ? path : "$PESSCAN_DB \(path)"
        let manager = FileManager.default
        var isFolder: ObjCBool = false
        if manager.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
            throw Failure.report(
                "\(given) is a folder, not a database file; give a file in it, e.g. --db \(URL(fileURLWithPath: path).appendingPathComponent("pesscan.sqlite").relativePath).",
                status: .unavailable)
        }
        guard !isDefault else { return }
        let folder = URL(fileURLWithPath: path).standardizedFileURL.deletingLastPathComponent().path
        if !manager.fileExists(atPath: folder, isDirectory: &isFolder) {
            throw Failure.report(
                "The folder \(folder) of \(given) does not exist; nothing was created. Create it first (mkdir -p \(folder)) or give another --db.",
                status: .unavailable)
        }
        if !isFolder.boolValue {
            throw Failure.report("\(folder) in \(given) is a file, not a folder; give another --db.", status: .unavailable)
        }
    }
}
