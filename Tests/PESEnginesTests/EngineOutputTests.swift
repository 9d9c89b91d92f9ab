import Foundation
import PESCore
import PESEngines
import PESTestSupport
import Testing

@Suite("Parsers on real program outputs")
struct EngineOutputTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var file: String
        var parser: any EnergyParser
        var energy: Double
        var converged: Bool
        var version: String?
        var testDescription: String { file }
    }

    static let cases: [Case] = [
        Case(file: "xtb-h2-gfn2.out", parser: XTBOutput(), energy: -0.981983694723, converged: true, version: "xtb 6.5.1"),
        Case(file: "nwchem-h2-scf.out", parser: NWChemOutput(), energy: -1.128700092942, converged: true, version: "NWChem 7.0.2"),
        Case(file: "nwchem-h2-unconverged.out", parser: NWChemOutput(), energy: -1.127259166979, converged: false, version: "NWChem 7.0.2"),
        Case(file: "psi4-h2-scf.out", parser: Psi4Output(), energy: -1.128700093560516, converged: true, version: "Psi4 1.3.2"),
        Case(file: "pyscf-h2-rhf.out", parser: PySCFOutput(), energy: -1.128700093556443, converged: true, version: "PySCF 2.14.0"),
        Case(file: "pyscf-h2-unconverged.out", parser: PySCFOutput(), energy: -1.127734216713273, converged: false, version: "PySCF 2.14.0"),
        Case(file: "bertha-driver-v1.out", parser: BerthaOutput(), energy: -1.1677547607228904, converged: true),
        Case(file: "bertha-serial.out", parser: BerthaOutput(), energy: -38089.7425268941, converged: true),
        Case(file: "bertha-not-converged.out", parser: BerthaOutput(), energy: -1.16771, converged: false),
        Case(file: "bertha-driver-quiet.out", parser: BerthaOutput(), energy: -1.167754760722890, converged: false),
    ]

    @Test("final energy, convergence and version", arguments: cases)
    func parses(_ c: Case) throws {
        let parsed = try c.parser.parse(try EngineFixtures.text(c.file))
        #expect(TestSupport.isClose(parsed.hartree, c.energy, absolute: 1e-12))
        #expect(parsed.converged == c.converged)
        #expect(parsed.version == c.version)
    }

    @Test("RHF/cc-pVDZ H2 at 0.74 Å: PySCF, Psi4 and NWChem agree (engines.md: 1e-10 and 1e-8)")
    func programsAgree() throws {
        let pyscf = try PySCFOutput().parse(try EngineFixtures.text("pyscf-h2-rhf.out")).hartree
        let psi4 = try Psi4Output().parse(try EngineFixtures.text("psi4-h2-scf.out")).hartree
        let nwchem = try NWChemOutput().parse(try EngineFixtures.text("nwchem-h2-scf.out")).hartree
        #expect(TestSupport.isClose(psi4, pyscf, absolute: 1e-10))
        #expect(TestSupport.isClose(nwchem, pyscf, absolute: 1e-8))
    }

    @Test("outputs without an energy say what was expected, with the program's own failure line")
    func failures() throws {
        let xtb = try EngineFixtures.text("xtb-h2-unconverged.out")
        #expect(throws: EngineParseError.missingEnergy(expected: "a line \"| TOTAL ENERGY  <number> Eh |\"")) {
            try XTBOutput().parse(xtb)
        }
        #expect(XTBOutput().failureHint(xtb) == "-1- scf: Self consistent charge iterator did not converge")
        let psi4 = try EngineFixtures.text("psi4-h2-unconverged.out")
        #expect(throws: EngineParseError.self) { try Psi4Output().parse(psi4) }
        #expect(Psi4Output().failureHint(psi4) == "PsiException: Could not converge SCF iterations in 2 iterations.")
        #expect(throws: EngineParseError.self) { try BerthaOutput().parse(" final output:\n convergence obtained in 3 iterations\n") }
    }

    @Test("the generic parser converts units with the CODATA 2018 factors", arguments: [
        ("hartree", 1.0), ("eV", PhysicalConstants.hartreeInElectronvolt),
        ("kcal/mol", PhysicalConstants.hartreeInKilocaloriePerMole), ("kJ/mol", PhysicalConstants.hartreeInKilojoulePerMole),
    ])
    func units(_ unitName: String, _ perHartree: Double) throws {
        let unit = try #require(EnergyUnit(name: unitName))
        let parser = try RegexEnergyParser(energyPattern: #"^E = (\S+)"#, unit: unit, unconvergedPattern: "NOT CONVERGED")
        let text = "E = 1.0\niter 2\nE = \(-0.5 * perHartree)\n"
        let parsed = try parser.parse(text)
        #expect(TestSupport.isClose(parsed.hartree, -0.5, relative: 1e-14))
        #expect(parsed.converged)
        #expect(try parser.parse(text + "NOT CONVERGED\n").converged == false)
    }

    @Test("a pattern without a capture group is a setup error")
    func regexNeedsGroup() {
        #expect(throws: EngineSetupError.self) { try RegexEnergyParser(energyPattern: "E = \\S+", unit: .hartree) }
        #expect(throws: EngineSetupError.self) { try RegexEnergyParser(energyPattern: "E = (\\S+", unit: .hartree) }
    }
}
