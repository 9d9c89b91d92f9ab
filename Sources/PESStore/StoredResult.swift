import GRDB

/// A finished attempt's result in the columns it is stored in: the attempt's outcome and the point's new state.
struct StoredResult {
    /// The attempt's outcome column: `done` or `failed`.
    var outcome: String
    /// The point's new state: the outcome, or `pending` again for a failure that will be retried.
    var pointState: String
    var energyHartree: Double?
    /// 1 or 0 for a done attempt; nil for a failure.
    var converged: Int?
    var error: String?
    /// Seconds from start to finish, never negative.
    var wallSeconds: Double
    init(_ report: AttemptReport) {
        switch report.outcome {
        case .done(let energy, let converged):
            (outcome, energyHartree, self.converged, error) = ("done", energy, converged ? 1 : 0, nil)
        case .failed(let reason):
            (outcome, energyHartree, converged, error) = ("failed", nil, nil, reason)
        }
        // A failure with a retry time waits again as pending; its error stays on the point meanwhile.
        pointState = outcome == "failed" && report.retryAfterSeconds != nil ? "pending" : outcome
        wallSeconds = max(0, report.finishedAtSeconds - report.startedAtSeconds)
    }

    /// The values bound to ``ScanStore/finishedPointAssignments`` for `report`, this result's attempt, in order.
    ///
    /// Made only where they are bound: a batch computed at once stores its results without them, and building them
    /// for each of its points was a twentieth of a 10⁶-point model `collect`.
    func pointArguments(_ report: AttemptReport) -> StatementArguments {
        [
            pointState, energyHartree, converged, report.zone, report.host, report.jobID, report.startedAtSeconds,
            report.finishedAtSeconds, wallSeconds, report.exitStatus, error, report.retryAfterSeconds,
        ]
    }
}
