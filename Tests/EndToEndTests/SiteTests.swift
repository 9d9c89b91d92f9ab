import Foundation
import PESTestSupport
import Testing

/// SSH zones against the live sites scripts/test starts: site A a container with its own filesystem, site B this host's own sshd.
@Suite("End to end: SSH sites with no shared filesystem", .serialized)
struct SiteTests {
    static let image = "localhost/pesscan-model:test"

    /// The fitted r_e in ångström from `fit --json`.
    func fittedBondLength(_ pesscan: BinaryRunner) throws -> Double {
        let fit = try pesscan.run(["fit", "--json"])
        let object = try JSONSerialization.jsonObject(with: Data(fit.stdout.utf8)) as? [String: Any]
        return try #require(object?["r_e_angstrom"] as? Double, "\(fit.stdout)\(fit.stderr)")
    }

    @Test("the 11-point AuOg+ scan over a local zone and two SSH sites: points in every zone, r_e = 2.862 Å, ≤ 2 connections per site")
    func auOgOverThreeSites() throws {
        let sites = try TestSites.require()
        let pesscan = try BinaryRunner()
        #expect(try pesscan.run([
            "plan", "--molecule", "AuOg+", "--points", "11", "--engine", "model-process", "--option", "delay_seconds=0.4",
        ]).status == 0)
        let rootA = sites.rootA + "/" + UUID().uuidString.prefix(8)
        let zones = try pesscan.zoneFile("""
            zones:
              - name: here
                kind: local
                slots: 1
            \(sites.zoneA(root: rootA))
            \(sites.zoneB(image: Self.image, extra: "    points_per_request: 2"))
            """)
        let check = try pesscan.run(["zones", "--zones", zones])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        #expect(check.stdout.contains("remote_root writable"), "\(check.stdout)")
        let connectionsBefore = (try sites.connectionsA(), try sites.connectionsB())
        let collect = try pesscan.run(["collect", "--zones", zones])
        #expect(collect.status == 0, "\(collect.stderr)")
        try expectEveryPointDoneOnce(pesscan, points: 11)
        for zone in ["here", "site-a", "site-b"] {
            #expect(Int(try pesscan.sql("SELECT COUNT(*) FROM attempt WHERE zone = '\(zone)' AND outcome = 'done'")) ?? 0 >= 1, "no point in \(zone)")
        }
        #expect(abs(try fittedBondLength(pesscan) - 2.862) < 2e-4)
        // Provenance: site A's own host name and process ids; site B's image.
        let hostA = try sites.inA(["hostname"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try pesscan.sql("SELECT DISTINCT host FROM attempt WHERE zone = 'site-a'") == hostA)
        #expect(try pesscan.sql("SELECT COUNT(*) FROM attempt WHERE zone = 'site-a' AND job_id NOT LIKE 'pid %'") == "0")
        #expect(try pesscan.sql("SELECT DISTINCT image FROM attempt WHERE zone = 'site-b'") == Self.image)
        // One connection per site for the whole collect (and none when an earlier master was still open).
        #expect(try sites.connectionsA() - connectionsBefore.0 <= 2)
        #expect(try sites.connectionsB() - connectionsBefore.1 <= 2)
        // The sites' folders were deleted once their files came back.
        let leftA = try sites.inA(["find", rootA, "-name", "status"]).stdout
        #expect(leftA.isEmpty, "\(leftA)")
        // Every point's files came back and sit in its local work folder.
        #expect(try pesscan.sql("SELECT COUNT(*) FROM attempt WHERE zone LIKE 'site-%'") == pesscan.sql(
            "SELECT COUNT(*) FROM attempt WHERE zone LIKE 'site-%' AND outcome = 'done'"))
        let status = try pesscan.run(["status", "--json"])
        #expect(status.stdout.contains("\"site-a\"") && status.stdout.contains("\"site-b\""), "\(status.stdout)")
    }

    @Test("hostile argv, environment and remote root reach the program byte for byte and nothing runs from them")
    func hostileValuesArriveIntact() throws {
        let sites = try TestSites.require()
        let pesscan = try BinaryRunner()
        let marker = "pwned-\(UUID().uuidString.prefix(8))"
        let hostile = [
            "a b", "'single'", "\"double\"", "$(touch /tmp/\(marker)-dollar)", "; touch /tmp/\(marker)-semi",
            "line one\nline two", "`touch /tmp/\(marker)-tick`", "back\\slash", "&& touch /tmp/\(marker)-and", "*",
        ]
        let script = "for a in \"$@\"; do printf '%s\\0' \"$a\"; done > args.bin; printf '%s' \"$HOSTILE\" > env.bin; echo 'E = -1.25'"
        let argv = ["/bin/sh", "-c", script, "sh"] + hostile
        let argvJSON = String(decoding: try JSONSerialization.data(withJSONObject: argv), as: UTF8.self)
        let template = pesscan.folder.appendingPathComponent("hostile.inp")
        try "point {point}\n".write(to: template, atomically: true, encoding: .utf8)
        let environmentValue = "x $(touch /tmp/\(marker)-env); y\nz 'q'"
        let plan = try pesscan.run([
            "plan", "--molecule", "H2", "--points", "2", "--from", "0.74", "--to", "0.75", "--engine", "template",
            "--option", "template=\(template.path)", "--option", "argv=\(argvJSON)", "--option", "energy_regex=E = (-?[0-9.]+)",
            "--option", "env.HOSTILE=\(environmentValue)",
        ])
        #expect(plan.status == 0, "\(plan.stderr)")
        let root = "\(sites.rootA)/h o s t $(touch /tmp/\(marker)-root) 'q' \"d\" ;x"
        let zones = try pesscan.zoneFile("""
            zones:
            \(sites.zoneA(slots: 1, root: "'" + root.replacingOccurrences(of: "'", with: "''") + "'"))
            """)
        let collect = try pesscan.run(["collect", "--zones", zones])
        #expect(collect.status == 0, "\(collect.stderr)")
        #expect(try pesscan.sql("SELECT DISTINCT printf('%.2f', energy_hartree) FROM point") == "-1.25")
        let folder = try #require(try pesscan.attemptFolders(scan: "H2", index: 0).first)
        let arguments = try Data(contentsOf: folder.appendingPathComponent("args.bin"))
        #expect(arguments == Data(hostile.map { $0 + "\u{0}" }.joined().utf8))
        let environment = try Data(contentsOf: folder.appendingPathComponent("env.bin"))
        #expect(environment == Data(environmentValue.utf8))
        // Nothing ran from a value, on the site or here; the hostile remote root was used as a plain folder name.
        let planted = try sites.inA(["sh", "-c", "ls /tmp | grep -c \(marker) || true"]).stdout
        #expect(planted.trimmingCharacters(in: .whitespacesAndNewlines) == "0")
        let here = try FileManager.default.contentsOfDirectory(atPath: "/tmp").filter { $0.contains(marker) }
        #expect(here.isEmpty, "\(here)")
        #expect(try sites.inA(["ls", "-d", root]).status == 0)
    }

    @Test("two points a request, two requests a channel: never more points run at once on the site than the zone's slots, each once")
    func queuedRequestsKeepToTheSlots() throws {
        let sites = try TestSites.require()
        let pesscan = try BinaryRunner()
        // Each point notes when it started and ended, by bash's clock on the site.
        let script = "s=$EPOCHREALTIME; sleep 0.3; echo \"T $s $EPOCHREALTIME\"; echo 'E = -1.25'"
        let argv = String(decoding: try JSONSerialization.data(withJSONObject: ["bash", "-c", script]), as: UTF8.self)
        let template = pesscan.folder.appendingPathComponent("timed.inp")
        try "point {point}\n".write(to: template, atomically: true, encoding: .utf8)
        let points = 12
        #expect(try pesscan.run([
            "plan", "--molecule", "H2", "--points", String(points), "--from", "0.70", "--to", "0.80", "--engine", "template",
            "--option", "template=\(template.path)", "--option", "argv=\(argv)", "--option", "energy_regex=E = (-?[0-9.]+)",
        ]).status == 0)
        let zones = try pesscan.zoneFile("zones:\n" + sites.zoneA(slots: 2, extra: "    points_per_request: 2"))
        let collect = try pesscan.run(["collect", "--zones", zones])
        #expect(collect.status == 0, "\(collect.stderr)")
        #expect(collect.stderr.contains("site-a (ssh, 2 slots, holding up to 8 points)"), "\(collect.stderr)")
        try expectEveryPointDoneOnce(pesscan, points: points)
        var changes: [(seconds: Double, running: Int)] = []
        for index in 0..<points {
            let folder = try #require(try pesscan.attemptFolders(scan: "H2", index: index).first)
            let stdout = try String(contentsOf: folder.appendingPathComponent("stdout.txt"), encoding: .utf8)
            let times = try #require(stdout.split(separator: "\n").first { $0.hasPrefix("T ") }).split(separator: " ").dropFirst()
                .compactMap { Double($0) }
            try #require(times.count == 2, "\(stdout)")
            changes += [(times[0], 1), (times[1], -1)]
        }
        // An end and a start at the same instant: the end first.
        var running = 0
        var most = 0
        for change in changes.sorted(by: { ($0.seconds, $0.running) < ($1.seconds, $1.running) }) {
            running += change.running
            most = max(most, running)
        }
        #expect(most == 2, "at most the 2 slots at once, and both used")
    }

    @Test("a connection master killed with SIGKILL leaves its socket behind; the next collect opens one fresh connection and multiplexes on it")
    func staleMasterSocket() throws {
        let sites = try TestSites.require()
        let pesscan = try BinaryRunner()
        #expect(try pesscan.run(["plan", "--molecule", "AuOg+", "--points", "8", "--engine", "model-process"]).status == 0)
        let zones = try pesscan.zoneFile("zones:\n" + sites.zoneA(slots: 2))
        #expect(try pesscan.run(["collect", "--zones", zones, "--retries", "0"]).status == 0)
        // Every pesscan master (their argv names the private socket folder) dies without removing its socket.
        try TestSites.command(["pkill", "-KILL", "-f", "ControlPath=/tmp/pesscan-ssh-"])
        Thread.sleep(forTimeInterval: 0.5)
        #expect(try pesscan.run(["plan", "--molecule", "AuOg+", "--points", "8", "--engine", "model-process", "--scan", "again"]).status == 0)
        let before = try sites.connectionsA()
        let again = try pesscan.run(["collect", "--zones", zones, "--scan", "again", "--retries", "0"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try pesscan.sql("SELECT COUNT(*) FROM point WHERE state = 'done'") == "16")
        #expect(try sites.connectionsA() - before == 1)
    }

    @Test("a site whose host key does not match is refused with a clear message, and its points finish in another zone")
    func hostKeyMismatchIsRefused() throws {
        let sites = try TestSites.require()
        let pesscan = try BinaryRunner()
        #expect(try pesscan.run(["plan", "--molecule", "AuOg+", "--points", "6", "--engine", "model-process"]).status == 0)
        let zones = try pesscan.zoneFile("""
            zones:
            \(sites.zoneA(name: "stranger", extra: "    known_hosts: \(sites.badKnownHosts)"))
              - name: here
                kind: local
                slots: 1
            """)
        let check = try pesscan.run(["zones", "--zones", zones])
        #expect(check.status == 69, "\(check.stdout)")
        #expect(check.stdout.contains("host key"), "\(check.stdout)")
        let collect = try pesscan.run(["collect", "--zones", zones])
        #expect(collect.status == 0, "\(collect.stderr)")
        try expectEveryPointDoneOnce(pesscan, points: 6)
        #expect(collect.stderr.contains("host key of site-a"), "\(collect.stderr)")
        #expect(try pesscan.sql("SELECT COUNT(*) FROM attempt WHERE zone = 'stranger' AND outcome = 'done'") == "0")
        // The zone stopped at its first refusal instead of trying every point.
        #expect(try pesscan.sql("SELECT COUNT(*) FROM attempt WHERE zone = 'stranger' AND launch_failure = 1 AND error LIKE '%never accepts%'") != "0")
        #expect(Int(try pesscan.sql("SELECT COUNT(*) FROM attempt WHERE zone = 'stranger'")) ?? 99 <= 2)
    }
}

/// SSH sites that are a cluster's login node: site B submits to the live Slurm scripts/test starts.
@Suite("End to end: Slurm over SSH", .serialized)
struct SiteSlurmTests {
    /// A zone submitting from site B, with fast polling for the test.
    func zone(_ sites: TestSites, root: String) -> String {
        """
        zones:
          - name: cluster-b
            kind: ssh
            host: site-b
            ssh_config: \(sites.config)
            remote_root: \(root)
            run: slurm
            pesscan: \(sites.pesscanB)
            partition: debug
            time_limit: "00:10:00"
            poll_seconds: 0.3
            missing_grace_seconds: 1
            slots: 20
        """
    }

    @Test("AuOg+ as one Slurm array submitted over SSH: r_e = 2.862 Å, job ids recorded, the site's folders removed")
    func auOgThroughSiteSlurm() throws {
        let sites = try TestSites.require()
        try #require(ProcessInfo.processInfo.environment["SLURM_CONF"] != nil, "SLURM_CONF is not set: run through scripts/test")
        let pesscan = try BinaryRunner()
        #expect(try pesscan.run(["plan", "--molecule", "AuOg+", "--points", "11", "--engine", "model-process"]).status == 0)
        let root = sites.rootB + "/" + UUID().uuidString.prefix(8)
        let zones = try pesscan.zoneFile(zone(sites, root: root))
        let check = try pesscan.run(["zones", "--zones", zones])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        let before = try sites.connectionsB()
        let collect = try pesscan.run(["collect", "--zones", zones])
        #expect(collect.status == 0, "\(collect.stderr)")
        try expectEveryPointDoneOnce(pesscan, points: 11)
        #expect(abs(try SiteTests().fittedBondLength(pesscan) - 2.862) < 2e-4)
        #expect(try pesscan.sql("SELECT COUNT(DISTINCT substr(job_id, 1, instr(job_id, '_') - 1)) FROM attempt WHERE outcome = 'done'") == "1")
        #expect(try sites.connectionsB() - before <= 2)
        let left = try TestSites.command(["find", root, "-name", "pesscan-exit"]).stdout
        #expect(left.isEmpty, "\(left)")
    }

    @Test("collect --no-wait submits over SSH and returns; a later collect harvests the results over SSH")
    func noWaitThenHarvest() throws {
        let sites = try TestSites.require()
        try #require(ProcessInfo.processInfo.environment["SLURM_CONF"] != nil, "SLURM_CONF is not set: run through scripts/test")
        let pesscan = try BinaryRunner()
        #expect(try pesscan.run([
            "plan", "--molecule", "AuOg+", "--points", "6", "--engine", "model-process", "--option", "delay_seconds=1",
        ]).status == 0)
        let zones = try pesscan.zoneFile(zone(sites, root: sites.rootB + "/" + UUID().uuidString.prefix(8)))
        let submit = try pesscan.run(["collect", "--zones", zones, "--no-wait"])
        #expect(submit.status == 0, "\(submit.stderr)")
        #expect(try pesscan.sql("SELECT COUNT(*) FROM point WHERE batch_job IS NOT NULL") == "6")
        let harvest = try pesscan.run(["collect", "--zones", zones])
        #expect(harvest.status == 0, "\(harvest.stderr)")
        try expectEveryPointDoneOnce(pesscan, points: 6)
    }

    @Test("cancel reaches the jobs on the SSH site's Slurm: they leave the queue and their points wait again")
    func cancelReachesTheSite() throws {
        let sites = try TestSites.require()
        try #require(ProcessInfo.processInfo.environment["SLURM_CONF"] != nil, "SLURM_CONF is not set: run through scripts/test")
        let pesscan = try BinaryRunner()
        #expect(try pesscan.run([
            "plan", "--molecule", "AuOg+", "--points", "4", "--engine", "model-process", "--option", "delay_seconds=60",
        ]).status == 0)
        let zones = try pesscan.zoneFile(zone(sites, root: sites.rootB + "/" + UUID().uuidString.prefix(8)))
        #expect(try pesscan.run(["collect", "--zones", zones, "--no-wait"]).status == 0)
        let job = try pesscan.sql("SELECT DISTINCT substr(batch_job, 1, instr(batch_job, '_') - 1) FROM point")
        let cancel = try pesscan.run(["cancel", "--zones", zones])
        #expect(cancel.status == 0, "\(cancel.stderr)")
        #expect(cancel.stdout.contains("Cancelled 4 jobs"), "\(cancel.stdout)")
        #expect(try pesscan.sql("SELECT COUNT(*) FROM point WHERE state = 'pending' AND batch_job IS NULL") == "4")
        // Slurm on the site no longer runs them (the queue empties within seconds).
        let gone = ProcessWatchLite.poll(seconds: 20) {
            (try? TestSites.command(["squeue", "--noheader", "--jobs=\(job)"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty) ?? false
        }
        #expect(gone, "job \(job) is still queued")
    }
}

/// Polls a condition every 0.2 s for up to `seconds`.
enum ProcessWatchLite {
    static func poll(seconds: Double, _ condition: () -> Bool) -> Bool {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            if condition() { return true }
            Thread.sleep(forTimeInterval: 0.2)
        }
        return condition()
    }
}
