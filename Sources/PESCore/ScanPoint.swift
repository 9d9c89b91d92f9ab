/// Where a point is in its life: waiting, claimed by a running `collect`, finished, or failed.
public enum PointState: String, Sendable, Hashable, Codable, CaseIterable {
    case pending
    case running
    case done
    case failed
}

/// One bond length of a scan with its current state and, once computed, its energy.
public struct ScanPoint: Sendable, Hashable, Codable {
    /// Row id of the point in the database.
    public var id: Int64
    /// Position of the point in the scan, 0-based, in order of bond length.
    public var index: Int
    /// Bond length in ångström.
    public var rAngstrom: Double
    /// Current state.
    public var state: PointState
    /// Final energy in hartree, when done.
    public var energyHartree: Double?
    /// Whether the engine reported a converged calculation.
    public var converged: Bool?
    /// Zone the last attempt ran in.
    public var zone: String?
    /// Host the last attempt ran on.
    public var host: String?
    /// Wall time of the last attempt in seconds.
    public var wallSeconds: Double?
    /// Exit status of the engine process of the last attempt, when it was a process.
    public var exitStatus: Int?
    /// Error text of the last failed attempt.
    public var error: String?
    /// Number of attempts made so far.
    public var attemptCount: Int
    /// Values of the scan's varied coordinates at this point (polyatomic scans only; ångström and degrees).
    public var coordinates: [Double]?

    public init(
        id: Int64, index: Int, rAngstrom: Double, state: PointState, energyHartree: Double? = nil,
        converged: Bool? = nil, zone: String? = nil, host: String? = nil, wallSeconds: Double? = nil,
        exitStatus: Int? = nil, error: String? = nil, attemptCount: Int = 0, coordinates: [Double]? = nil
    ) {
        self.id = id
        self.index = index
        self.rAngstrom = rAngstrom
        self.state = state
        self.energyHartree = energyHartree
        self.converged = converged
        self.zone = zone
        self.host = host
        self.wallSeconds = wallSeconds
        self.exitStatus = exitStatus
        self.error = error
        self.attemptCount = attemptCount
        self.coordinates = coordinates
    }
}
