import Foundation
import PESCore
import PESExport
import PESStore
import PESTestSupport
import Testing

@Suite("CSV export and import files")
struct CSVTests {
    @Test("fields with commas, quotes or line breaks are quoted and split back", arguments: ["plain", "a,b", "say \"hi\"", "two\nlines", ""])
    func quoting(_ value: String) throws {
        let line = CSVText.row(["x", value, "y"])
        if !value.contains("\n") { #expect(CSVText.split(Substring(line)) == ["x", value, "y"]) }
        #expect(CSVText.split("\"open,") == nil)
    }

    @Test("an exported CSV reads back as the same bond lengths and energies, columns found by name")
    func roundTrip() throws {
        let points = [
            ScanPoint(id: 1, index: 0, rAngstrom: 0.7, state: .done, energyHartree: -1.1361890412345678, converged: true, zone: "local", host: "h", attemptCount: 1),
            ScanPoint(id: 2, index: 1, rAngstrom: 0.75, state: .done, energyHartree: -1.1372, converged: true, error: "warning, \"odd\"", attemptCount: 1),
        ]
        let text = PointsCSV.text(scan: try ScanName("h2"), points: points, unit: .kilocaloriePerMole)
        let header = try #require(text.split(separator: "\n").first)
        #expect(header.contains("energy_hartree,energy_kcal_per_mol,converged"))
        let read = try EnergyTableReader.parse(text)
        #expect(read.map(\.rAngstrom) == [0.7, 0.75])
        #expect(read.map(\.energyHartree) == [-1.1361890412345678, -1.1372])
        #expect(read.map(\.line) == [2, 3])
        let row = try #require(CSVText.split(text.split(separator: "\n")[1]))
        let kcal = try #require(Double(row[6]))
        #expect(TestSupport.isClose(kcal, -1.1361890412345678 * PhysicalConstants.hartreeInKilocaloriePerMole, relative: 1e-15))
    }

    @Test(
        "bad files are rejected at the line at fault",
        arguments: [
            ("", 1, "empty"),
            ("r,e\n1,2\n", 1, "lacks r_angstrom"),
            ("energy_hartree,r_angstrom\n-1.0,0.7\n-1.1,abc\n", 3, "r_angstrom \"abc\""),
            ("r_angstrom,energy_hartree\n0.7,-1.0\n\n-0.7,-1.1\n", 4, "positive"),
            ("r_angstrom,energy_hartree\n0.7,nan\n", 2, "finite"),
            ("r_angstrom,energy_hartree\n0.7,-1.0,3\n", 2, "expected 2"),
        ])
    func badRows(_ text: String, _ line: Int, _ phrase: String) {
        let error = #expect(throws: EnergyTableError.self) { try EnergyTableReader.parse(text) }
        #expect(error?.line == line)
        #expect(error?.description.contains(phrase) == true, "\(error?.description ?? "")")
        #expect(error?.description.contains("fix the file") == true)
    }

    @Test("columns in any order, extra columns, CRLF line ends and blank lines are accepted")
    func lenient() throws {
        let read = try EnergyTableReader.parse("note,energy_hartree,r_angstrom\r\nfrom paper,-1.0,0.70\r\n\r\n\"a, b\",-1.1,0.75\r\n")
        #expect(read.map(\.rAngstrom) == [0.70, 0.75])
        #expect(read.map(\.line) == [2, 4])
    }
}

@Suite("Trajectory and QCSchema exports")
struct StructuredExportTests {
    @Test("extended XYZ: one frame per point with an energy, second atom on z at r, energy in eV and hartree")
    func extendedXYZ() throws {
        let spec = try TestSupport.librarySpec(molecule: "AuOg+", name: "AuOg+", points: 3)
        let points = [
            ScanPoint(id: 1, index: 0, rAngstrom: 2.8, state: .done, energyHartree: -0.03, converged: true),
            ScanPoint(id: 2, index: 1, rAngstrom: 2.9, state: .failed, error: "x"),
            ScanPoint(id: 3, index: 2, rAngstrom: 3.0, state: .done, energyHartree: -0.02, converged: false),
        ]
        let lines = ExtendedXYZ.text(molecule: spec.molecule, scan: spec.name, points: points).split(separator: "\n")
        #expect(lines.count == 8)
        #expect(lines[0] == "2")
        #expect(lines[1].contains("energy_hartree=-0.029999999999999999"))
        #expect(lines[1].contains("Properties=species:S:1:pos:R:3"))
        #expect(lines[3].hasPrefix("Og 0.0"))
        #expect(lines[3].hasSuffix(" 2.79999999999999982"))
        #expect(lines[5].contains("converged=F"))
    }

    @Test("QCSchema: geometry in bohr, method and basis from the engine options, unconverged is no success")
    func qcschema() throws {
        var spec = try TestSupport.librarySpec(molecule: "H2", name: "h2", points: 3)
        spec.engine = EngineSettings(name: "pyscf", options: ["method": "hf", "basis": "sto-3g", "conv_tol": "1e-10"])
        let point = ScanPoint(id: 1, index: 4, rAngstrom: 0.74, state: .done, energyHartree: -1.117, converged: false)
        let result = try #require(QCSchemaResult(spec: spec, point: point, creatorVersion: "9"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.jsonText().utf8)) as? [String: Any])
        #expect(object["schema_name"] as? String == "qcschema_output")
        #expect(object["return_result"] as? Double == -1.117)
        #expect(object["success"] as? Bool == false)
        #expect((object["model"] as? [String: String]) == ["method": "hf", "basis": "sto-3g"])
        #expect((object["keywords"] as? [String: String]) == ["conv_tol": "1e-10"])
        let geometry = try #require((object["molecule"] as? [String: Any])?["geometry"] as? [Double])
        #expect(TestSupport.isClose(geometry[5], 0.74 / PhysicalConstants.bohrInAngstrom, relative: 1e-15))
        #expect(QCSchemaResult.fileName(scan: spec.name, index: 4) == "h2-0004.json")
        #expect(QCSchemaResult(spec: spec, point: ScanPoint(id: 2, index: 0, rAngstrom: 1, state: .failed), creatorVersion: "9") == nil)
    }
}

@Suite("Energy tables from other programs")
struct EnergyTableFormatTests {
    @Test(
        "whitespace, tab and comma tables with or without a header and with # comments read the same points",
        arguments: [
            "# r/Å  E/Eh from Psi4\n 0.70   -1.10\n\n 0.75\t-1.20  # near r_e\n",
            "0.70\t-1.10\n0.75\t-1.20\n",
            "0.70,-1.10\n0.75,-1.20\n",
            "r_angstrom energy_hartree\n0.70 -1.10\n0.75 -1.20\n",
            "energy_hartree\tr_angstrom\n-1.10\t0.70\n-1.20\t0.75\n",
            "r_angstrom,energy_hartree\r\n0.70,-1.10\r\n\r\n0.75 , -1.20\r\n",
            "\"r_angstrom\",\"note, quoted\",energy_hartree\n0.70,\"a, b\",-1.10\n\"0.75\",\"#\",-1.20",
            "\u{A0}\u{A0}\n0.70\u{A0}\t-1.10\n0.75\t-1.20\n",
        ])
    func formats(_ text: String) throws {
        let read = try EnergyTableReader.parse(text)
        #expect(read.map(\.rAngstrom) == [0.70, 0.75])
        #expect(read.map(\.energyHartree) == [-1.10, -1.20])
    }

    @Test("units: bohr and eV are converted; a header must name the unit's columns")
    func units() throws {
        let read = try EnergyTableReader.parse("1.4 -30.0\n1.5 -30.5\n", lengthUnit: .bohr, energyUnit: .electronvolt)
        #expect(TestSupport.isClose(read[0].rAngstrom, 1.4 * PhysicalConstants.bohrInAngstrom, relative: 1e-15))
        #expect(TestSupport.isClose(read[1].energyHartree, -30.5 / PhysicalConstants.hartreeInElectronvolt, relative: 1e-15))
        let named = try EnergyTableReader.parse("r_bohr,energy_hartree,r_angstrom\n1.4,-1.0,0.74\n", lengthUnit: .bohr)
        #expect(TestSupport.isClose(named[0].rAngstrom, 1.4 * PhysicalConstants.bohrInAngstrom, relative: 1e-15))
        let error = #expect(throws: EnergyTableError.self) { try EnergyTableReader.parse("r_angstrom,energy_hartree\n0.7,-1\n", energyUnit: .electronvolt) }
        #expect(error?.description.contains("energy_ev") == true)
    }

    @Test(
        "a bad field is rejected with its line, as Double(String) would reject it",
        arguments: [("0.7 -1.0\n0.8 -1.0x\n", 2), ("r_angstrom,energy_hartree\n0.7,-1\n\n0.8,\n", 4), ("0.7,-1\n0.8, 1e\n", 2),
                    ("0.7 -1\n# c\n-0.8 -1\n", 3), ("0.7\t-1\n0.8\t-1\t2\n", 2), ("r_angstrom,energy_hartree\n0.7,\"-1\n", 2)])
    func badField(_ text: String, line: Int) {
        let error = #expect(throws: EnergyTableError.self) { try EnergyTableReader.parse(text) }
        #expect(error?.line == line)
    }

    @Test("a headerless table needs two numbers per row")
    func threeColumns() {
        let error = #expect(throws: EnergyTableError.self) { try EnergyTableReader.parse("0.7 -1.0 3\n") }
        #expect(error?.line == 1)
        #expect(error?.description.contains("two numbers") == true)
    }

    @Test("the CSV export writes the shortest decimal that reads back: 0.697, not 0.69699999999999995")
    func shortestDecimals() throws {
        let point = ScanPoint(id: 1, index: 0, rAngstrom: 0.697, state: .done, energyHartree: -1.1361890412345678, converged: true, attemptCount: 1)
        let text = PointsCSV.text(scan: try ScanName("h2"), points: [point], unit: .hartree)
        let row = try #require(CSVText.split(text.split(separator: "\n")[1]))
        #expect(row[2] == "0.697")
        #expect(Double(row[5]) == -1.1361890412345678 && row[5].count <= 20)
        #expect(Double(row[3]) == 0.697 * PhysicalConstants.angstromInBohr)
    }
}
