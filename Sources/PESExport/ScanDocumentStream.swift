import Foundation
import PESCore
import PESStore

/// A ``ScanDocument`` written into an ``ExportBuffer`` with its attempts and points handed over one at a time, byte for byte as ``ScanDocument/jsonText()`` writes it.
///
/// The document without attempts and points is encoded whole by the one
/// encoder (``ExportJSON``); its two empty arrays, top-level keys `attempts`
/// and `points`, are then filled from the streams, each element encoded by
/// that encoder in chunks of ``chunkSize`` and indented to its depth (JSON
/// strings hold no raw line break, so indenting after each one is exact).
/// Memory stays bounded by a chunk, whatever the scan's size. Attempts come
/// first, then points: the keys are sorted.
public struct ScanDocumentStream {
    /// Elements encoded at a time.
    public static let chunkSize = 1000
    /// The document up to the attempts' array, between the two arrays, and after the points' array.
    private let head: String, middle: String, tail: String
    private let spec: ScanSpec
    private let unit: EnergyUnit
    private var attempts = ChunkedJSONArray<AttemptRecord>()
    private var points = ChunkedJSONArray<ScanDocument.Point>()

    /// The stream of the document of `record` with its `fits`, energies also in `unit`.
    public init(record: ScanRecord, fits: [StoredFit], unit: EnergyUnit) throws {
        let skeleton = try ScanDocument(record: record, points: [], attempts: [], fits: fits, unit: unit).jsonText()
        let empty = "[\n\n  ]"
        guard let attemptsKey = skeleton.range(of: "\n  \"attempts\" : " + empty),
            let pointsKey = skeleton.range(of: "\n  \"points\" : " + empty, range: attemptsKey.upperBound..<skeleton.endIndex)
        else { throw ScanDocumentStreamError.unexpectedLayout }
        head = String(skeleton[..<skeleton.index(attemptsKey.upperBound, offsetBy: -empty.count)])
        middle = String(skeleton[attemptsKey.upperBound..<skeleton.index(pointsKey.upperBound, offsetBy: -empty.count)])
        tail = String(skeleton[pointsKey.upperBound...])
        spec = record.spec
        self.unit = unit
    }

    /// Appends the document's start, up to its attempts.
    public func begin(into buffer: inout ExportBuffer) {
        buffer.append(head)
    }

    /// Appends one attempt (in id order).
    public mutating func append(attempt: AttemptRecord, into buffer: inout ExportBuffer) throws {
        try attempts.append(attempt, into: &buffer)
    }

    /// Ends the attempts and appends what lies between them and the points.
    public mutating func endAttempts(into buffer: inout ExportBuffer) throws {
        try attempts.finish(into: &buffer)
        buffer.append(middle)
    }

    /// Appends one point (in index order); throws when a polyatomic point gives no geometry.
    public mutating func append(point: ScanPoint, into buffer: inout ExportBuffer) throws {
        try points.append(try ScanDocument.Point(point, spec: spec, unit: unit), into: &buffer)
    }

    /// Ends the points and the document.
    public mutating func end(into buffer: inout ExportBuffer) throws {
        try points.finish(into: &buffer)
        buffer.append(tail)
    }

    /// Forgets the attempts appended, for a read of them that starts over.
    public mutating func restartAttempts() { attempts = ChunkedJSONArray() }

    /// Forgets the points appended, for a read of them that starts over.
    public mutating func restartPoints() { points = ChunkedJSONArray() }
}

/// Why a document's stream could not be made.
public enum ScanDocumentStreamError: Error, Sendable, CustomStringConvertible {
    /// The encoder laid the document out otherwise than the stream expects (a change of Foundation's pretty printing).
    case unexpectedLayout

    public var description: String {
        "the JSON encoder's layout of an export is not the one pesscan streams (top-level \"attempts\" and \"points\" arrays); report this with the Swift version"
    }
}

/// The elements of a top-level key's array, encoded in chunks and indented as the pretty encoder indents them at that depth.
struct ChunkedJSONArray<Element: Encodable> {
    private var chunk: [Element] = []
    private var count = 0

    /// Adds an element, writing a full chunk.
    mutating func append(_ element: Element, into buffer: inout ExportBuffer) throws {
        chunk.append(element)
        if chunk.count >= ScanDocumentStream.chunkSize { try write(into: &buffer) }
    }

    /// Writes the rest and closes the array; an empty array as the encoder writes one.
    mutating func finish(into buffer: inout ExportBuffer) throws {
        try write(into: &buffer)
        buffer.append(count == 0 ? "[\n\n  ]" : "\n  ]")
    }

    /// Encodes the chunk as a top-level array, `[\n  {…},\n  {…}\n]`, and appends its elements two spaces deeper.
    private mutating func write(into buffer: inout ExportBuffer) throws {
        guard !chunk.isEmpty else { return }
        let text = try ExportJSON.text(chunk)
        // ExportJSON.text ends with "\n]\n"; the elements lie between the opening "[\n" and that.
        let utf8 = Array(text.utf8)
        guard utf8.count > 5, utf8.starts(with: Array("[\n".utf8)), utf8.suffix(3) == Array("\n]\n".utf8)[...] else {
            throw ScanDocumentStreamError.unexpectedLayout
        }
        buffer.append(count == 0 ? "[\n  " : ",\n  ")
        for byte in utf8[2..<(utf8.count - 3)] {
            buffer.append(byte: byte)
            if byte == UInt8(ascii: "\n") {
                buffer.append(byte: UInt8(ascii: " "))
                buffer.append(byte: UInt8(ascii: " "))
            }
        }
        count += chunk.count
        chunk.removeAll(keepingCapacity: true)
        try buffer.flushIfFull()
    }
}
