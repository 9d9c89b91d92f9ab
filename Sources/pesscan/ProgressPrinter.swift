import Foundation
import PESDispatch

/// Shows `collect` progress on stderr: a live status line on a terminal, plain lines otherwise.
final class ProgressPrinter: @unchecked Sendable {
    // @unchecked Sendable: the collector reports events from its one loop; the lock guards the state anyway.
    private let quiet: Bool
    private let live: Bool
    private let lock = NSLock()
    private var lastLine = Date.distantPast
    private var pendingAtStart = 0
    private var liveLineShown = false

    init(quiet: Bool, terminal: Bool = isatty(STDERR_FILENO) == 1) {
        self.quiet = quiet
        self.live = terminal && ProcessInfo.processInfo.environment["TERM"] != "dumb"
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
            var zoneList = zones.prefix(Self.zonesShown).map { "\($0.name) (\($0.kind), \($0.slots) slot\($0.slots == 1 ? "" : "s"))" }
                .joined(separator: ", ")
            if zones.count > Self.zonesShown { zoneList += " and \(zones.count - Self.zonesShown) more zones" }
            var line = "Running \(pending) pending point\(pending == 1 ? "" : "s") in \(zoneList)"
            if reclaimed > 0 { line += "; \(reclaimed) taken over from a collect that stopped" }
            write(line)
        case .pointFinished(let point, let totals):
            if live {
                if point.failure != nil { write(pointLine(point, totals)) }
                guard Date().timeIntervalSince(lastLine) >= 0.1 || totals.done + totals.failed == totals.total else { return }
                lastLine = Date()
                StandardStreams.standardError("\r\u{1B}[K" + statusLine(totals))
                liveLineShown = true
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
        if let energy = point.energyHartree {
            return "\(counter) \(point.scanName) #\(point.index)  r = \(Output.fixed(point.rAngstrom, 5)) Å  "
                + "E = \(String(format: "%.10f", energy)) Eh  \(place)"
        }
        let retry = point.willRetry ? " (will retry)" : ""
        return "\(counter) \(point.scanName) #\(point.index)  r = \(Output.fixed(point.rAngstrom, 5)) Å  FAILED\(retry) \(place): \(point.failure ?? "")"
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
