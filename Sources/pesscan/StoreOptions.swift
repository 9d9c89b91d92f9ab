import ArgumentParser
import Foundation
import PESStore

/// The `--db` option every command shares.
struct StoreOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "SQLite database file (default: $PESSCAN_DB, else Results/pesscan.sqlite).", valueName: "path"))
    var db: String?

    /// The database path chosen by option, environment or default.
    var databasePath: String {
        if let db, !db.isEmpty { return db }
        if let fromEnvironment = ProcessInfo.processInfo.environment["PESSCAN_DB"], !fromEnvironment.isEmpty {
            return fromEnvironment
        }
        return "Results/pesscan.sqlite"
    }

    /// The folder holding the database; work directories go under it.
    var resultsFolder: URL {
        URL(fileURLWithPath: databasePath).standardizedFileURL.deletingLastPathComponent()
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
        do {
            return try ScanStore(path: databasePath, access: access)
        } catch {
            throw Failure.report(error.commandLineMessage, status: .unavailableOrData(error))
        }
    }
}
