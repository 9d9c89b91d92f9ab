/// How a command opens the database: for reading only, or for reading and writing.
public enum StoreAccess: Sendable, Equatable {
    /// Reads only: no migration, not one byte written; works on a read-only file, folder or mount.
    ///
    /// A schema that is behind or ahead of this pesscan is refused rather than upgraded.
    case readOnly
    /// Reads and writes, upgrading a schema that is behind first; `create` makes a missing file and its folder.
    case readWrite(create: Bool)
}
