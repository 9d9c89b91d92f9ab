import ArgumentParser
import Foundation
import PESCore
import PESStore

extension Pesscan {
    /// `pesscan status`: how far each scan is, and its points.
    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show each scan's points by state, or one scan's points in detail.",
            discussion: """
                Examples:
                  pesscan status
                  pesscan status --scan AuOg+
                  pesscan status --json
                """)

        @OptionGroup var store: StoreOptions

        @Option(help: "Show the points of this scan.")
        var scan: String?

        @Flag(help: "Print as JSON.")
        var json = false

        func run() throws {
            let database = try store.open(create: false)
            do {
                let scans = try scan.map { [try database.scan(named: $0)] } ?? database.scans()
                var reports: [ScanStatus] = []
                for record in scans {
                    reports.append(
                        ScanStatus(
                            scan: record.spec.name.rawValue, molecule: record.spec.molecule.name,
                            engine: record.spec.engine.name, counts: try database.stateCounts(ofScan: record.id),
                            points: scan == nil ? nil : try database.points(ofScan: record.id)))
                }
                if json {
                    try Output.json(reports)
                    return
                }
                if reports.isEmpty { print("No scans in \(store.databasePath).") }
                for report in reports { print(report.table) }
            } catch let error as StoreError {
                throw Failure.report(error.description, status: ExitStatus.unavailableOrData(error))
            }
        }
    }
}

/// One scan's progress as printed by `status`.
struct ScanStatus: Encodable {
    var scan: String
    var molecule: String
    var engine: String
    var counts: StateCounts
    var points: [ScanPoint]?

    var table: String {
        var lines = [
            "\(scan) (\(molecule), engine \(engine)): \(counts.done)/\(counts.total) done, \(counts.running) running, "
                + "\(counts.pending) pending, \(counts.failed) failed"
        ]
        for point in points ?? [] {
            var line = "  #\(point.index)  r = \(Output.fixed(point.rAngstrom, 5)) Å  \(point.state.rawValue)"
            if let energy = point.energyHartree { line += "  E = \(String(format: "%.10f", energy)) Eh" }
            if let zone = point.zone { line += "  zone \(zone)" }
            if let host = point.host { line += " on \(host)" }
            if point.attemptCount > 1 { line += "  (\(point.attemptCount) attempts)" }
            if let error = point.error { line += "  error: \(error)" }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }
}
