import Foundation

/// Free space on the file system holding a file, to tell a full disk from other I/O errors.
public enum VolumeSpace {
    /// Free bytes below which a failed write is put down to a full disk: 1 MiB.
    public static let nearlyFullBytes: Int64 = 1 << 20

    /// Whether the file system holding `path` (or its nearest existing folder) has less than ``nearlyFullBytes`` free.
    public static func isNearlyFull(holding path: String) -> Bool {
        var url = URL(fileURLWithPath: path).standardizedFileURL
        let manager = FileManager.default
        while !manager.fileExists(atPath: url.path), url.path != "/" { url.deleteLastPathComponent() }
        guard let attributes = try? manager.attributesOfFileSystem(forPath: url.path),
            let free = (attributes[.systemFreeSize] as? NSNumber)?.int64Value
        else { return false }
        return free < nearlyFullBytes
    }
}
