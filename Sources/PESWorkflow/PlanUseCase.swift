import Foundation
import PESCore
import PESEngines
import PESStore

/// Which bond lengths a scan covers: a range in ångström, or the molecule's default range.
public enum RangeRequest: Sendable, Hashable {
    /// From `from` to `to` Å, both ends included.
    case fromTo(Double, Double)
    /// `width` Å wide around `center` Å.
    case centered(Double, width: Double)
    /// The library's default range for the molecule.
    case moleculeDefault
}

/// What `plan` is asked for.
public struct PlanRequest: Sendable, Hashable {
    public var molecule: MoleculeRequest
    /// Number of points, both ends included.
    public var points: Int
    public var range: RangeRequest
    /// Scan name; nil derives one from the molecule.
    public var scanName: String?
    public var engine: EngineSettings
    /// Discard an existing scan of the same name.
    public var replace: Bool
    /// With `replace`, even while points of it run.
    public var force: Bool
    /// How a polyatomic scan's points are laid out (used when the molecule is a library polyatomic or a Z-matrix is given); nil: the defaults.
    public var coordinates: CoordinateScanRequest?

    public init(
        molecule: MoleculeRequest, points: Int, range: RangeRequest, scanName: String?, engine: EngineSettings,
        replace: Bool = false, force: Bool = false, coordinates: CoordinateScanRequest? = nil
    ) {
        self.coordinates = coordinates
        self.molecule = molecule
        self.points = points
        self.range = range
        self.scanName = scanName
        self.engine = engine
        self.replace = replace
        self.force = force
    }
}

/// A planned scan's specification, its engine checked, and what the check could not settle.
public struct CheckedSpec: Sendable {
    /// The scan specification.
    public var spec: ScanSpec
    /// The engine's program when it is not on this machine (allowed with container zones, whose images are checked at collect).
    public var programMissingOnHost: String?
}

/// `plan`: checks the molecule, range and engine, then writes the scan and its pending points; nothing runs.
public enum PlanUseCase {
    /// The scan specification a request describes, its engine checked (the engine is built once, here, to validate it).
    ///
    /// With `engines.programLookup` ``ProgramLookup/hostOrImage`` (container zones configured) a program
    /// missing here is not an error; the result names it.
    public static func spec(
        for request: PlanRequest, library: @autoclosure () throws(MoleculeLibraryError) -> MoleculeLibrary, engines: EngineCatalog
    ) throws(WorkflowError) -> CheckedSpec {
        let spec: ScanSpec
        if let polyatomic = try polyatomicSpec(for: request, library: try library()) {
            spec = polyatomic
        } else {
            spec = try diatomicSpec(for: request, library: try library())
        }
        let engine: any Engine
        do {
            engine = try engines.engine(for: spec)
        } catch {
            throw .engineSetup(scan: spec.name.rawValue, error)
        }
        return CheckedSpec(spec: spec, programMissingOnHost: engine.programMissingOnHost)
    }

    /// A polyatomic scan's spec, when the request gives coordinates or names a polyatomic of the library; nil otherwise.
    ///
    /// Without `withPoints` the spec has no points yet (an optimisation adds its own, round by round).
    public static func polyatomicSpec(
        for request: PlanRequest, library: @autoclosure () throws(MoleculeLibraryError) -> MoleculeLibrary, withPoints: Bool = true
    ) throws(WorkflowError) -> ScanSpec? {
        var entry: LibraryPolyatomic?
        if let name = request.molecule.libraryName {
            do {
                entry = try library().polyatomicEntry(named: name)
            } catch {
                throw .library(error)
            }
        }
        let coordinates = request.coordinates ?? CoordinateScanRequest(counts: .each(request.points))
        guard entry != nil || coordinates.zmatrixText != nil else {
            guard !coordinates.asksForCoordinates else {
                throw .coordinates(
                    "--vary, --start, --widths, --design and --points name=count plan a polyatomic scan: name a polyatomic of the library "
                        + "(e.g. --molecule H2O, see pesscan molecules) or give --zmatrix FILE.")
            }
            return nil
        }
        var geometry = try coordinates.geometry(library: entry)
        let molecule = try request.molecule.polyatomic(symbols: geometry.zmatrix.symbols, entry: entry)
        if withPoints { geometry.pointCoordinates = try coordinates.points(of: geometry) }
        let name: ScanName
        do {
            name = try request.scanName.map(ScanName.init) ?? ScanName.derived(fromMolecule: molecule.name)
        } catch {
            throw .scan(error)
        }
        return ScanSpec(
            name: name, molecule: molecule, engine: request.engine, modelConstants: nil,
            bondLengthsAngstrom: geometry.pointCoordinates.compactMap(\.first), geometry: geometry)
    }

    /// A diatomic's bond-length scan spec.
    static func diatomicSpec(
        for request: PlanRequest, library: @autoclosure () throws(MoleculeLibraryError) -> MoleculeLibrary
    ) throws(WorkflowError) -> ScanSpec {
        let (molecule, entry) = try request.molecule.resolve(in: try library())
        do throws(ScanSpecError) {
            let range: ClosedRange<Double>
            switch request.range {
            case .fromTo(let from, let to): range = try BondLengthRange.validated(from: from, to: to)
            case .centered(let center, let width): range = try BondLengthRange.centred(at: center, width: width)
            case .moleculeDefault:
                guard let defaultRange = entry?.defaultRangeAngstrom else { throw ScanSpecError.missingRange(molecule.name) }
                range = defaultRange
            }
            let name: ScanName
            if let given = request.scanName { name = try ScanName(given) } else { name = ScanName.derived(fromMolecule: molecule.name) }
            return ScanSpec(
                name: name, molecule: molecule, engine: request.engine, modelConstants: entry?.constants,
                bondLengthsAngstrom: try BondLengthRange.evenlySpaced(range, count: request.points))
        } catch {
            throw .scan(error)
        }
    }

    /// Writes the planned scan, replacing one of the same name when asked (cancelling its batch jobs first when forced).
    public static func run(
        _ request: PlanRequest, spec: ScanSpec, store: ScanStore, resultsFolder: URL
    ) async throws(WorkflowError) -> ScanRecord {
        if request.replace, request.force {
            _ = try await CancelUseCase.cancelBatchJobs(ofScanNamed: spec.name.rawValue, store: store, resultsFolder: resultsFolder)
        }
        do {
            return try store.createScan(spec, replace: request.replace, force: request.force)
        } catch {
            throw .store(error)
        }
    }
}
