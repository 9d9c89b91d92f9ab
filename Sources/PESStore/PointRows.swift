import GRDB
import GRDBSQLite
import PESCore

/// A scan's point rows in index order, stepped and read through SQLite's own calls: the one reader under every read of all of a scan's points.
///
/// GRDB's `Row` cursor went through a `DatabaseValue` for every column of
/// every row (its type looked up, then its value, then converted); for a
/// scan of 10⁶ points that was most of what `export`, `fit` and `plot` spent
/// reading. Here each column is read once by position, the state is matched
/// without making a `String`, and text becomes a `String` only where there is
/// text.
struct PointRows {
    /// Hands each point row of scan `scanID` (all of them, or those in `state`) to `body` in index order until it returns false.
    ///
    /// Without `provenance` only the point's own columns are read (what a fit or plot uses).
    static func forEach(
        ofScan scanID: Int64, inState state: PointState?, provenance: Bool, db: Database, _ body: (PointRow) throws -> Bool
    ) throws {
        let statement = try db.makeStatement(sql: """
            SELECT id, idx, r_angstrom, state, energy_hartree, converged, coordinates\
            \(provenance ? ", zone, host, wall_seconds, exit_status, error, attempt_count" : "")
            FROM point WHERE scan_id = ? \(state == nil ? "" : "AND state = ?") ORDER BY idx
            """)
        try statement.setArguments(StatementArguments([scanID] as [any DatabaseValueConvertible] + (state.map { [$0.rawValue] } ?? [])))
        let handle = statement.sqliteStatement
        defer { sqlite3_reset(handle) }
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { return }
            guard code == SQLITE_ROW else { throw db.failure(code, of: statement) }
            guard try body(PointRow(handle: handle, provenance: provenance)) else { return }
        }
    }

    /// Hands the same rows as ``forEach(ofScan:inState:provenance:db:_:)`` to `body` copied out in chunks of up to ``PointRowChunk/capacity``, until it returns false.
    static func forEachChunk(
        ofScan scanID: Int64, inState state: PointState?, provenance: Bool, db: Database, _ body: (PointRowChunk) throws -> Bool
    ) throws {
        var chunk = PointRowChunk()
        var going = true
        try forEach(ofScan: scanID, inState: state, provenance: provenance, db: db) { row in
            chunk.append(row)
            guard chunk.count == PointRowChunk.capacity else { return true }
            defer { chunk = PointRowChunk() }
            going = try body(chunk)
            return going
        }
        if going, chunk.count > 0 { _ = try body(chunk) }
    }
}

/// The point row a ``PointRows`` read is on, its columns read by position as its query lists them; valid only inside the `body` it is handed to.
struct PointRow {
    fileprivate let handle: OpaquePointer
    fileprivate let provenance: Bool

    /// The point's row id.
    var id: Int64 { sqlite3_column_int64(handle, 0) }
    /// The point's index in its scan.
    var index: Int { Int(sqlite3_column_int64(handle, 1)) }
    /// Its bond length (a polyatomic's first coordinate) in ångström.
    var rAngstrom: Double { sqlite3_column_double(handle, 2) }
    /// Its energy in hartree, when it has one.
    var energyHartree: Double? { double(4) }
    /// Whether its engine reported convergence, when it said.
    var converged: Bool? { integer(5).map { $0 != 0 } }

    /// Its wall time in seconds, when the read has provenance and the point one.
    var wallSeconds: Double? { provenance ? double(9) : nil }
    /// Its last exit status, when the read has provenance and the point one.
    var exitStatus: Int? { provenance ? integer(10) : nil }
    /// Its attempts so far (0 without the read's provenance).
    var attemptCount: Int { provenance ? Int(sqlite3_column_int64(handle, 12)) : 0 }
    /// Its state's UTF-8 bytes as stored (nil for NULL).
    var stateBytes: UnsafeBufferPointer<UInt8>? { bytes(3) }
    /// A polyatomic point's coordinates' text as stored (nil for a diatomic's).
    var coordinatesBytes: UnsafeBufferPointer<UInt8>? { bytes(6) }
    /// The zone, host and error text as stored (nil for NULL or without the read's provenance).
    var zoneBytes: UnsafeBufferPointer<UInt8>? { provenance ? bytes(7) : nil }
    var hostBytes: UnsafeBufferPointer<UInt8>? { provenance ? bytes(8) : nil }
    var errorBytes: UnsafeBufferPointer<UInt8>? { provenance ? bytes(11) : nil }

    /// Its state; a state that is none of pesscan's is a corrupt record naming the point.
    func state() throws(StoreError) -> PointState {
        try ScanStore.pointState(stateBytes, pointID: id)
    }

    /// A polyatomic point's coordinates (nil for a diatomic's), or a corrupt-record error naming the point.
    func coordinates() throws(StoreError) -> [Double]? {
        try ScanStore.storedCoordinates(coordinatesBytes.map { String(decoding: $0, as: UTF8.self) }, pointID: id)
    }

    private func double(_ column: CInt) -> Double? {
        sqlite3_column_type(handle, column) == SQLITE_NULL ? nil : sqlite3_column_double(handle, column)
    }

    private func integer(_ column: CInt) -> Int? {
        sqlite3_column_type(handle, column) == SQLITE_NULL ? nil : Int(sqlite3_column_int64(handle, column))
    }

    private func bytes(_ column: CInt) -> UnsafeBufferPointer<UInt8>? {
        // The pointer first, then its length, as SQLite asks; NULL gives no pointer.
        guard let bytes = sqlite3_column_text(handle, column) else { return nil }
        return UnsafeBufferPointer(start: bytes, count: Int(sqlite3_column_bytes(handle, column)))
    }
}

extension Database {
    /// SQLite's result `code` of stepping `statement` as GRDB's error, which the store translates like any other.
    func failure(_ code: CInt, of statement: Statement) -> DatabaseError {
        DatabaseError(resultCode: ResultCode(rawValue: code), message: lastErrorMessage, sql: statement.sql)
    }
}
