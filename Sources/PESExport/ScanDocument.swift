import Foundation
import PESCore
import PESStore

/// Everything stored about one scan as one JSON document: the scan, its points, every attempt and every fit.
///
/// Keys are snake_case; bond lengths in ångström, energies in hartree, plus
/// each point's energy in `energy_unit` as `energy`. A polyatomic scan adds
/// its Z-matrix and varied coordinates to the scan and each point's
/// coordinates and every atom's position to the point, and leaves out the
/// planned bond lengths and each point's `r_angstrom`: the r stored with a
/// polyatomic point is only its first coordinate, perhaps an angle.
public struct ScanDocument: Sendable, Encodable {
    public var scan: Scan
    public var energyUnit: String
    public var points: [Point]
    public var attempts: [AttemptRecord]
    public var fits: [Fit]

    /// The scan as planned.
    public struct Scan: Sendable, Encodable {
        public var name: String
        public var molecule: String
        public var charge: Int
        public var multiplicity: Int
        public var atoms: [Atom]
        public var engine: String
        public var engineOptions: [String: String]
        /// The diatomic's planned bond lengths in ångström; nil for a polyatomic.
        public var plannedBondLengthsAngstrom: [Double]?
        /// A polyatomic's Z-matrix with its reference values, in the notation `plan --zmatrix` reads; nil for a diatomic.
        public var zmatrix: String?
        /// A polyatomic's varied coordinates in the order of each point's values; nil for a diatomic.
        public var variedCoordinates: [VariedCoordinate]?
        public var createdAt: Date
    }

    /// One varied coordinate of a polyatomic scan.
    public struct VariedCoordinate: Sendable, Encodable {
        /// The Z-matrix variable.
        public var name: String
        /// `angstrom` for a length, `degree` for an angle or dihedral.
        public var unit: String
        /// Its value at the reference geometry, in ``unit``.
        public var referenceValue: Double?
    }

    /// One point with its energy in hartree and in the chosen unit.
    public struct Point: Sendable, Encodable {
        public var id: Int64
        public var index: Int
        /// Bond length in ångström; nil for a polyatomic's point.
        public var rAngstrom: Double?
        /// A polyatomic's varied coordinates by name with unit (`r_angstrom`, `theta_degree`); nil for a diatomic.
        public var coordinates: [String: Double]?
        /// A polyatomic's atoms' positions in ångström (x, y, z per atom, in the scan's atom order); nil for a diatomic.
        public var positionsAngstrom: [[Double]]?
        public var state: String
        public var energyHartree: Double?
        public var energy: Double?
        public var converged: Bool?
        public var zone: String?
        public var host: String?
        public var wallSeconds: Double?
        public var attempts: Int
        public var exitStatus: Int?
        public var error: String?

        /// The document's entry for `point` of the scan `spec`, its energy also in `unit`; throws when a polyatomic point gives no geometry.
        public init(_ point: ScanPoint, spec: ScanSpec, unit: EnergyUnit) throws(ZMatrixError) {
            let geometry = spec.geometry
            if let geometry {
                coordinates = Dictionary(uniqueKeysWithValues: zip(geometry.varied.map(geometry.keyWithUnit(of:)), point.coordinates ?? []))
                positionsAngstrom = try spec.positionsAngstrom(of: point)
            }
            id = point.id
            index = point.index
            rAngstrom = geometry == nil ? point.rAngstrom : nil
            state = point.state.rawValue
            energyHartree = point.energyHartree
            energy = point.energyHartree.map(unit.fromHartree)
            converged = point.converged
            zone = point.zone
            host = point.host
            wallSeconds = point.wallSeconds
            attempts = point.attemptCount
            exitStatus = point.exitStatus
            error = point.error
        }
    }

    /// One stored fit with its full result.
    public struct Fit: Sendable, Encodable {
        public var model: String
        public var degree: Int
        public var pointsUsed: Int
        public var pointsExcluded: Int
        public var rEAngstrom: Double
        public var energyHartree: Double
        public var rmsResidualHartree: Double
        public var result: JSONValue

        enum CodingKeys: String, CodingKey {
            case model, degree, pointsUsed, pointsExcluded, energyHartree, rmsResidualHartree, result
            case rEAngstrom = "r_e_angstrom"
        }
    }

    /// The document of a scan; throws when a polyatomic point's coordinates give no geometry.
    public init(
        record: ScanRecord, points: [ScanPoint], attempts: [AttemptRecord], fits: [StoredFit], unit: EnergyUnit
    ) throws(ZMatrixError) {
        let spec = record.spec
        let geometry = spec.geometry
        scan = Scan(
            name: spec.name.rawValue, molecule: spec.molecule.name, charge: spec.molecule.charge,
            multiplicity: spec.molecule.multiplicity, atoms: spec.molecule.atoms, engine: spec.engine.name,
            engineOptions: spec.engine.options, plannedBondLengthsAngstrom: geometry == nil ? spec.bondLengthsAngstrom : nil,
            zmatrix: try geometry.map { geometry throws(ZMatrixError) in try geometry.zmatrix.text(values: geometry.referenceValues) },
            variedCoordinates: geometry.map { geometry in
                geometry.varied.map {
                    VariedCoordinate(name: $0, unit: geometry.unitName(of: $0), referenceValue: geometry.referenceValues[$0])
                }
            },
            createdAt: Date(timeIntervalSince1970: record.createdAtSeconds))
        energyUnit = unit.rawValue
        var documentPoints: [Point] = []
        documentPoints.reserveCapacity(points.count)
        for point in points { documentPoints.append(try Point(point, spec: spec, unit: unit)) }
        self.points = documentPoints
        self.attempts = attempts
        self.fits = fits.map { fit in
            Fit(
                model: fit.model, degree: fit.degree, pointsUsed: fit.pointsUsed, pointsExcluded: fit.pointsExcluded,
                rEAngstrom: fit.rEquilibriumAngstrom, energyHartree: fit.energyHartree,
                rmsResidualHartree: fit.rmsResidualHartree, result: JSONValue(parsing: fit.resultJSON))
        }
    }

    /// The document as exported JSON text.
    public func jsonText() throws -> String { try ExportJSON.text(self) }
}
