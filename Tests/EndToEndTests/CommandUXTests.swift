import Foundation
import PESTestSupport
import Testing

@Suite("End to end: issue 16 — negative numbers, engine mistakes, show/fits/rm/rename, live progress")
struct CommandUXTests {
    @Test("--charge -1 is read as a value by plan and import")
    func negativeCharge() throws {
        let pesscan = try BinaryRunner()
        // The model engine has no constants for HF-, so plan stops there: after reading the charge.
        let plan = try pesscan.run(["plan", "--atoms", "H,F", "--charge", "-1", "--from", "0.8", "--to", "1.0"])
        #expect(plan.status == 64)
        #expect(plan.stderr.contains("HF-"), "\(plan.stderr)")
        #expect(!plan.stderr.contains("Missing value"))
        let csv = pesscan.folder.appendingPathComponent("hf-.csv")
        try "r_angstrom,energy_hartree\n0.90,-100.1\n0.95,-100.2\n1.00,-100.15\n".write(to: csv, atomically: true, encoding: .utf8)
        let imported = try pesscan.run(["import", "--scan", "hf-anion", "--atoms", "H,F", "--charge", "-1", csv.path, "--json"])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(try pesscan.sql("SELECT molecule FROM scan WHERE name = 'hf-anion'") == "HF-")
    }

    @Test("typos get a suggestion and change nothing", arguments: [
        (["plan", "--molecule", "HFF"], "Did you mean HF?"),
        (["plan", "--molecule", "H2", "--engine", "pyscff"], "Did you mean pyscf?"),
        (["plan", "--molecule", "H2", "--option", "delay_secnds=1"], "Did you mean delay_seconds?"),
        (["import", "--scan", "x", "--molecule", "HFF", "missing.csv"], "Did you mean HF?"),
    ])
    func suggestions(_ arguments: [String], _ hint: String) throws {
        let pesscan = try BinaryRunner()
        let result = try pesscan.run(arguments)
        #expect(result.status == 64)
        #expect(result.stderr.contains(hint), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: pesscan.database))
    }

    @Test("identical failures are one line in status, and the stored error is the traceback's exception line")
    func groupedFailures() throws {
        let pesscan = try BinaryRunner()
        let script = pesscan.folder.appendingPathComponent("fail.sh")
        try """
            echo 'Traceback (most recent call last):' >&2
            echo '  File "point.py", line 6, in <module>' >&2
            echo 'pyscf.lib.exceptions.BasisNotFoundError: Basis cc-pvxz not found' >&2
            echo 'cleaning up' >&2
            exit 1

            """.write(to: script, atomically: true, encoding: .utf8)
        let plan = try pesscan.run([
            "plan", "--molecule", "H2", "--points", "3", "--engine", "template", "--option", "template=\(script.path)",
            "--option", "input=fail.sh", "--option", "argv=/bin/sh fail.sh", "--option", "energy_regex=E = (\\S+)",
        ])
        #expect(plan.status == 0, "\(plan.stderr)")
        let collect = try pesscan.run(["collect", "--retries", "0", "--slots", "1"])
        #expect(collect.status == 65)
        let status = try pesscan.run(["status"])
        #expect(status.stdout.contains("3 points failed (#0–#2): "), "\(status.stdout)")
        #expect(status.stdout.contains("BasisNotFoundError: Basis cc-pvxz not found"))
        #expect(!status.stdout.contains("failed #1"))
        #expect(!status.stdout.contains("cleaning up"))
        let json = try pesscan.run(["status", "--json"])
        #expect(json.stdout.contains("\"failure_groups\""))
    }

    @Test("show and fits print the stored scan and fits; rename and rm change it")
    func showFitsRenameRemove() throws {
        let pesscan = try BinaryRunner()
        #expect(try pesscan.run(["plan", "--molecule", "H2", "--points", "5"]).status == 0)
        #expect(try pesscan.run(["collect", "--quiet"]).status == 0)
        #expect(try pesscan.run(["fit"]).status == 0)
        let show = try pesscan.run(["show", "--scan", "H2"])
        #expect(show.status == 0, "\(show.stderr)")
        #expect(show.stdout.contains("ΔE (kcal/mol)"))
        #expect(show.stdout.contains("0.000000        0.000  yes   local"))
        #expect(show.stdout.contains("← lowest"))
        let showJSON = try pesscan.run(["show", "--json"])
        #expect(showJSON.stdout.contains("\"delta_cm1\""))
        #expect(showJSON.stdout.contains("\"lowest_index\" : 2"))
        let fits = try pesscan.run(["fits"])
        #expect(fits.stdout.contains("polynomial      4    0.7414"), "\(fits.stdout)")
        let fitsJSON = try pesscan.run(["fits", "--json"])
        #expect(fitsJSON.stdout.contains("\"omega_e_cm1\""))
        #expect(fitsJSON.stdout.contains("\"created_at\""))
        let rename = try pesscan.run(["rename", "--scan", "H2", "--to", "h2-first"])
        #expect(rename.status == 0)
        #expect(try pesscan.sql("SELECT name FROM scan") == "h2-first")
        #expect(try pesscan.run(["show", "--scan", "h2-first"]).status == 0)
        #expect(try pesscan.run(["rename", "--scan", "h2-first", "--to", "a/b"]).status == 64)
        let remove = try pesscan.run(["rm", "--scan", "h2-first"])
        #expect(remove.status == 0)
        #expect(remove.stdout.contains("5 points"))
        #expect(try pesscan.sql("SELECT COUNT(*) FROM scan") == "0")
        #expect(try pesscan.sql("SELECT COUNT(*) FROM attempt") == "0")
        #expect(try pesscan.run(["rm", "--scan", "h2-first"]).status == 64)
    }

    @Test("rm and rename refuse a scan whose points run (exit 69) and change nothing")
    func refuseRunning() throws {
        let pesscan = try BinaryRunner()
        #expect(try pesscan.run(["plan", "--molecule", "H2", "--points", "2", "--option", "delay_seconds=30"]).status == 0)
        let (collect, _, _) = try pesscan.start(["collect", "--slots", "1"])
        defer {
            collect.terminate()
            collect.waitUntilExit()
        }
        let deadline = Date().addingTimeInterval(20)
        while try pesscan.sql("SELECT COUNT(*) FROM point WHERE state = 'running'") != "1", Date() < deadline {
            Thread.sleep(forTimeInterval: 0.1)
        }
        let before = try pesscan.sql("SELECT id, name FROM scan")
        for arguments in [["rm", "--scan", "H2"], ["rename", "--scan", "H2", "--to", "other"]] {
            let result = try pesscan.run(arguments)
            #expect(result.status == 69, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("running"))
            #expect(!result.stderr.contains("--force"))
        }
        #expect(try pesscan.sql("SELECT id, name FROM scan") == before)
    }

    @Test("molecules --json, zones --help without collect's options, refine --degree auto")
    func smallCommands() throws {
        let pesscan = try BinaryRunner()
        let molecules = try pesscan.run(["molecules", "--json"])
        #expect(molecules.status == 0)
        #expect(molecules.stdout.contains("\"r_e_angstrom\""))
        let help = try pesscan.run(["zones", "--help"])
        #expect(help.stdout.contains("--zones"))
        #expect(!help.stdout.contains("--retries"))
        #expect(!help.stdout.contains("--lease-seconds"))
        #expect(try pesscan.run(["zones"]).stdout.contains("slot"))
        #expect(try pesscan.run(["plan", "--molecule", "H2", "--points", "5"]).status == 0)
        let refine = try pesscan.run(["refine", "--degree", "auto", "--max-rounds", "2"])
        #expect(refine.status == 0 || refine.status == 65, "\(refine.stderr)")
        #expect(!refine.stderr.contains("--degree auto applies"))
    }

    @Test("on a terminal the status line ticks while a point runs and ends before the summary")
    func liveProgress() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else { return }
        let pesscan = try BinaryRunner()
        #expect(try pesscan.run(["plan", "--molecule", "H2", "--points", "2", "--option", "delay_seconds=1.6"]).status == 0)
        var environment = ProcessInfo.processInfo.environment
        environment["PESSCAN_MOLECULES"] = TestSupport.moleculeLibrary.path
        environment["TERM"] = "xterm"
        let command = "'\(BinaryRunner.executable.path)' collect --slots 1"
        let (process, out, err) = try BinaryRunner.launch(
            URL(fileURLWithPath: "/usr/bin/script"), ["-qfc", command, "/dev/null"], in: pesscan.folder, environment: environment)
        let result = BinaryRunner.wait(process, out, err)
        #expect(result.status == 0, "\(result.stderr)")
        // Ticks while the point runs: its elapsed time counts up with no point finished.
        let output = result.stdout.replacingOccurrences(of: "\r\n", with: "\n")
        #expect(output.contains("running H2 #0 1 s") || output.contains("running H2 #1 1 s"), "\(output)")
        // The summary starts a line of its own, not glued to the status line.
        #expect(output.contains("\nCollected: 2 done"), "\(output)")
        let summaryLine = output.components(separatedBy: "\n").first { $0.contains("Collected:") } ?? ""
        #expect(!summaryLine.contains("[2/2]"), "\(summaryLine)")
    }
}
