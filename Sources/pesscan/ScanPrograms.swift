import Foundation
import PESCore
import PESEngines
import PESStore
import PESWorkflow

/// The programs the scans of a database run, as their engines name them, for `pesscan zones` to look for in images.
enum ScanPrograms {
    /// Each scan's program (nil for pesscan itself, which the zone maps to its own path), for `scans` or every scan.
    ///
    /// No database is no programs; scans whose engine runs in pesscan are skipped.
    static func named(databasePath: String, scans: [String], engines: EngineCatalog) throws -> [String?] {
        guard FileManager.default.fileExists(atPath: databasePath) else {
            if !scans.isEmpty { throw Failure.report("No database at \(databasePath) to read the scans \(scans.joined(separator: ", ")) from.", status: .unavailable) }
            return []
        }
        var engines = engines
        engines.programLookup = .hostOrImage
        let records = try Workflow.run { () throws(WorkflowError) in
            do throws(StoreError) {
                let store = try ScanStore(path: databasePath, access: .readOnly)
                if scans.isEmpty { return try store.scans() }
                var found: [ScanRecord] = []
                for name in scans { found.append(try store.scan(named: name)) }
                return found
            } catch {
                throw .store(error)
            }
        }
        var programs: [String?] = []
        for record in records {
            guard let engine = try? engines.engine(for: record.spec), engine.runsAsProcess else { continue }
            programs.append((engine as? ProgramEngine)?.launch.program)
        }
        return programs
    }
}
