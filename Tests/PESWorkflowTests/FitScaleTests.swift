import Foundation
import PESCore
import PESEngines
import PESFit
import PESStore
import PESTestSupport
import PESWorkflow
import Testing

/// A database holding one H2 scan of `count` Morse energies with a small wobble, so that no two residuals are alike.
private func morseStore(points count: Int) throws -> ScanStore {
    let folder = try TestSupport.temporaryFolder("pesscan-fit-scale")
    let store = try ScanStore(path: folder.appendingPathComponent("test.sqlite").path, create: true)
    var spec = try TestSupport.librarySpec(molecule: "H2", name: "h2", points: count)
    spec.engine = EngineSettings(name: ScanStore.importedProvenance)
    let entry = try MoleculeLibrary.load(from: TestSupport.moleculeLibrary).molecule(named: "H2")
    let model = MorseModel(constants: entry.constants, reducedMassDalton: entry.molecule.reducedMassDalton)
    let energies = spec.bondLengthsAngstrom.enumerated().map { index, r in
        ImportedEnergy(line: index + 2, rAngstrom: r, energyHartree: model.energyHartree(atAngstrom: r) + 1e-6 * sin(Double(index) * 1.7))
    }
    try store.importPoints(energies, into: spec, source: "morse.csv")
    return store
}

/// The record stored for scan `h2` by the last fit, decoded, and its raw JSON object.
private func storedRecord(_ store: ScanStore) throws -> (FitRecord, [String: Any]) {
    let stored = try #require(try store.fits(ofScan: try store.scan(named: "h2").id).last)
    let object = try #require(try JSONSerialization.jsonObject(with: Data(stored.resultJSON.utf8)) as? [String: Any])
    return (try JSONConvention.decoder().decode(FitRecord.self, from: Data(stored.resultJSON.utf8)), object)
}

@Suite("A fit of many points: residuals summarised, the jackknife only where cheap or asked")
struct FitScaleTests {
    @Test("above 2,000 points the stored record keeps the 20 largest residuals, each naming its point; RMS and max cover all")
    func summaryAboveThreshold() throws {
        let count = FitRecord.residualsKeptWhole + 1
        let store = try morseStore(points: count)
        let outcome = try FitUseCase().run(FitRequest(source: .scan(store: store, name: "h2"), model: .polynomial(degree: 6)))
        let (record, object) = try storedRecord(store)
        #expect(record == outcome.record)
        #expect((object["residuals"] as? [Any])?.count == FitRecord.worstResidualsKept)
        #expect(record.residualsOmitted == count - FitRecord.worstResidualsKept)
        #expect(record.schemaVersion == 3)
        // The kept ones are the largest of every residual, and name the point each belongs to.
        let points = try store.points(ofScan: try store.scan(named: "h2").id)
        let all = try DiatomicAnalysis.analyse(
            rAngstrom: points.map(\.rAngstrom), energyHartree: points.compactMap(\.energyHartree), model: .polynomial(degree: 6))
        let largest = all.residualsHartree.map(abs).sorted(by: >).prefix(FitRecord.worstResidualsKept)
        #expect(record.residuals.map { abs($0.residualHartree) }.sorted(by: >) == Array(largest))
        for residual in record.residuals {
            let index = try #require(residual.pointIndex)
            let point = try #require(points.first { $0.index == index })
            #expect(point.rAngstrom == residual.rAngstrom)
            #expect(abs(all.energyHartree(atAngstrom: point.rAngstrom) + residual.residualHartree - (point.energyHartree ?? .nan)) < 1e-12)
        }
        #expect(record.residuals.map(\.rAngstrom) == record.residuals.map(\.rAngstrom).sorted())
        #expect(TestSupport.isClose(record.maxAbsResidualHartree, largest.first ?? .nan, relative: 1e-15))
        let rms = (all.residualsHartree.reduce(0) { $0 + $1 * $1 } / Double(count)).squareRoot()
        #expect(TestSupport.isClose(record.rmsResidualHartree, rms, relative: 1e-12))
    }

    @Test("at 2,000 points every residual is kept, in order of bond length, each with its point's index")
    func wholeBelowThreshold() throws {
        let count = FitRecord.residualsKeptWhole
        let store = try morseStore(points: count)
        _ = try FitUseCase().run(FitRequest(source: .scan(store: store, name: "h2"), model: .polynomial(degree: 6)))
        let (record, object) = try storedRecord(store)
        #expect((object["residuals"] as? [Any])?.count == count)
        #expect(record.residualsOmitted == nil && object["residuals_omitted"] == nil)
        let points = try store.points(ofScan: try store.scan(named: "h2").id)
        #expect(record.residuals.map(\.pointIndex) == points.map(\.index))
        #expect(record.residuals.map(\.rAngstrom) == points.map(\.rAngstrom))
    }

    @Test("a table's residuals name their lines")
    func tableLines() throws {
        let folder = try TestSupport.temporaryFolder("pesscan-fit-scale")
        let path = folder.appendingPathComponent("table.csv").path
        let r = (0..<9).map { 0.85 + 0.02 * Double($0) }
        // Rows out of order and a comment line: line numbers follow the file, residuals the bond lengths.
        let rows = r.reversed().map { "\($0),\(0.3 * ($0 - 0.92) * ($0 - 0.92) - 0.2 * pow($0 - 0.92, 3) + 1e-7 * $0 * $0 * $0 * $0 * $0)" }
        try ("r_angstrom,energy_hartree\n# computed elsewhere\n" + rows.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let molecule = try MoleculeLibrary.load(from: TestSupport.moleculeLibrary).molecule(named: "HF").molecule
        let outcome = try FitUseCase().run(FitRequest(source: .file(path: path, molecule: molecule), model: .polynomial(degree: 4)))
        #expect(outcome.record.residuals.map(\.rAngstrom) == r)
        #expect(outcome.record.residuals.map(\.line) == (3...11).reversed().map { $0 })
        #expect(outcome.record.residuals.allSatisfy { $0.pointIndex == nil })
    }

    @Test("the jackknife: by default up to 100 points and silent when it cannot be made; --jackknife at any size; --no-jackknife never")
    func jackknifeRule() throws {
        let limit = JackknifeEstimate.automaticPointLimit
        #expect(limit == 100)
        let small = try morseStore(points: limit), large = try morseStore(points: limit + 1)
        func fit(_ store: ScanStore, _ choice: JackknifeChoice, model: CurveModel = .polynomial(degree: 4)) throws -> FitRecord {
            try FitUseCase().run(FitRequest(source: .scan(store: store, name: "h2", record: false), model: model, jackknife: choice)).record
        }
        #expect(try fit(small, .automatic).jackknife?.refits == limit)
        #expect(try fit(large, .automatic).jackknife == nil)
        #expect(try fit(large, .always).jackknife?.refits == limit + 1)
        #expect(try fit(small, .never).jackknife == nil)
        // The estimate is the same whether it came by default or was asked for.
        #expect(try fit(small, .automatic).jackknife == fit(small, .always).jackknife)
        // Five points are too few for a degree-4 jackknife: silent by default, a warning when asked for.
        let few = try morseStore(points: 5)
        let quiet = try fit(few, .automatic)
        #expect(quiet.jackknife == nil && !quiet.warnings.contains { $0.contains("jackknife") })
        #expect(try fit(few, .always).warnings.contains { $0.contains("jackknife estimate was not computed") })
    }

    @Test("a version-2 record (residuals without their points) still reads, and fits lists it")
    func version2RecordReads() throws {
        let store = try morseStore(points: 11)
        _ = try FitUseCase().run(FitRequest(source: .scan(store: store, name: "h2"), model: .polynomial(degree: 4)))
        let (record, _) = try storedRecord(store)
        var old = try #require(try JSONSerialization.jsonObject(with: Data(JSONConvention.text(record, pretty: false).utf8)) as? [String: Any])
        old["schema_version"] = 2
        old["residuals"] = record.residuals.map { ["r_angstrom": $0.rAngstrom, "residual_hartree": $0.residualHartree] }
        let text = String(decoding: try JSONSerialization.data(withJSONObject: old), as: UTF8.self)
        let decoded = try JSONConvention.decoder().decode(FitRecord.self, from: Data(text.utf8))
        #expect(decoded.schemaVersion == 2 && decoded.residuals.count == 11 && decoded.residuals.allSatisfy { $0.pointIndex == nil })
        #expect(decoded.rEAngstrom == record.rEAngstrom)
    }
}
