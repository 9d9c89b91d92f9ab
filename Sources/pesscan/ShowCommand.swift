import ArgumentParser
import Foundation
import PESCore
import PESWorkflow

extension Pesscan {
    /// `pesscan show`: one scan's points as a table, energies relative to the lowest point.
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a scan's points as a table: r, E, ΔE from the lowest point in kcal/mol and cm⁻¹, zone, wall time.",
            discussion: """
                Examples:
                  pesscan show
                  pesscan show --scan AuOg+ --json
                """)

        @OptionGroup var store: StoreOptions

        @Option(help: "The scan to show (default: the most recently planned).")
        var scan: String?

        @Flag(help: "Print as JSON.")
        var json = false

        func run() throws {
            let database = try store.openReadOnly()
            let table = try Workflow.run { () throws(WorkflowError) in try ShowUseCase.run(scan: scan, store: database) }
            if json { return try Output.json(table) }
            print(table.text)
        }
    }
}

extension ScanTable {
    /// The table as printed for a person, in the manner of ORCA's relaxed-scan summary.
    var text: String {
        let options = engineOptions.keys.sorted().map { "\($0)=\(engineOptions[$0] ?? "")" }.joined(separator: " ")
        var lines = [
            "Scan \(scan) (\(molecule), engine \(engine)\(options.isEmpty ? "" : " " + options)): \(Plural.count(points.count, "point"))",
            " index      r (Å)          E (Eh)   ΔE (kcal/mol)    ΔE (cm⁻¹)  conv  zone          wall (s)",
        ]
        for row in points {
            let energy = row.energyHartree.map { String(format: "%15.10f", $0) } ?? String(repeating: " ", count: 8) + row.state.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0)
            let kcal = row.deltaKcalPerMol.map { String(format: "%14.6f", $0) } ?? String(repeating: " ", count: 14)
            let cm1 = row.deltaCm1.map { String(format: "%12.3f", $0) } ?? String(repeating: " ", count: 12)
            let converged = row.converged.map { $0 ? "yes" : "NO" } ?? "-"
            let wall = row.wallSeconds.map { String(format: "%9.2f", $0) } ?? "        -"
            lines.append(
                String(format: "%6d  %10.5f  ", row.index, row.rAngstrom) + energy + "  " + kcal + " " + cm1 + "  "
                    + converged.padding(toLength: 4, withPad: " ", startingAt: 0) + "  "
                    + (row.zone ?? "-").padding(toLength: 12, withPad: " ", startingAt: 0) + wall
                    + (row.index == lowestIndex ? "  ← lowest" : ""))
        }
        return lines.joined(separator: "\n")
    }
}
