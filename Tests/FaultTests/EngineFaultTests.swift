import Foundation
import PESTestSupport
import Testing

/// Broken engines, each a real `/bin/sh` script run through the generic template engine.
@Suite("Faults: engine failures are recorded on the point and never stall the run", .serialized)
struct EngineFaultTests {
    /// One injected fault: the script's body, and what the point must show afterwards.
    struct Fault: Sendable, CustomStringConvertible {
        var name: String
        /// Shell commands run for every attempt; `$1` is the point index.
        var script: String
        /// Text the point's error must contain; nil when the point must end done.
        var reason: String?
        var extraOptions: [String] = []
        var description: String { name }
    }

    static let energyRegex = #"energy_regex=Total energy:[ \t]*(\S+)"#

    static let faults: [Fault] = [
        Fault(name: "exit7", script: "echo 'engine gave up' >&2; exit 7", reason: "exited with status 7"),
        Fault(name: "segv", script: "kill -SEGV $$", reason: "killed by signal 11"),
        Fault(name: "killed", script: "kill -KILL $$", reason: "killed by signal 9"),
        Fault(name: "hang", script: "exec sleep 600", reason: "timed out after"),
        Fault(name: "empty", script: "exit 0", reason: "no energy in the output"),
        Fault(name: "truncated", script: "printf 'SCF iteration 3\\nTotal ener'", reason: "no energy in the output"),
        Fault(name: "nan", script: "echo 'Total energy: nan'", reason: "does not hold a finite number"),
        Fault(name: "inf", script: "echo 'Total energy: -inf'", reason: "does not hold a finite number"),
        Fault(name: "overflow", script: "echo 'Total energy: -1e999'", reason: "does not hold a finite number"),
        Fault(name: "binary", script: "head -c 4096 /dev/urandom", reason: "no energy in the output"),
        Fault(name: "status-with-energy", script: "echo 'Total energy: -1.5'; echo 'oops' >&2; exit 2", reason: "exited with status 2"),
        // Done points: unconverged, megabytes of output on both streams, another unit.
        Fault(
            name: "unconverged", script: "echo 'SCF NOT CONVERGED'; echo 'Total energy: -1.25'", reason: nil,
            extraOptions: ["--option", "unconverged_regex=NOT CONVERGED"]),
        Fault(
            name: "megabytes",
            script: "head -c 6000000 /dev/zero | tr '\\0' x; head -c 3000000 /dev/zero | tr '\\0' y >&2; printf '\\nTotal energy: -1.5\\n'",
            reason: nil),
        Fault(
            name: "electronvolt", script: "echo 'Total energy: -27.211386245988 eV'", reason: nil,
            extraOptions: ["--option", "energy_unit=eV"]),
    ]

    /// Writes the fault's script and an input template into `folder`, and plans a 2-point scan running it.
    func plan(_ fault: Fault, runner: BinaryRunner) throws {
        let scripts = runner.folder.appendingPathComponent("scripts", isDirectory: true)
        try FileManager.default.createDirectory(at: scripts, withIntermediateDirectories: true)
        let script = scripts.appendingPathComponent("\(fault.name).sh")
        try "#!/bin/sh\n\(fault.script)\n".write(to: script, atomically: true, encoding: .utf8)
        let template = scripts.appendingPathComponent("input.txt")
        try "r = {r_angstrom}\n".write(to: template, atomically: true, encoding: .utf8)
        let plan = try runner.run(
            ["plan", "--molecule", "H2", "--points", "2", "--engine", "template", "--scan", fault.name,
             "--option", "template=\(template.path)", "--option", "argv=[\"/bin/sh\",\"\(script.path)\",\"{point}\"]",
             "--option", Self.energyRegex] + fault.extraOptions)
        #expect(plan.status == 0, "\(fault.name): \(plan.stderr)")
    }

    @Test("every engine fault in one collect: clear reasons, retry limits kept, no stall")
    func allFaults() throws {
        let runner = try BinaryRunner()
        for fault in Self.faults { try plan(fault, runner: runner) }
        let retries = 1
        let started = Date()
        let collect = try ProcessWatch.run(
            runner, ["collect", "--quiet", "--retries", String(retries), "--backoff", "0.05", "--timeout", "2", "--slots", "2"],
            within: 240)
        let seconds = Date().timeIntervalSince(started)
        var figures = FaultFigures(area: "engine faults")
        figures.trials = Self.faults.count
        // The faults leave points failed for good, so collect exits 65 (data) rather than 0.
        #expect(collect.status == 65, "\(collect.stderr)")
        #expect(!collect.stderr.contains("Fatal error"))
        if collect.status > 128 || collect.stderr.contains("Fatal error") { figures.crashes += 1 }
        for fault in Self.faults {
            let rows = try runner.sql("""
                SELECT p.state, p.attempt_count, COALESCE(p.error, ''), COALESCE(p.energy_hartree, ''), COALESCE(p.converged, '')
                FROM point p JOIN scan s ON s.id = p.scan_id WHERE s.name = '\(fault.name)' ORDER BY p.idx
                """).split(separator: "\n").map { $0.split(separator: "|", omittingEmptySubsequences: false).map(String.init) }
            #expect(rows.count == 2, "\(fault.name): \(rows)")
            for row in rows where row.count == 5 {
                if let reason = fault.reason {
                    #expect(row[0] == "failed", "\(fault.name): \(row)")
                    #expect(row[1] == String(retries + 1), "\(fault.name): \(row[1]) attempts with --retries \(retries)")
                    #expect(row[2].contains(reason), "\(fault.name): error \"\(row[2])\" lacks \"\(reason)\"")
                    figures.faults += Int(row[1]) ?? 0
                    if row[0] != "failed" { figures.lost += 1 }
                } else {
                    #expect(row[0] == "done", "\(fault.name): \(row)")
                    #expect(row[1] == "1", "\(fault.name): \(row[1]) attempts")
                    figures.faults += 1
                    if row[0] != "done" { figures.lost += 1 }
                }
            }
            let attempts = try runner.sql("""
                SELECT COUNT(*) FROM attempt a JOIN point p ON p.id = a.point_id JOIN scan s ON s.id = p.scan_id
                WHERE s.name = '\(fault.name)' AND a.outcome = 'done'
                """)
            #expect(Int(attempts) ?? 0 <= 2, "\(fault.name): \(attempts) done attempts for 2 points")
            figures.duplicated += max(0, (Int(attempts) ?? 0) - 2)
        }
        let unconverged = try runner.sql("SELECT DISTINCT p.converged FROM point p JOIN scan s ON s.id = p.scan_id WHERE s.name = 'unconverged'")
        #expect(unconverged == "0")
        let energies = try runner.sql("SELECT p.energy_hartree FROM point p JOIN scan s ON s.id = p.scan_id WHERE s.name = 'electronvolt'")
        for energy in energies.split(separator: "\n") {
            #expect(TestSupport.isClose(Double(energy) ?? 0, -1, absolute: 1e-9), "27.211386245988 eV is 1 Eh; got \(energy)")
        }
        // A chatty engine's stderr tail stays a tail in the database, however long its lines.
        let longestTail = Int(try runner.sql("SELECT MAX(LENGTH(stderr_tail)) FROM attempt")) ?? 0
        #expect(longestTail <= 8192, "an attempt stored \(longestTail) characters of stderr tail")
        #expect(try runner.sql("PRAGMA integrity_check") == "ok")
        print("engine faults: \(figures.faults) attempts over \(Self.faults.count) kinds of fault in \(String(format: "%.1f", seconds)) s")
        FaultLedger.record(figures)
    }

    @Test("interrupted attempts do not use up a point's retries")
    func interruptionsKeepRetries() throws {
        let runner = try BinaryRunner()
        let plan = try runner.run([
            "plan", "--molecule", "H2", "--points", "4", "--engine", "model-process", "--scan", "stubborn",
            "--option", "delay_seconds=0.5", "--option", "fail_fraction=1",
        ])
        #expect(plan.status == 0, "\(plan.stderr)")
        var figures = FaultFigures(area: "engine faults")
        // Twice: wait until every point runs, then Ctrl-C; each point gets two released attempts.
        for _ in 0..<2 {
            let (process, _, _) = try runner.start(["collect", "--retries", "1", "--slots", "4", "--quiet"])
            let running = try ProcessWatch.poll(seconds: 60) {
                try runner.sql("SELECT COUNT(*) FROM attempt WHERE outcome = 'running'") == "4"
            }
            #expect(running, "the four points never ran together")
            kill(process.processIdentifier, SIGINT)
            _ = ProcessWatch.finish(process, within: 60, what: "interrupted collect")
            #expect(process.terminationStatus == 130)
            figures.trials += 1
            figures.faults += 1
        }
        #expect(try runner.sql("SELECT COUNT(*) FROM attempt WHERE outcome = 'released'") == "8")
        let collect = try ProcessWatch.run(runner, ["collect", "--retries", "1", "--backoff", "0.01", "--slots", "4", "--quiet"])
        figures.trials += 1
        // Every point ends failed for good: status 65.
        #expect(collect.status == 65, "\(collect.stderr)")
        // --retries 1: every point failed twice, whatever happened to its interrupted attempts.
        let failures = try runner.sql("""
            SELECT p.idx, p.state, (SELECT COUNT(*) FROM attempt a WHERE a.point_id = p.id AND a.outcome = 'failed')
            FROM point p ORDER BY p.idx
            """)
        #expect(failures == "0|failed|2\n1|failed|2\n2|failed|2\n3|failed|2", "\(failures)")
        figures.faults += 8
        FaultLedger.record(figures)
    }
}
