import Foundation
import PESTestSupport
import Testing

/// `scripts/install --debug PREFIX` (the debug binary already built, no second SwiftPM build), then the installed binary run from `/`.
@Suite("End to end: install into a prefix and run from another folder", .serialized)
struct InstallTests {
    /// A fresh prefix with pesscan installed in it, and a scratch folder beside it.
    struct Installed {
        var prefix: URL
        var scratch: URL
        var binary: URL { prefix.appendingPathComponent("bin/pesscan") }
    }


    /// Runs `scripts/install --debug` into a new temporary prefix.
    static func install() throws -> Installed {
        let scratch = try TestSupport.temporaryFolder("pesscan-install")
        let prefix = scratch.appendingPathComponent("prefix")
        let script = TestSupport.packageRoot.appendingPathComponent("scripts/install")
        let result = try run(script, ["--debug", prefix.path], in: TestSupport.packageRoot, home: scratch)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        return Installed(prefix: prefix, scratch: scratch)
    }

    /// Runs a program in `folder` with a clean environment (no `PESSCAN_*`, `HOME` in the scratch folder), its output kept in `home`.
    static func run(_ program: URL, _ arguments: [String], in folder: URL, home: URL) throws -> BinaryRunner.Result {
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("PESSCAN_") }
        environment["HOME"] = home.path
        environment["XDG_CONFIG_HOME"] = nil
        let (process, out, err) = try BinaryRunner.launch(program, arguments, in: folder, environment: environment, outputs: home)
        return BinaryRunner.wait(process, out, err)
    }

    @Test("the install puts the binary, the library and templates, completions and the man page in their folders")
    func layout() throws {
        let installed = try Self.install()
        let files = [
            "bin/pesscan", "share/pesscan/molecules.json", "share/pesscan/zones.example.yaml", "share/pesscan/engines/pyscf/point.py",
            "share/pesscan/engines/template/xtb-example.xyz", "share/bash-completion/completions/pesscan", "share/zsh/site-functions/_pesscan",
            "share/fish/vendor_completions.d/pesscan.fish", "share/man/man1/pesscan.1",
        ]
        for file in files {
            let path = installed.prefix.appendingPathComponent(file).path
            #expect(FileManager.default.fileExists(atPath: path), "\(file) is missing")
        }
        #expect(FileManager.default.isExecutableFile(atPath: installed.binary.path))
        let bash = try String(contentsOf: installed.prefix.appendingPathComponent("share/bash-completion/completions/pesscan"), encoding: .utf8)
        #expect(bash.contains("complete") && bash.contains("pesscan"))
        let zsh = try String(contentsOf: installed.prefix.appendingPathComponent("share/zsh/site-functions/_pesscan"), encoding: .utf8)
        #expect(zsh.hasPrefix("#compdef pesscan"))
        let fish = try String(contentsOf: installed.prefix.appendingPathComponent("share/fish/vendor_completions.d/pesscan.fish"), encoding: .utf8)
        #expect(fish.contains("complete -c 'pesscan'"))
        // The man page lists every subcommand the binary has.
        let man = try String(contentsOf: installed.prefix.appendingPathComponent("share/man/man1/pesscan.1"), encoding: .utf8)
        #expect(man.contains(".Dt PESSCAN 1"))
        let help = try Self.run(installed.binary, ["--help"], in: URL(fileURLWithPath: "/"), home: installed.scratch)
        // Subcommand lines are indented by two spaces; their continuation lines by more.
        let subcommands = (help.stdout.components(separatedBy: "SUBCOMMANDS:").last ?? "").split(separator: "\n")
            .filter { $0.hasPrefix("  ") && !$0.hasPrefix("   ") && !$0.hasPrefix("  See ") }
            .compactMap { $0.split(separator: " ").first.map(String.init) }
        #expect(subcommands.count >= 12, "\(help.stdout)")
        for subcommand in subcommands { #expect(man.contains(".It Em \(subcommand)"), "the man page lacks \(subcommand); run scripts/man-page") }
    }

    @Test("the installed binary runs the AuOg+ demo from / and finds its library in PREFIX/share/pesscan: r_e = 2.862 Å")
    func demoFromRoot() throws {
        let installed = try Self.install()
        let root = URL(fileURLWithPath: "/")
        let database = installed.scratch.appendingPathComponent("x.sqlite").path
        let plan = try Self.run(installed.binary, ["plan", "--db", database, "--molecule", "AuOg+", "--points", "11"], in: root, home: installed.scratch)
        #expect(plan.status == 0, "\(plan.stderr)")
        let collect = try Self.run(installed.binary, ["collect", "--db", database, "--quiet"], in: root, home: installed.scratch)
        #expect(collect.status == 0, "\(collect.stderr)")
        let fit = try Self.run(installed.binary, ["fit", "--db", database, "--json"], in: root, home: installed.scratch)
        #expect(fit.status == 0, "\(fit.stderr)")
        let record = try JSONSerialization.jsonObject(with: Data(fit.stdout.utf8)) as? [String: Any]
        let rE = try #require(record?["r_e_angstrom"] as? Double)
        #expect(TestSupport.isClose(rE, 2.862, absolute: 1e-3), "r_e = \(rE) Å")
        let config = try Self.run(installed.binary, ["config", "--db", database, "--json"], in: root, home: installed.scratch)
        #expect(config.status == 0, "\(config.stderr)")
        let share = installed.prefix.appendingPathComponent("share/pesscan").standardizedFileURL.path
        #expect(config.stdout.contains("\"value\" : \"\(share)/molecules.json\""), "\(config.stdout)")
        #expect(config.stdout.contains("\"value\" : \"\(share)/engines\""), "\(config.stdout)")
    }

    @Test("a missing library exits 69 with one line naming the path and what to do", arguments: ["given", "not installed"])
    func missingLibrary(_ how: String) throws {
        let installed = try Self.install()
        let root = URL(fileURLWithPath: "/")
        var binary = installed.binary
        var arguments = ["plan", "--db", installed.scratch.appendingPathComponent("y.sqlite").path, "--molecule", "AuOg+"]
        let missing = installed.scratch.appendingPathComponent("no-such-library.json").path
        if how == "given" {
            arguments += ["--molecules", missing]
        } else {
            // The binary alone, without share/pesscan beside it.
            let lone = installed.scratch.appendingPathComponent("lone/bin")
            try FileManager.default.createDirectory(at: lone, withIntermediateDirectories: true)
            binary = lone.appendingPathComponent("pesscan")
            try FileManager.default.copyItem(at: installed.binary, to: binary)
        }
        let result = try Self.run(binary, arguments, in: root, home: installed.scratch)
        #expect(result.status == 69, "\(result.stderr)")
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(result.stderr)")
        #expect(!result.stderr.contains("NSCocoaErrorDomain"))
        if how == "given" {
            #expect(result.stderr.contains("Cannot read the molecule library \(missing): no such file"))
        } else {
            #expect(result.stderr.contains("No molecule library found"))
            #expect(result.stderr.contains(installed.scratch.appendingPathComponent("lone/share/pesscan/molecules.json").standardizedFileURL.path))
        }
        #expect(result.stderr.contains("--molecules"))
        #expect(!FileManager.default.fileExists(atPath: installed.scratch.appendingPathComponent("y.sqlite").path))
    }
}
