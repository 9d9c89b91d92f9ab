import Foundation
import PESTestSupport
import Testing

@Suite("End to end: bad input leaves the database as it was")
struct BadInputTests {
    static let badPlans: [[String]] = [
        ["--molecule", "H2", "--points", "1"],
        ["--molecule", "H2", "--from", "1.2", "--to", "0.6"],
        ["--molecule", "H2", "--from", "-0.5", "--to", "0.6"],
        ["--molecule", "H2", "--from", "0.6"],
        ["--molecule", "H2", "--center", "0.7", "--width", "-0.1"],
        ["--molecule", "H2", "--from", "0.6", "--to", "0.9", "--center", "0.7", "--width", "0.1"],
        ["--molecule", "Unobtainium"],
        ["--molecule", "AuOg+"],
        ["--molecule", "H2", "--scan", "../../escape"],
        ["--molecule", "H2", "--scan", "x;$(touch pwned)"],
        ["--molecule", "H2", "--engine", "nosuch"],
        ["--molecule", "H2", "--option", "delay_seconds=soon"],
        ["--molecule", "H2", "--masses", "1,2,3"],
        ["--atoms", "H,Xx", "--from", "0.6", "--to", "0.9"],
        ["--molecule", "H2", "--atoms", "H,H"],
    ]

    @Test("each bad plan exits non-zero with a message and writes nothing", arguments: badPlans)
    func badPlan(_ arguments: [String]) throws {
        let pesscan = try BinaryRunner()
        let first = try pesscan.run(["plan", "--molecule", "AuOg+", "--points", "5"])
        #expect(first.status == 0)
        let before = try pesscan.sql(".dump")
        let result = try pesscan.run(["plan"] + arguments)
        #expect(result.status != 0)
        #expect(result.stderr.contains("Error"))
        #expect(result.stdout.isEmpty)
        #expect(try pesscan.sql(".dump") == before)
        let escaped = pesscan.folder.deletingLastPathComponent().appendingPathComponent("escape")
        #expect(!FileManager.default.fileExists(atPath: escaped.path))
        #expect(!FileManager.default.fileExists(atPath: pesscan.folder.appendingPathComponent("pwned").path))
    }

    @Test("a bad plan on a fresh folder creates no database")
    func noDatabaseCreated() throws {
        let pesscan = try BinaryRunner()
        let result = try pesscan.run(["plan", "--molecule", "H2", "--points", "0"])
        #expect(result.status == 64)
        #expect(!FileManager.default.fileExists(atPath: pesscan.database))
        let collect = try pesscan.run(["collect"])
        #expect(collect.status == 69)
        #expect(collect.stderr.contains("No database"))
        #expect(!FileManager.default.fileExists(atPath: pesscan.database))
    }

    @Test("a file that is not a database is reported and left as it was")
    func notADatabase() throws {
        let pesscan = try BinaryRunner()
        let path = pesscan.folder.appendingPathComponent("junk.sqlite")
        let junk = Data(String(repeating: "not a database\n", count: 400).utf8)
        try junk.write(to: path)
        let result = try pesscan.run(["status", "--db", path.path])
        #expect(result.status == 65)
        #expect(result.stderr.contains("not a pesscan SQLite database"))
        #expect(try Data(contentsOf: path) == junk)
    }
}
