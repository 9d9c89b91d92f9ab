import GRDB
import GRDBSQLite

/// Inserts many rows into one table through multi-row `INSERT … VALUES (…), (…)` statements, a chunk of rows each.
///
/// SQLite pays some costs per statement, not per row: setting the statement
/// up, and for an AUTOINCREMENT table reading and rewriting its
/// `sqlite_sequence` row. One row per statement made those costs most of a
/// 10⁶-point `plan`; a chunk of rows per statement pays them once per chunk.
/// Rows are buffered until a chunk is full; ``finish()`` writes the rest.
struct BulkInsert {
    /// Most parameters in one statement: SQLite's oldest limit.
    static let parametersPerStatement = 999

    private let db: Database
    private let table: String
    private let columns: [String]
    /// Values of the buffered rows, row after row.
    private var values: [DatabaseValue] = []
    /// Rows per statement: as many as stay within ``parametersPerStatement``, at most 64.
    private let rowsPerStatement: Int
    /// The full chunk's statement, prepared once.
    private var chunkStatement: Statement?

    /// An insert into `table`'s `columns` on `db`, inside the caller's transaction.
    init(_ db: Database, table: String, columns: [String]) {
        precondition(!columns.isEmpty && columns.count <= Self.parametersPerStatement, "a row of \(table) needs 1 to 999 values")
        self.db = db
        self.table = table
        self.columns = columns
        rowsPerStatement = min(64, Self.parametersPerStatement / columns.count)
        values.reserveCapacity(columns.count * rowsPerStatement)
    }

    /// Buffers one row's values, in column order, writing the chunk when it is full.
    mutating func append(_ row: DatabaseValue...) throws {
        precondition(row.count == columns.count, "a row of \(table) needs \(columns.count) values")
        values.append(contentsOf: row)
        if values.count == columns.count * rowsPerStatement { try flush() }
    }

    /// Writes the rows still buffered.
    mutating func finish() throws {
        if !values.isEmpty { try flush() }
    }

    private mutating func flush() throws {
        let rows = values.count / columns.count
        let statement: Statement
        if rows == rowsPerStatement, let chunkStatement {
            statement = chunkStatement
        } else {
            statement = try db.makeStatement(sql: sql(rows: rows))
            if rows == rowsPerStatement { chunkStatement = statement }
        }
        // Bound and stepped through SQLite's own calls: building GRDB's StatementArguments for every chunk cost as
        // much as the insert itself.
        let handle = statement.sqliteStatement
        sqlite3_reset(handle)
        for (offset, value) in values.enumerated() {
            let code = value.bind(to: handle, at: CInt(offset + 1))
            guard code == SQLITE_OK else { throw db.failure(code, of: statement) }
        }
        let code = sqlite3_step(handle)
        sqlite3_clear_bindings(handle)
        guard code == SQLITE_DONE else { throw db.failure(code, of: statement) }
        values.removeAll(keepingCapacity: true)
    }

    /// `INSERT INTO table (columns) VALUES (?, …), …` for `rows` rows.
    private func sql(rows: Int) -> String {
        let row = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
        return "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES "
            + Array(repeating: row, count: rows).joined(separator: ", ")
    }
}
