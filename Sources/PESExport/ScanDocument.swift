import Foundation
import PESCore
import PESStore

/// Everything stored about one scan as one JSON document: the scan, its points, every attempt and every fit.
///
/// Keys are snake_case; bond lengths in ångström, energies in hartree, plus
/// each point's energy in `energy_unit` as `energy`.
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
        public var plannedBondLengthsAngstrom: [Double]
        public var createdAt: Date
    }

    /// One point with its energy in hartree and in the chosen unit.
    public struct Point: Sendable, Encodable {
        public var id: Int64
        public var index: Int
        public var rAngstrom: Double
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

    public init(record: ScanRecord, points: [ScanPoint], attempts: [AttemptRecord], fits: [StoredFit], unit: EnergyUnit) {
        let spec = record.spec
        scan = Scan(
            name: spec.name.rawValue, molecule: spec.molecule.name, charge: spec.molecule.charge,
            multiplicity: spec.molecule.multiplicity, atoms: spec.molecule.atoms, engine: spec.engine.name,
            engineOptions: spec.engine.options, plannedBondLengthsAngstrom: spec.bondLengthsAngstrom,
            createdAt: Date(timeIntervalSince1970: record.createdAtSeconds))
        energyUnit = unit.rawValue
        self.points = points.map { point in
            Point(
                id: point.id, index: point.index, rAngstrom: point.rAngstrom, state: point.state.rawValue,
                energyHartree: point.energyHartree, energy: point.energyHartree.map(unit.fromHartree),
                converged: point.converged, zone: point.zone, host: point.host, wallSeconds: point.wallSeconds,
                attempts: point.attemptCount, exitStatus: point.exitStatus, error: point.error)
        }
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
