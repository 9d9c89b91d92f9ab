import PESCore
import PESDispatch
import PESEngines
import PESStore

/// What `optimize` is asked for: the molecule and engine as for `plan`, where to start, when to stop.
public struct OptimizeRequest: Sendable {
    /// The scan the optimisation's points go to: molecule, Z-matrix, varied coordinates and start values, engine, name.
    public var plan: PlanRequest
    /// Stop when every length moves less than this, in ångström.
    public var lengthToleranceAngstrom: Double
    /// Stop when every angle moves less than this, in degrees.
    public var angleToleranceDegrees: Double
    /// Most rounds to run.
    public var maximumRounds: Int

    public init(plan: PlanRequest, lengthToleranceAngstrom: Double, angleToleranceDegrees: Double, maximumRounds: Int) {
        self.plan = plan
        self.lengthToleranceAngstrom = lengthToleranceAngstrom
        self.angleToleranceDegrees = angleToleranceDegrees
        self.maximumRounds = maximumRounds
    }

    /// Default length tolerance: 1e-4 Å.
    public static let defaultLengthToleranceAngstrom = 1e-4
    /// Default angle tolerance: 0.01°.
    public static let defaultAngleToleranceDegrees = 0.01
}

/// `optimize`: plans (or finds again) the optimisation's scan, then runs the rounds of ``GeometryOptimizer``.
public enum OptimizeUseCase {
    /// The optimisation's scan: created empty, or the existing one of that name when it is the same optimisation (to resume it).
    ///
    /// An existing scan of the name with another molecule, Z-matrix, varied
    /// coordinates or engine is replaced only with `replace`.
    public static func scan(
        for request: OptimizeRequest, library: @autoclosure () throws(MoleculeLibraryError) -> MoleculeLibrary,
        engines: EngineCatalog, store: ScanStore
    ) throws(WorkflowError) -> (record: ScanRecord, start: [Double], resumed: Bool) {
        let plan = request.plan
        guard var spec = try PlanUseCase.polyatomicSpec(for: plan, library: try library(), withPoints: false),
              let geometry = spec.geometry
        else {
            throw .coordinates("optimize works on polyatomic molecules: name one of the library (e.g. --molecule H2O) or give --zmatrix FILE.")
        }
        if plan.scanName == nil {
            do {
                spec.name = try ScanName("\(spec.molecule.name)-optimize")
            } catch {
                throw .scan(error)
            }
        }
        // The start is stored as the reference values, so a run that resumes the scan starts where it did.
        let start = geometry.varied.compactMap { geometry.referenceValues[$0] }
        do {
            _ = try engines.engine(for: spec)
        } catch {
            throw .engineSetup(scan: spec.name.rawValue, error)
        }
        let existing: ScanRecord?
        do {
            existing = try store.scan(named: spec.name.rawValue)
        } catch {
            guard case .unknownScan = error else { throw .store(error) }
            existing = nil
        }
        if let existing {
            if existing.spec.withoutPoints == spec, !plan.replace { return (existing, start, true) }
            guard plan.replace else {
                throw .coordinates(
                    "A scan named \(spec.name) exists and is not this optimisation (another molecule, start, coordinates or engine); "
                        + "give --scan NAME for a new one, or --replace to discard it.")
            }
        }
        do {
            return (try store.createScan(spec, replace: plan.replace, force: plan.force), start, false)
        } catch {
            throw .store(error)
        }
    }
}
