import Foundation
import PESCore
import PESExport
import PESStore

/// The file formats of an export.
public enum ExportFormat: String, CaseIterable, Sendable, Codable {
    case csv, json, xyz, qcschema
}

/// Where an export goes.
public enum ExportDestination: Sendable, Hashable {
    /// Printed on stdout (csv, json, xyz).
    case standardOutput
    /// This file (or, for qcschema, this folder).
    case path(URL)
    /// `<scan>.<format>` (or `<scan>-qcschema/`) in this folder.
    case folder(URL)
}

/// What `export` is asked for.
public struct ExportRequest: Sendable, Hashable {
    /// Scan to export; nil for the most recently planned.
    public var scan: String?
    public var format: ExportFormat
    public var destination: ExportDestination
    /// Unit of the extra energy column (csv, json).
    public var energyUnit: EnergyUnit
    /// pesscan's version, for the provenance of QCSchema results.
    public var creatorVersion: String

    public init(scan: String?, format: ExportFormat, destination: ExportDestination, energyUnit: EnergyUnit, creatorVersion: String) {
        self.scan = scan
        self.format = format
        self.destination = destination
        self.energyUnit = energyUnit
        self.creatorVersion = creatorVersion
    }
}

/// What an export wrote.
public struct ExportResult: Sendable, Hashable, Codable {
    public var scan: String
    public var format: ExportFormat
    /// The file or folder written; nil when printed.
    public var path: URL?
    /// Files written.
    public var files: Int
    public var points: Int
    public var pointsWithEnergy: Int
    /// The exported text when it goes to stdout.
    public var printed: String?
}

/// `export`: a scan's data in a format other programs read (CSV, JSON, extended XYZ, QCSchema).
public enum ExportUseCase {
    /// Reads the scan and writes (or returns, for stdout) the export.
    public static func run(_ request: ExportRequest, store: ScanStore) throws(WorkflowError) -> ExportResult {
        let record: ScanRecord
        let points: [ScanPoint]
        do {
            record = try store.scan(named: request.scan)
            points = try store.points(ofScan: record.id)
        } catch {
            throw .store(error)
        }
        let spec = record.spec
        var result = ExportResult(
            scan: spec.name.rawValue, format: request.format, path: nil, files: 0, points: points.count,
            pointsWithEnergy: points.filter { $0.energyHartree != nil }.count, printed: nil)
        if request.format == .qcschema {
            let folder = location(request.destination, default: "\(spec.name)-qcschema")
            for point in points where point.energyHartree != nil {
                let positions = try positionsAngstrom(spec: spec, point: point)
                guard let document = QCSchemaResult(spec: spec, point: point, positionsAngstrom: positions, creatorVersion: request.creatorVersion)
                else { continue }
                try ResultFile.write(try encoded { try document.jsonText() }, to: folder.appendingPathComponent(QCSchemaResult.fileName(scan: spec.name, index: point.index)))
                result.files += 1
            }
            result.path = folder
            return result
        }
        let text = try fileText(request, record: record, points: points, store: store)
        if request.destination == .standardOutput {
            result.printed = text
            return result
        }
        let file = location(request.destination, default: "\(spec.name).\(request.format.rawValue)")
        try ResultFile.write(text, to: file)
        result.path = file
        result.files = 1
        return result
    }

    private static func fileText(_ request: ExportRequest, record: ScanRecord, points: [ScanPoint], store: ScanStore) throws(WorkflowError) -> String {
        let spec = record.spec
        switch request.format {
        case .csv:
            return PointsCSV.text(scan: spec.name, points: points, unit: request.energyUnit, geometry: spec.geometry)
        case .xyz:
            do {
                return try ExtendedXYZ.text(spec: spec, points: points)
            } catch {
                throw .geometry(error)
            }
        case .json, .qcschema:
            let attempts: [AttemptRecord]
            let fits: [StoredFit]
            do {
                attempts = try store.attempts(ofScan: record.id)
                fits = try store.fits(ofScan: record.id)
            } catch {
                throw .store(error)
            }
            let document: ScanDocument
            do {
                document = try ScanDocument(record: record, points: points, attempts: attempts, fits: fits, unit: request.energyUnit)
            } catch {
                throw .geometry(error)
            }
            return try encoded { try document.jsonText() }
        }
    }

    /// Every atom's position at `point` in ångström; a polyatomic point without a geometry is an error, not a skipped file.
    private static func positionsAngstrom(spec: ScanSpec, point: ScanPoint) throws(WorkflowError) -> [[Double]] {
        do {
            return try spec.positionsAngstrom(of: point)
        } catch {
            throw .geometry(error)
        }
    }

    private static func location(_ destination: ExportDestination, default name: String) -> URL {
        switch destination {
        case .path(let url): return url
        case .folder(let folder): return folder.appendingPathComponent(name)
        case .standardOutput: return URL(fileURLWithPath: name)
        }
    }

    private static func encoded(_ body: () throws -> String) throws(WorkflowError) -> String {
        do {
            return try body()
        } catch {
            throw .encoding(reason: String(describing: error))
        }
    }
}
