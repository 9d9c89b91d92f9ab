import GRDB
import GRDBSQLite

/// A pending point a claim may take, read by position through SQLite's own calls: a claim of thousands of points builds no GRDB `Row`.
///
/// Reading a batch of 4096 candidates through `Row` (every value copied
/// into a `DatabaseValue`, every column then found by a case-insensitive
/// name) was a tenth of a 10⁶-point model `collect`.
struct ClaimCandidate {
    var scanID: Int64
    var pointID: Int64
    var index: Int
    var rAngstrom: Double
    /// Attempts the point had before this claim.
    var attemptCount: Int
    /// Of those, the ones that failed.
    var failedAttempts: Int
    var coordinates: [Double]?

    /// The columns a candidate query selects, in the order ``init(handle:)`` reads them.
    static let columns = """
        id, scan_id, idx, r_angstrom, attempt_count, coordinates,
            CASE WHEN attempt_count = 0 THEN 0 ELSE (SELECT COUNT(*) FROM attempt
                WHERE attempt.point_id = point.id AND outcome = 'failed') END AS failures
        """

    /// The candidate on the row `handle` is on, of a query selecting ``columns``.
    init(handle: OpaquePointer) throws {
        pointID = sqlite3_column_int64(handle, 0)
        scanID = sqlite3_column_int64(handle, 1)
        index = Int(sqlite3_column_int64(handle, 2))
        rAngstrom = sqlite3_column_double(handle, 3)
        attemptCount = Int(sqlite3_column_int64(handle, 4))
        coordinates = try ScanStore.storedCoordinates(SQLiteColumn.text(handle, 5), pointID: pointID)
        failedAttempts = Int(sqlite3_column_int64(handle, 6))
    }

    /// The point as claimed under attempt `attemptID`, its next attempt.
    func claimed(attemptID: Int64) -> ClaimedPoint {
        ClaimedPoint(
            scanID: scanID, pointID: pointID, index: index, rAngstrom: rAngstrom, attemptID: attemptID,
            attemptNumber: attemptCount + 1, failedAttempts: failedAttempts, coordinates: coordinates)
    }
}
