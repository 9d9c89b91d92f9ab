import Foundation
import PESTestSupport
import Testing

/// A database that cannot be written, a full disk, a newer schema, a damaged file: a clear error, a proper exit status, no further damage.
@Suite("Faults: store failures give clear errors and do no further damage", .serialized)
struct StoreFaultTests {
    /// A runner whose database holds a planned 5-point H2 scan.
    func plannedRunner() throws -> BinaryRunner {
        let runner = try BinaryRunner()
        let plan = try runner.run(["plan", "--molecule", "H2", "--points", "5", "--scan", "first"])
        #expect(plan.status == 0, "\(plan.stderr)")
        return runner
    }

    /// Expects a command to fail with `status`, a message containing `message`, and the database file unchanged.
    func expectRefused(
        _ runner: BinaryRunner, _ arguments: [String], status: Int32, message: String, figures: inout FaultFigures,
        launcher: [String] = []
    ) throws {
        let before = try Data(contentsOf: URL(fileURLWithPath: runner.database))
        let result = try run(runner, arguments, launcher: launcher)
        figures.trials += 1
        figures.faults += 1
        #expect(result.status == status, "\(arguments): status \(result.status), stderr \(result.stderr)")
        #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        #expect(!result.stderr.contains("Fatal error"))
        if result.status > 128 || result.stderr.contains("Fatal error") { figures.crashes += 1 }
        #expect(try Data(contentsOf: URL(fileURLWithPath: runner.database)) == before, "\(arguments) changed the database file")
    }

    /// Runs `pesscan arguments…`, through `launcher` when one is given, stopped after 60 s.
    func run(_ runner: BinaryRunner, _ arguments: [String], launcher: [String]) throws -> BinaryRunner.Result {
        if launcher.isEmpty { return try ProcessWatch.run(runner, arguments, within: 60) }
        let (process, out, err) = try runner.start(arguments, through: launcher)
        _ = ProcessWatch.finish(process, within: 60, what: "pesscan \(arguments)")
        return BinaryRunner.wait(process, out, err)
    }

    /// Expects a command that only reads to succeed and leave the database file unchanged.
    func expectReads(_ runner: BinaryRunner, _ arguments: [String], launcher: [String] = []) throws {
        let before = try Data(contentsOf: URL(fileURLWithPath: runner.database))
        let result = try run(runner, arguments, launcher: launcher)
        #expect(result.status == 0, "\(arguments): status \(result.status), stderr \(result.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: runner.database)) == before, "\(arguments) changed the database file")
    }

    @Test("a database file the user may not write: writers get a read-only error, exit 69; status reads; file unchanged", .enabled(if: getuid() == 0))
    func readOnlyByPermissions() throws {
        let runner = try plannedRunner()
        var figures = FaultFigures(area: "store: read-only file")
        // Root may write any file, so the command runs as nobody; the file and its folder belong to root.
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: runner.folder.path)
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: runner.database)
        let nobody = BinaryRunner.asNobody
        for arguments in [["plan", "--molecule", "H2", "--scan", "second"], ["collect"]] {
            try expectRefused(runner, arguments, status: 69, message: "is read-only", figures: &figures, launcher: nobody)
        }
        try expectReads(runner, ["status"], launcher: nobody)
        #expect(try runner.sql("SELECT COUNT(*) FROM point") == "5")
        FaultLedger.record(figures)
    }

    @Test("a database on a read-only mount: writers get a read-only error, exit 69; status reads; file unchanged", .enabled(if: ScratchMount.available))
    func readOnlyMount() throws {
        let runner = try BinaryRunner()
        let mount = try ScratchMount(at: runner.folder.appendingPathComponent("Results"), sizeBytes: 4 << 20)
        defer { mount.unmount() }
        var figures = FaultFigures(area: "store: read-only mount")
        #expect(try runner.run(["plan", "--molecule", "H2", "--points", "5", "--scan", "first"]).status == 0)
        try mount.remountReadOnly()
        for arguments in [["plan", "--molecule", "H2", "--scan", "second"], ["collect"]] {
            try expectRefused(runner, arguments, status: 69, message: "is read-only", figures: &figures)
        }
        try expectReads(runner, ["status"])
        try mount.remountWritable()
        #expect(try runner.sql("PRAGMA integrity_check") == "ok")
        #expect(try runner.sql("SELECT COUNT(*) FROM point WHERE state = 'pending'") == "5")
        FaultLedger.record(figures)
    }

    @Test("a full disk: disk-full error, exit 69, nothing lost, and the work finishes once space is freed", .enabled(if: ScratchMount.available))
    func diskFull() throws {
        let runner = try BinaryRunner()
        let mount = try ScratchMount(at: runner.folder.appendingPathComponent("Results"), sizeBytes: 2 << 20)
        defer { mount.unmount() }
        var figures = FaultFigures(area: "store: full disk")
        let plan = try runner.run([
            "plan", "--molecule", "H2", "--points", "30", "--scan", "first", "--engine", "model-process",
            "--option", "marker_file=markers.txt",
        ])
        #expect(plan.status == 0, "\(plan.stderr)")
        let dump = try runner.sql(".dump")
        let filler = try mount.fill()
        try expectRefused(runner, ["plan", "--molecule", "H2", "--points", "4000", "--scan", "big"], status: 69, message: "is full", figures: &figures)
        try expectRefused(runner, ["collect", "--quiet"], status: 69, message: "is full", figures: &figures)
        try FileManager.default.removeItem(at: filler)
        #expect(try runner.sql(".dump") == dump, "a refused command changed the database")
        let collect = try ProcessWatch.run(runner, ["collect", "--quiet"])
        #expect(collect.status == 0, "\(collect.stderr)")
        ProcessWatch.waitForOrphans(in: runner.folder)
        let tally = try RunAccounting(runner: runner, scan: "first", markerFile: "markers.txt").expectDoneExactlyOnce(points: 30)
        figures.lost += tally.lost
        figures.wrongEnergies += tally.wrongEnergies
        figures.duplicated += tally.duplicated
        FaultLedger.record(figures)
    }

    @Test(
        "a full disk under the work folders: no trap, attempts say no space left, exit 74, and the work finishes once space is freed",
        .enabled(if: ScratchMount.available))
    func fullWorkFolder() throws {
        let runner = try BinaryRunner()
        var figures = FaultFigures(area: "store: full work folder")
        let plan = try runner.run([
            "plan", "--molecule", "H2", "--points", "30", "--scan", "first", "--engine", "model-process",
            "--option", "delay_seconds=0", "--option", "marker_file=markers.txt",
        ])
        #expect(plan.status == 0, "\(plan.stderr)")
        // The database stays on the normal disk; only the work folders sit on a small, filled tmpfs.
        let runs = runner.folder.appendingPathComponent("Results/runs")
        let mount = try ScratchMount(at: runs, sizeBytes: 2 << 20)
        defer { mount.unmount() }
        let filler = try mount.fill()
        let full = try ProcessWatch.run(runner, ["collect", "--quiet", "--slots", "4"])
        ProcessWatch.waitForOrphans(in: runner.folder)
        figures.trials += 1
        #expect(full.status == 74, "status \(full.status), stderr \(full.stderr)")
        #expect(full.stderr.contains("is full") && full.stderr.contains(runs.path) && full.stderr.contains("Free space"), "\(full.stderr)")
        #expect(!full.stderr.contains("Fatal error"))
        let failed = Int(try runner.sql("SELECT COUNT(*) FROM attempt WHERE outcome = 'failed'")) ?? -1
        figures.faults += max(0, failed)
        #expect(failed >= 1, "no attempt met the full disk")
        let signalled = Int(try runner.sql("SELECT COUNT(*) FROM attempt WHERE error LIKE '%signal%'")) ?? -1
        figures.crashes += max(0, signalled) + (full.status > 128 ? 1 : 0)
        let errors = try runner.sql("SELECT DISTINCT error FROM attempt WHERE outcome = 'failed' LIMIT 3")
        #expect(signalled == 0, "\(errors)")
        #expect(try runner.sql("""
            SELECT COUNT(*) FROM attempt WHERE outcome = 'failed'
              AND (error NOT LIKE 'no space left on device in \(runs.path)/%' OR launch_failure != 1)
            """) == "0", "\(errors)")
        #expect(try runner.sql("SELECT COUNT(*) FROM point WHERE state = 'running'") == "0")
        // A full disk is the zone's fault: no point failed for good.
        #expect(try runner.sql("SELECT COUNT(*) FROM point WHERE state = 'failed'") == "0")
        #expect(try runner.sql("PRAGMA integrity_check") == "ok")
        try FileManager.default.removeItem(at: filler)
        let again = try ProcessWatch.run(runner, ["collect", "--quiet", "--slots", "4"])
        figures.trials += 1
        #expect(again.status == 0, "\(again.stderr)")
        ProcessWatch.waitForOrphans(in: runner.folder)
        let tally = try RunAccounting(runner: runner, scan: "first", markerFile: "markers.txt").expectDoneExactlyOnce(points: 30)
        figures.lost += tally.lost
        figures.duplicated += tally.duplicated
        print("full work folder: \(failed) attempts met the full disk, first collect exit \(full.status), second \(again.status)")
        FaultLedger.record(figures)
    }

    @Test("a database from a newer pesscan is refused for reading and writing, unchanged")
    func newerSchema() throws {
        let runner = try plannedRunner()
        var figures = FaultFigures(area: "store: newer schema")
        _ = try runner.sql("INSERT INTO grdb_migrations (identifier) VALUES ('v99-from-a-newer-pesscan')")
        for arguments in [["status"], ["plan", "--molecule", "H2", "--scan", "second"], ["collect"], ["fit"]] {
            try expectRefused(runner, arguments, status: 65, message: "written by a newer pesscan", figures: &figures)
        }
        FaultLedger.record(figures)
    }

    /// Ways a database file gets damaged: a scribbled header, a truncation, a file of zeros, text.
    static let damages: [String] = ["header", "truncated-header", "zeros", "text"]

    @Test("a damaged database file is reported as not a database, exit 65, and left as it was", arguments: damages)
    func damaged(_ damage: String) throws {
        let runner = try plannedRunner()
        var figures = FaultFigures(area: "store: damaged file")
        let url = URL(fileURLWithPath: runner.database)
        var bytes = try Data(contentsOf: url)
        switch damage {
        case "header": bytes.replaceSubrange(0..<16, with: Data("not SQLite at all".utf8.prefix(16)))
        case "truncated-header": bytes = bytes.prefix(50)
        case "zeros": bytes = Data(count: bytes.count)
        default: bytes = Data(String(repeating: "scan,point,energy\n", count: 300).utf8)
        }
        try bytes.write(to: url)
        for arguments in [["status"], ["collect"], ["plan", "--molecule", "H2", "--scan", "second"]] {
            try expectRefused(runner, arguments, status: 65, message: "not a pesscan SQLite database", figures: &figures)
        }
        FaultLedger.record(figures)
    }
}
