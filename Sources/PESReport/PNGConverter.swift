import Foundation

/// Why an SVG could not be turned into a PNG.
public struct PNGConversionError: Error, Sendable, CustomStringConvertible {
    /// The converter's exit status.
    public var status: Int32
    /// What the converter wrote to stderr.
    public var message: String

    public var description: String {
        "rsvg-convert exited with status \(status): \(message.trimmingCharacters(in: .whitespacesAndNewlines)). The SVG was written; open it instead, or reinstall librsvg2-bin."
    }
}

/// Turns an SVG file into a PNG with `rsvg-convert` (Debian package librsvg2-bin), run from an argv array without a shell.
public enum PNGConverter {
    /// The `rsvg-convert` executable on `PATH`, when installed.
    public static func executable(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL? {
        let folders = (environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":")
        return folders.map { URL(fileURLWithPath: String($0)).appendingPathComponent("rsvg-convert") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    /// Converts `svg` to `png` at the SVG's own size; throws when the converter fails.
    public static func convert(svg: URL, to png: URL, executable: URL) throws {
        let process = Process()
        process.executableURL = executable
        process.arguments = ["--format", "png", "--background-color", "white", "--output", png.path, svg.path]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw PNGConversionError(status: process.terminationStatus, message: String(decoding: message, as: UTF8.self))
        }
    }
}
