import Foundation
import Testing

/// A small tmpfs mounted by a test in a folder it created, unmounted and removed by ``unmount()``.
///
/// Needs root; tests that use it are enabled only when running as root.
struct ScratchMount {
    /// Where the file system is mounted.
    let point: URL

    /// Mounts a tmpfs of `sizeBytes` at `point` (created if missing).
    init(at point: URL, sizeBytes: Int) throws {
        self.point = point
        try FileManager.default.createDirectory(at: point, withIntermediateDirectories: true)
        try Self.command("/bin/mount", ["-t", "tmpfs", "-o", "size=\(sizeBytes),mode=0755", "pesscan-faults", point.path])
    }

    /// Whether this process may mount file systems.
    static var available: Bool { getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/bin/mount") }

    /// Makes the mounted file system read-only.
    func remountReadOnly() throws {
        try Self.command("/bin/mount", ["-o", "remount,ro", point.path])
    }

    /// Makes it writable again.
    func remountWritable() throws {
        try Self.command("/bin/mount", ["-o", "remount,rw", point.path])
    }

    /// Unmounts (lazily if busy) and removes the mount point; safe to call twice.
    func unmount() {
        if (try? Self.command("/bin/umount", [point.path])) == nil {
            _ = try? Self.command("/bin/umount", ["-l", point.path])
        }
        try? FileManager.default.removeItem(at: point)
    }

    /// Fills the file system until a write fails for lack of space; returns the filler file.
    func fill() throws -> URL {
        let filler = point.appendingPathComponent("filler.bin")
        FileManager.default.createFile(atPath: filler.path, contents: nil)
        let descriptor = open(filler.path, O_WRONLY | O_APPEND)
        guard descriptor >= 0 else { throw CommandError(description: "cannot open \(filler.path)") }
        defer { close(descriptor) }
        let chunk = [UInt8](repeating: 0x5A, count: 4096)
        while chunk.withUnsafeBytes({ write(descriptor, $0.baseAddress, $0.count) }) == chunk.count {}
        var byte: UInt8 = 0
        while write(descriptor, &byte, 1) == 1 {}
        return filler
    }

    struct CommandError: Error, CustomStringConvertible {
        var description: String
    }

    /// Runs a system command, throwing with its stderr when it fails.
    @discardableResult
    static func command(_ path: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CommandError(description: "\(path) \(arguments.joined(separator: " ")): \(String(decoding: errors, as: UTF8.self))")
        }
        return String(decoding: output, as: UTF8.self)
    }
}
