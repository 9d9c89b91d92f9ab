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
///
/// Points (and, for JSON, attempts) are read from a cursor and written as
/// they come through an ``ExportBuffer``: a file is written in blocks to a
/// temporary file that then replaces the destination, so memory stays bounded
/// whatever the scan's size; only a JSON document's planned bond lengths and
/// output printed on stdout are held whole.
public enum ExportUseCase {
    /// Reads the scan and writes (or returns, for stdout) the export.
    public static func run(_ request: ExportRequest, store: ScanStore) throws(WorkflowError) -> ExportResult {
        let record: ScanRecord
        do {
            // The JSON document lists the planned bond lengths; the other formats read every point from the stream.
            record = try store.scan(named: request.scan, withPoints: request.format == .json)
        } catch {
            throw .store(error)
        }
        let spec = record.spec
        var result = ExportResult(
            scan: spec.name.rawValue, format: request.format, path: nil, files: 0, points: 0, pointsWithEnergy: 0, printed: nil)
        if request.format == .qcschema {
            let folder = location(request.destination, default: "\(spec.name)-qcschema")
            var files = 0
            try forEachPoint(of: record, store: store, counting: &result, restart: { files = 0 }) { point throws(WorkflowError) in
                guard point.energyHartree != nil else { return }
                let positions = try positionsAngstrom(spec: spec, point: point)
                guard let document = QCSchemaResult(spec: spec, point: point, positionsAngstrom: positions, creatorVersion: request.creatorVersion)
                else { return }
                try ResultFile.write(try encoded { try document.jsonText() }, to: folder.appendingPathComponent(QCSchemaResult.fileName(scan: spec.name, index: point.index)))
                files += 1
            }
            result.files = files
            result.path = folder
            return result
        }
        if request.destination == .standardOutput {
            var buffer = ExportBuffer()
            try write(request, record: record, store: store, shownAs: "standard output", into: &buffer, result: &result)
            result.printed = buffer.text
            return result
        }
        let file = location(request.destination, default: "\(spec.name).\(request.format.rawValue)")
        try ResultFile.stream(to: file) { buffer throws(WorkflowError) in
            try write(request, record: record, store: store, shownAs: file.path, into: &buffer, result: &result)
        }
        result.path = file
        result.files = 1
        return result
    }

    /// Writes the csv, xyz or json file of `record` into `buffer`, counting its points in `result`; write failures name `path`.
    private static func write(
        _ request: ExportRequest, record: ScanRecord, store: ScanStore, shownAs path: String, into buffer: inout ExportBuffer,
        result: inout ExportResult
    ) throws(WorkflowError) {
        let spec = record.spec
        switch request.format {
        case .csv:
            let writer = PointsCSV.Writer(scan: spec.name, unit: request.energyUnit, geometry: spec.geometry)
            writer.header(into: &buffer)
            try forEachPoint(of: record, store: store, counting: &result, buffer: &buffer, shownAs: path) { point, buffer throws(WorkflowError) in
                writer.row(point, into: &buffer)
            }
        case .xyz:
            let writer = ExtendedXYZ.Writer(spec: spec)
            try forEachPoint(of: record, store: store, counting: &result, buffer: &buffer, shownAs: path) { point, buffer throws(WorkflowError) in
                do throws(ZMatrixError) {
                    try writer.frame(point, spec: spec, into: &buffer)
                } catch {
                    throw .geometry(error)
                }
            }
        case .json, .qcschema:
            let fits: [StoredFit]
            do {
                fits = try store.fits(ofScan: record.id)
            } catch {
                throw .store(error)
            }
            var document = try encoded { try ScanDocumentStream(record: record, fits: fits, unit: request.energyUnit) }
            document.begin(into: &buffer)
            try stream(
                into: &buffer, shownAs: path, restart: { document.restartAttempts() },
                read: { restart, each throws(StoreError) in try store.forEachAttempt(ofScan: record.id, restart: restart, each) }
            ) { attempt, buffer in try document.append(attempt: attempt, into: &buffer) }
            try streamed(path) { try document.endAttempts(into: &buffer) }
            try forEachPoint(of: record, store: store, counting: &result, buffer: &buffer, shownAs: path, restart: { document.restartPoints() }) { point, buffer throws(WorkflowError) in
                do {
                    try document.append(point: point, into: &buffer)
                } catch let error as ZMatrixError {
                    throw .geometry(error)
                } catch {
                    throw failed(error, path: path)
                }
            }
            try streamed(path) { try document.end(into: &buffer) }
        }
    }

    /// Hands every point of `record` to `body` as it is read, counting them in `result`, writing `buffer`'s full blocks between chunks of points.
    ///
    /// The rows are read on another thread (``ReadAhead``, a ``PointRowChunk`` at a time) and made into points here.
    ///
    /// When the read starts over (a writer changed a read-only file meanwhile), the buffer goes back to where the points began, and the counts and `restart` with it.
    private static func forEachPoint(
        of record: ScanRecord, store: ScanStore, counting result: inout ExportResult, buffer: inout ExportBuffer, shownAs path: String,
        restart: () -> Void = {}, _ body: (ScanPoint, inout ExportBuffer) throws(WorkflowError) -> Void
    ) throws(WorkflowError) {
        try stream(
            into: &buffer, shownAs: path, handingOver: 1,
            restart: {
                result.points = 0
                result.pointsWithEnergy = 0
                restart()
            },
            read: { restart, each throws(StoreError) in try store.forEachPointChunk(ofScan: record.id, restart: restart, each) }
        ) { chunk, buffer in
            for position in 0..<chunk.count {
                let point = try chunk.point(at: position)
                result.points += 1
                if point.energyHartree != nil { result.pointsWithEnergy += 1 }
                try body(point, &buffer)
            }
        }
    }

    /// Writes each row `read` hands over into `buffer` through `body`, full blocks written between rows; `read` runs on a thread of its own (``ReadAhead``).
    ///
    /// When the read starts over (a writer changed a read-only file meanwhile), the buffer goes back to where the rows
    /// began and `restart` is called; the first failure of `body` or of the buffer stops the read and is thrown.
    private static func stream<Element: Sendable>(
        into buffer: inout ExportBuffer, shownAs path: String, handingOver elementsPerHandover: Int = ReadAhead.chunkRows, restart: () -> Void,
        read: @escaping @Sendable (_ restart: () -> Void, _ each: (Element) -> Bool) throws(StoreError) -> Void,
        _ body: (Element, inout ExportBuffer) throws -> Void
    ) throws(WorkflowError) {
        let mark = buffer.position
        var failure: WorkflowError?
        do throws(StoreError) {
            try ReadAhead.run(read, handingOver: elementsPerHandover, restart: {
                restart()
                do throws(ExportWriteError) { try buffer.rewind(to: mark) } catch { failure = .unwritable(path: path, reason: error.description) }
            }, each: { element in
                do {
                    try body(element, &buffer)
                    try buffer.flushIfFull()
                } catch let error as WorkflowError {
                    failure = error
                } catch {
                    failure = failed(error, path: path)
                }
                return failure == nil
            })
        } catch {
            throw .store(error)
        }
        if let failure { throw failure }
    }

    /// ``forEachPoint(of:store:counting:buffer:shownAs:restart:_:)`` without a buffer, for exports that write a file per point.
    private static func forEachPoint(
        of record: ScanRecord, store: ScanStore, counting result: inout ExportResult, restart: () -> Void,
        _ body: (ScanPoint) throws(WorkflowError) -> Void
    ) throws(WorkflowError) {
        var unused = ExportBuffer()
        try forEachPoint(of: record, store: store, counting: &result, buffer: &unused, shownAs: "", restart: restart) { point, _ throws(WorkflowError) in try body(point) }
    }

    /// A failure while writing the stream as a workflow error: a write error names `path`, others are encoding errors.
    private static func failed(_ error: any Error, path: String) -> WorkflowError {
        if let error = error as? WorkflowError { return error }
        if let error = error as? StoreError { return .store(error) }
        if let error = error as? ExportWriteError { return .unwritable(path: path, reason: error.description) }
        return .encoding(reason: String(describing: error))
    }

    /// Runs a step of the stream, its failures worded by ``failed(_:path:)``.
    private static func streamed(_ path: String, _ body: () throws -> Void) throws(WorkflowError) {
        do {
            try body()
        } catch {
            throw failed(error, path: path)
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

    private static func encoded<T>(_ body: () throws -> T) throws(WorkflowError) -> T {
        do {
            return try body()
        } catch {
            throw .encoding(reason: String(describing: error))
        }
    }
}
