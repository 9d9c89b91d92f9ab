import Foundation
import PESTestSupport
import Testing

/// Zones on real processes and real Podman containers (image built by scripts/build-model-image).
@Suite("End to end: zones, retries, timeouts, concurrency", .serialized)
struct ZoneTests {
    static let image = "localhost/pesscan-model:test"

    /// Plans an AuOg+ scan whose points run as child processes.
    func planned(points: Int, delay: Double, extra: [String] = []) throws -> BinaryRunner {
        let pesscan = try BinaryRunner()
        let plan = try pesscan.run(
            ["plan", "--molecule", "AuOg+", "--points", String(points), "--engine", "model-process", "--option", "delay_seconds=\(delay)"]
                + extra)
        #expect(plan.status == 0, "\(plan.stderr)")
        return pesscan
    }

    @Test("a scan over two local zones and a Podman zone completes with points in every zone")
    func threeZones() throws {
        let pesscan = try planned(points: 12, delay: 0.4)
        let zones = try pesscan.zoneFile("""
            zones:
              - name: site-a
                kind: local
                slots: 1
              - name: site-b
                kind: local
                slots: 1
              - name: site-c
                kind: container
                runtime: podman
                image: \(Self.image)
                slots: 1
            """)
        let check = try pesscan.run(["zones", "--zones", zones])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr) — run scripts/build-model-image first")
        let collect = try pesscan.run(["collect", "--zones", zones])
        #expect(collect.status == 0, "\(collect.stderr)")
        try expectEveryPointDoneOnce(pesscan, points: 12)
        let perZone = try pesscan.sql("SELECT zone, COUNT(*) FROM attempt WHERE outcome = 'done' GROUP BY zone ORDER BY zone")
        #expect(perZone.contains("site-a|") && perZone.contains("site-b|") && perZone.contains("site-c|"), "\(perZone)")
        #expect(try pesscan.sql("SELECT DISTINCT image FROM attempt WHERE zone = 'site-c'") == Self.image)
        #expect(try pesscan.sql("SELECT COUNT(*) FROM attempt WHERE zone != 'site-c' AND image IS NOT NULL") == "0")
        let fit = try pesscan.run(["fit", "--json"])
        #expect(fit.stdout.contains("\"r_e_angstrom\" : 2.86"))
        let status = try pesscan.run(["status", "--json"])
        #expect(status.stdout.contains("\"zone\" : \"site-c\""))
    }

    @Test("a zone that cannot launch and an engine failing 30% of attempts still give a complete scan, every attempt recorded")
    func failingZoneAndEngine() throws {
        let pesscan = try planned(points: 16, delay: 0.05, extra: ["--option", "fail_fraction=0.3", "--option", "fail_seed=11"])
        let zones = try pesscan.zoneFile("""
            zones:
              - name: broken
                kind: container
                image: localhost/no-such-image:none
                slots: 1
                prefer: true
              - name: healthy
                kind: local
                slots: 2
            """)
        let collect = try pesscan.run(["collect", "--zones", zones, "--retries", "5", "--backoff", "0.05"])
        #expect(collect.status == 0, "\(collect.stderr)")
        try expectEveryPointDoneOnce(pesscan, points: 16)
        #expect(collect.stderr.contains("Zone broken is down"))
        let launchFailures = Int(try pesscan.sql("SELECT COUNT(*) FROM attempt WHERE zone = 'broken' AND launch_failure = 1")) ?? 0
        #expect(launchFailures >= 3)
        #expect(try pesscan.sql("SELECT COUNT(*) FROM attempt WHERE zone = 'broken' AND outcome = 'done'") == "0")
        let injected = Int(try pesscan.sql("SELECT COUNT(*) FROM attempt WHERE outcome = 'failed' AND error LIKE '%injected failure%'")) ?? 0
        #expect(injected >= 2)
        #expect(try pesscan.sql("SELECT COUNT(*) FROM attempt WHERE outcome = 'failed' AND (error IS NULL OR error = '')") == "0")
        // Every failed attempt of the engine kept its exit status and stderr.
        #expect(try pesscan.sql("SELECT COUNT(*) FROM attempt WHERE error LIKE '%injected%' AND (exit_status != 3 OR stderr_tail NOT LIKE '%injected%')") == "0")
        // No point ran more often than its retry budget allows.
        let most = Int(try pesscan.sql("SELECT MAX(n) FROM (SELECT COUNT(*) AS n FROM attempt GROUP BY point_id)")) ?? 99
        #expect(most <= 6 + 1)
    }

    @Test("an engine that fails every attempt: collect exits 65 with one line saying how many points failed and what to do")
    func everyPointFails() throws {
        let pesscan = try planned(points: 5, delay: 0, extra: ["--option", "fail_fraction=1"])
        let collect = try pesscan.run(["collect", "--quiet", "--retries", "0", "--slots", "2"])
        #expect(collect.status == 65, "\(collect.stderr)")
        let errorLines = collect.stderr.split(separator: "\n").filter { $0.hasPrefix("Error:") }
        #expect(errorLines.count == 1, "\(collect.stderr)")
        let line = errorLines.first.map(String.init) ?? ""
        #expect(line.contains("5 points failed for good") && line.contains("pesscan status") && line.contains("--retry-failed"), "\(line)")
        #expect(try pesscan.sql("SELECT COUNT(*) FROM point WHERE state = 'failed'") == "5")
        #expect(try pesscan.sql("SELECT COUNT(*) FROM attempt") == "5")
        // --retry-failed runs them again; they fail again, so the status stays 65.
        let again = try pesscan.run(["collect", "--quiet", "--retries", "0", "--retry-failed"])
        #expect(again.status == 65, "\(again.stderr)")
        #expect(try pesscan.sql("SELECT COUNT(*) FROM attempt") == "10")
    }

    @Test("a hung engine is stopped by the timeout and its point fails with the reason")
    func timeout() throws {
        let pesscan = try planned(points: 2, delay: 120)
        let clock = ContinuousClock()
        let start = clock.now
        let collect = try pesscan.run(["collect", "--slots", "2", "--timeout", "1", "--retries", "1", "--backoff", "0"])
        #expect(clock.now - start < .seconds(30))
        // Both points failed for good: the run could not finish, so collect says so with status 65.
        #expect(collect.status == 65, "\(collect.stderr)")
        #expect(try pesscan.sql("SELECT COUNT(*) FROM point WHERE state = 'failed' AND error LIKE 'timed out after 1 s%'") == "2")
        #expect(try pesscan.sql("SELECT COUNT(*) FROM attempt WHERE outcome = 'failed'") == "4")
        let status = try pesscan.run(["status"])
        #expect(status.stdout.contains("timed out"))
        // The children were stopped, not left sleeping.
        let leftover = try BinaryRunner.processes(matching: "delay-seconds 120")
        #expect(leftover == 0)
    }

    @Test("two concurrent collects never run one point twice")
    func concurrentCollects() throws {
        let pesscan = try planned(points: 30, delay: 0.1)
        let (first, _, _) = try pesscan.start(["collect", "--slots", "2", "--quiet"])
        let (second, _, _) = try pesscan.start(["collect", "--slots", "2", "--quiet"])
        first.waitUntilExit()
        second.waitUntilExit()
        #expect(first.terminationStatus == 0 && second.terminationStatus == 0)
        try expectEveryPointDoneOnce(pesscan, points: 30)
        #expect(try pesscan.sql("SELECT COUNT(*) FROM attempt") == "30")
        #expect(try pesscan.sql("SELECT COUNT(DISTINCT owner) FROM attempt") == "2")
    }

    @Test("SIGKILL of collect at random moments over several zones, then a rerun: nothing lost, nothing run twice")
    func randomKills() throws {
        let pesscan = try planned(points: 40, delay: 0.05)
        let zones = try pesscan.zoneFile("""
            zones:
              - {name: a, kind: local, slots: 2}
              - {name: b, kind: local, slots: 1}
            """)
        var generator = SeededGenerator(seed: 2018)
        for _ in 0..<5 {
            let (process, _, _) = try pesscan.start(["collect", "--zones", zones, "--quiet"])
            Thread.sleep(forTimeInterval: 0.2 + Double(generator.next() % 1000) / 1000)
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        let finish = try pesscan.run(["collect", "--zones", zones, "--quiet"])
        #expect(finish.status == 0)
        try expectEveryPointDoneOnce(pesscan, points: 40)
    }
}

extension BinaryRunner {
    /// How many running processes have `text` in their command line.
    static func processes(matching text: String) throws -> Int {
        let entries = try FileManager.default.contentsOfDirectory(atPath: "/proc").filter { $0.allSatisfy(\.isNumber) }
        return entries.filter { pid in
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
            let line = String(decoding: data.map { $0 == 0 ? 32 : $0 }, as: UTF8.self)
            return line.contains(text) && !line.contains("swift-testing") && !line.contains("xctest")
        }.count
    }
}
