import Foundation
import PESTestSupport
import Testing

/// A large `import` into one scan while `collect` runs another scan of the same database.
@Suite("Faults: import beside collect")
struct ImportBesideCollectTests {
    /// Points of the collected scan, each a model-process run of 0.2 s: more than one slot gets through during any import.
    static let collectPoints = 200
    /// Rows of the imported file.
    static let importRows = 100_000
    static let markerFile = "markers.txt"

    /// Writes a CSV of `rows` energies at distinct bond lengths (1 Å upwards in steps of 10⁻⁵ Å) into the runner's folder.
    static func writeFile(_ runner: BinaryRunner, name: String, rows: Int) throws {
        var text = "r_angstrom,energy_hartree\n"
        text.reserveCapacity(rows * 40)
        for i in 0..<rows {
            let r = 1.0 + Double(i) * 1e-5
            text += "\(r),\(-0.03 + 1e-3 * (r - 2.5) * (r - 2.5))\n"
        }
        try text.write(to: runner.folder.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }

    /// SQL joining a point `p` to its scan, limited to the scan named `scan`.
    static func ofScan(_ scan: String) -> String { "JOIN scan s ON s.id = p.scan_id WHERE s.name = '\(scan)'" }

    /// SQL selecting the attempts `a` of the scan named `scan`.
    static func attemptsOf(_ scan: String) -> String { "FROM attempt a JOIN point p ON p.id = a.point_id \(ofScan(scan))" }

    @Test("a 10⁵-row import beside a running collect: both succeed, every point done once, none left running")
    func importBesideCollect() throws {
        let runner = try BinaryRunner()
        try Self.writeFile(runner, name: "bulk.csv", rows: Self.importRows)
        var figures = FaultFigures(area: "concurrency: import beside collect")
        for round in 0..<Campaign.count(1, soakFactor: 3) {
            let plan = try runner.run([
                "plan", "--molecule", "AuOg+", "--points", String(Self.collectPoints), "--engine", "model-process",
                "--option", "delay_seconds=0.2", "--option", "marker_file=\(Self.markerFile)", "--scan", "live", "--replace",
            ])
            #expect(plan.status == 0, "\(plan.stderr)")
            try? FileManager.default.removeItem(at: runner.folder.appendingPathComponent("Results/runs"))
            let bulk = "bulk-\(round)"
            let (collect, out, err) = try runner.start(["collect", "--scan", "live", "--slots", "1", "--quiet"])
            ProcessWatch.poll(seconds: 30) { !collect.isRunning || (try? runner.sql("SELECT COUNT(*) FROM point WHERE state = 'running'")) != "0" }
            let imported = try ProcessWatch.run(runner, ["import", "--scan", bulk, "--molecule", "AuOg+", "bulk.csv", "--json"], within: 600)
            let importEnded = Date().timeIntervalSince1970
            // The collect ran through the whole import; stop it now (SIGTERM returns its points) and let another finish the scan.
            kill(collect.processIdentifier, SIGTERM)
            _ = ProcessWatch.finish(collect, within: 60, what: "collect beside an import, after SIGTERM")
            let collected = BinaryRunner.wait(collect, out, err)
            let finished = try ProcessWatch.run(runner, ["collect", "--scan", "live", "--slots", "2", "--quiet"], within: 300)
            figures.trials += 2
            figures.faults += 1
            #expect(imported.status == 0, "\(imported.stderr)")
            #expect([0, 130].contains(collected.status), "\(collected.stderr)")
            #expect(finished.status == 0, "\(finished.stderr)")
            if imported.status != 0 || ![0, 130].contains(collected.status) || finished.status != 0 { figures.crashes += 1 }
            for (what, stderr) in [("import", imported.stderr), ("collect", collected.stderr), ("second collect", finished.stderr)] {
                for word in ["locked", "busy", "Database error"] {
                    #expect(!stderr.contains(word), "stderr of \(what): \(stderr)")
                }
            }
            let summary = (try? JSONSerialization.jsonObject(with: Data(imported.stdout.utf8))) as? [String: Any]
            let longest = summary?["longest_write_seconds"] as? Double ?? .infinity
            #expect(longest < 5, "the import held the write lock for \(longest) s in one transaction")

            ProcessWatch.waitForOrphans(in: runner.folder)
            let tally = try RunAccounting(runner: runner, scan: "live", markerFile: Self.markerFile)
                .expectDoneExactlyOnce(points: Self.collectPoints)
            #expect(tally.extraEngineRuns == 0, "SIGTERM stops an engine before it finishes or lets it finish and be recorded")
            figures.lost += tally.lost
            figures.duplicated += tally.duplicated + tally.extraEngineRuns
            #expect(try runner.sql("SELECT COUNT(*) FROM point WHERE state = 'running'") == "0")
            #expect(try runner.sql("SELECT COUNT(*) FROM attempt WHERE outcome = 'running'") == "0")

            let done = Int(try runner.sql("SELECT COUNT(*) FROM point p \(Self.ofScan(bulk)) AND p.state = 'done'")) ?? 0
            let attempts = Int(try runner.sql("SELECT COUNT(*) \(Self.attemptsOf(bulk))")) ?? 0
            #expect(done == Self.importRows)
            #expect(attempts == Self.importRows)
            figures.lost += max(0, Self.importRows - done)
            figures.duplicated += max(0, attempts - Self.importRows)

            // The collect must have written while the import was writing: its attempts finished between the
            // import's time stamp (taken when its checks ended) and the end of the import.
            let writeStarted = try runner.sql("SELECT MIN(a.started_at) \(Self.attemptsOf(bulk))")
            let overlapping = Int(try runner.sql(
                "SELECT COUNT(*) \(Self.attemptsOf("live")) AND a.finished_at > \(writeStarted) AND a.finished_at < \(importEnded)")) ?? 0
            #expect(overlapping > 0, "collect finished no point while the import was writing; the test did not test contention")
        }
        FaultLedger.record(figures)
    }
}
