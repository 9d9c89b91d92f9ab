/// How the collector treats failures and slow engines.
public struct DispatchPolicy: Sendable, Hashable {
    /// Retries of a failed point after its first attempt (so at most retries + 1 attempts).
    public var retries: Int
    /// Seconds an engine may run before it is stopped (SIGTERM, grace, SIGKILL) and counted as failed; nil for no limit.
    public var timeoutSeconds: Double?
    /// Seconds before the first retry; each further retry waits twice as long, up to ``maximumBackoffSeconds``.
    public var backoffSeconds: Double
    /// Longest wait before a retry in seconds.
    public var maximumBackoffSeconds: Double
    /// Launch failures in a row after which a zone is marked down.
    public var zoneFailureLimit: Int
    /// Seconds a down zone rests before it is tried again.
    public var zoneCooldownSeconds: Double
    /// How long a claim lasts without renewal, in seconds.
    public var leaseSeconds: Double
    /// Submit to batch zones and return without waiting (`collect --no-wait`); local and container zones stay idle.
    public var submitOnly: Bool

    public init(
        retries: Int = 2, timeoutSeconds: Double? = nil, backoffSeconds: Double = 1, maximumBackoffSeconds: Double = 60,
        zoneFailureLimit: Int = 3, zoneCooldownSeconds: Double = 60, leaseSeconds: Double = 300, submitOnly: Bool = false
    ) {
        self.submitOnly = submitOnly
        self.retries = retries
        self.timeoutSeconds = timeoutSeconds
        self.backoffSeconds = backoffSeconds
        self.maximumBackoffSeconds = maximumBackoffSeconds
        self.zoneFailureLimit = zoneFailureLimit
        self.zoneCooldownSeconds = zoneCooldownSeconds
        self.leaseSeconds = leaseSeconds
    }

    /// Seconds to wait before retrying after attempt `attempt` (1-based) failed.
    public func backoff(afterAttempt attempt: Int) -> Double {
        min(maximumBackoffSeconds, backoffSeconds * Double(1 << min(max(attempt - 1, 0), 20)))
    }
}
