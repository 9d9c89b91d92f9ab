import Foundation
import PESCore
import PESExport
import PESStore
import PESTestSupport
import Testing

/// Water at three geometries far from each other (one failed), so that a frame's atoms cannot match another point's values.
private func waterPoints() throws -> (ScanSpec, [ScanPoint]) {
    let coordinates = [[0.9, 100.0], [1.0 / 3.0 + 0.7, 104.5 + 1e-13], [1.05, 120.0]]
    let spec = try TestSupport.waterSpec(points: coordinates)
    var points = TestSupport.waterPoints(coordinates)
    points[2].state = .failed
    points[2].energyHartree = nil
    points[2].converged = nil
    points[2].error = "no SCF convergence"
    points[1].converged = false
    return (spec, points)
}

/// The `key=value` fields of an extended-XYZ comment line.
private func fields(_ comment: Substring) -> [String: String] {
    Dictionary(comment.split(separator: " ").compactMap { field -> (String, String)? in
        let parts = field.split(separator: "=", maxSplits: 1)
        return parts.count == 2 ? (String(parts[0]), String(parts[1])) : nil
    }, uniquingKeysWith: { first, _ in first })
}

@Suite("Exports of a polyatomic scan")
struct PolyatomicExportTests {
    @Test("CSV: one column per varied coordinate after index, named with its unit, holding the stored values exactly")
    func csv() throws {
        let (spec, points) = try waterPoints()
        let text = PointsCSV.text(scan: spec.name, points: points, unit: .kilocaloriePerMole, geometry: spec.geometry)
        let lines = text.split(separator: "\n")
        #expect(lines.count == 4)
        let header = try #require(CSVText.split(lines[0]))
        #expect(header == [
            "scan", "index", "r_angstrom", "theta_degree", "state", "energy_hartree", "energy_kcal_per_mol", "converged", "zone", "host",
            "wall_seconds", "attempts", "exit_status", "error",
        ])
        #expect(header == PointsCSV.columns(unit: .kilocaloriePerMole, geometry: spec.geometry))
        for (line, point) in zip(lines.dropFirst(), points) {
            let row = try #require(CSVText.split(line))
            #expect(row.count == header.count)
            #expect(row[1] == "\(point.index)")
            #expect(Double(row[2]) == point.coordinates?[0] && Double(row[3]) == point.coordinates?[1])
            #expect(row[4] == point.state.rawValue)
            #expect(Double(row[5]) == point.energyHartree)
        }
        #expect(try #require(CSVText.split(lines[3]))[5] == "")
    }

    @Test("CSV: a coordinate that is not r gets its own name, and r_bohr is left out")
    func csvAngleFirst() throws {
        let spec = try TestSupport.waterSpec(varied: ["theta", "r"], points: [[104.5, 0.96]])
        let point = ScanPoint(id: 1, index: 0, rAngstrom: 104.5, state: .pending, coordinates: [104.5, 0.96])
        let text = PointsCSV.text(scan: spec.name, points: [point], unit: .hartree, geometry: spec.geometry)
        let lines = text.split(separator: "\n")
        let header = try #require(CSVText.split(lines[0]))
        #expect(Array(header.prefix(4)) == ["scan", "index", "theta_degree", "r_angstrom"])
        #expect(!header.contains("r_bohr"))
        let row = try #require(CSVText.split(lines[1]))
        #expect(row[2...3] == ["104.5", "0.96"])
    }

    @Test("extended XYZ: one frame per point with an energy, every atom placed so that both O–H distances are r and H–O–H is theta")
    func extendedXYZ() throws {
        let (spec, points) = try waterPoints()
        let lines = try ExtendedXYZ.text(spec: spec, points: points).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.last == "")
        let frameLines = 2 + 3
        #expect(lines.count - 1 == 2 * frameLines)
        for (frame, point) in points.prefix(2).enumerated() {
            let start = frame * frameLines
            #expect(lines[start] == "3")
            let comment = fields(lines[start + 1])
            let coordinates = try #require(point.coordinates)
            #expect(comment["r_angstrom"].flatMap(Double.init) == coordinates[0])
            #expect(comment["theta_degree"].flatMap(Double.init) == coordinates[1])
            #expect(comment["energy_hartree"].flatMap(Double.init) == point.energyHartree)
            #expect(comment["point_index"] == "\(point.index)")
            #expect(comment["converged"] == (point.converged == false ? "F" : "T"))
            #expect(lines[start + 1].hasPrefix("Properties=species:S:1:pos:R:3 pbc=\"F F F\" energy="))
            let atoms = try lines[(start + 2)..<(start + 5)].map { line in
                let parts = line.split(separator: " ")
                #expect(parts.count == 4)
                return (symbol: String(parts[0]), position: try parts.dropFirst().map { try #require(Double($0)) })
            }
            #expect(atoms.map(\.symbol) == ["O", "H", "H"])
            let (o, h1, h2) = (atoms[0].position, atoms[1].position, atoms[2].position)
            #expect(abs(CartesianGeometry.distanceAngstrom(o, h1) - coordinates[0]) < 1e-8)
            #expect(abs(CartesianGeometry.distanceAngstrom(o, h2) - coordinates[0]) < 1e-8)
            #expect(abs(CartesianGeometry.angleDegree(h1, o, h2) - coordinates[1]) < 1e-6)
            #expect(CartesianGeometry.distanceAngstrom(h1, h2) > 1)
        }
    }

    @Test("extended XYZ refuses a polyatomic point without coordinates rather than drawing the reference geometry")
    func extendedXYZWithoutCoordinates() throws {
        let (spec, points) = try waterPoints()
        var broken = points[0]
        broken.coordinates = nil
        #expect(throws: ZMatrixError.missingValues(["r", "theta"])) { try ExtendedXYZ.text(spec: spec, points: [broken]) }
    }

    @Test("QCSchema: all three atoms in bohr where the Z-matrix puts them, the coordinates in extras and no r")
    func qcschema() throws {
        let (spec, points) = try waterPoints()
        let result = try #require(QCSchemaResult(spec: spec, point: points[0], creatorVersion: "9"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.jsonText().utf8)) as? [String: Any])
        let molecule = try #require(object["molecule"] as? [String: Any])
        #expect(molecule["symbols"] as? [String] == ["O", "H", "H"])
        let geometry = try #require(molecule["geometry"] as? [Double]).map { $0 / PhysicalConstants.angstromInBohr }
        #expect(geometry.count == 9)
        let atoms = (0..<3).map { Array(geometry[(3 * $0)..<(3 * $0 + 3)]) }
        #expect(abs(CartesianGeometry.distanceAngstrom(atoms[0], atoms[1]) - 0.9) < 1e-8)
        #expect(abs(CartesianGeometry.distanceAngstrom(atoms[0], atoms[2]) - 0.9) < 1e-8)
        #expect(abs(CartesianGeometry.angleDegree(atoms[1], atoms[0], atoms[2]) - 100) < 1e-6)
        let provenance = try #require((object["extras"] as? [String: Any])?["pesscan"] as? [String: Any])
        #expect(provenance["coordinates"] as? [String: Double] == ["r_angstrom": 0.9, "theta_degree": 100])
        #expect(provenance["r_angstrom"] == nil)
        var broken = points[0]
        broken.coordinates = nil
        #expect(QCSchemaResult(spec: spec, point: broken, creatorVersion: "9") == nil)
    }

    @Test("JSON: the Z-matrix and varied coordinates in the scan, each point's coordinates and every atom's position")
    func scanDocument() throws {
        let folder = try TestSupport.temporaryFolder("pesscan-export")
        let store = try ScanStore(path: folder.appendingPathComponent("test.sqlite").path, create: true)
        let (spec, points) = try waterPoints()
        let record = try store.createScan(spec)
        let document = try ScanDocument(record: record, points: points, attempts: [], fits: [], unit: .electronvolt)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(document.jsonText().utf8)) as? [String: Any])
        let scan = try #require(object["scan"] as? [String: Any])
        #expect(scan["planned_bond_lengths_angstrom"] == nil)
        #expect(scan["zmatrix"] as? String == TestSupport.waterZMatrix)
        let varied = try #require(scan["varied_coordinates"] as? [[String: Any]])
        #expect(varied.compactMap { $0["name"] as? String } == ["r", "theta"])
        #expect(varied.compactMap { $0["unit"] as? String } == ["angstrom", "degree"])
        #expect((scan["atoms"] as? [Any])?.count == 3)
        let rows = try #require(object["points"] as? [[String: Any]])
        #expect(rows.count == 3)
        for (row, point) in zip(rows, points) {
            let coordinates = try #require(point.coordinates)
            #expect(row["r_angstrom"] == nil)
            #expect(row["coordinates"] as? [String: Double] == ["r_angstrom": coordinates[0], "theta_degree": coordinates[1]])
            let positions = try #require(row["positions_angstrom"] as? [[Double]])
            #expect(positions.count == 3)
            #expect(abs(CartesianGeometry.distanceAngstrom(positions[0], positions[2]) - coordinates[0]) < 1e-8)
            #expect(abs(CartesianGeometry.angleDegree(positions[1], positions[0], positions[2]) - coordinates[1]) < 1e-6)
        }
    }
}

@Suite("Diatomic exports are unchanged by the polyatomic ones")
struct DiatomicExportFormatTests {
    static func points() -> [ScanPoint] {
        [
            ScanPoint(id: 1, index: 0, rAngstrom: 2.8, state: .done, energyHartree: -0.03, converged: true, zone: "local", host: "h", wallSeconds: 0.25, attemptCount: 1),
            ScanPoint(id: 2, index: 1, rAngstrom: 2.9, state: .failed, error: "x, \"y\"", attemptCount: 2),
            ScanPoint(id: 3, index: 2, rAngstrom: 3.0, state: .done, energyHartree: -0.02, converged: false),
        ]
    }

    @Test("CSV: the columns and rows as before, r in ångström and bohr after index")
    func csv() throws {
        let spec = try TestSupport.librarySpec(molecule: "AuOg+", name: "AuOg+", points: 3)
        #expect(PointsCSV.columns(unit: .hartree) == [
            "scan", "index", "r_angstrom", "r_bohr", "state", "energy_hartree", "converged", "zone", "host", "wall_seconds", "attempts",
            "exit_status", "error",
        ])
        let text = PointsCSV.text(scan: spec.name, points: Self.points(), unit: .hartree, geometry: spec.geometry)
        let bohr = [2.8, 2.9, 3.0].map { ($0 * PhysicalConstants.angstromInBohr).description }
        #expect(text == """
            scan,index,r_angstrom,r_bohr,state,energy_hartree,converged,zone,host,wall_seconds,attempts,exit_status,error
            AuOg+,0,2.8,\(bohr[0]),done,-0.03,true,local,h,0.250,1,,
            AuOg+,1,2.9,\(bohr[1]),failed,,,,,,2,,\"x, \"\"y\"\"\"
            AuOg+,2,3.0,\(bohr[2]),done,-0.02,false,,,,0,,

            """)
    }

    @Test("extended XYZ: the spec-taking export writes a diatomic's frames exactly as before")
    func extendedXYZ() throws {
        let spec = try TestSupport.librarySpec(molecule: "AuOg+", name: "AuOg+", points: 3)
        let points = Self.points()
        let text = try ExtendedXYZ.text(spec: spec, points: points)
        #expect(text == ExtendedXYZ.text(molecule: spec.molecule, scan: spec.name, points: points))
        let molecule = spec.molecule
        var expected: [String] = []
        for point in points {
            guard let energy = point.energyHartree else { continue }
            expected.append("2")
            expected.append(
                "Properties=species:S:1:pos:R:3 pbc=\"F F F\" energy=\(String(format: "%.17g", energy * PhysicalConstants.hartreeInElectronvolt)) "
                    + "energy_hartree=\(String(format: "%.17g", energy)) r_angstrom=\(String(format: "%.17g", point.rAngstrom)) "
                    + "point_index=\(point.index) converged=\(point.converged == false ? "F" : "T") scan=AuOg+ "
                    + "charge=\(molecule.charge) multiplicity=\(molecule.multiplicity)")
            expected.append("\(molecule.atoms[0].symbol) 0.00000000000000000 0.00000000000000000 0.00000000000000000")
            expected.append("\(molecule.atoms[1].symbol) 0.00000000000000000 0.00000000000000000 \(String(format: "%.17f", point.rAngstrom))")
        }
        #expect(text == expected.joined(separator: "\n") + "\n")
    }

    @Test("QCSchema: a diatomic's geometry is still the second atom on z at r, with r_angstrom in extras and no coordinates")
    func qcschema() throws {
        let spec = try TestSupport.librarySpec(molecule: "H2", name: "h2", points: 3)
        let point = ScanPoint(id: 1, index: 0, rAngstrom: 0.74, state: .done, energyHartree: -1.1, converged: true)
        let result = try #require(QCSchemaResult(spec: spec, point: point, creatorVersion: "9"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.jsonText().utf8)) as? [String: Any])
        let geometry = try #require((object["molecule"] as? [String: Any])?["geometry"] as? [Double])
        // Foundation's JSON reader may round the last digit: compared within an ulp or two.
        #expect(geometry.count == 6 && geometry.prefix(5).allSatisfy { $0 == 0 })
        #expect(TestSupport.isClose(geometry[5], 0.74 * PhysicalConstants.angstromInBohr, relative: 1e-15))
        let provenance = try #require((object["extras"] as? [String: Any])?["pesscan"] as? [String: Any])
        #expect(provenance["r_angstrom"] as? Double == 0.74)
        #expect(provenance["coordinates"] == nil)
    }
}
