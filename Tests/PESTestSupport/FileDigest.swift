import Foundation

/// The SHA-256 digest of a file, from the system's `sha256sum`, to prove a file was left byte for byte as it was.
public enum FileDigest {
    /// Hex SHA-256 of the file at `path`, or `"absent"` when there is no such file.
    public static func sha256(_ path: String) throws -> String {
        guard FileManager.default.fileExists(atPath: path) else { return "absent" }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        process.arguments = [path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).split(separator: " ").first.map(String.init) ?? ""
    }

    /// The size of the file at `path` in bytes, 0 when there is none.
    public static func size(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
    }
}
