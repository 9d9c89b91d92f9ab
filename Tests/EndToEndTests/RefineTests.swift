import Foundation
import PESTestSupport
import Testing

@Suite("End to end: adaptive refinement")
struct RefineTests {
    /// The paper's uniform scan used 11 engine calls; refinement from 5 coarse points must reach 1e-4 Å with fewer.
    @Test("refine pins r_e to 1e-4 Å of the model's truth in fewer than 11 engine calls", arguments: [("AuOg+", 2.862), ("H2", 0.74144)])
    func refine(_ molecule: String, _ truth: Double) throws {
        let pesscan = try BinaryRunner()
        #expect(try pesscan.run(["plan", "--molecule", molecule, "--points", "5"]).status == 0)
        let result = try pesscan.run(["refine", "--tolerance", "1e-4", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let outcome = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(outcome["converged"] as? Bool == true)
        let rounds = try #require(outcome["rounds"] as? [[String: Any]])
        let calls = try #require(rounds.last?["engine_calls"] as? Int)
        #expect(calls < 11)
        let re = try #require(outcome["r_equilibrium_angstrom"] as? Double)
        #expect(abs(re - truth) <= 1e-4)
        #expect(try pesscan.sql("SELECT COUNT(*) FROM point") == String(calls))
        #expect(try pesscan.sql("SELECT COUNT(*) FROM attempt") == String(calls))
        // Every round's fit is stored, as `fit` stores its own.
        #expect(try pesscan.sql("SELECT COUNT(*) FROM fit") == String(rounds.count))
    }
}
