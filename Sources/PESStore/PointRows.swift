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
    /// Without `provenance` only the point's own columns are read (what a fit
    /// or plot uses). With `restart`, all of a scan's rows are first read in
    /// row-id order, without the index's lookup of each row (an eighth of the
    /// read's time over 10⁶ points): a scan's points are numbered from 0 as
    /// they are inserted, so that order is index order. It is taken to be only
    /// while each row's index is one more than the last one's, from the
    /// scan's first index to its last, which then are all of its rows in
    /// order; at the first row that is not, `restart` runs and the rows are
    /// read again through the index.
    static func forEach(
        ofScan scanID: Int64, inState state: PointState?, provenance: Bool, db: Database, restart: (() -> Void)? = nil,
        _ body: (PointRow) throws -> Bool
    ) throws {
        let columns = "id, idx, r_angstrom, state, energy_hartree, converged, coordinates"
            + (provenance ? ", zone, host, wall_seconds, exit_status, error, attempt_count" : "")
        if let restart, state == nil {
            // The first and last points by index, from the index alone; none: no rows.
            let ends = "SELECT id, idx FROM point WHERE scan_id = ? ORDER BY idx"
            guard let first = try Row.fetchOne(db, sql: ends + " LIMIT 1", arguments: [scanID]),
                  let last = try Row.fetchOne(db, sql: ends + " DESC LIMIT 1", arguments: [scanID])
            else { return }
            let firstIndex: Int = first["idx"]
            let lastIndex: Int = last["idx"]
            var next = firstIndex
            var inOrder = true
            var stopped = false
            // `+scan_id` keeps SQLite off the index for that term, so that it walks the row ids in range.
            try step(
                "SELECT \(columns) FROM point WHERE +scan_id = ? AND id BETWEEN ? AND ? ORDER BY id",
                [scanID, first["id"] as Int64, last["id"] as Int64], provenance: provenance, db: db
            ) { row in
                guard row.index == next else {
                    inOrder = false
                    return false
                }
                next &+= 1
                stopped = try !body(row)
                return !stopped
            }
            if inOrder, stopped || next == lastIndex &+ 1 { return }
            restart()
        }
        try step(
            "SELECT \(columns) FROM point WHERE scan_id = ?\(state.map { " AND " + Schema.inState($0) } ?? "") ORDER BY idx",
            [scanID], provenance: provenance, db: db, body)
    }

    /// Steps the point query `sql` with `arguments`, handing each row to `body` until it returns false.
    private static func step(
        _ sql: String, _ arguments: [any DatabaseValueConvertible], provenance: Bool, db: Database, _ body: (PointRow) throws -> Bool
    ) throws {
        let statement = try db.makeStatement(sql: sql)
        try statement.setArguments(StatementArguments(arguments))
        try db.forEachRow(of: statement) { handle in try body(PointRow(handle: handle, provenance: provenance)) }
    }

    /// Hands the same rows as ``forEach(ofScan:inState:provenance:db:restart:_:)`` to `body` copied out in chunks of up to ``PointRowChunk/capacity``, until it returns false.
    ///
    /// When the read starts over, `restart` runs: the rows handed over before are to be dropped.
    static func forEachChunk(
        ofScan scanID: Int64, inState state: PointState?, provenance: Bool, db: Database, restart: () -> Void,
        _ body: (PointRowChunk) throws -> Bool
    ) throws {
        var chunk = PointRowChunk()
        var going = true
        // `forEach` calls `restart` before it returns and keeps it no longer; the compiler cannot see that for an optional closure.
        try withoutActuallyEscaping(restart) { restart in
            try forEach(ofScan: scanID, inState: state, provenance: provenance, db: db, restart: {
                chunk = PointRowChunk()
                restart()
            }) { row in
                chunk.append(row)
                guard chunk.count == PointRowChunk.capacity else { return true }
                defer { chunk = PointRowChunk() }
                going = try body(chunk)
                return going
            }
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

    private func bytes(_ column: CInt) -> UnsafeBufferPointer<UInt8>? { SQLiteColumn.bytes(handle, column) }
}

/// Reading one text column of the row a statement is on through SQLite's own calls.
enum SQLiteColumn {
    /// Column `column`'s UTF-8 bytes, valid until the statement steps again; nil for NULL.
    static func bytes(_ handle: OpaquePointer, _ column: CInt) -> UnsafeBufferPointer<UInt8>? {
        // The pointer first, then its length, as SQLite asks; NULL gives no pointer.
        guard let bytes = sqlite3_column_text(handle, column) else { return nil }
        return UnsafeBufferPointer(start: bytes, count: Int(sqlite3_column_bytes(handle, column)))
    }

    /// Column `column` as text; nil for NULL.
    static func text(_ handle: OpaquePointer, _ column: CInt) -> String? {
        bytes(handle, column).map { String(decoding: $0, as: UTF8.self) }
    }
}

extension Database {
    /// Steps `statement`, its arguments set, through SQLite's own calls, handing `body` its handle on each row until it returns false.
    ///
    /// The handle is valid only inside `body`; the statement is reset when the read ends.
    func forEachRow(of statement: Statement, _ body: (OpaquePointer) throws -> Bool) throws {
        let handle = statement.sqliteStatement
        defer { sqlite3_reset(handle) }
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { return }
            guard code == SQLITE_ROW else { throw failure(code, of: statement) }
            guard try body(handle) else { return }
        }
    }

    /// SQLite's result `code` of stepping `statement` as GRDB's error, which the store translates like any other.
    func failure(_ code: CInt, of statement: Statement) -> DatabaseError {
        DatabaseError(resultCode: ResultCode(rawValue: code), message: lastErrorMessage, sql: statement.sql)
    }
}
