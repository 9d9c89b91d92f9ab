import Foundation
import PESTestSupport
import Testing

/// How `collect` ends when points fail or do not converge, and where unconverged points show; engines are /bin/sh scripts.
@Suite("End to end: unconverged and failed points, collect's exit status, resource limits of local points")
struct CollectOutcomeTests {
    /// Plans a 3-point H2 scan running `script` (its argument is the point index) through the template engine.
    func plan(_ runner: BinaryRunner, scan: String, script: String, extra: [String] = []) throws {
        let folder = runner.folder.appendingPathComponent("scripts", isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let file = folder.appendingPathComponent("\(scan).sh")
        try "#!/bin/sh\n\(script)\n".write(to: file, atomically: true, encoding: .utf8)
        let template = folder.appendingPathComponent("input.txt")
        try "r = {r_angstrom}\n".write(to: template, atomically: true, encoding: .utf8)
        let plan = try runner.run(
            ["plan", "--molecule", "H2", "--points", "3", "--engine", "template", "--scan", scan, "--option", "template=\(template.path)",
             "--option", "argv=[\"/bin/sh\",\"\(file.path)\",\"{point}\"]", "--option", "energy_regex=Total energy: (\\S+)",
             "--option", "unconverged_regex=NOT CONVERGED"] + extra)
        #expect(plan.status == 0, "\(plan.stderr)")
    }

    @Test("one unconverged point: collect runs the others, exits 65; progress, status, export and fit all say so")
    func unconverged() throws {
        let runner = try BinaryRunner()
        try plan(runner, scan: "u", script: "[ \"$1\" = 1 ] && echo 'SCF NOT CONVERGED'; echo \"Total energy: -1.$1\"")
        let collect = try runner.run(["collect", "--slots", "2"])
        #expect(collect.status == 65, "\(collect.stderr)")
        #expect(collect.stderr.contains("1 point did not converge"), "\(collect.stderr)")
        #expect(collect.stderr.split(separator: "\n").contains { $0.contains("u #1") && $0.contains("UNCONVERGED") }, "\(collect.stderr)")
        #expect(!collect.stderr.split(separator: "\n").contains { $0.contains("u #0") && $0.contains("UNCONVERGED") })
        #expect(try runner.sql("SELECT COUNT(*) FROM point WHERE state = 'done'") == "3")
        let status = try runner.run(["status"])
        #expect(status.stdout.contains("3/3 done") && status.stdout.contains("1 unconverged"), "\(status.stdout)")
        let detail = try runner.run(["status", "--scan", "u"])
        #expect(detail.stdout.split(separator: "\n").contains { $0.contains("#1 ") && $0.contains("UNCONVERGED") }, "\(detail.stdout)")
        let json = try runner.run(["status", "--json"])
        #expect(json.stdout.contains("\"unconverged\" : 1"), "\(json.stdout)")
        let csv = try runner.run(["export", "--scan", "u", "--format", "csv", "--output", "-"])
        #expect(csv.stdout.split(separator: "\n").filter { $0.contains(",false,") }.count == 1, "\(csv.stdout)")
        let fit = try runner.run(["fit", "--scan", "u", "--degree", "2", "--json", "--no-record"])
        #expect(fit.stdout.contains("\"points_used\" : 2") || fit.status != 0, "\(fit.stdout)\(fit.stderr)")
        let again = try runner.run(["collect"])
        #expect(again.status == 65, "the scan still holds an unconverged point")
    }

    @Test("every point failing: collect exits 65 after trying them all, as when some fail")
    func allFailed() throws {
        let runner = try BinaryRunner()
        try plan(runner, scan: "f", script: "echo broken >&2; exit 3")
        let collect = try runner.run(["collect", "--retries", "0", "--slots", "2"])
        #expect(collect.status == 65, "\(collect.stderr)")
        #expect(collect.stderr.contains("3 points failed for good"), "\(collect.stderr)")
        #expect(try runner.sql("SELECT COUNT(*) FROM attempt WHERE outcome = 'failed'") == "3")
    }

    @Test("a local point gets its stack limit (option stack=, zone limits: over it) before the program starts")
    func stackLimit() throws {
        let runner = try BinaryRunner()
        try plan(
            runner, scan: "s", script: "echo \"Total energy: -1.$(ulimit -s | tr -d ' ' | sed 's/unlimited/0/')\"",
            extra: ["--option", "stack=unlimited"])
        #expect(try runner.run(["collect", "--scan", "s"]).status == 0)
        #expect(try runner.sql("SELECT DISTINCT energy_hartree FROM point") == "-1.0", "unlimited reads as 0 here")
        let zones = try runner.zoneFile("zones:\n  - name: small\n    kind: local\n    slots: 1\n    limits: {stack: 64M}\n")
        try plan(runner, scan: "t", script: "echo \"Total energy: -$(ulimit -s)\"", extra: ["--option", "stack=unlimited"])
        #expect(try runner.run(["collect", "--scan", "t", "--zones", zones]).status == 0)
        #expect(try runner.sql("SELECT DISTINCT p.energy_hartree FROM point p JOIN scan s ON s.id = p.scan_id WHERE s.name = 't'") == "-65536.0")
    }
}
