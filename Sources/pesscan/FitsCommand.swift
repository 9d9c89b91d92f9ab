import ArgumentParser
import Foundation
import PESCore
import PESWorkflow

extension Pesscan {
    /// `pesscan fits`: the fits stored by `fit` and `refine`.
    struct Fits: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the stored fits: when, model, degree, r_e, ω_e and points used.",
            discussion: """
                Every fit and refine of a scan is kept; export --format json holds their full records.

                Examples:
                  pesscan fits
                  pesscan fits --scan AuOg+ --json
                """)

        @OptionGroup var store: StoreOptions

        @Option(help: "Only this scan's fits (default: every scan's).")
        var scan: String?

        @Flag(help: "Print as JSON.")
        var json = false

        func run() throws {
            let database = try store.openReadOnly()
            let fits = try Workflow.run { () throws(WorkflowError) in try FitsUseCase.run(scan: scan, store: database) }
            if json { return try Output.json(fits) }
            guard !fits.isEmpty else { return print("No stored fits\(scan.map { " of scan \($0)" } ?? "") in \(store.databasePath); run pesscan fit.") }
            let time = ISO8601DateFormatter()
            print("scan          stored at              model       degree   r_e (Å)     ω_e (cm⁻¹)   points")
            for fit in fits {
                print(
                    fit.scan.padding(toLength: 12, withPad: " ", startingAt: 0) + "  "
                        + (fit.createdAt.map { time.string(from: $0) } ?? "-").padding(toLength: 21, withPad: " ", startingAt: 0) + "  "
                        + fit.model.padding(toLength: 10, withPad: " ", startingAt: 0)
                        + String(repeating: " ", count: max(0, 7 - (fit.degree.map(String.init) ?? "-").count)) + (fit.degree.map(String.init) ?? "-")
                        + String(format: "  %9.5f  ", fit.rEAngstrom)
                        + (fit.omegaECm1.map { String(format: "%11.3f", $0) } ?? "          -")
                        + String(format: "  %7d", fit.pointsUsed))
            }
        }
    }
}
