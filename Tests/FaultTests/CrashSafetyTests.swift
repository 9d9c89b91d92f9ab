import Foundation
import PESTestSupport
import Testing

/// Kills `collect` at random moments and checks that every point is still done exactly once.
@Suite("Faults: crash safety under SIGKILL, SIGTERM and SIGINT", .serialized)
struct CrashSafetyTests {
    /// Points per scan: a few hundred, each a real `model-energy` child process.
    static let points = 200
    static let markerFile = "markers.txt"

    /// Plans a fresh scan named `scan` whose engine leaves a marker line per completed run.
    func plan(_ runner: BinaryRunner, scan: String) throws {
        let plan = try runner.run([
            "plan", "--molecule", "AuOg+", "--points", String(Self.points), "--engine", "model-process",
            "--option", "marker_file=\(Self.markerFile)", "--scan", scan,
        ])
        #expect(plan.status == 0, "\(plan.stderr)")
    }

    /// Whether a collect that was not killed by us ended badly.
    static func crashed(_ process: Process, stderr: String, allowing signals: Set<Int32>) -> Bool {
        if process.terminationReason == .uncaughtSignal { return !signals.contains(process.terminationStatus) }
        return ![0, 130].contains(process.terminationStatus) || stderr.contains("Fatal error")
    }

    /// Finishes `scan` with an uninterrupted collect, waits for orphaned engines, and checks it.
    func finishAndCheck(_ runner: BinaryRunner, scan: String, figures: inout FaultFigures) throws {
        let last = try ProcessWatch.run(runner, ["collect", "--scan", scan, "--quiet"])
        #expect(last.status == 0, "\(last.stderr)")
        if last.status != 0 { figures.crashes += 1 }
        ProcessWatch.waitForOrphans(in: runner.folder)
        let tally = try RunAccounting(runner: runner, scan: scan, markerFile: Self.markerFile)
            .expectDoneExactlyOnce(points: Self.points)
        figures.lost += tally.lost
        figures.wrongEnergies += tally.wrongEnergies
        figures.duplicated += tally.duplicated
    }

    @Test("SIGKILL at random moments (seeded): every point done exactly once, the file sound")
    func sigkill() throws {
        var random = SeededGenerator(seed: Campaign.seed)
        let runner = try BinaryRunner()
        var figures = FaultFigures(area: "crash safety: SIGKILL")
        var round = 0
        var scan = "kill-\(round)"
        try plan(runner, scan: scan)
        var abandoned = 0
        for _ in 0..<Campaign.count(60) {
            let delay = Double.random(in: 0.02...0.45, using: &random)
            let (process, _, errors) = try runner.start(["collect", "--scan", scan, "--quiet"])
            ProcessWatch.poll(seconds: delay) { !process.isRunning }
            let killed = process.isRunning
            if killed {
                kill(process.processIdentifier, SIGKILL)
                figures.faults += 1
            }
            _ = ProcessWatch.finish(process, within: 120, what: "collect")
            figures.trials += 1
            let stderr = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
            if Self.crashed(process, stderr: stderr, allowing: [SIGKILL]) {
                figures.crashes += 1
                Issue.record("collect ended with status \(process.terminationStatus): \(stderr)")
            }
            // A scan finished within the trial: check it and carry on killing a fresh one.
            if !killed, process.terminationStatus == 0 {
                abandoned += Int(try runner.sql("SELECT COUNT(*) FROM attempt WHERE outcome = 'abandoned'")) ?? 0
                try finishAndCheck(runner, scan: scan, figures: &figures)
                round += 1
                scan = "kill-\(round)"
                try plan(runner, scan: scan)
            }
        }
        try finishAndCheck(runner, scan: scan, figures: &figures)
        abandoned += Int(try runner.sql("SELECT COUNT(*) FROM attempt WHERE outcome = 'abandoned'")) ?? 0
        #expect(figures.faults >= 50 || !Campaign.soak && figures.faults >= 40, "only \(figures.faults) kills landed")
        #expect(abandoned > 0, "no kill landed while a point was running")
        FaultLedger.record(figures)
    }

    @Test("SIGTERM and SIGINT at random moments: exit 130, nothing left running, released attempts kept", arguments: [SIGTERM, SIGINT])
    func graceful(_ signalNumber: Int32) throws {
        var random = SeededGenerator(seed: Campaign.seed &+ UInt64(signalNumber))
        let runner = try BinaryRunner()
        let name = signalNumber == SIGTERM ? "SIGTERM" : "SIGINT"
        var figures = FaultFigures(area: "crash safety: \(name)")
        var round = 0
        var scan = "stop-\(round)"
        try plan(runner, scan: scan)
        var interrupted = 0
        for _ in 0..<Campaign.count(20) {
            let delay = Double.random(in: 0.05...0.6, using: &random)
            let (process, _, errors) = try runner.start(["collect", "--scan", scan, "--quiet"])
            ProcessWatch.poll(seconds: delay) { !process.isRunning }
            let signalled = process.isRunning
            if signalled {
                kill(process.processIdentifier, signalNumber)
                figures.faults += 1
            }
            _ = ProcessWatch.finish(process, within: 120, what: "collect after \(name)")
            figures.trials += 1
            let stderr = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
            // Before its handler is installed the signal's default action ends collect; nothing is claimed by then.
            if Self.crashed(process, stderr: stderr, allowing: [signalNumber]) {
                figures.crashes += 1
                Issue.record("collect ended with status \(process.terminationStatus) after \(name): \(stderr)")
            }
            if process.terminationReason == .exit, process.terminationStatus == 130 {
                interrupted += 1
                #expect(stderr.contains("Interrupted"))
            }
            #expect(try runner.sql("SELECT COUNT(*) FROM point WHERE state = 'running'") == "0")
            #expect(try runner.sql("SELECT COUNT(*) FROM attempt WHERE outcome = 'running'") == "0")
            if !signalled, process.terminationStatus == 0 {
                try finishAndCheck(runner, scan: scan, figures: &figures)
                round += 1
                scan = "stop-\(round)"
                try plan(runner, scan: scan)
            }
        }
        let released = Int(try runner.sql("SELECT COUNT(*) FROM attempt WHERE outcome = 'released'")) ?? 0
        try finishAndCheck(runner, scan: scan, figures: &figures)
        #expect(interrupted > 0, "no \(name) landed while collect was running")
        #expect(released > 0, "no attempt was recorded as released")
        #expect(try runner.sql("SELECT COUNT(*) FROM attempt WHERE outcome = 'abandoned'") == "0")
        FaultLedger.record(figures)
    }
}
