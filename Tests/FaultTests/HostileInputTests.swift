import Foundation
import PESTestSupport
import Testing

/// Hostile names and values through the real binary: they never reach a shell and never leave the test's folder.
@Suite("Faults: hostile input through the binary", .serialized)
struct HostileInputTests {
    /// A test root holding the runner's folder `work/` and nothing else, so any file outside `work/` is an escape.
    struct Arena {
        let root: URL
        let runner: BinaryRunner
        /// Absolute path a successful injection would create.
        var marker: String { root.appendingPathComponent("pwned").path }

        init() throws {
            root = try TestSupport.temporaryFolder("pesscan-hostile")
            let work = root.appendingPathComponent("work", isDirectory: true)
            try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
            runner = BinaryRunner(folder: work)
        }

        /// Files that escaped: anything in the root besides `work/`, and any file named like the marker anywhere inside.
        func escapes() -> [String] {
            var found = ((try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []).filter { $0 != "work" }
            let walker = FileManager.default.enumerator(atPath: root.path)
            while let path = walker?.nextObject() as? String {
                if path.contains("pwned") { found.append(path) }
            }
            if FileManager.default.fileExists(atPath: "/pwned") { found.append("/pwned") }
            return found
        }
    }

    @Test("hostile scan names, molecules, numbers and engine options are refused with a message")
    func refusedValues() throws {
        let arena = try Arena()
        var figures = FaultFigures(area: "hostile: refused values")
        let values = FuzzGenerator.hostile(marker: arena.marker).filter { !$0.isEmpty && !$0.contains("\u{0}") }
        var cases: [[String]] = []
        for value in values {
            cases.append(["plan", "--molecule", "H2", "--scan", value])
            cases.append(["plan", "--atoms", "H,\(value)", "--from", "0.6", "--to", "0.9"])
            // No shell is involved, so "$HOME" is a plain file name; a path or hidden name is refused.
            if value.contains("/") || value.hasPrefix(".") {
                cases.append(["plan", "--molecule", "H2", "--scan", "ok", "--engine", "model-process", "--option", "marker_file=\(value)"])
            }
            cases.append(["plan", "--molecule", "H2", "--scan", "ok", "--engine", "template", "--option", "input=\(value)"])
            cases.append(["plan", "--molecule", "H2", "--scan", "ok", "--option", "delay_seconds=\(value)"])
        }
        for extreme in ["-9223372036854775808", "9223372036854775807", "1e308", "nan"] {
            cases.append(["plan", "--atoms", "H,H", "--from", "0.6", "--to", "0.9", "--charge=\(extreme)"])
            cases.append(["plan", "--atoms", "H,H", "--from", "0.6", "--to", "0.9", "--multiplicity=\(extreme)"])
            cases.append(["plan", "--molecule", "H2", "--points=\(extreme)"])
            cases.append(["plan", "--molecule", "H2", "--from=\(extreme)", "--to", "0.9"])
        }
        for arguments in cases {
            let result = try ProcessWatch.run(arena.runner, arguments, within: 60)
            figures.trials += 1
            figures.inputs += 1
            figures.faults += 1
            #expect(result.status == 64 || result.status == 65, "\(arguments): status \(result.status)")
            #expect(result.stderr.contains("Error"), "\(arguments): \(result.stderr)")
            if result.status > 128 || result.stderr.contains("runtime failure") { figures.crashes += 1 }
        }
        #expect(!FileManager.default.fileExists(atPath: arena.runner.database), "a refused plan created the database")
        let escaped = arena.escapes()
        #expect(escaped.isEmpty, "\(escaped)")
        figures.escapes += escaped.count
        FaultLedger.record(figures)
    }

    @Test("hostile values as template placeholders reach the engine verbatim as single arguments, no shell runs them")
    func placeholdersNeverReachAShell() throws {
        let arena = try Arena()
        var figures = FaultFigures(area: "hostile: engine arguments")
        let scripts = arena.runner.folder.appendingPathComponent("scripts", isDirectory: true)
        try FileManager.default.createDirectory(at: scripts, withIntermediateDirectories: true)
        let script = scripts.appendingPathComponent("engine.sh")
        // The script quotes its argument, so only pesscan could run it as a command.
        try "#!/bin/sh\nprintf '%s' \"$1\" > argument.txt\necho 'Total energy: -1.0'\n".write(to: script, atomically: true, encoding: .utf8)
        let template = scripts.appendingPathComponent("input.txt")
        try "title {title}\n{atoms}\n".write(to: template, atomically: true, encoding: .utf8)
        let values = FuzzGenerator.hostile(marker: arena.marker).filter { !$0.isEmpty && !$0.contains("\u{0}") && !$0.contains("\n") }
        // Option values are one line: one holding a newline is refused when planned.
        let multiline = try arena.runner.run([
            "plan", "--molecule", "H2", "--engine", "template", "--scan", "multiline", "--option", "template=\(template.path)",
            "--option", "argv=[\"/bin/sh\",\"\(script.path)\",\"{title}\"]", "--option", "title=a\ntouch \(arena.marker)",
            "--option", #"energy_regex=Total energy:\s*(\S+)"#,
        ])
        #expect(multiline.status == 64 && multiline.stderr.contains("on one line"), "\(multiline.stderr)")
        for (index, value) in values.enumerated() {
            let plan = try arena.runner.run([
                "plan", "--molecule", "H2", "--points", "2", "--engine", "template", "--scan", "hostile-\(index)",
                "--option", "template=\(template.path)", "--option", "input=input.txt",
                "--option", "argv=[\"/bin/sh\",\"\(script.path)\",\"{title}\"]", "--option", "title=\(value)",
                "--option", #"energy_regex=Total energy:\s*(\S+)"#,
            ])
            #expect(plan.status == 0, "\(value): \(plan.stderr)")
            figures.inputs += 1
            figures.faults += 1
        }
        let collect = try ProcessWatch.run(arena.runner, ["collect", "--quiet"])
        figures.trials += 1
        #expect(collect.status == 0, "\(collect.stderr)")
        for (index, value) in values.enumerated() {
            for point in 0..<2 {
                let folders = try arena.runner.attemptFolders(scan: "hostile-\(index)", index: point)
                #expect(folders.count == 1, "attempt folders of hostile-\(index) #\(point): \(folders)")
                let folder = folders.first ?? arena.runner.folder
                let received = try? String(contentsOf: folder.appendingPathComponent("argument.txt"), encoding: .utf8)
                #expect(received == value, "the engine received \(received ?? "nothing") for \(value)")
                let input = try? String(contentsOf: folder.appendingPathComponent("input.txt"), encoding: .utf8)
                #expect(input?.hasPrefix("title \(value)\n") == true, "input file: \(input ?? "missing")")
                if received != value { figures.escapes += 1 }
            }
        }
        #expect(try arena.runner.sql("SELECT COUNT(*) FROM point WHERE state = 'done'") == String(values.count * 2))
        let escaped = arena.escapes()
        #expect(escaped.isEmpty, "\(escaped)")
        figures.escapes += escaped.count
        FaultLedger.record(figures)
    }
}
