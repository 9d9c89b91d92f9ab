import PESCore

/// Up to ``capacity`` point rows of one read as SQLite gave them: numbers copied out, text kept as bytes, made into points only by ``point(at:)``.
///
/// Copying a row out is all the reading thread does: states matched, strings
/// made and coordinates parsed happen where the points are used, which for an
/// export is its writing thread (a fifth of the reading thread's time when it
/// made the points itself).
public struct PointRowChunk: Sendable {
    /// Rows in a full chunk.
    public static let capacity = 2048

    /// Where a text column's bytes are in ``text``; a negative count for NULL.
    private struct Span: Sendable {
        var start: Int
        var count: Int
    }

    /// One row's columns; without the read's provenance its zone, host, timings and error are NULL and its attempts 0.
    private struct Row: Sendable {
        var id: Int64
        var index: Int
        var rAngstrom: Double
        var energyHartree: Double?
        var converged: Bool?
        var wallSeconds: Double?
        var exitStatus: Int?
        var attemptCount: Int
        var state: Span
        var coordinates: Span
        var zone: Span
        var host: Span
        var error: Span
    }

    private var rows: [Row] = []
    private var text: [UInt8] = []

    init() {
        rows.reserveCapacity(Self.capacity)
        text.reserveCapacity(Self.capacity * 16)
    }

    /// Rows held.
    public var count: Int { rows.count }

    /// Copies the row a read is on.
    mutating func append(_ row: PointRow) {
        rows.append(Row(
            id: row.id, index: row.index, rAngstrom: row.rAngstrom, energyHartree: row.energyHartree, converged: row.converged,
            wallSeconds: row.wallSeconds, exitStatus: row.exitStatus, attemptCount: row.attemptCount,
            state: keep(row.stateBytes), coordinates: keep(row.coordinatesBytes), zone: keep(row.zoneBytes), host: keep(row.hostBytes),
            error: keep(row.errorBytes)))
    }

    /// The point of the row at `position` (0 up to ``count``); a state or coordinates that pesscan never stores are a corrupt record naming the point.
    public func point(at position: Int) throws(StoreError) -> ScanPoint {
        let row = rows[position]
        let state = try text.withUnsafeBufferPointer { text throws(StoreError) in
            try ScanStore.pointState(row.state.count < 0 ? nil : UnsafeBufferPointer(rebasing: text[row.state.start..<row.state.start + row.state.count]), pointID: row.id)
        }
        return ScanPoint(
            id: row.id, index: row.index, rAngstrom: row.rAngstrom, state: state, energyHartree: row.energyHartree, converged: row.converged,
            zone: string(row.zone), host: string(row.host), wallSeconds: row.wallSeconds, exitStatus: row.exitStatus, error: string(row.error),
            attemptCount: row.attemptCount, coordinates: try ScanStore.storedCoordinates(string(row.coordinates), pointID: row.id))
    }

    private mutating func keep(_ bytes: UnsafeBufferPointer<UInt8>?) -> Span {
        guard let bytes else { return Span(start: 0, count: -1) }
        let start = text.count
        text.append(contentsOf: bytes)
        return Span(start: start, count: bytes.count)
    }

    private func string(_ span: Span) -> String? {
        span.count < 0 ? nil : String(decoding: text[span.start..<span.start + span.count], as: UTF8.self)
    }
}
