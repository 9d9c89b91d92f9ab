import PESCore
import PESFit
import PESStore

/// What `fit` found for a polyatomic scan: the surface, its stationary point and, from its Hessian, the harmonic modes.
public struct SurfaceFitReport: Sendable, Codable {
    /// One harmonic mode with its degeneracy.
    public struct Mode: Sendable, Codable {
        /// Harmonic wavenumber in cm⁻¹; negative for an imaginary one.
        public var wavenumberPerCentimetre: Double
        /// 2 for the bend of a linear molecule, whose perpendicular twin has the same wavenumber by symmetry; else 1.
        public var degeneracy: Int
        /// Fraction of the mode's potential energy in each varied coordinate.
        public var composition: [String: Double]
    }

    /// The scan fitted.
    public var scan: String
    /// The molecule's name.
    public var molecule: String
    /// The varied coordinates, in fit order.
    public var coordinates: [String]
    /// Unit of each coordinate: `angstrom` or `degree`.
    public var units: [String: String]
    /// Total degree of the polynomial.
    public var degree: Int
    /// Points fitted, and points left out (not done, failed or unconverged).
    public var pointsUsed: Int
    public var pointsExcluded: Int
    /// Root-mean-square and largest residual in hartree.
    public var rmsResidualHartree: Double
    public var maxAbsResidualHartree: Double
    /// Condition number of the scaled design matrix.
    public var conditionNumber: Double
    /// The stationary point's coordinates by name (Å, degrees).
    public var stationaryPoint: [String: Double]
    /// Their standard errors from the fit's covariance, when the fit has degrees of freedom left.
    public var standardErrors: [String: Double]?
    /// The model energy at the stationary point in hartree, with its standard error.
    public var energyHartree: Double
    public var energyStandardErrorHartree: Double?
    /// Whether the Hessian there is positive definite (a minimum); otherwise the number of directions in which the energy falls.
    public var isMinimum: Bool
    public var negativeDirections: Int
    /// Whether the stationary point lies outside the box of the fitted points.
    public var outsideData: Bool
    /// Cartesian positions in ångström at the stationary point (symbol, x, y, z per atom).
    public var geometryAngstrom: [[String: Double]]
    /// Element symbols in the order of ``geometryAngstrom``.
    public var symbols: [String]
    /// Harmonic modes from the fitted Hessian (Wilson's GF method with the atoms' isotopic masses), lowest first.
    public var modes: [Mode]
    /// Vibrational degrees of freedom of the molecule (3N − 6, or 3N − 5 when linear).
    public var vibrationalDegreesOfFreedom: Int
    /// Degrees of freedom the varied coordinates do not cover (tied or fixed coordinates), whose modes are missing.
    public var missingModes: Int
    /// What the reader should know (missing modes, a stationary point outside the data, a saddle).
    public var warnings: [String]
}

/// `fit` for a polyatomic scan: a polynomial of total degree d in the varied coordinates, its stationary point and harmonic modes.
public enum SurfaceFitUseCase {
    /// Fits the selected points of a polyatomic scan (``FitSelection``: done, and converged unless asked otherwise).
    public static func run(_ scan: ScanSelection, degree: Int) throws(WorkflowError) -> SurfaceFitReport {
        let record = scan.record
        guard let geometry = record.spec.geometry else { throw .notPolyatomic(scan: record.spec.name.rawValue) }
        let names = geometry.varied
        let (points, energies) = scan.selection.surfaceData
        let fit: SurfaceFit
        let stationary: SurfaceStationaryPoint
        do {
            fit = try SurfaceFit.fit(coordinateNames: names, points: points, energyHartree: energies, totalDegree: degree)
            stationary = try fit.stationaryPoint()
        } catch {
            throw .fit(error, notComputed: scan.selection.notComputedCount, remedy: nil)
        }
        let values = geometry.values(at: stationary.coordinates)
        let cartesian: [[Double]]
        let jacobian: [Double]
        do {
            cartesian = try geometry.cartesianAngstrom(at: stationary.coordinates)
            jacobian = try geometry.zmatrix.jacobianAngstrom(values: values, with: names)
        } catch {
            throw .geometry(error)
        }
        let masses = record.spec.molecule.atoms.map(\.massDalton)
        let normalModes: [NormalMode]
        do {
            normalModes = try HarmonicAnalysis.normalModes(
                at: stationary, jacobianAngstromPerUnit: jacobian, cartesianAngstrom: cartesian.flatMap { $0 }, massesDalton: masses)
        } catch {
            throw .fit(error, notComputed: 0, remedy: nil)
        }
        let linear = CartesianGeometry.isLinear(cartesianAngstrom: cartesian, toleranceAngstrom: 1e-4)
        // A varied angle at 180° of a linear molecule bends it in one plane; the bend in the plane across is its twin.
        let linearBends = Set(names.filter { name in
            linear && geometry.zmatrix.kind(of: name) == .angle && abs((values[name] ?? 0) - 180) < 1e-3
        })
        let modes = normalModes.map { mode in
            let bendShare = mode.composition.filter { linearBends.contains($0.key) }.values.reduce(0, +)
            return SurfaceFitReport.Mode(
                wavenumberPerCentimetre: mode.wavenumberPerCentimetre, degeneracy: bendShare > 0.5 ? 2 : 1, composition: mode.composition)
        }
        let atoms = record.spec.molecule.atoms.count
        let freedom = 3 * atoms - (linear ? 5 : 6)
        let missing = max(0, freedom - modes.map(\.degeneracy).reduce(0, +))
        var warnings: [String] = []
        if missing > 0 {
            warnings.append(
                "\(Plural.count(missing, "vibrational degree", plural: "vibrational degrees")) of freedom of \(freedom) not varied "
                    + "(tied or fixed coordinates): their modes are missing, and the modes shown are those within the varied coordinates")
        }
        if !stationary.isMinimum {
            warnings.append(
                "the stationary point is a saddle point with \(Plural.count(stationary.negativeDirectionCount, "negative direction")), not a minimum")
        }
        if stationary.liesOutsideData { warnings.append("the stationary point lies outside the scanned box: an extrapolation") }
        let symbols = record.spec.molecule.atoms.map(\.symbol)
        return SurfaceFitReport(
            scan: record.spec.name.rawValue, molecule: record.spec.molecule.name, coordinates: names,
            units: Dictionary(uniqueKeysWithValues: names.map { ($0, geometry.unitName(of: $0)) }),
            degree: degree, pointsUsed: points.count, pointsExcluded: scan.selection.scanPointCount - points.count,
            rmsResidualHartree: fit.rmsResidualHartree, maxAbsResidualHartree: fit.maxAbsResidualHartree,
            conditionNumber: fit.conditionNumber, stationaryPoint: geometry.named(stationary.coordinates),
            standardErrors: stationary.standardErrors.map(geometry.named),
            energyHartree: stationary.energyHartree, energyStandardErrorHartree: stationary.energyStandardErrorHartree,
            isMinimum: stationary.isMinimum, negativeDirections: stationary.negativeDirectionCount,
            outsideData: stationary.liesOutsideData,
            geometryAngstrom: cartesian.map { ["x": $0[0], "y": $0[1], "z": $0[2]] }, symbols: symbols,
            modes: modes, vibrationalDegreesOfFreedom: freedom, missingModes: missing, warnings: warnings)
    }
}
