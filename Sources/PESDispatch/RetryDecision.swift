/// What becomes of a point whose attempt failed: another attempt at a given time, or failed for good.
enum RetryDecision: Sendable, Equatable {
    /// Pending again, claimable from `atSeconds` (seconds since 1970).
    case retry(atSeconds: Double)
    /// Failed for good: its retries are spent.
    case failForGood

    /// Decides from the point's history and the kind of failure.
    ///
    /// Retries count failures only. A launch failure is the zone's fault, not
    /// the calculation's: it retries at once and earns one extra try per other
    /// zone. A full disk is the zone's alone: the point always waits again,
    /// for another zone or the next collect.
    /// - Parameters:
    ///   - failedBefore: failed attempts of the point before this one.
    ///   - launchFailure: whether the zone could not start the engine.
    ///   - fullDisk: whether the failure was a full disk under the work folder.
    ///   - zoneCount: zones of the run.
    ///   - nowSeconds: the time of the failure, seconds since 1970.
    static func decide(
        failedBefore: Int, launchFailure: Bool, fullDisk: Bool, zoneCount: Int, policy: DispatchPolicy, nowSeconds: Double
    ) -> RetryDecision {
        let attempt = failedBefore + 1
        let budget = policy.retries + (launchFailure ? max(zoneCount - 1, 0) : 0)
        guard attempt <= budget || fullDisk else { return .failForGood }
        let wait = launchFailure ? 0 : policy.backoff(afterAttempt: attempt)
        return .retry(atSeconds: nowSeconds + wait)
    }
}
