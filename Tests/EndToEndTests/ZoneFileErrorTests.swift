import Foundation
import PESTestSupport
import Testing

/// A zone file that cannot be used: one message with its file and line, exit 65 (bad data), from every command that reads it.
@Suite("End to end: a bad zone file is one message and exit 65")
struct ZoneFileErrorTests {
    static let badFiles: [String] = [
        "zones:\n  - name: a\n    kind: local\n    bogus: 1\n",
        "zones:\n  - name: a\n    kind: nowhere\n",
        "zones: [\n",
    ]

    @Test("collect, refine and zones print the zone file's problem once and exit 65", arguments: ["collect", "refine", "zones"], badFiles)
    func badZoneFile(_ command: String, _ yaml: String) throws {
        let pesscan = try BinaryRunner()
        #expect(try pesscan.run(["plan", "--molecule", "H2", "--points", "5"]).status == 0)
        let zones = try pesscan.zoneFile(yaml)
        let before = try pesscan.sql(".dump")
        let result = try pesscan.run([command, "--zones", zones])
        #expect(result.status == 65, "\(result.stderr)")
        let lines = result.stderr.split(separator: "\n").filter { $0.hasPrefix("Error:") }
        #expect(lines.count == 1, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("Error: \(zones)"), "\(result.stderr)")
        #expect(!result.stderr.contains("ExitCode"))
        #expect(try pesscan.sql(".dump") == before)
    }
}
