import Foundation
import PESTestSupport
import Testing

/// The database file's digest and its write-ahead log's, to prove a command left both as they were.
private struct DatabaseBytes: Equatable, CustomStringConvertible {
    var file: String
    /// Digest of the `-wal` file; an empty or missing log counts as none, since it holds no change.
    var log: String

    init(_ database: String) throws {
        file = try FileDigest.sha256(database)
        log = FileDigest.size(database + "-wal") == 0 ? "none" : try FileDigest.sha256(database + "-wal")
    }

    var description: String { "file \(file), -wal \(log)" }
}

@Suite("End to end: the read-only commands never write to the database", .serialized)
struct ReadOnlyTests {
    /// A runner whose database holds a collected 7-point H2 scan, every writer closed.
    func collected() throws -> BinaryRunner {
        let runner = try BinaryRunner()
        let plan = try runner.run(["plan", "--molecule", "H2", "--points", "7"])
        #expect(plan.status == 0, "\(plan.stderr)")
        let collect = try runner.run(["collect", "--quiet"])
        #expect(collect.status == 0, "\(collect.stderr)")
        return runner
    }

    /// Every read-only command, writing what it makes into `outputs` (outside the database's folder).
    func readers(outputs: URL) -> [[String]] {
        [
            ["status"], ["status", "--json"], ["status", "--scan", "H2"],
            ["export", "--format", "csv", "--output", outputs.appendingPathComponent("H2.csv").path],
            ["export", "--format", "json", "--output", outputs.appendingPathComponent("H2.json").path],
            ["plot", "--output", outputs.appendingPathComponent("H2.svg").path],
            ["fit", "--no-record"], ["fit", "--no-record", "--json"],
        ]
    }

    @Test("status, export, plot and fit --no-record leave the database file byte for byte as it was and make no -wal or -shm")
    func bytesUnchanged() throws {
        let runner = try collected()
        let outputs = try TestSupport.temporaryFolder("pesscan-readonly-out")
        let results = runner.folder.appendingPathComponent("Results").path
        let listing = try FileManager.default.contentsOfDirectory(atPath: results).sorted()
        let before = try DatabaseBytes(runner.database)
        for arguments in readers(outputs: outputs) {
            let result = try runner.run(arguments)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            #expect(try DatabaseBytes(runner.database) == before, "\(arguments) changed the database")
            #expect(try FileManager.default.contentsOfDirectory(atPath: results).sorted() == listing, "\(arguments) left files beside the database")
        }
        #expect(try runner.sql("SELECT COUNT(*) FROM fit") == "0", "fit --no-record stored a fit")
        #expect(FileManager.default.fileExists(atPath: outputs.appendingPathComponent("H2.svg").path))
        // A fit that stores still does: the writer path is unchanged.
        #expect(try runner.run(["fit"]).status == 0)
        #expect(try runner.sql("SELECT COUNT(*) FROM fit") == "1")
    }

    @Test(
        "the read-only commands work as nobody on a 0444 file in a 0555 folder, create nothing there and change nothing",
        .enabled(if: BinaryRunner.canRunAsNobody))
    func readOnlyFolder() throws {
        let runner = try collected()
        let results = runner.folder.appendingPathComponent("Results")
        let outputs = try TestSupport.temporaryFolder("pesscan-readonly-out")
        try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: outputs.path)
        let manager = FileManager.default
        let listing = try manager.contentsOfDirectory(atPath: results.path).sorted()
        let before = try DatabaseBytes(runner.database)
        try manager.setAttributes([.posixPermissions: 0o444], ofItemAtPath: runner.database)
        try manager.setAttributes([.posixPermissions: 0o555], ofItemAtPath: results.path)
        defer {
            try? manager.setAttributes([.posixPermissions: 0o755], ofItemAtPath: results.path)
            try? manager.setAttributes([.posixPermissions: 0o644], ofItemAtPath: runner.database)
        }
        for arguments in readers(outputs: outputs) {
            let (process, out, err) = try runner.start(arguments, through: BinaryRunner.asNobody)
            let result = BinaryRunner.wait(process, out, err)
            #expect(result.status == 0, "\(arguments): status \(result.status), \(result.stderr)")
            #expect(try DatabaseBytes(runner.database) == before, "\(arguments) changed the database")
            #expect(try manager.contentsOfDirectory(atPath: results.path).sorted() == listing, "\(arguments) left files beside the database")
        }
        let status = try runner.start(["status", "--json"], through: BinaryRunner.asNobody)
        #expect(BinaryRunner.wait(status.0, status.1, status.2).stdout.contains("\"done\" : 7"))
        // A writer is still refused there, with the read-only message, and leaves the file as it was.
        let (process, out, err) = try runner.start(["plan", "--molecule", "H2", "--scan", "second"], through: BinaryRunner.asNobody)
        let refused = BinaryRunner.wait(process, out, err)
        #expect(refused.status == 69 && refused.stderr.contains("is read-only"), "\(refused.stderr)")
        #expect(try DatabaseBytes(runner.database) == before)
    }
}
