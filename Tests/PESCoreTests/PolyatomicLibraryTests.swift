import Foundation
import PESCore
import PESTestSupport
import Testing

@Suite("Polyatomic molecules of the library")
struct PolyatomicLibraryTests {
    @Test("the shipped library has H2O, HCN, CO2 and NH3, each sourced, with every variable's value")
    func entries() throws {
        let library = try MoleculeLibrary.load(from: TestSupport.moleculeLibrary)
        #expect(library.polyatomicNames == ["CO2", "H2O", "HCN", "NH3"])
        for name in library.polyatomicNames {
            let entry = try library.polyatomic(named: name)
            #expect(entry.molecule.name == name)
            #expect(!entry.molecule.isDiatomic)
            #expect(entry.molecule.atoms.map(\.symbol) == entry.zmatrix.symbols)
            #expect(Set(entry.values.keys) == Set(entry.zmatrix.variableNames), "\(name)")
            #expect(entry.source.contains(/(19|20)[0-9][0-9]/), "\(name): the source names a year")
            #expect(entry.molecule.charge == 0 && entry.molecule.multiplicity == 1)
            for atom in entry.molecule.atoms {
                #expect(atom.massDalton == (try Atom(symbol: atom.symbol)).massDalton, "\(name): most abundant isotope")
            }
        }
        // The diatomics are as before.
        #expect(library.names.count == 11)
        #expect(try library.molecule(named: "HF").constants.omegaEWavenumber == 4138.32)
    }

    @Test("every polyatomic's bonds, angles and dihedrals come out as its values say")
    func geometries() throws {
        let library = try MoleculeLibrary.load(from: TestSupport.moleculeLibrary)
        for name in library.polyatomicNames {
            let entry = try library.polyatomic(named: name)
            let xyz = try entry.zmatrix.cartesianAngstrom(values: entry.values)
            for (index, row) in entry.zmatrix.rows.enumerated() {
                func value(_ coordinate: ZMatrix.Entry?) -> Double? {
                    switch coordinate?.value {
                    case .variable(let variable): return entry.values[variable]
                    case .negatedVariable(let variable): return entry.values[variable].map { -$0 }
                    case .literal(let number): return number
                    case nil: return nil
                    }
                }
                if let bond = row.bond, let length = value(bond) {
                    let measured = CartesianGeometry.distanceAngstrom(xyz[index], xyz[bond.atomIndex])
                    #expect(abs(measured - length) < 1e-10, "\(name) atom \(index + 1) bond")
                }
                if let bond = row.bond, let angle = row.angle, let degrees = value(angle) {
                    let measured = CartesianGeometry.angleDegree(xyz[index], xyz[bond.atomIndex], xyz[angle.atomIndex])
                    #expect(abs(measured - degrees) < 1e-9, "\(name) atom \(index + 1) angle")
                }
                if let bond = row.bond, let angle = row.angle, let dihedral = row.dihedral, let degrees = value(dihedral) {
                    let measured = CartesianGeometry.dihedralDegree(
                        xyz[index], xyz[bond.atomIndex], xyz[angle.atomIndex], xyz[dihedral.atomIndex])
                    #expect(abs(measured - degrees) < 1e-9, "\(name) atom \(index + 1) dihedral")
                }
            }
            let linear = CartesianGeometry.isLinear(cartesianAngstrom: xyz)
            #expect(linear == (name == "HCN" || name == "CO2"), "\(name) linear: \(linear)")
        }
    }

    @Test("the reference structures: water 0.9578 Å and 104.4776°, HCN and CO2 linear, NH3 C3v")
    func referenceValues() throws {
        let library = try MoleculeLibrary.load(from: TestSupport.moleculeLibrary)
        let water = try library.polyatomic(named: "H2O")
        #expect(water.values == ["r": 0.9578, "theta": 104.4776])
        #expect(water.source.contains("Hoy") && water.source.contains("74, 1 (1979)"))
        let hcn = try library.polyatomic(named: "HCN")
        #expect(hcn.values == ["rch": 1.0655, "rcn": 1.1532, "a": 180])
        let co2 = try library.polyatomic(named: "CO2")
        #expect(co2.values == ["r": 1.16, "a": 180])
        let xyz = try co2.zmatrix.cartesianAngstrom(values: co2.values)
        #expect(abs(CartesianGeometry.distanceAngstrom(xyz[0], xyz[2]) - 2.32) < 1e-12)

        let ammonia = try library.polyatomic(named: "NH3")
        let n = try ammonia.zmatrix.cartesianAngstrom(values: ammonia.values)
        let hydrogens = [1, 2, 3]
        for h in hydrogens {
            #expect(abs(CartesianGeometry.distanceAngstrom(n[0], n[h]) - 1.0124) < 1e-12)
        }
        for (a, b) in [(1, 2), (1, 3), (2, 3)] {
            #expect(abs(CartesianGeometry.angleDegree(n[a], n[0], n[b]) - 106.67) < 1e-10, "H\(a + 1)-N-H\(b + 1)")
            #expect(abs(CartesianGeometry.distanceAngstrom(n[a], n[b]) - CartesianGeometry.distanceAngstrom(n[1], n[2])) < 1e-12)
        }
        // The stated dihedral is the one C3v needs: cos d = cos a / (1 + cos a).
        let a = 106.67 * Double.pi / 180
        #expect(abs((ammonia.values["d"] ?? 0) - acos(cos(a) / (1 + cos(a))) * 180 / .pi) < 1e-10)
        #expect(ammonia.assumptions?.contains("C3v") == true)
    }

    @Test("lookups fold case, suggest near names and keep diatomics and polyatomics apart")
    func lookups() throws {
        let library = try MoleculeLibrary.load(from: TestSupport.moleculeLibrary)
        #expect(try library.polyatomic(named: "h2o").molecule.name == "H2O")
        #expect(try library.polyatomic(named: "nh3").molecule.name == "NH3")
        #expect(try library.molecule(named: "h2").molecule.name == "H2")
        #expect(throws: MoleculeLibraryError.polyatomicEntry("H2O", known: library.names)) {
            try library.molecule(named: "h2o")
        }
        #expect(throws: MoleculeLibraryError.diatomicEntry("HF")) { try library.polyatomic(named: "hf") }
        #expect(throws: MoleculeLibraryError.unknownPolyatomic("NH4", known: library.polyatomicNames)) {
            try library.polyatomic(named: "NH4")
        }
        let messages: [(MoleculeLibraryError, [String])] = [
            (.unknownPolyatomic("NH4", known: library.polyatomicNames), ["NH4", "Did you mean NH3?", "CO2, H2O, HCN, NH3"]),
            (.polyatomicEntry("H2O", known: library.names), ["H2O is a polyatomic", "diatomic", "AuOg+", "--atoms"]),
            (.diatomicEntry("HF"), ["HF is a diatomic"]),
        ]
        for (error, fragments) in messages {
            for fragment in fragments {
                #expect(error.description.contains(fragment), "\(error.description) lacks \(fragment)")
            }
        }
        // Unknown names still get the diatomic message, unchanged.
        #expect(throws: MoleculeLibraryError.unknownMolecule("XeF6", known: library.names)) {
            try library.molecule(named: "XeF6")
        }
    }

    static let diatomic = #"""
        {"name": "H2", "atoms": ["H", "H"], "charge": 0, "default_range_angstrom": [0.7, 0.8],
         "constants": {"r_e_angstrom": 0.74, "omega_e_cm1": 4401, "omega_e_x_e_cm1": 121, "source": "test"}}
        """#

    static func library(polyatomics: String) -> Data {
        Data(#"{"molecules": [\#(diatomic)], "polyatomics": [\#(polyatomics)]}"#.utf8)
    }

    @Test("a library without polyatomics reads as before")
    func oldFormat() throws {
        let library = try MoleculeLibrary.parse(Data(#"{"molecules": [\#(Self.diatomic)]}"#.utf8), path: "old.json")
        #expect(library.names == ["H2"])
        #expect(library.polyatomics.isEmpty)
    }

    @Test("a bad polyatomic entry is refused, naming the file, the entry and the reason", arguments: [
        (#"{"name": "W", "zmatrix": ["O", "H 1 r", "H 1 r 2 t"], "values_angstrom_or_degree": {"r": 0.96}, "charge": 0, "source": "s"}"#,
         "No value for t"),
        (#"{"name": "W", "zmatrix": ["O", "H 1 r"], "values_angstrom_or_degree": {"r": 0.96, "q": 1}, "charge": 0, "source": "s"}"#,
         "no row uses it"),
        (#"{"name": "W", "zmatrix": ["O", "H 1 r", "r = 1"], "values_angstrom_or_degree": {"r": 0.96}, "charge": 0, "source": "s"}"#,
         "values_angstrom_or_degree only"),
        (#"{"name": "W", "zmatrix": ["O", "H 1 r"], "values_angstrom_or_degree": {"r": 0.96}, "charge": 0, "source": " "}"#,
         "source is empty"),
        (#"{"name": "W", "zmatrix": ["O", "H 1 r"], "values_angstrom_or_degree": {"r": 0.96}, "charge": 0, "isotopes_dalton": [16], "source": "s"}"#,
         "1 values for 2 atoms"),
        (#"{"name": "W", "zmatrix": ["O", "Q 1 r"], "values_angstrom_or_degree": {"r": 0.96}, "charge": 0, "source": "s"}"#,
         "unknown element symbol \"Q\""),
        (#"{"name": "H2", "zmatrix": ["H", "H 1 r"], "values_angstrom_or_degree": {"r": 0.74}, "charge": 0, "source": "s"}"#,
         "appears twice"),
    ])
    func invalidEntries(_ entry: String, _ fragment: String) {
        do {
            _ = try MoleculeLibrary.parse(Self.library(polyatomics: entry), path: "bad.json")
            Issue.record("expected an error for \(entry)")
        } catch {
            #expect(error.description.contains("bad.json"), "\(error.description)")
            #expect(error.description.contains(fragment), "\(error.description)")
        }
    }
}
