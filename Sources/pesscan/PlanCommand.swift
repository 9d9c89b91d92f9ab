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

        @OptionGroup(title: "Polyatomic molecules (a library polyatomic such as H2O, or --zmatrix)") var coordinates: CoordinateOptions

        @Option(
            parsing: .unconditional,
            help: ArgumentHelp(
                "Number of points, at least 2 (default 11); for a polyatomic, values per varied coordinate (default 5), or one count each as r=7,theta=5.",
                valueName: "n"))
        var points: PointCountsArgument?

        @Option(help: ArgumentHelp(
            "Polyatomic: total width of each varied coordinate's range around its value (default 0.1 Å for lengths, 10° for angles).",
            valueName: "r=0.1,theta=10"))
        var widths: String?

        @Option(help: "Polyatomic: grid (every combination, default) or composite (centre, corners and face centres: enough for a quadratic with fewer points).")
        var design: GridDesign = .grid

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

        @OptionGroup var engineChoice: EngineChoiceOptions

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
            guard molecule.isGiven || coordinates.zmatrix != nil else {
                throw ValidationError("Give either --molecule NAME or --atoms A,B (with --from/--to), or --zmatrix FILE.")
            }
            for count in points?.allCounts ?? [] {
                guard count >= 2 else { throw ValidationError(ScanSpecError.tooFewPoints(count).description) }
                guard count <= 10_000_000 else { throw ValidationError("--points \(count) is more than 10,000,000.") }
            }
            _ = try CoordinateOptions.values(widths, option: "--widths")
            if (from != nil || to != nil), (center != nil || width != nil) {
                throw ValidationError(ScanSpecError.conflictingRangeOptions.description)
            }
            if (from == nil) != (to == nil) { throw ValidationError("Give both --from and --to.") }
            if force, !replace { throw ValidationError("--force goes with --replace.") }
            if (center == nil) != (width == nil) { throw ValidationError("Give both --center and --width.") }
        }

        /// Whether the zone file (when there is one that reads) has a zone whose programs are found elsewhere (a container, an SSH site).
        static func hasContainerZone(_ file: URL?) -> Bool {
            guard let file, let specs = try? ZoneFile.load(from: file) else { return false }
            return specs.contains { $0.kind == .container || $0.kind == .ssh }
        }

        func run() async throws {
            let config = try store.configuration()
            let engine = config.planEngine(given: try engineChoice.givenEngine())
            var diatomicPoints = 11
            if case .each(let count) = points?.counts { diatomicPoints = count }
            let request = PlanRequest(
                molecule: try molecule.request(), points: diatomicPoints, range: range, scanName: scan,
                engine: EngineSettings(name: engine.kind.rawValue, options: try engineChoice.settingsOptions(defaults: engine.options)),
                replace: replace, force: force,
                coordinates: try coordinates.request(
                    counts: points?.counts ?? .each(5), widths: try CoordinateOptions.values(widths, option: "--widths"), design: design))
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

        /// The range as given: --from/--to, --center/--width, or the molecule's default.
        private var range: RangeRequest {
            if let from, let to { return .fromTo(from, to) }
            if let center, let width { return .centered(center, width: width) }
            return .moleculeDefault
        }

        private func printTable(_ record: ScanRecord) {
            let spec = record.spec
            if let geometry = spec.geometry {
                printPolyatomicTable(spec, geometry: geometry)
                return
            }
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

extension Pesscan.Plan {
    /// The planned polyatomic scan: the molecule, the fixed values, and each point's varied coordinates.
    private func printPolyatomicTable(_ spec: ScanSpec, geometry: PolyatomicGeometry) {
        let points = geometry.pointCoordinates
        let varied = geometry.varied
        print(
            "Planned scan \(spec.name) of \(spec.molecule.name) (\(spec.molecule.atoms.count) atoms, charge \(spec.molecule.charge), "
                + "\(spec.molecule.electronCount) electrons, multiplicity \(spec.molecule.multiplicity)) "
                + "with engine \(spec.engine.name): \(Plural.count(points.count, "point")) varying \(varied.joined(separator: ", ")) in \(store.databasePath)")
        let fixed = geometry.zmatrix.variableNames.filter { !varied.contains($0) }
        if !fixed.isEmpty {
            print("Fixed: " + fixed.map { "\($0) = " + Output.withUnit("\(geometry.referenceValues[$0] ?? .nan)", geometry.unitSymbol(of: $0)) }.joined(separator: ", "))
        }
        guard points.count <= 200 else { return }
        print("point" + varied.map { " " + "\($0) (\(geometry.unitSymbol(of: $0)))".leftPadded(to: 14) }.joined())
        for (index, point) in points.enumerated() {
            print(String(format: "%5d", index) + point.map { " " + String(format: "%14.6f", $0) }.joined())
        }
    }
}

extension String {
    /// The string with spaces in front up to `width` characters.
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
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

    /// The varied coordinates of a polyatomic scan, in the order of each point's `coordinates`.
    var varied: [String]?

    struct PlannedPoint: Encodable {
        var index: Int
        var rAngstrom: Double
        /// The varied coordinates of a polyatomic point, by name (Å, degrees).
        var coordinates: [String: Double]?
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
        varied = spec.geometry?.varied
        let coordinates = spec.geometry.map { geometry in
            geometry.pointCoordinates.map { Dictionary(zip(geometry.varied, $0), uniquingKeysWith: { first, _ in first }) }
        }
        points = spec.bondLengthsAngstrom.enumerated().map { index, r in
            PlannedPoint(index: index, rAngstrom: r, coordinates: coordinates?[index])
        }
    }
}

