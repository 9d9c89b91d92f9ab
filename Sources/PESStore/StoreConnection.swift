import GRDB

/// The SQLite connections a ``ScanStore`` reads and writes through.
enum StoreConnection: Sendable {
    /// A pool of WAL connections, one writer and several readers.
    case pool(DatabasePool)
    /// One connection that never writes.
    case readOnly(ReadOnlyConnection)

    /// Runs a read on whichever connection this is.
    func read<T>(_ value: (Database) throws -> T) throws -> T {
        switch self {
        case .pool(let pool): return try pool.read(value)
        case .readOnly(let connection): return try connection.read(value)
        }
    }
}
