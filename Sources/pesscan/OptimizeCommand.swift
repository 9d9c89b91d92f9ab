import ArgumentParser
import Foundation
import PESCore
import PESWorkflow

extension Pesscan {
    /// `pesscan optimize`: energy-only geometry optimisation of a polyatomic, each round one parallel batch of points.
    struct Optimize: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Optimise a polyatomic's geometry from energies alone: rounds of independent points, refit, move, shrink.",
            discussion: """
                Each round is one batch of independent points collected across the zones. \
                Rounds 1 and 2 place the fewest points that determine a quadratic in the \
                varied coordinates (the centre, ± a half-width along each, one corner per \
                pair: 6 points for two coordinates; round 2's corners across the last step), \
                later rounds the centre and ± a half-width. Each round fits all points so \
                far at the highest total degree they determine (at most 4), weighted to the \
                round's centre, bonds affine in 1/r, and moves to the fit's minimum (at most \
                4 half-widths). Half-widths start at 0.02 Å and 2° and shrink to a quarter \
                of the step, never below 0.005 Å and 0.5°. It stops when the step is below \
                the tolerance in every coordinate. Every point is stored in the scan \
                (default <molecule>-optimize), so the same command run again after a kill \
                resumes: finished points are not run again.

                Examples:
                  pesscan optimize --molecule H2O --engine pyscf --method rhf --basis cc-pvdz --start r=1.0,theta=110 --json
                  pesscan optimize --zmatrix hcn.zmat --vary rch,rcn --engine xtb
                """)

        @OptionGroup var store: StoreOptions

        @OptionGroup var molecule: MoleculeOptions

        @OptionGroup(title: "Geometry") var coordinates: CoordinateOptions

        @OptionGroup var engineChoice: EngineChoiceOptions

        @Option(help: "Stop when every length moves less than this many ångström.")
        var tolerance: Double = OptimizeRequest.defaultLengthToleranceAngstrom

        @Option(help: "Stop when every angle moves less than this many degrees.")
        var angleTolerance: Double = OptimizeRequest.defaultAngleToleranceDegrees

        @Option(help: "Most rounds to run.")
        var maxRounds: Int = 20

        @Option(help: "Scan the points go to (default: <molecule>-optimize); the same scan again resumes it.")
        var scan: String?

        @Flag(help: "Discard an existing scan of that name that is not this optimisation.")
        var replace = false

        @OptionGroup var zoneOptions: ZoneOptions

        @Flag(help: "Print the outcome as JSON: the final coordinates by name, the energy, the rounds and the energies spent.")
        var json = false

        func validate() throws {
            guard molecule.isGiven || coordinates.zmatrix != nil else {
                throw ValidationError("Name the molecule: --molecule H2O (a polyatomic of the library) or --zmatrix FILE.")
            }
            guard tolerance.isFinite, tolerance > 0 else { throw ValidationError("--tolerance must be a positive number of ångström.") }
            guard angleTolerance.isFinite, angleTolerance > 0 else {
                throw ValidationError("--angle-tolerance must be a positive number of degrees.")
            }
            guard (1...100).contains(maxRounds) else { throw ValidationError("--max-rounds must be between 1 and 100.") }
        }

        func run() async throws {
            let config = try store.configuration()
            let engine = config.planEngine(given: try engineChoice.givenEngine())
            let plan = PlanRequest(
                molecule: try molecule.request(), points: 0, range: .moleculeDefault, scanName: scan,
                engine: EngineSettings(name: engine.kind.rawValue, options: try engineChoice.settingsOptions(defaults: engine.options)),
                replace: replace, coordinates: try coordinates.request(counts: .each(3)))
            let request = OptimizeRequest(
                plan: plan, lengthToleranceAngstrom: tolerance, angleToleranceDegrees: angleTolerance, maximumRounds: maxRounds)
            let database = try store.open(create: true)
            let (record, start, resumed) = try Workflow.run { () throws(WorkflowError) in
                try OptimizeUseCase.scan(for: request, library: try molecule.library(), engines: config.engineCatalog, store: database)
            }
            if resumed, !json { Output.diagnostic("Resuming the optimisation in scan \(record.spec.name): finished points are reused.") }
            let collect = CollectRequest(
                scans: [record.spec.name.rawValue], zones: try zoneOptions.runnableZones(config: config), policy: zoneOptions.policy,
                retryFailed: false, resultsFolder: store.resultsFolder)
            let prepared = try Workflow.run { () throws(WorkflowError) in
                try CollectUseCase.prepare(collect, store: database, engines: config.engineCatalog)
            }
            let optimizer = GeometryOptimizer(
                store: database, collector: prepared.collector, lengthToleranceAngstrom: tolerance,
                angleToleranceDegrees: angleTolerance, maximumRounds: maxRounds)
            let names = record.spec.geometry?.varied ?? []
            let units = names.map { record.spec.geometry?.unitSymbol(of: $0) ?? "" }
            let quiet = json
            let outcome = try await CollectorSetup.interruptible { () async throws(WorkflowError) in
                try await optimizer.run(scan: record, start: start) {
                    if !quiet { Output.diagnostic(OptimizeReportText.round($0, names: names, units: units)) }
                }
            }
            if json {
                try Output.json(OptimizeResult(scan: record.spec.name.rawValue, outcome: outcome))
            } else {
                print(OptimizeReportText.summary(outcome, scan: record.spec.name.rawValue, names: names, units: units))
            }
            if outcome.interrupted { throw ExitCode(ExitStatus.interrupted.rawValue) }
            if !outcome.converged { throw ExitCode(ExitStatus.data.rawValue) }
        }
    }
}

/// The JSON printed by `optimize --json`.
struct OptimizeResult: Encodable {
    var scan: String
    var converged: Bool
    var interrupted: Bool
    /// The final coordinates by name (Å, degrees).
    var coordinates: [String: Double]
    var energyHartree: Double?
    /// Sequential rounds run.
    var roundCount: Int
    /// Energies spent: finished engine calls on the scan.
    var energies: Int
    var rounds: [GeometryOptimizer.Round]

    init(scan: String, outcome: GeometryOptimizer.Outcome) {
        self.scan = scan
        converged = outcome.converged
        interrupted = outcome.interrupted
        coordinates = outcome.coordinates
        energyHartree = outcome.energyHartree
        roundCount = outcome.rounds.count
        energies = outcome.engineCalls
        rounds = outcome.rounds
    }
}

/// The human-readable lines of `optimize`.
enum OptimizeReportText {
    /// The coordinates as `r = 0.946286 Å, theta = 104.6131°`.
    static func values(_ values: [String: Double], names: [String], units: [String], digits: Int = 6) -> String {
        zip(names, units).map { name, unit in
            "\(name) = " + Output.withUnit(Output.fixed(values[name] ?? .nan, digits), unit)
        }.joined(separator: ", ")
    }

    /// One round as it ends, for stderr.
    static func round(_ round: GeometryOptimizer.Round, names: [String], units: [String]) -> String {
        let step = zip(names, units).map { name, unit in
            "\(name) " + Output.withUnit(String(format: "%+.2e", round.step[name] ?? .nan), unit)
        }.joined(separator: ", ")
        return "Round \(round.round): \(Plural.count(round.points, "point")) (\(round.addedPoints) new), "
            + "\(round.engineCalls) energies so far, model E = " + String(format: "%.10f", round.energyHartree) + " Eh, step "
            + step + (round.limited ? " (limited)" : "")
    }

    /// The closing lines: how the optimisation ended and where.
    static func summary(_ outcome: GeometryOptimizer.Outcome, scan: String, names: [String], units: [String]) -> String {
        let state = outcome.converged ? "converged" : (outcome.interrupted ? "was interrupted" : "stopped before converging")
        return "Optimisation \(scan) \(state) after \(Plural.count(outcome.rounds.count, "round")) and "
            + "\(Plural.count(outcome.engineCalls, "energy", plural: "energies")): "
            + values(outcome.coordinates, names: names, units: units)
            + (outcome.energyHartree.map { String(format: ", E = %.10f Eh", $0) } ?? "")
    }
}
