import Foundation
import PESCore
import PESTestSupport
import Testing

@testable import PESEngines

@Suite("Input templates")
struct InputTemplateTests {
    @Test("placeholders are filled, other braces and {{ }} stay literal")
    func fills() throws {
        let template = try InputTemplate(
            text: "molecule pes {\n{charge} {multiplicity}\n}\nprint(f\"{{e}}\") {'a': 1}\nr={r_angstrom}", source: "t",
            known: PointPlaceholders.names)
        #expect(template.placeholders == ["charge", "multiplicity", "r_angstrom"])
        let text = template.render(["charge": "1", "multiplicity": "2", "r_angstrom": "0.7400000000"])
        #expect(text == "molecule pes {\n1 2\n}\nprint(f\"{e}\") {'a': 1}\nr=0.7400000000")
    }

    @Test("an unknown placeholder is a setup error naming it and the template")
    func unknown() {
        #expect(throws: EngineSetupError.unknownPlaceholder("bond", template: "my.inp", known: PointPlaceholders.names.sorted())) {
            try InputTemplate(text: "r = {bond}", source: "my.inp", known: PointPlaceholders.names)
        }
    }

    @Test("point values: geometry in ångström and bohr, electrons from Z and charge")
    func values() throws {
        let molecule = try Molecule(name: "AuOg+", atoms: [Atom(symbol: "Au"), Atom(symbol: "Og")], charge: 1)
        let job = try EngineFixtures.job(molecule, rAngstrom: 2.862)
        let values = PointPlaceholders.values(for: job, options: ["basis": "x"])
        #expect(values["electrons"] == "196")
        #expect(values["charge"] == "1" && values["multiplicity"] == "1" && values["reference"] == "rhf")
        #expect(values["basis"] == "x")
        let rBohrText = try #require(values["r_bohr"])
        let rBohr = try #require(Double(rBohrText))
        #expect(TestSupport.isClose(rBohr, 2.862 / 0.529177210903, absolute: 1e-9))
        #expect(values["atoms"] == "Au 0.0000000000 0.0000000000 0.0000000000\nOg 0.0000000000 0.0000000000 2.8620000000")
    }
}
