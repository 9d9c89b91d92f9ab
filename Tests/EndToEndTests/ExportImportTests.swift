import Foundation
import PESTestSupport
import Testing

/// A database with a scan of `molecule` (the AuOg+ demo by default) collected, point 3 failed and a fit stored.
private func collectedDemo(molecule: String = "AuOg+") throws -> BinaryRunner {
    let pesscan = try BinaryRunner()
    try pesscan.run(["plan", "--molecule", molecule, "--points", "11"])
    try pesscan.run(["collect", "--quiet"])
    _ = try pesscan.sql("UPDATE point SET state = 'failed', energy_hartree = NULL, error = 'SCF failed, \"no\" convergence' WHERE idx = 3;")
    try pesscan.run(["fit"])
    return pesscan
}

/// Energies of the done points in index order, from the database.
private func storedEnergies(_ pesscan: BinaryRunner) throws -> [Double] {
    try pesscan.sql("SELECT energy_hartree FROM point WHERE state = 'done' ORDER BY idx").split(separator: "\n").compactMap { Double($0) }
}

@Suite("End to end: exports read by their real consumers, imports")
struct ExportImportTests {
    @Test("ASE reads the extended-XYZ trajectory: one frame per energy, the bond on z, energies in eV and hartree")
    func xyzWithASE() throws {
        let pesscan = try collectedDemo()
        let export = try pesscan.run(["export", "--format", "xyz"])
        #expect(export.status == 0, "\(export.stderr)")
        let path = pesscan.folder.appendingPathComponent("Results/exports/AuOg+.xyz").path
        let program = """
            import json, sys
            from ase.io import read
            frames = read(sys.argv[1], index=':')
            print(json.dumps({"symbols": [a.get_chemical_symbols() for a in frames],
                              "energies": [a.get_potential_energy() for a in frames],
                              "hartree": [a.info["energy_hartree"] for a in frames],
                              "z": [float(a.positions[1][2] - a.positions[0][2]) for a in frames],
                              "xy": max(abs(float(v)) for a in frames for v in a.positions[:, :2].flatten())}))
            """
        let read = try ExternalTools.pythonJSON(program, [path], in: pesscan.folder)
        let energies = try storedEnergies(pesscan)
        let rs = try pesscan.sql("SELECT r_angstrom FROM point WHERE state = 'done' ORDER BY idx").split(separator: "\n").compactMap { Double($0) }
        #expect(energies.count == 10)
        #expect((read["symbols"] as? [[String]]) == Array(repeating: ["Au", "Og"], count: 10))
        let ev = try #require(read["energies"] as? [Double]), hartree = try #require(read["hartree"] as? [Double])
        let z = try #require(read["z"] as? [Double])
        for i in energies.indices {
            #expect(TestSupport.isClose(ev[i], energies[i] * 27.211386245988, relative: 1e-13))
            #expect(TestSupport.isClose(hartree[i], energies[i], relative: 1e-13))  // sqlite3 prints 15 digits
            #expect(TestSupport.isClose(z[i], rs[i], absolute: 1e-12))
        }
        #expect((read["xy"] as? Double) == 0)
    }

    // H2, not AuOg+: qcelemental's periodic table stops before oganesson (NotAnElementError: Og).
    @Test("qcelemental validates every QCSchema AtomicResult file: energies in hartree, geometry in bohr")
    func qcschemaWithQCElemental() throws {
        let pesscan = try collectedDemo(molecule: "H2")
        let export = try pesscan.run(["export", "--format", "qcschema", "--json"])
        #expect(export.status == 0, "\(export.stderr)")
        let written = try #require(try JSONSerialization.jsonObject(with: Data(export.stdout.utf8)) as? [String: Any])
        #expect(written["files"] as? Int == 10)
        let folder = pesscan.folder.appendingPathComponent("Results/exports/H2-qcschema")
        let program = """
            import json, sys, pathlib
            from qcelemental.models import AtomicResult
            results = [AtomicResult(**json.loads(p.read_text())) for p in sorted(pathlib.Path(sys.argv[1]).glob("*.json"))]
            print(json.dumps({"energies": [r.return_result for r in results],
                              "z_bohr": [float(r.molecule.geometry[1][2] - r.molecule.geometry[0][2]) for r in results],
                              "symbols": [list(r.molecule.symbols) for r in results],
                              "charge": [r.molecule.molecular_charge for r in results],
                              "driver": [str(r.driver.value) for r in results]}))
            """
        let read = try ExternalTools.pythonJSON(program, [folder.path], in: pesscan.folder)
        let energies = try storedEnergies(pesscan)
        let rs = try pesscan.sql("SELECT r_angstrom FROM point WHERE state = 'done' ORDER BY idx").split(separator: "\n").compactMap { Double($0) }
        let got = try #require(read["energies"] as? [Double]), z = try #require(read["z_bohr"] as? [Double])
        #expect(got.count == energies.count)
        for i in energies.indices {
            #expect(TestSupport.isClose(got[i], energies[i], relative: 1e-13))
            #expect(TestSupport.isClose(z[i] * 0.529177210903, rs[i], absolute: 1e-8))  // qcelemental rounds geometry to 1e-8 bohr
        }
        #expect((read["symbols"] as? [[String]])?.first == ["H", "H"])
        #expect((read["charge"] as? [Double])?.allSatisfy { $0 == 0 } == true)
        #expect((read["driver"] as? [String])?.allSatisfy { $0 == "energy" } == true)
    }

    @Test("CSV and JSON exports carry every point with state, energy in the chosen unit and provenance")
    func csvAndJSON() throws {
        let pesscan = try collectedDemo()
        let csv = try pesscan.run(["export", "--format", "csv", "--energy-unit", "kcal/mol", "--output", "-"])
        #expect(csv.status == 0, "\(csv.stderr)")
        let lines = csv.stdout.split(separator: "\n")
        #expect(lines.count == 12)
        #expect(lines[0] == "scan,index,r_angstrom,r_bohr,state,energy_hartree,energy_kcal_per_mol,converged,zone,host,wall_seconds,attempts,exit_status,error")
        #expect(lines[4].contains(",failed,"))
        #expect(lines[4].hasSuffix("\"SCF failed, \"\"no\"\" convergence\""))
        let json = try pesscan.run(["export", "--format", "json", "--energy-unit", "eV"])
        #expect(json.status == 0, "\(json.stderr)")
        let url = pesscan.folder.appendingPathComponent("Results/exports/AuOg+.json")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let points = try #require(document["points"] as? [[String: Any]])
        #expect(points.count == 11)
        #expect((document["attempts"] as? [[String: Any]])?.count == 11)
        let fits = try #require(document["fits"] as? [[String: Any]])
        #expect(fits.count == 1)
        #expect(abs(((fits[0]["result"] as? [String: Any])?["r_e_angstrom"] as? Double ?? 0) - 2.862) < 1e-3)
        let first = points[0]
        let eh = try #require(first["energy_hartree"] as? Double), ev = try #require(first["energy"] as? Double)
        #expect(TestSupport.isClose(ev, eh * 27.211386245988, relative: 1e-15))
        #expect(document["energy_unit"] as? String == "eV")
        #expect((document["scan"] as? [String: Any])?["molecule"] as? String == "AuOg+")
        let refused = try pesscan.run(["export", "--format", "xyz", "--energy-unit", "eV"])
        #expect(refused.status == 64)
    }

    @Test("imported energies fill planned points that collect then skips; a bad row rejects the file with its line; the same file again is skipped")
    func importJoinsScan() throws {
        let pesscan = try BinaryRunner()
        try pesscan.run(["plan", "--molecule", "AuOg+", "--points", "11"])
        let good = pesscan.folder.appendingPathComponent("old.csv")
        try "energy_hartree,r_angstrom\n-0.0314,2.762\n-0.0316,2.782\n-0.0300,3.1\n".write(to: good, atomically: true, encoding: .utf8)
        let bad = pesscan.folder.appendingPathComponent("bad.csv")
        try "r_angstrom,energy_hartree\n2.80,-0.03\n2.82,oops\n".write(to: bad, atomically: true, encoding: .utf8)
        let rejected = try pesscan.run(["import", "--scan", "AuOg+", "--molecule", "AuOg+", bad.path])
        #expect(rejected.status == 65)
        #expect(rejected.stderr.contains("line 3"))
        #expect(try pesscan.sql("SELECT COUNT(*) FROM point WHERE state = 'done'") == "0")
        let imported = try pesscan.run(["import", "--scan", "AuOg+", "--molecule", "AuOg+", "old.csv", "--json"])
        #expect(imported.status == 0, "\(imported.stderr)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(imported.stdout.utf8)) as? [String: Any])
        #expect(summary["filled_points"] as? Int == 2 && summary["added_points"] as? Int == 1)
        #expect(try pesscan.sql("SELECT zone || ' ' || job_id FROM point WHERE idx = 11") == "imported old.csv:4")
        let collect = try pesscan.run(["collect", "--quiet"])
        #expect(collect.stdout.contains("Collected: 9 done"), "\(collect.stdout)\(collect.stderr)")
        let again = try pesscan.run(["import", "--scan", "AuOg+", "--molecule", "AuOg+", "old.csv", "--json"])
        #expect(again.status == 0, "the same file again finds every row already present: \(again.stderr)")
        let skipped = try #require(try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as? [String: Any])
        #expect(skipped["already_present"] as? Int == 3 && skipped["added_points"] as? Int == 0)
        try "energy_hartree,r_angstrom\n-0.0315,2.762\n".write(
            to: pesscan.folder.appendingPathComponent("changed.csv"), atomically: true, encoding: .utf8)
        let changed = try pesscan.run(["import", "--scan", "AuOg+", "--molecule", "AuOg+", "changed.csv"])
        #expect(changed.status == 65)
        #expect(changed.stderr.contains("line 2") && changed.stderr.contains("another energy"), "\(changed.stderr)")

        let newScan = try pesscan.run(["import", "--scan", "AuOg+-old", "--molecule", "AuOg+", "old.csv"])
        #expect(newScan.status == 0, "\(newScan.stderr)")
        #expect(try pesscan.sql("SELECT engine FROM scan WHERE name = 'AuOg+-old'") == "imported")
        let collectAll = try pesscan.run(["collect", "--quiet"])
        #expect(collectAll.status == 0, "\(collectAll.stderr)")
    }

    @Test("--json prints one JSON value, snake_case keys and ISO 8601 times, in every command and the JSON export", arguments: [
        ["plan", "--molecule", "H2", "--points", "7", "--scan", "j", "--json"], ["collect", "--json"], ["status", "--json"],
        ["status", "--scan", "j", "--json"], ["fit", "--json"], ["plot", "--json", "--no-png"],
        ["export", "--format", "csv", "--json"], ["export", "--format", "json", "--output", "-"],
        ["import", "--scan", "k", "--molecule", "H2", "e.csv", "--json"], ["cancel", "--json"], ["zones", "--json"],
        ["refine", "--json"],
    ])
    func jsonEverywhere(_ arguments: [String]) throws {
        let pesscan = try BinaryRunner()
        try "r_angstrom,energy_hartree\n0.7,-1.1\n".write(to: pesscan.folder.appendingPathComponent("e.csv"), atomically: true, encoding: .utf8)
        if arguments[0] != "plan" {
            try pesscan.run(["plan", "--molecule", "H2", "--points", "7", "--scan", "j"])
            if arguments[0] != "collect" { try pesscan.run(["collect", "--quiet"]) }
        }
        let result = try pesscan.run(arguments)
        #expect(result.status == 0, "\(result.stderr)")
        let value = try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
        #expect(value != nil, "\(result.stdout)")
        let problems = JSONWalk.conventionProblems(in: value ?? [:])
        #expect(problems.isEmpty, "\(arguments.joined(separator: " ")): \(problems.prefix(10))")
    }
}

/// Checks JSON against the one convention: snake_case keys, and ISO 8601 text for every time (a key ending in `_at`).
enum JSONWalk {
    /// One line per key or time that breaks the convention, with its path.
    static func conventionProblems(in value: Any, path: String = "$") -> [String] {
        if let object = value as? [String: Any] {
            return object.keys.sorted().flatMap { key -> [String] in
                guard let child = object[key] else { return [] }
                var problems: [String] = []
                if key.range(of: "^[a-z0-9]+(_[a-z0-9]+)*$", options: .regularExpression) == nil {
                    problems.append("\(path).\(key) is not snake_case")
                }
                if key.hasSuffix("_at"), !(child is NSNull) {
                    let text = child as? String
                    if text.flatMap({ ISO8601DateFormatter().date(from: $0) }) == nil {
                        problems.append("\(path).\(key) = \(child) is not an ISO 8601 time")
                    }
                }
                // Engine options are the user's own keys.
                if key == "engine_options" || key == "keywords" { return problems }
                return problems + conventionProblems(in: child, path: "\(path).\(key)")
            }
        }
        if let array = value as? [Any] {
            return array.enumerated().flatMap { conventionProblems(in: $1, path: "\(path)[\($0)]") }
        }
        return []
    }
}
