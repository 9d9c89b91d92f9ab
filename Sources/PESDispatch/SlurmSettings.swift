import PESEngines

/// How a Slurm zone submits its points.
public struct SlurmSettings: Sendable, Hashable, Codable {
    /// Partition (`--partition`), or the cluster's default.
    public var partition: String?
    /// Account (`--account`).
    public var account: String?
    /// Quality of service (`--qos`).
    public var qos: String?
    /// Time limit per point (`--time`, e.g. `00:30:00`).
    public var timeLimit: String?
    /// Cores per point (`--cpus-per-task`).
    public var cpusPerPoint: Int?
    /// Memory per point (`--mem`, e.g. `2G`).
    public var memoryPerPoint: String?
    /// Further sbatch options, each one argv element (e.g. `--constraint=avx2`).
    public var extraOptions: [String]
    /// Most array tasks running at once (`--array=…%N`).
    public var arrayThrottle: Int?
    /// Seconds between looks at the queue while waiting.
    public var pollSeconds: Double
    /// Seconds a job may be missing from `squeue` before pesscan asks `scontrol` what became of it.
    public var missingGraceSeconds: Double
    /// The zone's resource limits, set in the job script (bash's `ulimit`) over each point's own.
    public var limits: ResourceLimits = .none

    public init(
        partition: String? = nil, account: String? = nil, qos: String? = nil, timeLimit: String? = nil,
        cpusPerPoint: Int? = nil, memoryPerPoint: String? = nil, extraOptions: [String] = [], arrayThrottle: Int? = nil,
        pollSeconds: Double = 5, missingGraceSeconds: Double = 30
    ) {
        self.partition = partition
        self.account = account
        self.qos = qos
        self.timeLimit = timeLimit
        self.cpusPerPoint = cpusPerPoint
        self.memoryPerPoint = memoryPerPoint
        self.extraOptions = extraOptions
        self.arrayThrottle = arrayThrottle
        self.pollSeconds = pollSeconds
        self.missingGraceSeconds = missingGraceSeconds
    }

    /// These settings with the zone's resource limits.
    func with(limits: ResourceLimits) -> SlurmSettings {
        var settings = self
        settings.limits = limits
        return settings
    }

    /// The sbatch options these settings give, as argv elements.
    var sbatchArguments: [String] {
        var arguments: [String] = []
        if let partition { arguments.append("--partition=\(partition)") }
        if let account { arguments.append("--account=\(account)") }
        if let qos { arguments.append("--qos=\(qos)") }
        if let timeLimit { arguments.append("--time=\(timeLimit)") }
        if let cpusPerPoint { arguments.append("--cpus-per-task=\(cpusPerPoint)") }
        if let memoryPerPoint { arguments.append("--mem=\(memoryPerPoint)") }
        return arguments + extraOptions
    }
}
