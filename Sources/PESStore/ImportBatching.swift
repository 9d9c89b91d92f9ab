import Foundation

/// How an import cuts its writes into short transactions, so other processes waiting for the write lock get it in time.
public struct ImportBatching: Sendable, Hashable {
    /// Most rows written in one transaction.
    public var rowsPerTransaction: Int
    /// A transaction commits once it has been open this long, in seconds, even with fewer rows.
    public var secondsPerTransaction: Double
    /// Pause between transactions, in seconds: longer than SQLite's longest retry interval (100 ms), so that a waiting writer finds the lock free.
    public var pauseSeconds: Double

    public init(rowsPerTransaction: Int, secondsPerTransaction: Double, pauseSeconds: Double) {
        self.rowsPerTransaction = max(1, rowsPerTransaction)
        self.secondsPerTransaction = secondsPerTransaction
        self.pauseSeconds = pauseSeconds
    }

    /// 2,000 rows or 0.5 s per transaction, then 0.12 s without the lock.
    public static let standard = ImportBatching(rowsPerTransaction: 2_000, secondsPerTransaction: 0.5, pauseSeconds: 0.12)
}
