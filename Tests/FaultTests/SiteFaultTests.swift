import Foundation
import PESTestSupport
import Testing

/// SSH sites failing under a running collect: dropped connections, a restarted sshd, a paused or vanished site, a full remote disk.
///
/// Every case runs real model-process points on the live sites scripts/test
/// starts, beside a local zone, and checks from the database and the engine's
/// marker files (which come back with each point's folder) that every point
/// was done exactly once.
@Suite("Faults: SSH sites that drop, stall, vanish or fill up", .serialized)
struct SiteFaultTests {
    static let markerFile = "markers.txt"

    /// Plans `points` model-process points that take `delay` seconds each and leave a marker line per completed run.
    func plan(_ runner: BinaryRunner, points: Int, delay: Double) throws {
        let plan = try runner.run([
            "plan", "--molecule", "AuOg+", "--points", String(points), "--engine", "model-process",
            "--option", "delay_seconds=\(delay)", "--option", "marker_file=\(Self.markerFile)",
        ])
        #expect(plan.status == 0, "\(plan.stderr)")
    }

    /// Starts a collect over `zones`, waits until a point runs in `zone`, applies `fault`, and waits for the collect.
    func collect(
        _ runner: BinaryRunner, zones: String, zone: String, figures: inout FaultFigures, fault: () throws -> Void
    ) throws -> (status: Int32, stderr: String) {
        let (process, _, errors) = try runner.start(["collect", "--zones", zones, "--quiet"])
        let running = try ProcessWatch.poll(seconds: 30) {
            (Int(try runner.sql("SELECT COUNT(*) FROM attempt WHERE zone = '\(zone)' AND outcome = 'running'")) ?? 0) > 0
        }
        #expect(running, "no point started in \(zone)")
        try fault()
        figures.faults += 1
        #expect(ProcessWatch.finish(process, within: 240, what: "collect"))
        figures.trials += 1
        let stderr = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
        if process.terminationReason == .uncaughtSignal || stderr.contains("Fatal error") { figures.crashes += 1 }
        return (process.terminationStatus, stderr)
    }

    /// Checks every point done exactly once and adds the counts to `figures`.
    func account(_ runner: BinaryRunner, points: Int, figures: inout FaultFigures) throws {
        let tally = try RunAccounting(runner: runner, scan: "AuOg+", markerFile: Self.markerFile).expectDoneExactlyOnce(points: points)
        figures.lost += tally.lost
        figures.duplicated += tally.duplicated
        figures.wrongEnergies += tally.wrongEnergies
        // Every failed attempt says why.
        #expect(try runner.sql("SELECT COUNT(*) FROM attempt WHERE outcome = 'failed' AND (error IS NULL OR error = '')") == "0")
    }

    @Test("connections dropped twice mid-batch: the site's running points are fetched once it answers again")
    func droppedConnections() throws {
        let sites = try TestSites.require()
        let runner = try BinaryRunner()
        var figures = FaultFigures(area: "ssh sites: dropped connections")
        try plan(runner, points: 12, delay: 1.5)
        let zones = try runner.zoneFile("zones:\n" + sites.zoneA(slots: 3))
        // Kills the site's per-connection sshd processes (not its listener, PID 1): the link drops, the programs go on.
        let dropConnections = {
            _ = try sites.inA(["sh", "-c", "for p in $(pidof sshd); do [ \"$p\" = 1 ] || kill -9 \"$p\"; done"])
        }
        let (status, stderr) = try collect(runner, zones: zones, zone: "site-a", figures: &figures) {
            try dropConnections()
            Thread.sleep(forTimeInterval: 2.5)
            try dropConnections()
        }
        figures.faults += 1
        #expect(status == 0, "\(stderr)")
        try account(runner, points: 12, figures: &figures)
        // The points running at the drops were not given up: none failed, all were done on the site.
        #expect(try runner.sql("SELECT COUNT(*) FROM attempt WHERE outcome = 'done' AND zone = 'site-a'") == "12")
        FaultLedger.record(figures)
    }

    @Test("a request of four points dropped while its first runs: that one is fetched, the unstarted ones given up on the site and retried")
    func droppedRequestOfSeveralPoints() throws {
        let sites = try TestSites.require()
        let runner = try BinaryRunner()
        var figures = FaultFigures(area: "ssh sites: dropped connections")
        // Points long enough (3 s) that the request's later points have not started when pesscan looks again after the drop.
        try plan(runner, points: 8, delay: 3)
        let zones = try runner.zoneFile(
            "zones:\n" + sites.zoneA(slots: 1, extra: "    points_per_request: 4") + "\n  - name: here\n    kind: local\n    slots: 1\n")
        let (status, stderr) = try collect(runner, zones: zones, zone: "site-a", figures: &figures) {
            // Once the request's first point has started on the site, the connection drops.
            _ = try ProcessWatch.poll(seconds: 20) {
                (try? sites.inA(["sh", "-c", "ls \(sites.rootA)/*/*/*/*/*/.pesscan/claim 2>/dev/null | wc -l"]).stdout)
                    .flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) } ?? 0 > 0
            }
            _ = try sites.inA(["sh", "-c", "for p in $(pidof sshd); do [ \"$p\" = 1 ] || kill -9 \"$p\"; done"])
        }
        #expect(status == 0, "\(stderr)")
        try account(runner, points: 8, figures: &figures)
        // The points of the request that had not started were given up, each with its reason, and done elsewhere or later.
        let givenUp = try runner.sql(
            "SELECT COUNT(*) FROM attempt WHERE zone = 'site-a' AND outcome = 'failed' AND error LIKE '%before the point started%'")
        #expect((Int(givenUp) ?? 0) >= 1, "the unstarted points of the dropped request were given up")
        FaultLedger.record(figures)
    }

    @Test("site B's sshd killed and restarted mid-batch: the points finish there, none lost, none run twice")
    func sshdRestarted() throws {
        let sites = try TestSites.require()
        let runner = try BinaryRunner()
        var figures = FaultFigures(area: "ssh sites: sshd restarted")
        try plan(runner, points: 10, delay: 1.0)
        let zones = try runner.zoneFile("""
            zones:
              - name: site-b
                kind: ssh
                host: site-b
                ssh_config: \(sites.config)
                remote_root: \(sites.rootB)/\(UUID().uuidString.prefix(8))
                pesscan: \(sites.pesscanB)
                slots: 2
              - name: here
                kind: local
                slots: 1
            """)
        let (status, stderr) = try collect(runner, zones: zones, zone: "site-b", figures: &figures) {
            let pid = try String(contentsOfFile: sites.pidFileB, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            // sshd rewrites its title to "sshd: /usr/sbin/sshd -f CONFIG -E LOG [listener] …"; the paths hold no spaces.
            let title = try String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8)
            let commandLine = title.replacingOccurrences(of: "sshd: ", with: "").components(separatedBy: " [listener]")[0]
                .split(separator: " ").map(String.init)
            // The listener and every connection it accepted.
            try TestSites.command(["pkill", "-KILL", "-P", pid])
            try TestSites.command(["kill", "-KILL", pid])
            Thread.sleep(forTimeInterval: 3)
            let restart = try TestSites.command(commandLine)
            #expect(restart.status == 0, "sshd did not restart: \(restart.stderr)")
        }
        #expect(status == 0, "\(stderr)")
        try account(runner, points: 10, figures: &figures)
        FaultLedger.record(figures)
    }

    @Test("site A paused past the give-up time, once coming back and once for good: its points finish elsewhere", arguments: [true, false])
    func pausedSite(comesBack: Bool) throws {
        let sites = try TestSites.require()
        let runner = try BinaryRunner()
        var figures = FaultFigures(area: comesBack ? "ssh sites: paused, back" : "ssh sites: vanished")
        try plan(runner, points: 10, delay: 1.0)
        let zones = try runner.zoneFile("""
            zones:
            \(sites.zoneA(slots: 2, extra: "    unreachable_seconds: 6\n    connect_timeout_seconds: 2"))
              - name: here
                kind: local
                slots: 1
            """)
        defer { _ = try? TestSites.command(["podman", "unpause", sites.containerA]) }
        let clock = ContinuousClock()
        let start = clock.now
        let (status, stderr) = try collect(runner, zones: zones, zone: "site-a", figures: &figures) {
            try TestSites.command(["podman", "pause", sites.containerA])
            if comesBack {
                Thread.sleep(forTimeInterval: 30)
                try TestSites.command(["podman", "unpause", sites.containerA])
            }
        }
        #expect(status == 0, "\(stderr)")
        #expect(clock.now - start < .seconds(120), "the scan stalled on the paused site")
        try account(runner, points: 10, figures: &figures)
        #expect(Int(try runner.sql("SELECT COUNT(*) FROM attempt WHERE zone = 'site-a' AND outcome = 'failed' AND error LIKE '%unreachable%'")) ?? 0 >= 1)
        #expect(Int(try runner.sql("SELECT COUNT(*) FROM attempt WHERE zone = 'here' AND outcome = 'done'")) ?? 0 >= 1)
        FaultLedger.record(figures)
    }

    @Test("a full remote disk stops the site for the run with the reason; its points finish in the local zone")
    func fullRemoteDisk() throws {
        let sites = try TestSites.require()
        let runner = try BinaryRunner()
        var figures = FaultFigures(area: "ssh sites: full remote disk")
        try plan(runner, points: 8, delay: 0.2)
        // Fill site A's 2 MB tmpfs, then point a zone at it.
        _ = try sites.inA(["sh", "-c", "dd if=/dev/zero of=\(sites.fullA)/filler bs=64k count=64 2>/dev/null; true"])
        defer { _ = try? sites.inA(["rm", "-f", "\(sites.fullA)/filler"]) }
        let zones = try runner.zoneFile("""
            zones:
            \(sites.zoneA(name: "full-site", slots: 2, root: sites.fullA + "/" + UUID().uuidString.prefix(8)))
              - name: here
                kind: local
                slots: 1
            """)
        let collect = try runner.run(["collect", "--zones", zones])
        figures.trials += 1
        figures.faults += 1
        // Every point finished elsewhere, so collect succeeds (74 is for a full disk that leaves points pending).
        #expect(collect.status == 0, "\(collect.stderr)")
        #expect(collect.stderr.contains("Zone full-site is given up for this run"), "\(collect.stderr)")
        #expect(collect.stderr.contains("no space left on device"), "\(collect.stderr)")
        try account(runner, points: 8, figures: &figures)
        #expect(try runner.sql("SELECT COUNT(*) FROM attempt WHERE zone = 'full-site' AND outcome = 'done'") == "0")
        #expect(Int(try runner.sql("SELECT COUNT(*) FROM attempt WHERE zone = 'full-site'")) ?? 99 <= 2)
        FaultLedger.record(figures)
    }
}
