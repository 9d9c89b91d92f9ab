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
            FROM point WHERE scan_id = ? \(ScanStore.stateTest(state)) ORDER BY idx
            """)
        try statement.setArguments(StatementArguments([scanID] as [any DatabaseValueConvertible] + (state.map { [$0.rawValue] } ?? [])))
        try db.forEachRow(of: statement) { handle in try body(PointRow(handle: handle, provenance: provenance)) }
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

    /// Its state; a state that is none of pesscan's is a corrupt record naming the point.
    func state() throws -> PointState {
        guard let bytes = sqlite3_column_text(handle, 3) else { return try ScanStore.pointState("NULL", pointID: id) }
        let text = UnsafeBufferPointer(start: bytes, count: Int(sqlite3_column_bytes(handle, 3)))
        for state in PointState.allCases where state.rawValue.utf8.elementsEqual(text) { return state }
        return try ScanStore.pointState(String(decoding: text, as: UTF8.self), pointID: id)
    }

    /// A polyatomic point's coordinates (nil for a diatomic's), or a corrupt-record error naming the point.
    func coordinates() throws -> [Double]? {
        try ScanStore.storedCoordinates(text(6), pointID: id)
    }

    /// The whole point; without the read's provenance columns its zone, host, timings and error are nil and its attempts 0.
    func point() throws -> ScanPoint {
        guard provenance else {
            return ScanPoint(
                id: id, index: index, rAngstrom: rAngstrom, state: try state(), energyHartree: energyHartree, converged: converged,
                coordinates: try coordinates())
        }
        return ScanPoint(
            id: id, index: index, rAngstrom: rAngstrom, state: try state(), energyHartree: energyHartree, converged: converged,
            zone: text(7), host: text(8), wallSeconds: double(9), exitStatus: integer(10), error: text(11),
            attemptCount: Int(sqlite3_column_int64(handle, 12)), coordinates: try coordinates())
    }

    private func double(_ column: CInt) -> Double? {
        sqlite3_column_type(handle, column) == SQLITE_NULL ? nil : sqlite3_column_double(handle, column)
    }

    private func integer(_ column: CInt) -> Int? {
        sqlite3_column_type(handle, column) == SQLITE_NULL ? nil : Int(sqlite3_column_int64(handle, column))
    }

    private func text(_ column: CInt) -> String? { SQLiteColumn.text(handle, column) }
}

/// Reading one column of the row a statement is on through SQLite's own calls.
enum SQLiteColumn {
    /// Column `column` as text; nil for NULL.
    static func text(_ handle: OpaquePointer, _ column: CInt) -> String? {
        // The pointer first, then its length, as SQLite asks; NULL gives no pointer.
        guard let bytes = sqlite3_column_text(handle, column) else { return nil }
        return String(decoding: UnsafeBufferPointer(start: bytes, count: Int(sqlite3_column_bytes(handle, column))), as: UTF8.self)
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
