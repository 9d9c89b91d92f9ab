import Foundation
import PESCore
import PESStore

/// A scan and its points as `show` prints them: each energy also relative to the lowest point.
public struct ScanTable: Sendable, Hashable, Codable {
    public var scan: String
    public var molecule: String
    public var engine: String
    public var engineOptions: [String: String]
    /// When the scan was planned.
    public var createdAt: Date
    /// Index of the point with the lowest energy; nil when no point has one.
    public var lowestIndex: Int?
    public var points: [Row]

    /// One point: its bond length, energy and how it was computed.
    public struct Row: Sendable, Hashable, Codable {
        public var index: Int
        public var rAngstrom: Double
        public var state: PointState
        /// Energy in hartree, when computed.
        public var energyHartree: Double?
        /// Energy above the lowest point of the scan in kcal/mol.
        public var deltaKcalPerMol: Double?
        /// Energy above the lowest point of the scan in cm⁻¹.
        public var deltaCm1: Double?
        public var converged: Bool?
        public var zone: String?
        /// Wall time of the attempt that gave the result, in seconds.
        public var wallSeconds: Double?
    }
}

/// `show`: one scan's points with energies relative to the lowest one, read in one pass.
public enum ShowUseCase {
    /// The scan named `scan` (nil: the most recently planned) as a table.
    public static func run(scan: String?, store: ScanStore) throws(WorkflowError) -> ScanTable {
        do {
            let record = try store.scan(named: scan)
            let points = try store.points(ofScan: record.id)
            let lowest = points.filter { $0.energyHartree != nil }.min { ($0.energyHartree ?? 0) < ($1.energyHartree ?? 0) }
            let rows = points.map { point in
                let delta = point.energyHartree.flatMap { e in lowest?.energyHartree.map { e - $0 } }
                return ScanTable.Row(
                    index: point.index, rAngstrom: point.rAngstrom, state: point.state, energyHartree: point.energyHartree,
                    deltaKcalPerMol: delta.map { $0 * PhysicalConstants.hartreeInKilocaloriePerMole },
                    deltaCm1: delta.map { $0 * PhysicalConstants.hartreeInWavenumber }, converged: point.converged,
                    zone: point.zone, wallSeconds: point.wallSeconds)
            }
            return ScanTable(
                scan: record.spec.name.rawValue, molecule: record.spec.molecule.name, engine: record.spec.engine.name,
                engineOptions: record.spec.engine.options, createdAt: Date(timeIntervalSince1970: record.createdAtSeconds),
                lowestIndex: lowest?.index, points: rows)
        } catch {
            throw .store(error)
        }
    }
}
