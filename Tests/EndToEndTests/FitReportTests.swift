import Foundation
import PESTestSupport
import Testing

@Suite("End to end: what fit and plot say (issue 16)")
struct FitReportTests {
    @Test("without --scan among several scans, fit and plot say which scan they took; with one scan they say nothing")
    func scanChoiceIsNamed() throws {
        let pesscan = try BinaryRunner()
        try pesscan.run(["plan", "--molecule", "H2", "--points", "9"])
        try pesscan.run(["collect", "--quiet"])
        let alone = try pesscan.run(["fit", "--no-record"])
        #expect(alone.status == 0, "\(alone.stderr)")
        #expect(!alone.stderr.contains("most recently planned"))
        try pesscan.run(["plan", "--molecule", "HF", "--points", "9"])
        try pesscan.run(["collect", "--quiet"])
        let fit = try pesscan.run(["fit", "--no-record"])
        #expect(fit.stderr.contains("Fitting scan HF (the most recently planned; --scan NAME for another)"), "\(fit.stderr)")
        let plot = try pesscan.run(["plot", "--no-png"])
        #expect(plot.stderr.contains("Plotting scan HF (the most recently planned; --scan NAME for another)"), "\(plot.stderr)")
        let named = try pesscan.run(["fit", "--scan", "H2", "--no-record"])
        #expect(!named.stderr.contains("most recently planned"))
    }

    @Test("6 of 20 points done and the minimum beyond them: fit says to collect the pending points, not to plan a new range")
    func pendingPointsCoverTheMinimum() throws {
        let pesscan = try BinaryRunner()
        try pesscan.run(["plan", "--molecule", "H2", "--points", "20", "--from", "0.40", "--to", "1.35"])
        try pesscan.run(["collect", "--quiet"])
        _ = try pesscan.sql("UPDATE point SET state = 'pending', energy_hartree = NULL, converged = NULL WHERE idx >= 6;")
        let fit = try pesscan.run(["fit"])
        #expect(fit.status == 65)
        #expect(fit.stderr.contains("14 points pending cover that side: run `pesscan collect` first."), "\(fit.stderr)")
        #expect(!fit.stderr.contains("Plan a new scan"))
        let plot = try pesscan.run(["plot", "--terminal"])
        #expect(plot.stderr.contains("run `pesscan collect` first"), "\(plot.stderr)")
    }

    @Test("r_e and ω_e are printed to two significant digits of their uncertainty; the degree bias and the jackknife shortfall are reported")
    func precisionBiasAndJackknife() throws {
        let pesscan = try BinaryRunner()
        try pesscan.run(["plan", "--molecule", "HF", "--points", "11"])
        try pesscan.run(["collect", "--quiet"])
        let fit = try pesscan.run(["fit", "--degree", "4"])
        #expect(fit.status == 0, "\(fit.stderr)")
        let lines = fit.stdout.split(separator: "\n").map(String.init)
        let reLine = try #require(lines.first { $0.hasPrefix("  r_e ") })
        let value = try #require(reLine.split(separator: " ").dropFirst(2).first)
        let decimals = value.split(separator: ".").last?.count ?? 0
        let json = try pesscan.run(["fit", "--degree", "4", "--json", "--no-record"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let sigma = try #require(object["r_e_standard_error_angstrom"] as? Double)
        let bias = try #require(object["r_e_degree_bias_angstrom"] as? Double)
        #expect(object["omega_e_degree_bias_cm1"] is Double)
        #expect((object["degree_bias_compared_degree"] as? Int) == 5)
        #expect(decimals == 1 - Int(floor(log10(max(sigma, abs(bias))))), "\(reLine)")
        #expect(fit.stdout.contains("statistical (fit covariance); degree bias"))
        #expect(fit.stdout.contains("(minus the degree-5 fit)"))
        let few = try pesscan.run(["fit", "--input", try table("0.86 -0.2150\n0.89 -0.2166\n0.92 -0.2170\n0.95 -0.2166\n0.98 -0.2155\n"), "--molecule", "HF", "--jackknife"])
        #expect(few.status == 0, "\(few.stderr)")
        #expect(few.stderr.contains("jackknife estimate was not computed"), "\(few.stderr)")
        #expect(few.stderr.contains("at least 6 points; have 5"))
    }

    @Test("fit --input reads a whitespace .dat table in bohr and eV, as the CSV in Å and Eh")
    func datTableWithUnits() throws {
        let pesscan = try BinaryRunner()
        let r = (0..<9).map { 0.85 + 0.02 * Double($0) }
        let e = r.map { 0.3 * ($0 - 0.92) * ($0 - 0.92) - 0.2 * pow($0 - 0.92, 3) - 100.0 }
        let bohr = 1.0 / 0.529177210903, ev = 27.211386245988
        let dat = "# r/bohr   E/eV  (a Psi4 scan)\n" + zip(r, e).map { String(format: "%.12f  %.12f", $0 * bohr, $1 * ev) }.joined(separator: "\n") + "\n"
        let csv = "r_angstrom,energy_hartree\n" + zip(r, e).map { "\($0),\($1)" }.joined(separator: "\n") + "\n"
        let fromDat = try pesscan.run(["fit", "--input", try table(dat), "--r-unit", "bohr", "--energy-unit", "ev", "--molecule", "HF", "--json"])
        let fromCSV = try pesscan.run(["fit", "--input", try table(csv), "--molecule", "HF", "--json"])
        #expect(fromDat.status == 0, "\(fromDat.stderr)")
        let a = try #require(try JSONSerialization.jsonObject(with: Data(fromDat.stdout.utf8)) as? [String: Any])
        let b = try #require(try JSONSerialization.jsonObject(with: Data(fromCSV.stdout.utf8)) as? [String: Any])
        let reA = try #require(a["r_e_angstrom"] as? Double), reB = try #require(b["r_e_angstrom"] as? Double)
        #expect(abs(reA - reB) < 1e-10 && abs(reB - 0.92) < 1e-8)
        let misuse = try pesscan.run(["fit", "--r-unit", "bohr"])
        #expect(misuse.status == 64)
    }

    @Test("plot --terminal draws braille on stdout, writes no file, and has no ANSI colour off a terminal or under NO_COLOR")
    func terminalPlot() throws {
        let pesscan = try BinaryRunner()
        try pesscan.run(["plan", "--molecule", "AuOg+", "--points", "11"])
        try pesscan.run(["collect", "--quiet"])
        let plot = try pesscan.run(["plot", "--terminal"])
        #expect(plot.status == 0, "\(plot.stderr)")
        #expect(plot.stdout.unicodeScalars.contains { (0x2801...0x28FF).contains($0.value) })
        #expect(plot.stdout.contains("▲ r_e = 2.86"))
        #expect(!plot.stdout.contains("\u{1B}["))
        #expect(!FileManager.default.fileExists(atPath: pesscan.folder.appendingPathComponent("Results/plots").path))
        #expect(plot.stdout.split(separator: "\n").allSatisfy { $0.count <= 80 })
        let refused = try pesscan.run(["plot", "--terminal", "--json"])
        #expect(refused.status == 64)
    }

    /// Writes `text` to a new file in the temporary folder and returns its path.
    func table(_ text: String) throws -> String {
        let url = try TestSupport.temporaryFolder("pesscan-table").appendingPathComponent("scan.dat")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }
}
