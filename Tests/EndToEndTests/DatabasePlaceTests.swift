import Foundation
import PESTestSupport
import Testing

/// `--db` in a folder that does not exist, or on a folder: an error naming it (exit 69), nothing created; only the default `Results/` is made.
@Suite("End to end: where the database may be")
struct DatabasePlaceTests {
    @Test("a --db whose folder does not exist is refused with its name and nothing is created", arguments: ["plan", "collect", "status", "import"])
    func missingFolder(_ command: String) throws {
        let pesscan = try BinaryRunner()
        let missing = pesscan.folder.appendingPathComponent("no/such/dir")
        let database = missing.appendingPathComponent("x.sqlite").path
        var arguments = [command, "--db", database]
        switch command {
        case "plan": arguments += ["--molecule", "H2", "--points", "3"]
        case "import":
            let csv = pesscan.folder.appendingPathComponent("e.csv")
            try "r_angstrom,energy_hartree\n0.74,-1.1\n".write(to: csv, atomically: true, encoding: .utf8)
            arguments += ["--scan", "k", "--molecule", "H2", csv.path]
        default: break
        }
        let result = try pesscan.run(arguments)
        #expect(result.status == 69, "\(result.stderr)")
        #expect(result.stderr.contains("The folder \(missing.standardizedFileURL.path) of --db \(database) does not exist"), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: pesscan.folder.appendingPathComponent("no").path))
    }

    @Test("a --db that is a folder is refused as a folder, not a disk I/O error", arguments: ["plan", "collect", "status", "fit"])
    func folderAsDatabase(_ command: String) throws {
        let pesscan = try BinaryRunner()
        let folder = pesscan.folder.appendingPathComponent("a-folder")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var arguments = [command, "--db", folder.path]
        if command == "plan" { arguments += ["--molecule", "H2", "--points", "3"] }
        let result = try pesscan.run(arguments)
        #expect(result.status == 69, "\(result.stderr)")
        #expect(result.stderr.contains("--db \(folder.path) is a folder, not a database file"), "\(result.stderr)")
        #expect(!result.stderr.contains("disk I/O"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }

    @Test("$PESSCAN_DB in a missing folder is refused too, and the default Results/ is still created")
    func environmentAndDefault() throws {
        let pesscan = try BinaryRunner()
        let plan = try pesscan.run(["plan", "--molecule", "H2", "--points", "3"])
        #expect(plan.status == 0, "\(plan.stderr)")
        #expect(FileManager.default.fileExists(atPath: pesscan.database))
        let elsewhere = pesscan.folder.appendingPathComponent("gone/x.sqlite").path
        var environment = ProcessInfo.processInfo.environment
        environment["PESSCAN_MOLECULES"] = TestSupport.moleculeLibrary.path
        environment["PESSCAN_DB"] = elsewhere
        let (process, out, err) = try BinaryRunner.launch(
            BinaryRunner.executable, ["plan", "--molecule", "H2", "--points", "3"], in: pesscan.folder, environment: environment)
        let result = BinaryRunner.wait(process, out, err)
        #expect(result.status == 69, "\(result.stderr)")
        #expect(result.stderr.contains("$PESSCAN_DB \(elsewhere)"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: pesscan.folder.appendingPathComponent("gone").path))
    }
}
