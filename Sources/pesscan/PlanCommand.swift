import ArgumentParser
import Foundation
import PESCore
import PESDispatch
import PESEngines
import PESStore
import PESWorkflow

extension Pesscan {
    /// `pesscan plan`: writes a scan and its bond-length points into the database; nothing runs yet.
    struct Plan: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Plan a bond-length scan: write its points into the database.",
            discussion: """
                The range is --from/--to or --center/--width in ångström, else the molecule's \
                default from the library. Points are evenly spaced with both ends included. \
                Nothing is written when any value is invalid.

                Examples:
                  pesscan plan --molecule AuOg+ --points 11
                  pesscan plan --molecule H2 --points 15 --from 0.6 --to 0.9 --scan h2-wide
                  pesscan plan --atoms Au,Og --charge 1 --from 2.7 --to 3.0 --engine model-process
                  pesscan plan --molecule H2 --engine pyscf --method rhf --basis cc-pvdz --points 11
                  pesscan plan --molecule HF --engine xtb --option gfn=2
                """)

        @OptionGroup var store: StoreOptions

        @OptionGroup var molecule: MoleculeOptions

        @Option(parsing: .unconditional, help: "Number of points, at least 2.")
        var points: Int = 11

        @Option(parsing: .unconditional, help: "Shortest bond length in ångström.")
        var from: Double?

        @Option(parsing: .unconditional, help: "Longest bond length in ångström.")
        var to: Double?

        @Option(parsing: .unconditional, help: "Centre of the range in ångström (with --width).")
        var center: Double?

        @Option(parsing: .unconditional, help: "Total width of the range in ångström (with --center).")
        var width: Double?

        @Option(help: "Scan name (default: derived from the molecule).")
        var scan: String?

        @Option(help: "Engine: \(EngineCatalog.engineNames.joined(separator: ", ")) (any case; default: engine of the config file, else model).")
        var engine: String?

        @Option(help: "Method, stored as the engine option method (e.g. rhf, dks, x2c-hf for pyscf; scf, dft for nwchem).")
        var method: String?

        @Option(help: "Basis set, stored as the engine option basis (e.g. cc-pvdz).")
        var basis: String?

        @Option(
            name: .customLong("option"),
            help: ArgumentHelp("Engine option key=value, repeatable, e.g. delay_seconds=0.5.", valueName: "key=value"))
        var engineOptions: [String] = []

        @Flag(help: "Replace an existing scan of the same name, discarding its points and results (refused while points of it run).")
        var replace = false

        @Flag(help: "With --replace: replace the scan even while a collect runs its points; their results are then discarded.")
        var force = false

        @Option(help: ArgumentHelp(
            "Zone file collect will use (default as for collect); with a container zone in it the engine's program may be only in the image.",
            valueName: "path"))
        var zones: String?

        @Flag(help: "Print the planned scan as JSON.")
        var json = false

        func validate() throws {
            guard molecule.isGiven else {
                throw ValidationError("Give either --molecule NAME or --atoms A,B (with --from/--to).")
            }
            guard points >= 2 else { throw ValidationError(ScanSpecError.tooFewPoints(points).description) }
            guard points <= 10_000_000 else { throw ValidationError("--points \(points) is more than 10,000,000.") }
            if (from != nil || to != nil), (center != nil || width != nil) {
                throw ValidationError(ScanSpecError.conflictingRangeOptions.description)
            }
            if (from == nil) != (to == nil) { throw ValidationError("Give both --from and --to.") }
            if force, !replace { throw ValidationError("--force goes with --replace.") }
            if (center == nil) != (width == nil) { throw ValidationError("Give both --center and --width.") }
            _ = try givenEngine()
        }

        /// Whether the zone file (when there is one that reads) has a zone whose programs are found elsewhere (a container, an SSH site).
        static func hasContainerZone(_ file: URL?) -> Bool {
            guard let file, let specs = try? ZoneFile.load(from: file) else { return false }
            return specs.contains { $0.kind == .container || $0.kind == .ssh }
        }

        func run() async throws {
            let config = try store.configuration()
            let engine = config.planEngine(given: try givenEngine())
            let request = PlanRequest(
                molecule: try molecule.request(), points: points, range: range, scanName: scan,
                engine: EngineSettings(name: engine.kind.rawValue, options: try engineSettingsOptions(defaults: engine.options)),
                replace: replace, force: force)
            let library = { () throws(MoleculeLibraryError) in try molecule.library() }
            // Nothing is written yet: a bad value is a usage error (exit 64), an unusable library file 69 or 65.
            let spec: ScanSpec
            var engines = config.engineCatalog
            if Self.hasContainerZone(Locations.zoneFile(option: zones, configured: config.value(\.zones))?.value) {
                engines.programLookup = .hostOrImage
            }
            do {
                let checked = try PlanUseCase.spec(for: request, library: try library(), engines: engines)
                spec = checked.spec
                if let program = checked.programMissingOnHost {
                    Output.diagnostic(
                        "Note: \(program) is not on this machine, so only container zones can run this scan; "
                            + "each looks it up in its image (`pesscan zones` checks).")
                }
            } catch {
                throw error.beforeWriting
            }
            let database = try store.open(create: true)
            let record = try await Workflow.run { () async throws(WorkflowError) in
                try await PlanUseCase.run(request, spec: spec, store: database, resultsFolder: store.resultsFolder)
            }
            if json {
                try Output.json(PlannedScan(record: record, database: store.databasePath))
            } else {
                printTable(record)
            }
        }

        /// The engine named by --engine (any case), or nil; an unknown name is a usage error suggesting the nearest.
        private func givenEngine() throws -> EngineKind? {
            guard let engine else { return nil }
            guard let kind = EngineKind(named: engine) else {
                throw ValidationError(EngineSetupError.unknownEngine(engine, known: EngineCatalog.engineNames).description)
            }
            return kind
        }

        /// The range as given: --from/--to, --center/--width, or the molecule's default.
        private var range: RangeRequest {
            if let from, let to { return .fromTo(from, to) }
            if let center, let width { return .centered(center, width: width) }
            return .moleculeDefault
        }

        /// The `--option` pairs with `--method` and `--basis` folded in (a value given both ways must agree), then the config's `defaults` where unset.
        private func engineSettingsOptions(defaults: [String: String]) throws -> [String: String] {
            var options = try Self.parseOptions(engineOptions)
            for (key, value) in [("method", method), ("basis", basis)] {
                guard let value else { continue }
                if let given = options[key], given != value {
                    throw ValidationError("--\(key) \(value) disagrees with --option \(key)=\(given); give one.")
                }
                options[key] = value
            }
            for (key, value) in defaults where options[key] == nil { options[key] = value }
            return options
        }

        static func parseOptions(_ pairs: [String]) throws -> [String: String] {
            var options: [String: String] = [:]
            for pair in pairs {
                let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2, !parts[0].isEmpty else {
                    throw ValidationError("--option takes key=value; got \"\(pair)\".")
                }
                options[parts[0]] = parts[1]
            }
            return options
        }

        private func printTable(_ record: ScanRecord) {
            let spec = record.spec
            let rs = spec.bondLengthsAngstrom
            print(
                "Planned scan \(spec.name) of \(spec.molecule.name) (charge \(spec.molecule.charge), "
                    + "\(spec.molecule.electronCount) electrons, multiplicity \(spec.molecule.multiplicity)) "
                    + "with engine \(spec.engine.name): \(Plural.count(rs.count, "point")) from \(Output.fixed(rs.first ?? 0, 4)) "
                    + "to \(Output.fixed(rs.last ?? 0, 4)) Å in \(store.databasePath)")
            if let constants = spec.modelConstants, spec.engine.name.hasPrefix("model") {
                print("Model: Morse curve from \(constants.source)" + (constants.assumptions.map { "; assumed: \($0)" } ?? ""))
            }
            guard rs.count <= 200 else { return }
            print("point       r (Å)    r (bohr)")
            for (index, r) in rs.enumerated() {
                print(String(format: "%6d  %10.5f  %10.5f", index, r, r * PhysicalConstants.angstromInBohr))
            }
        }
    }
}

/// The JSON printed by `plan --json`.
struct PlannedScan: Encodable {
    var scan: String
    var molecule: String
    var charge: Int
    var multiplicity: Int
    var electrons: Int
    var engine: String
    var engineOptions: [String: String]
    var database: String
    var points: [PlannedPoint]

    struct PlannedPoint: Encodable {
        var index: Int
        var rAngstrom: Double
    }

    init(record: ScanRecord, database: String) {
        let spec = record.spec
        scan = spec.name.rawValue
        molecule = spec.molecule.name
        charge = spec.molecule.charge
        multiplicity = spec.molecule.multiplicity
        electrons = spec.molecule.electronCount
        engine = spec.engine.name
        engineOptions = spec.engine.options
        self.database = database
        points = spec.bondLengthsAngstrom.enumerated().map { PlannedPoint(index: $0.offset, rAngstrom: $0.element) }
    }
}

