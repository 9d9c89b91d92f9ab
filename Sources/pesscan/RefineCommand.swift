import ArgumentParser
import Foundation
import PESWorkflow

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

        @OptionGroup var curve: CurveOptions

        @OptionGroup var zoneOptions: ZoneOptions

        @Flag(help: "Print the rounds as JSON.")
        var json = false

        func validate() throws {
            guard tolerance.isFinite, tolerance > 0 else { throw ValidationError("--tolerance must be a positive number of ångström.") }
            guard (1...100).contains(maxRounds) else { throw ValidationError("--max-rounds must be between 1 and 100.") }
            _ = try curve.curveModel(defaultModel: "local")
        }

        func run() async throws {
            let database = try store.open(create: false)
            let request: RefineRequest
            do {
                request = RefineRequest(
                    scan: try ScanSelection.record(named: scan, in: database), model: try curve.curveModel(defaultModel: "local"),
                    toleranceAngstrom: tolerance, maximumRounds: maxRounds)
            } catch let error as WorkflowError {
                throw error.reported
            }
            let config = try store.configuration()
            let collect = CollectRequest(
                scans: [request.scan.spec.name.rawValue], zones: try zoneOptions.runnableZones(config: config), policy: zoneOptions.policy,
                retryFailed: false, resultsFolder: store.resultsFolder)
            let prepared = try Workflow.run { () throws(WorkflowError) in
                try CollectUseCase.prepare(collect, store: database, engines: config.engineCatalog)
            }
            let refine = RefineUseCase(store: database, collector: prepared.collector)
            let quiet = json
            let outcome = try await CollectorSetup.interruptible { () async throws(WorkflowError) in
                try await refine.run(request) { if !quiet { Output.diagnostic(RefineReportText.round($0)) } }
            }
            if json {
                try Output.json(outcome)
            } else {
                print(RefineReportText.summary(outcome, scan: request.scan.spec.name.rawValue, tolerance: tolerance))
            }
            if outcome.interrupted { throw ExitCode(ExitStatus.interrupted.rawValue) }
            if !outcome.converged { throw ExitCode(ExitStatus.data.rawValue) }
        }
    }
}

/// The human-readable lines of `refine`.
enum RefineReportText {
    /// One round as it ends, for stderr.
    static func round(_ round: Refiner.Round) -> String {
        let change = round.changeAngstrom.map { String(format: "Δr_e %.2e Å", $0) } ?? "first fit"
        let added = round.added.map { String(format: "%.5f", $0) }.joined(separator: ", ")
        return "Round \(round.round): \(round.engineCalls) engine calls, \(round.pointsUsed) points, "
            + String(format: "r_e = %.6f Å, ", round.rEquilibriumAngstrom) + change
            + (added.isEmpty ? "" : "; adding \(added) Å")
    }

    /// The closing line: how the refinement ended and where r_e is.
    static func summary(_ outcome: Refiner.Outcome, scan: String, tolerance: Double) -> String {
        let last = outcome.rounds.last
        let state = outcome.converged ? "converged" : (outcome.interrupted ? "interrupted" : "stopped before converging")
        return "Refinement of \(scan) \(state) after \(outcome.rounds.count) rounds and \(last?.engineCalls ?? 0) engine calls: "
            + String(format: "r_e = %.6f Å", outcome.rEquilibriumAngstrom ?? .nan)
            + (last?.changeAngstrom.map { String(format: " (last change %.1e Å, tolerance %.1e Å)", $0, tolerance) } ?? "")
    }
}
