import Foundation
import PESCore
import PESTestSupport
import Testing

@Suite("Molecules and the molecule library")
struct MoleculeTests {
    @Test("AuOg+ has 196 electrons and is a singlet")
    func auOgElectrons() throws {
        let molecule = try Molecule(name: "AuOg+", atoms: [Atom(symbol: "Au"), Atom(symbol: "Og")], charge: 1)
        #expect(molecule.electronCount == 196)
        #expect(molecule.multiplicity == 1)
        #expect(molecule.atoms.map(\.atomicNumber) == [79, 118])
    }

    @Test("odd electron counts default to doublets; impossible multiplicities are refused")
    func multiplicity() throws {
        let h2plus = try Molecule(name: "H2+", atoms: [Atom(symbol: "H"), Atom(symbol: "H")], charge: 1)
        #expect(h2plus.multiplicity == 2)
        #expect(throws: MoleculeError.impossibleMultiplicity("H2", 2, 2)) {
            try Molecule(name: "H2", atoms: [Atom(symbol: "H"), Atom(symbol: "H")], charge: 0, multiplicity: 2)
        }
        #expect(throws: MoleculeError.impossibleCharge("H2", 3)) {
            try Molecule(name: "H2", atoms: [Atom(symbol: "H"), Atom(symbol: "H")], charge: 3)
        }
    }

    @Test("unknown elements and missing masses are explained")
    func elements() {
        #expect(throws: MoleculeError.unknownElement("Xx")) { try Atom(symbol: "Xx") }
        #expect(throws: MoleculeError.missingMass("Fe")) { try Atom(symbol: "Fe") }
        #expect((try? Atom(symbol: "Fe", massDalton: 55.9349363))?.atomicNumber == 26)
        #expect(throws: MoleculeError.notDiatomic("H", 1)) { try Molecule(name: "H", atoms: [Atom(symbol: "H")], charge: 0) }
    }

    @Test("H2's reduced mass is half the ¹H mass")
    func reducedMass() throws {
        let h2 = try Molecule(name: "H2", atoms: [Atom(symbol: "H"), Atom(symbol: "H")], charge: 0)
        #expect(abs(h2.reducedMassDalton - 1.00782503223 / 2) < 1e-14)
    }

    @Test("the shipped library has the molecules the issue names, each with a range around its r_e")
    func library() throws {
        let library = try MoleculeLibrary.load(from: TestSupport.moleculeLibrary)
        for name in ["AuOg+", "H2", "HF", "HCl", "N2", "CO", "Li2", "AuH", "Au2"] {
            let entry = try library.molecule(named: name)
            #expect(entry.defaultRangeAngstrom.contains(entry.constants.rEquilibriumAngstrom), "\(name)")
        }
        let auog = try library.molecule(named: "AuOg+")
        #expect(auog.molecule.charge == 1)
        #expect(auog.constants.rEquilibriumAngstrom == 2.862)
        #expect(auog.constants.assumptions != nil)
        #expect(try library.molecule(named: "h2").molecule.name == "H2")
        #expect(try library.molecule(named: "HF").constants.omegaEWavenumber == 4138.32)
    }

    @Test("an unknown molecule lists the known ones")
    func unknown() throws {
        let library = try MoleculeLibrary.load(from: TestSupport.moleculeLibrary)
        #expect(throws: MoleculeLibraryError.self) { try library.molecule(named: "XeF6") }
        do {
            _ = try library.molecule(named: "XeF6")
        } catch {
            #expect(error.description.contains("AuOg+"))
            #expect(error.description.contains("--atoms"))
        }
    }

    @Test("a malformed library names the missing key")
    func malformed() {
        let text = #"""
            {"molecules": [{"name": "X", "atoms": ["H", "H"], "charge": 0,
              "constants": {"r_e_angstrom": 0.74, "omega_e_cm1": 4401, "omega_e_x_e_cm1": 121, "source": "test"}}]}
            """#
        do {
            _ = try MoleculeLibrary.parse(Data(text.utf8), path: "test.json")
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("default_range_angstrom"))
            #expect(error.description.contains("test.json"))
        }
    }

    @Test("CODATA 2018 conversions are consistent")
    func constants() {
        #expect(abs(PhysicalConstants.angstromInBohr - 1.8897261246257702) < 1e-13)
        let viaJoule = PhysicalConstants.hartreeInJoule
            / (PhysicalConstants.planckJouleSecond * PhysicalConstants.speedOfLightMetrePerSecond * 100)
        #expect(abs(viaJoule - PhysicalConstants.hartreeInWavenumber) < 1e-6)
    }
}
