import Foundation
import PESCore
import PESTestSupport
import Testing

@testable import PESEngines

@Suite("Engines: the stored error keeps the meaningful stderr line; PySCF options checked at plan time")
struct PlanTimeChecksTests {
    static let inputs = TestSupport.packageRoot.appendingPathComponent("Inputs")

    @Test("a traceback gives its exception line, not the last line")
    func meaningfulLine() {
        let traceback = """
            Traceback (most recent call last):
              File "point.py", line 6, in <module>
                mol = gto.M(
            pyscf.lib.exceptions.BasisNotFoundError: Basis cc-pvxz not found for H
            cleaning up
            """
        #expect(ErrorLine.meaningful(in: traceback) == "pyscf.lib.exceptions.BasisNotFoundError: Basis cc-pvxz not found for H")
        #expect(ErrorLine.meaningful(in: "KeyError: 'B3LPY'\n") == "KeyError: 'B3LPY'")
        #expect(ErrorLine.meaningful(in: "one\ntwo\n") == "two")
        #expect(ErrorLine.meaningful(in: "\n  \n") == nil)
    }

    static func molecule(_ symbols: [String], charge: Int = 0) throws -> Molecule {
        try Molecule(name: symbols.joined(), atoms: try symbols.map { try Atom(symbol: $0) }, charge: charge)
    }

    @Test("rhf and rks are refused for an open shell, with uhf/rohf or uks/roks suggested", arguments: [
        ("rhf", "--method uhf or --method rohf"), ("rks", "--method uks or --method roks"),
    ])
    func openShell(_ method: String, _ advice: String) throws {
        let radical = try Self.molecule(["H", "H"], charge: 1)
        #expect(throws: EngineSetupError.self) {
            try PySCFChecks.check(["method": method, "basis": "sto-3g", "xc": "blyp"], molecule: radical, inputsFolder: Self.inputs)
        }
        do {
            try PySCFChecks.check(["method": method, "basis": "sto-3g", "xc": "blyp"], molecule: radical, inputsFolder: Self.inputs)
        } catch {
            #expect(error.description.contains(advice))
        }
        try PySCFChecks.check(["method": "uhf", "basis": "sto-3g"], molecule: radical, inputsFolder: Self.inputs)
        try PySCFChecks.check(["method": method, "basis": "sto-3g", "xc": "blyp"], molecule: try Self.molecule(["H", "H"]), inputsFolder: Self.inputs)
    }

    @Test("near-miss basis and xc names are refused with a suggestion; known and unrelated names pass", arguments: [
        ("rhf", "cc-pvxz", "blyp", "ccpvdz"), ("rks", "cc-pvdz", "b3lpy", "B3LYP"), ("dks", "sto-3g", "blpy", "BLYP"),
    ])
    func nearMiss(_ method: String, _ basis: String, _ xc: String, _ suggested: String) throws {
        let h2 = try Self.molecule(["H", "H"])
        do {
            try PySCFChecks.check(["method": method, "basis": basis, "xc": xc], molecule: h2, inputsFolder: Self.inputs)
            Issue.record("\(basis)/\(xc) passed")
        } catch {
            #expect(error.description.contains("Did you mean"))
            #expect(error.description.contains(suggested))
        }
    }

    @Test("names PySCF knows, expressions and names far from any known pass")
    func passes() throws {
        let h2 = try Self.molecule(["H", "H"])
        for (basis, xc) in [("cc-pVTZ", "b3lyp"), ("def2-svp", "0.2*HF+0.8*B88,LYP"), ("6-31g*", "PBE0"), ("/data/my-basis.nw", "pbe")] {
            try PySCFChecks.check(["method": "rks", "basis": basis, "xc": xc], molecule: h2, inputsFolder: Self.inputs)
        }
    }
}
