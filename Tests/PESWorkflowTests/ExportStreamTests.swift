import Foundation
import PESCore
import PESExport
import PESStore
import PESTestSupport
import PESWorkflow
import Testing

/// A database holding `spec` with every point run once in zone `local`: every 7th fails with an error holding a comma and quotes, every 5th done one is unconverged.
private func ranStore(_ spec: ScanSpec) throws -> (ScanStore, URL) {
    let folder = try TestSupport.temporaryFolder("pesscan-export")
    let store = try ScanStore(path: folder.appendingPathComponent("test.sqlite").path, create: true)
    let record = try store.createScan(spec)
    let me = LeaseHolder(token: "T", host: "h", pid: 1)
    let claimed = try store.claimPendingPoints(ofScans: [record.id], limit: 100_000, holder: me, zone: "local", leaseSeconds: 600)
    try store.recordAttempts(claimed.map { point in
        let outcome: AttemptOutcome = point.index % 7 == 3
            ? .failed(reason: "SCF diverged, \"badly\"\r\nat cycle \(point.index)")
            : .done(energyHartree: -1.1 - 1e-5 * Double(point.index * point.index % 97), converged: point.index % 5 != 1)
        return AttemptReport(
            attemptID: point.attemptID, pointID: point.pointID, outcome: outcome, zone: "local", host: "node, 1",
            startedAtSeconds: 100, finishedAtSeconds: 100 + 0.0625 * Double(point.index % 9), exitStatus: point.index % 7 == 3 ? 2 : 0)
    }, holder: me)
    return (store, folder)
}

private func export(_ store: ScanStore, _ format: ExportFormat, to destination: ExportDestination, unit: EnergyUnit = .hartree) throws -> ExportResult {
    try ExportUseCase.run(
        ExportRequest(scan: nil, format: format, destination: destination, energyUnit: unit, creatorVersion: "test"), store: store)
}

@Suite("Streamed exports: the bytes of the whole-text writers, in bounded memory")
struct ExportStreamTests {
    /// 2 500 points: the JSON stream's chunks of 1 000 meet at element boundaries, twice, in both arrays.
    @Test("csv, json and xyz files are byte for byte the texts made from every point at once, diatomic and polyatomic", arguments: [false, true])
    func streamedFilesMatchWholeTexts(polyatomic: Bool) throws {
        let spec = polyatomic
            ? try TestSupport.waterSpec(points: TestSupport.grid((0..<50).map { 0.9 + 0.003 * Double($0) }, (0..<50).map { 100 + 0.2 * Double($0) }))
            : try TestSupport.librarySpec(molecule: "H2", name: "h2", points: 2500)
        let (store, folder) = try ranStore(spec)
        let record = try store.scan(named: nil)
        let points = try store.points(ofScan: record.id)
        #expect(points.count == 2500)
        let wholeJSON = try ScanDocument(
            record: record, points: points, attempts: try store.attempts(ofScan: record.id), fits: [], unit: .electronvolt
        ).jsonText()
        let expected: [(ExportFormat, EnergyUnit, String)] = [
            (.csv, .kilocaloriePerMole, PointsCSV.text(scan: spec.name, points: points, unit: .kilocaloriePerMole, geometry: record.spec.geometry)),
            (.csv, .hartree, PointsCSV.text(scan: spec.name, points: points, unit: .hartree, geometry: record.spec.geometry)),
            (.xyz, .hartree, try ExtendedXYZ.text(spec: record.spec, points: points)),
            (.json, .electronvolt, wholeJSON),
        ]
        for (format, unit, text) in expected {
            let file = folder.appendingPathComponent("out.\(format.rawValue)")
            let result = try export(store, format, to: .path(file), unit: unit)
            #expect(result.points == 2500 && result.pointsWithEnergy == points.filter { $0.energyHartree != nil }.count)
            #expect(try Data(contentsOf: file) == Data(text.utf8), "\(format) \(unit)")
            #expect(try export(store, format, to: .standardOutput, unit: unit).printed == text, "\(format) to stdout")
        }
        // No partial file is left beside the exports.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".partial") }.isEmpty)
    }

    @Test("qcschema writes one file per point with an energy, the same documents as before")
    func qcschemaFiles() throws {
        let (store, folder) = try ranStore(try TestSupport.librarySpec(molecule: "H2", name: "h2", points: 30))
        let out = folder.appendingPathComponent("qc")
        let result = try export(store, .qcschema, to: .path(out))
        let record = try store.scan(named: nil)
        let done = try store.points(ofScan: record.id).filter { $0.energyHartree != nil }
        #expect(result.files == done.count && result.points == 30)
        for point in done {
            let document = try #require(QCSchemaResult(spec: record.spec, point: point, creatorVersion: "test"))
            let file = out.appendingPathComponent(QCSchemaResult.fileName(scan: record.spec.name, index: point.index))
            #expect(try String(contentsOf: file, encoding: .utf8) == (try document.jsonText()))
        }
    }

    @Test("a file that cannot be written is named in the error, and nothing is left of it")
    func unwritable() throws {
        let (store, folder) = try ranStore(try TestSupport.librarySpec(molecule: "H2", name: "h2", points: 5))
        let blocked = folder.appendingPathComponent("blocked")
        try Data().write(to: blocked)
        let error = #expect(throws: WorkflowError.self) { try export(store, .csv, to: .path(blocked.appendingPathComponent("out.csv"))) }
        guard case .unwritable(let path, _) = error else { Issue.record("expected unwritable, got \(String(describing: error))"); return }
        #expect(path.hasSuffix("blocked/out.csv"))
    }
}

