import PESCore
import PESStore

/// What `status` is asked for: one scan with its points, or every scan.
public struct StatusRequest: Sendable, Hashable {
    /// The scan to show in detail; nil for every scan, without their points.
    public var scan: String?

    public init(scan: String? = nil) {
        self.scan = scan
    }
}

/// One scan's progress: counts by state, attempts per zone, failed points, and its points when asked for one scan.
public struct ScanStatus: Sendable, Hashable, Codable {
    public var scan: String
    public var molecule: String
    public var engine: String
    public var counts: StateCounts
    public var zones: [ZoneAttemptCounts]
    public var failures: [FailedPoint]
    /// The failures grouped by their shared reason, most common first.
    public var failureGroups: [FailureGroup]
    public var points: [ScanPoint]?
    /// A polyatomic scan's varied coordinates with their unit symbols (`Å`, `°`), in the order of each point's coordinates.
    public var coordinates: [VariedCoordinate]?

    /// One varied coordinate of a polyatomic scan: its name and unit symbol.
    public struct VariedCoordinate: Sendable, Hashable, Codable {
        public var name: String
        public var unit: String
    }

    /// A point that failed for good, with its last error.
    public struct FailedPoint: Sendable, Hashable, Codable {
        public var index: Int
        public var rAngstrom: Double
        /// The varied coordinates of a polyatomic scan's point.
        public var coordinates: [Double]?
        public var attempts: Int
        public var error: String
    }
}

/// `status`: how far each scan is, aggregated in SQL.
public enum StatusUseCase {
    /// The status of the requested scans, oldest first.
    public static func run(_ request: StatusRequest, store: ScanStore) throws(WorkflowError) -> [ScanStatus] {
        do {
            let scans: [ScanRecord]
            if let name = request.scan { scans = [try store.scan(named: name)] } else { scans = try store.scansWithoutPoints() }
            return try scans.map { record throws(StoreError) in
                let failures = try store.points(ofScan: record.id, inState: .failed).map {
                    ScanStatus.FailedPoint(
                        index: $0.index, rAngstrom: $0.rAngstrom, coordinates: $0.coordinates, attempts: $0.attemptCount,
                        error: $0.error ?? "")
                }
                return ScanStatus(
                    scan: record.spec.name.rawValue, molecule: record.spec.molecule.name, engine: record.spec.engine.name,
                    counts: try store.stateCounts(ofScan: record.id), zones: try store.attemptCountsByZone(ofScan: record.id),
                    failures: failures, failureGroups: FailureGroup.grouping(failures),
                    points: request.scan == nil ? nil : try store.points(ofScan: record.id),
                    coordinates: record.spec.geometry.map { geometry in
                        geometry.varied.map { ScanStatus.VariedCoordinate(name: $0, unit: geometry.unitSymbol(of: $0)) }
                    })
            }
        } catch {
            throw .store(error)
        }
    }
}
