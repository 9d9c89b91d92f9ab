import ArgumentParser
import Foundation
import PESDispatch
import PESFit
import PESStore

extension Pesscan {
    /// `pesscan refine`: adds points where they sharpen r_e, collects and refits until r_e stops moving.
    struct Refine: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Refine a scan adaptively: add points around the minimum until r_e moves less than --tolerance.",
            discussion: """
                Each round collects the scan's pending points, fits (by default Psi4's localised \
                quartic), and adds a pair of points at r_e ± h, h half the gap from r_e to its \
                nearest point, inside the scanned range. Start from a coarse scan (5 points is \
                enough) to spend fewer engine calls than a fine uniform one.

                Example:
                  pesscan plan --molecule AuOg+ --points 5 --scan auog-adaptive
                  pesscan refine --scan auog-adaptive --tolerance 1e-4
                """)

        @OptionGroup var store: StoreOptions

        @Option(help: "Scan to refine (default: the most recently planned).")
        var scan: String?

        @Option(help: "Stop when r_e moves less than this many ångström between rounds.")
        var tolerance: Double = 1e-4

        @Option(help: "Most rounds to run.")
        var maxRounds: Int = 10

        @Option(help: "Curve fitted each round: local, polynomial or morse.")
        var model: String = "local"

        @Option(help: "Polynomial degree for --model polynomial or local.")
        var degree: Int = 4

        @OptionGroup var zoneOptions: ZoneOptions

        @Flag(help: "Print the rounds as JSON.")
        var json = false

        func validate() throws {
            guard tolerance.isFinite, tolerance > 0 else { throw ValidationError("--tolerance must be a positive number of ångström.") }
            guard (1...100).contains(maxRounds) else { throw ValidationError("--max-rounds must be between 1 and 100.") }
            guard (2...12).contains(degree) else { throw ValidationError("--degree must be between 2 and 12.") }
            _ = try curveModel()
        }

        func curveModel() throws -> CurveModel {
            switch model.lowercased() {
            case "local": return .localized(degree: degree, weighted: true)
            case "polynomial": return .polynomial(degree: degree)
            case "morse": return .morse
            default: throw ValidationError("--model must be local, polynomial or morse; got \(model).")
            }
        }

        func run() async throws {
            let database = try store.open(create: false)
            let record: ScanRecord
            do {
                record = try database.scan(named: scan)
            } catch {
                throw Failure.report(error.description, status: ExitStatus.unavailableOrData(error))
            }
            let collector = try CollectorSetup.collector(
                database: database, scans: [record], zones: zoneOptions, resultsFolder: store.resultsFolder)
            let refiner = Refiner(
                store: database, collector: collector, model: try curveModel(), toleranceAngstrom: tolerance, maximumRounds: maxRounds)
            let quiet = json
            let outcome = try await CollectorSetup.interruptible {
                try await refiner.run(scan: record) { round in
                    guard !quiet else { return }
                    let change = round.changeAngstrom.map { String(format: "Δr_e %.2e Å", $0) } ?? "first fit"
                    let added = round.added.map { String(format: "%.5f", $0) }.joined(separator: ", ")
                    Output.diagnostic(
                        "Round \(round.round): \(round.engineCalls) engine calls, \(round.pointsUsed) points, "
                            + String(format: "r_e = %.6f Å, ", round.rEquilibriumAngstrom) + change
                            + (added.isEmpty ? "" : "; adding \(added) Å"))
                }
            }
            if json {
                try Output.json(outcome)
            } else {
                let last = outcome.rounds.last
                let state = outcome.converged ? "converged" : (outcome.interrupted ? "interrupted" : "stopped before converging")
                print(
                    "Refinement of \(record.spec.name) \(state) after \(outcome.rounds.count) rounds and \(last?.engineCalls ?? 0) engine calls: "
                        + String(format: "r_e = %.6f Å", outcome.rEquilibriumAngstrom ?? .nan)
                        + (last?.changeAngstrom.map { String(format: " (last change %.1e Å, tolerance %.1e Å)", $0, tolerance) } ?? ""))
            }
            if outcome.interrupted { throw ExitCode(ExitStatus.interrupted.rawValue) }
            if !outcome.converged { throw ExitCode(ExitStatus.data.rawValue) }
        }
    }
}
