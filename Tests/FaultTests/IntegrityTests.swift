import Foundation
import PESTestSupport
import Testing

/// Concurrent uses that once stored a wrong energy or ran a result twice: each a real scenario with real collects.
///
/// Every test counts wrong energies (stored energies that are not the model's
/// for the point's own molecule and bond length) and checks each point was
/// done exactly once, from the database and from the engine's marker files.
@Suite("Faults: integrity under concurrent use", .serialized)
struct IntegrityTests {
    static let markerFile = "markers.txt"

    /// Plans a model-process scan whose engine leaves a marker line per completed run.
    @discardableResult
    func plan(
        _ runner: BinaryRunner, molecule: String, points: Int, scan: String = "s", delaySeconds: Double, extra: [String] = []
    ) throws -> BinaryRunner.Result {
        try runner.run([
            "plan", "--molecule", molecule, "--points", String(points), "--scan", scan, "--engine", "model-process",
            "--option", "delay_seconds=\(delaySeconds)", "--option", "marker_file=\(Self.markerFile)",
        ] + extra)
    }

    /// Number of attempts of the database in a given outcome.
    func attempts(_ runner: BinaryRunner, _ outcome: String) throws -> Int {
        Int(try runner.sql("SELECT COUNT(*) FROM attempt WHERE outcome = '\(outcome)'")) ?? -1
    }

    /// Adds a tally's counts to a row of the fault table.
    func add(_ tally: RunAccounting.Tally, to figures: inout FaultFigures) {
        figures.lost += tally.lost
        figures.duplicated += tally.duplicated
        figures.wrongEnergies += tally.wrongEnergies
    }

    @Test("plan --replace while collect runs the scan: refused without --force; with it, no old energy lands on the new scan")
    func replaceWhileCollecting() throws {
        var figures = FaultFigures(area: "integrity: replace while collecting")
        for _ in 0..<Campaign.count(1, soakFactor: 5) {
            let runner = try BinaryRunner()
            #expect(try plan(runner, molecule: "H2", points: 12, delaySeconds: 1).status == 0)
            let (collect, out, err) = try runner.start(["collect", "--slots", "2"])
            #expect(ProcessWatch.poll(seconds: 30) { (try? runner.sql("SELECT COUNT(*) FROM point WHERE state = 'running'")) == "2" })
            let refused = try plan(runner, molecule: "HF", points: 12, delaySeconds: 0, extra: ["--replace"])
            #expect(refused.status == 69, "\(refused.stderr)")
            #expect(refused.stderr.contains("running") && refused.stderr.contains("--force"), "\(refused.stderr)")
            #expect(try runner.sql("SELECT molecule FROM scan WHERE name = 's'") == "H2", "a refused replace changed nothing")
            let forced = try plan(runner, molecule: "HF", points: 12, delaySeconds: 0, extra: ["--replace", "--force"])
            #expect(forced.status == 0, "\(forced.stderr)")
            figures.faults += 1
            _ = ProcessWatch.finish(collect, within: 120, what: "the collect whose scan was replaced")
            let first = BinaryRunner.wait(collect, out, err)
            #expect(first.status == 0, "\(first.stderr)")
            #expect(try runner.sql("SELECT COUNT(*) FROM point WHERE state = 'done'") == "0", "the old collect stored nothing on the new scan")
            let second = try ProcessWatch.run(runner, ["collect", "--quiet"])
            #expect(second.status == 0, "\(second.stderr)")
            figures.trials += 2
            ProcessWatch.waitForOrphans(in: runner.folder)
            add(try RunAccounting(runner: runner, scan: "s", markerFile: Self.markerFile).expectDoneExactlyOnce(points: 12), to: &figures)
        }
        FaultLedger.record(figures)
    }

    @Test("two databases in one results folder with the same scan name: each keeps its own molecule's energies")
    func twoDatabasesOneFolder() throws {
        var figures = FaultFigures(area: "integrity: two databases, one folder")
        for _ in 0..<Campaign.count(1, soakFactor: 5) {
            let folder = try TestSupport.temporaryFolder("pesscan-two-dbs")
            let runners = [BinaryRunner(folder: folder, databaseFileName: "a.sqlite"), BinaryRunner(folder: folder, databaseFileName: "b.sqlite")]
            for (runner, molecule) in zip(runners, ["H2", "HF"]) {
                #expect(try plan(runner, molecule: molecule, points: 30, delaySeconds: 0.05).status == 0)
            }
            let started = try runners.map { try $0.start(["collect", "--slots", "2", "--quiet"]) }
            for (process, out, err) in started {
                _ = ProcessWatch.finish(process, within: 120, what: "a collect beside another database's")
                let result = BinaryRunner.wait(process, out, err)
                #expect(result.status == 0, "\(result.stderr)")
                figures.trials += 1
            }
            ProcessWatch.waitForOrphans(in: folder)
            for runner in runners {
                add(try RunAccounting(runner: runner, scan: "s", markerFile: Self.markerFile).expectDoneExactlyOnce(points: 30), to: &figures)
            }
            #expect(try runners[0].pointFolder(scan: "s", index: 0) != runners[1].pointFolder(scan: "s", index: 0))
        }
        FaultLedger.record(figures)
    }

    @Test("a collect paused past its lease and resumed: its late results are kept as abandoned attempts, never as the point's result")
    func pausedPastLease() throws {
        var figures = FaultFigures(area: "integrity: collect paused past its lease")
        let lease = "6"
        for _ in 0..<Campaign.count(1, soakFactor: 5) {
            let runner = try BinaryRunner()
            #expect(try plan(runner, molecule: "AuOg+", points: 6, delaySeconds: 4).status == 0)
            let (paused, pausedOut, pausedErr) = try runner.start(["collect", "--slots", "2", "--lease-seconds", lease])
            #expect(ProcessWatch.poll(seconds: 30) { (try? runner.sql("SELECT COUNT(*) FROM point WHERE state = 'running'")) == "2" })
            let claimedAt = Date()
            kill(paused.processIdentifier, SIGSTOP)
            figures.faults += 1
            // Another collect runs the rest; once the paused one's lease has run out (6 s, plus 6 s for clock skew), a third takes its points over.
            let second = try ProcessWatch.run(runner, ["collect", "--slots", "2", "--lease-seconds", lease, "--quiet"])
            #expect(second.status == 0, "\(second.stderr)")
            let wait = 14 - Date().timeIntervalSince(claimedAt)
            if wait > 0 { Thread.sleep(forTimeInterval: wait) }
            let third = try ProcessWatch.run(runner, ["collect", "--slots", "2", "--lease-seconds", lease])
            #expect(third.status == 0, "\(third.stderr)")
            #expect(try runner.sql("SELECT COUNT(*) FROM point WHERE state = 'done'") == "6", "\(second.stderr)\n\(third.stderr)")
            kill(paused.processIdentifier, SIGCONT)
            _ = ProcessWatch.finish(paused, within: 60, what: "the resumed collect")
            let resumed = BinaryRunner.wait(paused, pausedOut, pausedErr)
            figures.trials += 3
            #expect(resumed.status == 0, "\(resumed.stderr)")
            #expect(resumed.stderr.contains("kept as abandoned attempts"), "the resumed collect says its results came too late: \(resumed.stderr)")
            ProcessWatch.waitForOrphans(in: runner.folder)
            let late = try runner.sql("SELECT COUNT(*) FROM attempt WHERE outcome = 'abandoned' AND energy_hartree IS NOT NULL")
            #expect(late == "2", "the two late energies are kept for provenance")
            let tally = try RunAccounting(runner: runner, scan: "s", markerFile: Self.markerFile).expectDoneExactlyOnce(points: 6)
            #expect(tally.extraEngineRuns == 2, "each paused point ran twice on the engine side, and only once counts")
            add(tally, to: &figures)
        }
        FaultLedger.record(figures)
    }

    @Test("a collect whose wall clock is 1000 s ahead does not take over another collect's live points")
    func clockSteppedAhead() throws {
        var figures = FaultFigures(area: "integrity: clock stepped ahead")
        let faketime = URL(fileURLWithPath: "/usr/bin/faketime")
        try #require(FileManager.default.isExecutableFile(atPath: faketime.path), "faketime is needed (scripts/system-packages.txt)")
        for _ in 0..<Campaign.count(1, soakFactor: 5) {
            let runner = try BinaryRunner()
            #expect(try plan(runner, molecule: "AuOg+", points: 8, delaySeconds: 2).status == 0)
            let (first, firstOut, firstErr) = try runner.start(["collect", "--slots", "2", "--lease-seconds", "6", "--quiet"])
            #expect(ProcessWatch.poll(seconds: 30) { (try? runner.sql("SELECT COUNT(*) FROM point WHERE state = 'running'")) == "2" })
            var environment = ProcessInfo.processInfo.environment
            environment["PESSCAN_MOLECULES"] = TestSupport.moleculeLibrary.path
            environment["PESSCAN_INPUTS"] = TestSupport.packageRoot.appendingPathComponent("Inputs").path
            environment["FAKETIME_DONT_FAKE_MONOTONIC"] = "1"
            let (ahead, aheadOut, aheadErr) = try BinaryRunner.launch(
                faketime, ["-f", "+1000s", BinaryRunner.executable.path, "collect", "--slots", "2", "--lease-seconds", "6"],
                in: runner.folder, environment: environment)
            figures.faults += 1
            for (process, out, err) in [(first, firstOut, firstErr), (ahead, aheadOut, aheadErr)] {
                _ = ProcessWatch.finish(process, within: 120, what: "a collect beside one with a stepped clock")
                let result = BinaryRunner.wait(process, out, err)
                #expect(result.status == 0, "\(result.stderr)")
                #expect(!result.stderr.contains("Took over"), "no live point is taken over: \(result.stderr)")
                figures.trials += 1
            }
            ProcessWatch.waitForOrphans(in: runner.folder)
            #expect(try attempts(runner, "abandoned") == 0)
            let tally = try RunAccounting(runner: runner, scan: "s", markerFile: Self.markerFile).expectDoneExactlyOnce(points: 8)
            #expect(tally.extraEngineRuns == 0, "no point ran twice")
            add(tally, to: &figures)
            figures.duplicated += tally.extraEngineRuns
        }
        FaultLedger.record(figures)
    }

    @Test("symbolic links planted under the results folder are not followed: collect stops with an error, nothing is written outside")
    func plantedLinks() throws {
        var figures = FaultFigures(area: "integrity: planted symbolic links")
        let runner = try BinaryRunner()
        #expect(try plan(runner, molecule: "H2", points: 4, delaySeconds: 0).status == 0)
        let outside = try TestSupport.temporaryFolder("pesscan-outside")
        let scanFolder = try runner.pointFolder(scan: "s", index: 0).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: scanFolder.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: scanFolder, withDestinationURL: outside)
        figures.faults += 1
        let refused = try ProcessWatch.run(runner, ["collect", "--quiet"])
        figures.trials += 1
        #expect(refused.status == 69, "\(refused.stderr)")
        #expect(refused.stderr.contains("symbolic link"), "\(refused.stderr)")
        #expect(try runner.sql("SELECT COUNT(*) FROM point WHERE state = 'pending'") == "4", "the points wait again")
        let written = try FileManager.default.contentsOfDirectory(atPath: outside.path)
        #expect(written.isEmpty, "written outside the results folder: \(written)")
        figures.escapes += written.count

        // A marker file that is a link to a file outside is refused, not appended to.
        let target = outside.appendingPathComponent("target.txt")
        try "untouched\n".write(to: target, atomically: true, encoding: .utf8)
        let work = try TestSupport.temporaryFolder("pesscan-marker-link")
        try FileManager.default.createSymbolicLink(at: work.appendingPathComponent(Self.markerFile), withDestinationURL: target)
        let (energy, out, err) = try BinaryRunner.launch(
            BinaryRunner.executable,
            ["model-energy", "--r-angstrom", "0.74", "--r-e-angstrom", "0.7414", "--well-depth-hartree", "0.17", "--range-per-angstrom", "1.9",
             "--marker-file", Self.markerFile],
            in: work, environment: ProcessInfo.processInfo.environment)
        let marker = BinaryRunner.wait(energy, out, err)
        figures.faults += 1
        figures.trials += 1
        #expect(marker.status != 0, "a linked marker file is refused")
        let after = try String(contentsOf: target, encoding: .utf8)
        #expect(after == "untouched\n")
        if after != "untouched\n" { figures.escapes += 1 }

        try FileManager.default.removeItem(at: scanFolder)
        let finished = try ProcessWatch.run(runner, ["collect", "--quiet"])
        figures.trials += 1
        #expect(finished.status == 0, "\(finished.stderr)")
        let tally = try RunAccounting(runner: runner, scan: "s", markerFile: Self.markerFile).expectDoneExactlyOnce(points: 4)
        add(tally, to: &figures)
        FaultLedger.record(figures)
    }

    @Test("10,000 zones: collect claims once per fill and finishes 200 points, then returns at once when all are done")
    func tenThousandZones() throws {
        var figures = FaultFigures(area: "integrity: 10,000 zones")
        let runner = try BinaryRunner()
        let planned = try runner.run(["plan", "--molecule", "HF", "--points", "200", "--scan", "s"])
        #expect(planned.status == 0, "\(planned.stderr)")
        let yaml = "zones:\n" + (0..<10_000).map { "  - name: z\($0)\n    kind: local\n    slots: 1\n" }.joined()
        let zones = try runner.zoneFile(yaml)
        for round in 0..<2 {
            let started = Date()
            let result = try ProcessWatch.run(runner, ["collect", "--zones", zones, "--quiet"], within: 90)
            let seconds = Date().timeIntervalSince(started)
            print("10,000 zones, collect round \(round + 1): \(String(format: "%.2f", seconds)) s")
            #expect(result.status == 0, "\(result.stderr)")
            figures.trials += 1
        }
        #expect(try runner.sql("SELECT COUNT(*) FROM point WHERE state = 'done'") == "200")
        #expect(try attempts(runner, "done") == 200)
        figures.lost += 200 - (Int(try runner.sql("SELECT COUNT(*) FROM point WHERE state = 'done'")) ?? 0)
        figures.duplicated += max(0, try attempts(runner, "done") - 200)
        figures.wrongEnergies += try EnergyAudit.wrongEnergies(runner: runner, scan: "s").count
        FaultLedger.record(figures)
    }
}
