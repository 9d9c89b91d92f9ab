import Foundation
import PESDispatch

/// Shows `collect` progress on stderr: a live status line on a terminal, plain lines otherwise.
///
/// On a terminal the status line is redrawn about once a second even when no
/// point finishes, with how long the running points have run; ``finish()`` ends it
/// before the summary is printed.
final class ProgressPrinter: @unchecked Sendable {
    // @unchecked Sendable: events come from the collector's loop and ticks from a timer task; the lock guards the state.
    private let quiet: Bool
    private let live: Bool
    private let lock = NSLock()
    private var lastLine = Date.distantPast
    private var pendingAtStart = 0
    private var liveLineShown = false
    /// The latest totals, redrawn by the ticker.
    private var lastTotals: CollectTotals?
    /// When each running point started, by "scan #index".
    private var runningSince: [String: Date] = [:]
    private var ticker: Task<Void, Never>?

    init(quiet: Bool, terminal: Bool = isatty(STDERR_FILENO) == 1) {
        self.quiet = quiet
        self.live = terminal && ProcessInfo.processInfo.environment["TERM"] != "dumb"
        guard live, !quiet else { return }
        ticker = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(nanoseconds: 1_000_000_000)
                self?.tick()
            }
        }
    }

    deinit { ticker?.cancel() }

    /// Ends the live status line (and its ticking) so that what is printed next starts on a line of its own.
    func finish() {
        lock.lock()
        defer { lock.unlock() }
        ticker?.cancel()
        ticker = nil
        if liveLineShown { StandardStreams.standardError("\n") }
        liveLineShown = false
    }

    /// Redraws the live status line with the running points' elapsed times.
    private func tick() {
        lock.lock()
        defer { lock.unlock() }
        guard ticker != nil, !runningSince.isEmpty else { return }
        redraw()
    }

    /// Draws the status line in place.
    private func redraw() {
        let totals = lastTotals.map(statusLine) ?? "[0/\(pendingAtStart)]"
        StandardStreams.standardError("\r\u{1B}[K" + totals + runningText(now: Date()))
        liveLineShown = true
    }

    /// "; running #3 41 s, #4 12 s": the longest-running points first, at most three.
    private func runningText(now: Date) -> String {
        guard !runningSince.isEmpty else { return "" }
        let longest = runningSince.sorted { $0.value < $1.value }.prefix(3)
            .map { "\($0.key) \(Int(now.timeIntervalSince($0.value))) s" }
        let more = runningSince.count > 3 ? " and \(runningSince.count - 3) more" : ""
        return "; running " + longest.joined(separator: ", ") + more
    }

    /// Most zones named in one progress line.
    static let zonesShown = 8

    func show(_ event: CollectEvent) {
        guard !quiet else { return }
        lock.lock()
        defer { lock.unlock() }
        switch event {
        case .started(let pending, let reclaimed, let zones):
            pendingAtStart = pending
            var zoneList = zones.prefix(Self.zonesShown).map { "\($0.name) (\($0.capacity))" }
                .joined(separator: ", ")
            if zones.count > Self.zonesShown { zoneList += " and \(zones.count - Self.zonesShown) more zones" }
            var line = "Running \(pending) pending point\(pending == 1 ? "" : "s") in \(zoneList)"
            if reclaimed > 0 { line += "; \(reclaimed) taken over from a collect that stopped" }
            write(line)
        case .pointStarted(let scan, let index, _):
            runningSince["\(scan) #\(index)"] = Date()
        case .pointFinished(let point, let totals):
            runningSince["\(point.scanName) #\(point.index)"] = nil
            lastTotals = totals
            if live {
                if point.failure != nil { write(pointLine(point, totals)) }
                guard Date().timeIntervalSince(lastLine) >= 0.1 || totals.done + totals.failed == totals.total else { return }
                lastLine = Date()
                redraw()
                return
            }
            let verbose = pendingAtStart <= 200
            guard verbose || Date().timeIntervalSince(lastLine) >= 5 || totals.done + totals.failed == totals.total else { return }
            lastLine = Date()
            write(verbose ? pointLine(point, totals) : statusLine(totals))
        case .zoneDown(let zone, let reason, let cooldown):
            if cooldown.isFinite {
                write("Zone \(zone) is down for \(Int(cooldown)) s after repeated launch failures (\(reason)); its work moves to other zones.")
            } else {
                write("Zone \(zone) is given up for this run (\(reason)); its work moves to other zones.")
            }
        case .submitted(let zone, let arrayJob, let tasks):
            write("Submitted \(tasks) point\(tasks == 1 ? "" : "s") to zone \(zone) as Slurm array job \(arrayJob).")
        case .schedulerTrouble(let message, let retry):
            write("The scheduler did not answer (\(message)); looking again in \(Int(retry)) s.")
        case .stopping:
            write("Stopping: waiting for running engines to end and returning their points to pending…")
        case .staleResults(let count):
            write("Warning: \(count) result\(count == 1 ? "" : "s") arrived after \(count == 1 ? "its attempt" : "their attempts") had lost the claim "
                + "(this collect was paused past its lease, or the scan was replaced); kept as abandoned attempts, not used.")
        case .takenOver(let points, let reasons):
            write("Took over \(points) running point\(points == 1 ? "" : "s") of another collect: \(reasons.first ?? "").")
        }
    }

    /// Writes a whole line, keeping a live status line below it.
    private func write(_ line: String) {
        let clear = liveLineShown ? "\r\u{1B}[K" : ""
        liveLineShown = false
        StandardStreams.standardError(clear + line + "\n")
    }

    private func pointLine(_ point: PointReport, _ totals: CollectTotals) -> String {
        let counter = "[\(totals.done + totals.failed)/\(totals.total)]"
        let place = "(\(point.zone), \(Output.fixed(point.wallSeconds, 2)) s)"
        // A polyatomic point shows its varied coordinates in the scan's order (Å and degrees), a diatomic's its bond length.
        let at = point.coordinates.map { "at " + $0.map { Output.fixed($0, 5) }.joined(separator: ", ") }
            ?? "r = \(Output.fixed(point.rAngstrom, 5)) Å"
        if let energy = point.energyHartree {
            return "\(counter) \(point.scanName) #\(point.index)  \(at)  "
                + "E = \(String(format: "%.10f", energy)) Eh  " + (point.converged == false ? "UNCONVERGED  " : "") + place
        }
        let retry = point.willRetry ? " (will retry)" : ""
        return "\(counter) \(point.scanName) #\(point.index)  \(at)  FAILED\(retry) \(place): \(point.failure ?? "")"
    }

    private func statusLine(_ totals: CollectTotals) -> String {
        let finished = totals.done + totals.failed
        let rate = totals.elapsedSeconds > 0 ? Double(totals.finishedThisRun) / totals.elapsedSeconds : 0
        let remaining = totals.total - finished
        let eta = rate > 0 ? String(format: ", ETA %.0f s", Double(remaining) / rate) : ""
        var zones = totals.zones.prefix(Self.zonesShown).map { "\($0.name) \($0.done)✓ \($0.failed)✗ \($0.running)▶" + ($0.down ? " down" : "") }
            .joined(separator: " | ")
        if totals.zones.count > Self.zonesShown { zones += " | \(totals.zones.count - Self.zonesShown) more" }
        return "[\(finished)/\(totals.total)] \(totals.done) done, \(totals.failed) failed; \(zones); "
            + String(format: "%.1f points/s", rate) + eta
    }
}
