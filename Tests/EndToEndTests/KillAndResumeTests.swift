import Foundation
import PESTestSupport
import Testing

@Suite("End to end: kill and resume", .serialized)
struct KillAndResumeTests {
    /// Plans a scan whose points run as child processes taking `delay` seconds each.
    func plannedSlowScan(points: Int, delay: Double) throws -> BinaryRunner {
        let pesscan = try BinaryRunner()
        let plan = try pesscan.run([
            "plan", "--molecule", "AuOg+", "--points", String(points), "--engine", "model-process",
            "--option", "delay_seconds=\(delay)",
        ])
        #expect(plan.status == 0, "\(plan.stderr)")
        return pesscan
    }

    /// Waits until at least `count` points are done.
    func waitForDone(_ pesscan: BinaryRunner, atLeast count: Int) throws {
        for _ in 0..<200 {
            if let done = Int(try pesscan.sql("SELECT COUNT(*) FROM point WHERE state = 'done'")), done >= count { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        Issue.record("points did not finish in time")
    }

    @Test("SIGKILL halfway leaves no point stuck; the next collect finishes without repeating a done point")
    func sigkill() throws {
        let pesscan = try plannedSlowScan(points: 24, delay: 0.25)
        let (process, _, _) = try pesscan.start(["collect", "--slots", "2"])
        try waitForDone(pesscan, atLeast: 4)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let doneAtKill = try pesscan.sql("SELECT group_concat(id) FROM point WHERE state = 'done'").split(separator: ",")
        #expect(doneAtKill.count >= 4 && doneAtKill.count < 24)
        #expect(Int(try pesscan.sql("SELECT COUNT(*) FROM point WHERE state = 'running'")) ?? 0 > 0)

        let resume = try pesscan.run(["collect", "--slots", "2"])
        #expect(resume.status == 0, "\(resume.stderr)")
        #expect(resume.stdout.contains("taken over from a stopped collect"))
        try expectEveryPointDoneOnce(pesscan, points: 24)
        for id in doneAtKill {
            #expect(try pesscan.sql("SELECT COUNT(*) FROM attempt WHERE point_id = \(id)") == "1")
        }
        #expect(Int(try pesscan.sql("SELECT COUNT(*) FROM attempt WHERE outcome = 'abandoned'")) ?? 0 > 0)
        let fit = try pesscan.run(["fit", "--json"])
        #expect(fit.stdout.contains("\"points_used\" : 24"))
    }

    @Test("SIGINT returns running points to pending, exits 130, and a rerun finishes", arguments: [SIGINT, SIGTERM])
    func graceful(_ signalNumber: Int32) throws {
        let pesscan = try plannedSlowScan(points: 16, delay: 0.3)
        let (process, _, errors) = try pesscan.start(["collect", "--slots", "2"])
        try waitForDone(pesscan, atLeast: 2)
        kill(process.processIdentifier, signalNumber)
        process.waitUntilExit()
        #expect(process.terminationStatus == 130)
        let stderr = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
        #expect(stderr.contains("Interrupted"))
        #expect(try pesscan.sql("SELECT COUNT(*) FROM point WHERE state = 'running'") == "0")
        #expect(try pesscan.sql("SELECT COUNT(*) FROM attempt WHERE outcome = 'running'") == "0")
        #expect(Int(try pesscan.sql("SELECT COUNT(*) FROM attempt WHERE outcome = 'released'")) ?? 0 > 0)
        let resume = try pesscan.run(["collect", "--slots", "2"])
        #expect(resume.status == 0)
        try expectEveryPointDoneOnce(pesscan, points: 16)
    }
}
