import Foundation
import PESTestSupport
import Testing

/// Slurm zones against the live single-node cluster scripts/test starts (scripts/slurm-start); SLURM_CONF points at it.
@Suite("End to end: Slurm zones on a live cluster", .serialized)
struct SlurmTests {
    static let zone = """
        zones:
          - name: cluster
            kind: slurm
            slots: 20
            partition: debug
            time_limit: "00:10:00"
            poll_seconds: 0.3
            missing_grace_seconds: 1
        """

    func requireSlurm() throws {
        let conf = ProcessInfo.processInfo.environment["SLURM_CONF"]
        try #require(conf != nil, "SLURM_CONF is not set: run the tests through scripts/test, which starts Slurm")
    }

    func planned(_ molecule: String = "AuOg+", points: Int, delay: Double, scan: String? = nil) throws -> BinaryRunner {
        let pesscan = try BinaryRunner()
        var arguments = ["plan", "--molecule", molecule, "--points", String(points), "--engine", "model-process", "--option", "delay_seconds=\(delay)"]
        if let scan { arguments += ["--scan", scan] }
        let plan = try pesscan.run(arguments)
        #expect(plan.status == 0, "\(plan.stderr)")
        return pesscan
    }

    @Test("the 11-point AuOg+ scan runs as one Slurm array and fits r_e = 2.862 Å")
    func auOgThroughSlurm() throws {
        try requireSlurm()
        let pesscan = try planned(points: 11, delay: 0)
        let zones = try pesscan.zoneFile(Self.zone)
        #expect(try pesscan.run(["zones", "--zones", zones]).status == 0)
        let collect = try pesscan.run(["collect", "--zones", zones, "--json"])
        #expect(collect.status == 0, "\(collect.stderr)")
        let result = try #require(try JSONSerialization.jsonObject(with: Data(collect.stdout.utf8)) as? [String: Any])
        let summary = try #require(result["summary"] as? [String: Any])
        let submissions = try #require(summary["batch_submissions"] as? [[String: Any]])
        #expect(submissions.count == 1)
        #expect(submissions.first?["tasks"] as? Int == 11)
        try expectEveryPointDoneOnce(pesscan, points: 11)
        // Every attempt names its array task: one array job, tasks 0…10.
        #expect(try pesscan.sql("SELECT COUNT(DISTINCT substr(job_id, 1, instr(job_id, '_') - 1)) FROM attempt") == "1")
        #expect(try pesscan.sql("SELECT COUNT(DISTINCT job_id) FROM attempt") == "11")
        let fit = try pesscan.run(["fit", "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(fit.stdout.utf8)) as? [String: Any])
        #expect(abs((object["r_e_angstrom"] as? Double ?? 0) - 2.862) < 5e-5)
    }

    @Test("a Slurm task gets the engine's stack limit and thread variables, and the zone's limits over them")
    func limitsAndEnvironment() throws {
        try requireSlurm()
        let pesscan = try BinaryRunner()
        let script = pesscan.folder.appendingPathComponent("limits.sh")
        try "#!/bin/sh\necho \"Total energy: -$(ulimit -s).$OMP_NUM_THREADS$(ulimit -c)\"\n".write(to: script, atomically: true, encoding: .utf8)
        let template = pesscan.folder.appendingPathComponent("input.txt")
        try "r = {r_angstrom}\n".write(to: template, atomically: true, encoding: .utf8)
        let plan = try pesscan.run([
            "plan", "--molecule", "H2", "--points", "2", "--engine", "template", "--option", "template=\(template.path)",
            "--option", "argv=[\"/bin/sh\",\"\(script.path)\"]", "--option", "energy_regex=Total energy: (\\S+)",
            "--option", "stack=64M", "--option", "threads=3",
        ])
        #expect(plan.status == 0, "\(plan.stderr)")
        let zones = try pesscan.zoneFile(Self.zone + "\n    limits: {core: 0}\n")
        let collect = try pesscan.run(["collect", "--zones", zones])
        #expect(collect.status == 0, "\(collect.stderr)")
        // 64 MiB is 65536 KiB in ulimit's units; OMP_NUM_THREADS=3 from threads; core 0 from the zone.
        #expect(try pesscan.sql("SELECT DISTINCT energy_hartree FROM point") == "-65536.3", "\(collect.stderr)")
    }

    @Test("a scan over a local zone and a Slurm zone completes with points in both")
    func mixed() throws {
        try requireSlurm()
        let pesscan = try planned(points: 16, delay: 0.5)
        let zones = try pesscan.zoneFile("""
            zones:
              - name: here
                kind: local
                slots: 1
              - name: cluster
                kind: slurm
                slots: 4
                poll_seconds: 0.3
                missing_grace_seconds: 1
            """)
        let collect = try pesscan.run(["collect", "--zones", zones])
        #expect(collect.status == 0, "\(collect.stderr)")
        try expectEveryPointDoneOnce(pesscan, points: 16)
        let zonesUsed = try pesscan.sql("SELECT DISTINCT zone FROM attempt WHERE outcome = 'done' ORDER BY zone")
        #expect(zonesUsed == "cluster\nhere", "\(zonesUsed)")
    }

    @Test("--no-wait submits and returns; a job cancelled with scancel from outside is detected and retried by a later collect")
    func externalCancel() throws {
        try requireSlurm()
        let pesscan = try planned(points: 4, delay: 4)
        let zones = try pesscan.zoneFile(Self.zone)
        let submit = try pesscan.run(["collect", "--zones", zones, "--no-wait"])
        #expect(submit.status == 0, "\(submit.stderr)")
        #expect(try pesscan.sql("SELECT COUNT(*) FROM point WHERE state = 'running' AND batch_job IS NOT NULL") == "4")
        let victim = try pesscan.sql("SELECT batch_job FROM point ORDER BY idx LIMIT 1")
        let scancel = try BinaryRunner.runTool("/usr/bin/scancel", [victim])
        #expect(scancel == 0)
        let harvest = try pesscan.run(["collect", "--zones", zones, "--backoff", "0.1"])
        #expect(harvest.status == 0, "\(harvest.stderr)")
        try expectEveryPointDoneOnce(pesscan, points: 4)
        let failure = try pesscan.sql("SELECT error FROM attempt WHERE job_id = '\(victim)'")
        #expect(failure.contains("CANCELLED") || failure.contains("no longer known"), "\(failure)")
        #expect(try pesscan.sql("SELECT COUNT(*) FROM attempt") == "5")
    }

    @Test("slurmd killed mid-scan and restarted: the scan completes with nothing lost or run twice")
    func slurmdRestart() throws {
        try requireSlurm()
        let pesscan = try planned(points: 6, delay: 3)
        let zones = try pesscan.zoneFile(Self.zone)
        #expect(try pesscan.run(["collect", "--zones", zones, "--no-wait"]).status == 0)
        let conf = URL(fileURLWithPath: ProcessInfo.processInfo.environment["SLURM_CONF"] ?? "")
        let pidFile = conf.deletingLastPathComponent().appendingPathComponent("slurmd.pid")
        // Wait until tasks are running, then kill slurmd under them.
        for _ in 0..<100 where (try? BinaryRunner.toolOutput("/usr/bin/squeue", ["--noheader", "--states=RUNNING"]))?.isEmpty ?? true {
            Thread.sleep(forTimeInterval: 0.1)
        }
        let pid = Int32((try String(contentsOf: pidFile, encoding: .utf8)).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        #expect(pid > 0)
        kill(pid, SIGKILL)
        Thread.sleep(forTimeInterval: 1)
        #expect(try BinaryRunner.runTool("/usr/sbin/slurmd", ["-N", "localhost"]) == 0)
        let harvest = try pesscan.run(["collect", "--zones", zones, "--backoff", "0.1"])
        #expect(harvest.status == 0, "\(harvest.stderr)")
        try expectEveryPointDoneOnce(pesscan, points: 6)
    }

    @Test("pesscan cancel removes queued and running jobs and returns their points to pending")
    func cancelCommand() throws {
        try requireSlurm()
        let pesscan = try planned(points: 3, delay: 60)
        let zones = try pesscan.zoneFile(Self.zone)
        #expect(try pesscan.run(["collect", "--zones", zones, "--no-wait"]).status == 0)
        let jobs = try pesscan.sql("SELECT group_concat(batch_job) FROM point")
        let cancel = try pesscan.run(["cancel"])
        #expect(cancel.status == 0, "\(cancel.stderr)")
        #expect(cancel.stdout.contains("3 points back to pending"))
        #expect(try pesscan.sql("SELECT COUNT(*) FROM point WHERE state = 'pending'") == "3")
        #expect(try pesscan.sql("SELECT COUNT(*) FROM attempt WHERE outcome = 'released'") == "3")
        let arrayJob = String(jobs.split(separator: "_").first ?? "")
        var left = "?"
        for _ in 0..<50 {
            left = try BinaryRunner.toolOutput("/usr/bin/squeue", ["--noheader", "--jobs=\(arrayJob)"])
            if left.isEmpty { break }
            Thread.sleep(forTimeInterval: 0.2)
        }
        #expect(left.isEmpty, "jobs still queued: \(left)")
    }
}

extension BinaryRunner {
    /// Runs a program by argv and returns its exit status.
    static func runTool(_ path: String, _ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Runs a program by argv and returns what it printed, trimmed.
    static func toolOutput(_ path: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
