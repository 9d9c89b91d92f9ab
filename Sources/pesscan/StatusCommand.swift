import ArgumentParser
import Foundation
import PESCore
import PESStore
import PESWorkflow

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
            let database = try store.openReadOnly()
            let reports = try Workflow.run { () throws(WorkflowError) in try StatusUseCase.run(StatusRequest(scan: scan), store: database) }
            if json { return try Output.json(reports) }
            if reports.isEmpty { print("No scans in \(store.databasePath).") }
            for report in reports { print(report.table) }
        }
    }
}

extension ScanStatus {
    /// The status as printed for a person.
    var table: String {
        var lines = [
            "\(scan) (\(molecule), engine \(engine)): \(counts.done)/\(counts.total) done, \(counts.running) running, "
                + "\(counts.pending) pending, \(counts.failed) failed"
        ]
        for zone in zones {
            lines.append("  zone \(zone.zone): \(zone.done) done, \(zone.failed) failed attempts" + (zone.other > 0 ? ", \(zone.other) interrupted" : ""))
        }
        for failure in failures {
            lines.append("  failed #\(failure.index) (r = \(Output.fixed(failure.rAngstrom, 5)) Å, \(failure.attempts) attempts): \(failure.error)")
        }
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
