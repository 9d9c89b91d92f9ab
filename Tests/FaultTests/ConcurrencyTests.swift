import Foundation
import PESTestSupport
import Testing

/// Several `collect` processes on one database and one scan.
@Suite("Faults: four collects on one database")
struct ConcurrencyTests {
    @Test("four collects share one scan: no point run twice, no 'database is locked' reaches the user, all done")
    func fourCollects() throws {
        let runner = try BinaryRunner()
        let points = 160
        let plan = try runner.run([
            "plan", "--molecule", "AuOg+", "--points", String(points), "--engine", "model-process",
            "--option", "marker_file=markers.txt", "--scan", "shared",
        ])
        #expect(plan.status == 0, "\(plan.stderr)")
        var figures = FaultFigures(area: "concurrency: 4 collects")
        for round in 0..<Campaign.count(1, soakFactor: 5) {
            if round > 0 {
                #expect(try runner.run(["plan", "--molecule", "AuOg+", "--points", String(points), "--engine", "model-process",
                                        "--option", "marker_file=markers.txt", "--scan", "shared", "--replace"]).status == 0)
                try FileManager.default.removeItem(at: runner.folder.appendingPathComponent("Results/runs"))
            }
            let started = try (0..<4).map { _ in try runner.start(["collect", "--slots", "2", "--quiet"]) }
            for (process, out, err) in started {
                _ = ProcessWatch.finish(process, within: 240, what: "one of four collects")
                let result = BinaryRunner.wait(process, out, err)
                figures.trials += 1
                #expect(result.status == 0, "\(result.stderr)")
                for word in ["locked", "busy", "Database error"] {
                    #expect(!result.stderr.contains(word), "stderr of a collect: \(result.stderr)")
                }
                if result.status != 0 { figures.crashes += 1 }
            }
            ProcessWatch.waitForOrphans(in: runner.folder)
            let tally = try RunAccounting(runner: runner, scan: "shared", markerFile: "markers.txt").expectDoneExactlyOnce(points: points)
            #expect(tally.extraEngineRuns == 0, "nothing was killed, so every point ran once on the engine side")
            figures.lost += tally.lost
            figures.wrongEnergies += tally.wrongEnergies
            figures.duplicated += tally.duplicated + tally.extraEngineRuns
            let owners = Int(try runner.sql("SELECT COUNT(DISTINCT owner) FROM attempt")) ?? 0
            #expect(owners >= 2, "the work was not shared: \(owners) collect(s) ran points")
        }
        FaultLedger.record(figures)
    }
}
