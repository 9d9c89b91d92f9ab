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
                + "\(counts.pending) pending, \(counts.failed) failed" + (counts.unconverged > 0 ? ", \(counts.unconverged) unconverged" : "")
        ]
        for zone in zones {
            lines.append(
                "  zone \(zone.zone): \(zone.done) done, \(Plural.count(zone.failed, "failed attempt"))"
                    + (zone.other > 0 ? ", \(zone.other) interrupted" : ""))
        }
        for group in failureGroups {
            if group.indices.count == 1, let failure = failures.first(where: { $0.index == group.indices.first }) {
                lines.append(
                    "  failed #\(failure.index) (\(place(rAngstrom: failure.rAngstrom, coordinates: failure.coordinates)), \(Plural.count(failure.attempts, "attempt"))): "
                        + failure.error)
            } else {
                lines.append("  \(Plural.count(group.indices.count, "point")) failed (\(Self.indexList(group.indices))): \(group.reason)")
            }
        }
        for point in points ?? [] {
            var line = "  #\(point.index)  \(place(rAngstrom: point.rAngstrom, coordinates: point.coordinates))  \(point.state.rawValue)"
            if let energy = point.energyHartree { line += "  E = \(String(format: "%.10f", energy)) Eh" }
            if let converged = point.converged { line += converged ? "  converged" : "  UNCONVERGED" }
            if let zone = point.zone { line += "  zone \(zone)" }
            if let host = point.host { line += " on \(host)" }
            if point.attemptCount > 1 { line += "  (\(point.attemptCount) attempts)" }
            if let error = point.error { line += "  error: \(error)" }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }

    /// Where a point is: `r = 0.74000 Å` for a diatomic, `r = 0.95780 Å, theta = 104.47760°` for a polyatomic.
    func place(rAngstrom: Double, coordinates values: [Double]?) -> String {
        guard let coordinates, let values else { return "r = \(Output.fixed(rAngstrom, 5)) Å" }
        return zip(coordinates, values).map { coordinate, value in
            "\(coordinate.name) = " + Output.withUnit(Output.fixed(value, 5), coordinate.unit)
        }.joined(separator: ", ")
    }

    /// Point indices as `#0–#10` runs: `#0–#3, #7`.
    static func indexList(_ indices: [Int]) -> String {
        var runs: [String] = []
        var start = indices.first
        for (i, index) in indices.enumerated() {
            guard let first = start else { break }
            let next = i + 1 < indices.count ? indices[i + 1] : nil
            if next != index + 1 {
                runs.append(first == index ? "#\(index)" : "#\(first)–#\(index)")
                start = next
            }
        }
        return runs.joined(separator: ", ")
    }
}
