import ArgumentParser
import Foundation
import PESCore
import PESStore

/// One scan read from the database for a report: the store, the scan and its points.
struct LoadedScan {
    var database: ScanStore
    var record: ScanRecord
    var points: [ScanPoint]
}

extension StoreOptions {
    /// Opens the database read-only and reads the scan named `name` (default: the most recent) with its points, reporting failures.
    func loadScan(named name: String?) throws -> LoadedScan {
        let database = try openReadOnly()
        do {
            let record = try database.scan(named: name)
            return LoadedScan(database: database, record: record, points: try database.points(ofScan: record.id))
        } catch {
            throw Failure.report(error.commandLineMessage, status: ExitStatus.unavailableOrData(error))
        }
    }

    /// Where a file goes: `--output` as given (relative to the current folder), else `<results folder>/<folder>/<file>`.
    func outputURL(given: String?, folder: String, file: String) -> URL {
        if let given, !given.isEmpty { return URL(fileURLWithPath: given).standardizedFileURL }
        return resultsFolder.appendingPathComponent(folder, isDirectory: true).appendingPathComponent(file)
    }
}

/// Showing result files' paths as the user should read them.
enum OutputFile {
    /// A path as the user should read it: relative to the current folder when inside it.
    static func display(_ url: URL) -> String {
        let here = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).standardizedFileURL.path
        let path = url.standardizedFileURL.path
        return path.hasPrefix(here + "/") ? String(path.dropFirst(here.count + 1)) : path
    }
}
