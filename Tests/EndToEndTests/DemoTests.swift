import Foundation
import PESTestSupport
import Testing

@Suite("End to end: the built binary")
struct DemoTests {
    @Test("the AuOg+ demo plans 11 points, collects them and fits r_e = 2.862 Å")
    func auOgDemo() throws {
        let pesscan = try BinaryRunner()
        let plan = try pesscan.run(["plan", "--molecule", "AuOg+", "--points", "11"])
        #expect(plan.status == 0, "\(plan.stderr)")
        #expect(plan.stdout.contains("11 points from 2.7620 to 2.9620 Å"))
        #expect(plan.stdout.contains("196 electrons"))
        let collect = try pesscan.run(["collect"])
        #expect(collect.status == 0, "\(collect.stderr)")
        #expect(collect.stdout.contains("11 done, 0 failed"))
        #expect(collect.stderr.contains("[11/11]"))
        let fit = try pesscan.run(["fit", "--degree", "4"])
        #expect(fit.status == 0, "\(fit.stderr)")
        #expect(fit.stdout.contains("r_e          = 2.86"))
        let json = try pesscan.run(["fit", "--degree", "4", "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let re = try #require(object["r_e_angstrom"] as? Double)
        #expect(abs(re - 2.862) < 5e-5)
        #expect((object["degree"] as? Int) == 4)
        #expect((object["coefficients"] as? [Double])?.count == 5)
        #expect(((object["rms_residual_hartree"] as? Double) ?? 1) < 1e-6)
        #expect(object["energy_hartree"] is Double)
        #expect(try pesscan.sql("SELECT COUNT(*) FROM fit") == "2")
        // A second collect has nothing to do.
        let again = try pesscan.run(["collect"])
        #expect(again.stdout.contains("Collected: 0 done, 0 failed"))
        #expect(try pesscan.sql("SELECT COUNT(*) FROM attempt") == "11")
    }

    @Test("a molecule given by its atoms is planned from --atoms, --charge and a range")
    func atomsGiven() throws {
        let pesscan = try BinaryRunner()
        let plan = try pesscan.run(["plan", "--atoms", "Au,Og", "--charge", "1", "--from", "2.7", "--to", "3.0", "--points", "7", "--json"])
        // The model has no parameters for a molecule outside the library.
        #expect(plan.status == 64)
        #expect(plan.stderr.contains("Inputs/molecules.json"))
        #expect(!FileManager.default.fileExists(atPath: pesscan.database))
    }

    @Test("fit before collect and fit of a scan whose minimum lies outside say what to do")
    func fitErrors() throws {
        let pesscan = try BinaryRunner()
        try pesscan.run(["plan", "--molecule", "H2", "--points", "9"])
        let early = try pesscan.run(["fit"])
        #expect(early.status == 65)
        #expect(early.stderr.contains("not computed yet"))
        try pesscan.run(["plan", "--molecule", "H2", "--points", "9", "--from", "0.9", "--to", "1.2", "--scan", "h2-long"])
        try pesscan.run(["collect", "--scan", "h2-long"])
        let outside = try pesscan.run(["fit", "--scan", "h2-long"])
        #expect(outside.status == 65)
        #expect(outside.stderr.contains("below the shortest bond length"))
        #expect(outside.stderr.contains("--from"))
    }

    @Test("every command's help shows an example", arguments: ["plan", "collect", "fit", "refine", "status", "zones", "plot", "export", "import", "molecules", "model-energy"])
    func helpHasExample(_ command: String) throws {
        let help = try BinaryRunner().run([command, "--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("Example"))
        #expect(help.stdout.contains("pesscan \(command)"))
    }
}
