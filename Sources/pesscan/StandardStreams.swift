import Foundation

/// Why text could not be written to a stream or file, e.g. a full disk under a redirected stdout.
struct StreamWriteError: Error, CustomStringConvertible {
    /// Where the text was going: "stdout", "stderr" or a file's path.
    var target: String
    /// The C `errno` of the failed `open` or `write` (`ENOSPC` on a full disk).
    var code: Int32

    var description: String { "cannot write to \(target): \(String(cString: strerror(code)))" }
}

/// Writing to the standard streams with every failure reported, never a trap.
///
/// Foundation's `FileHandle.write(_:)` stops the process with a trap (SIGILL,
/// "killed by signal 4") when the write fails, as it does on a full disk;
/// these helpers call `write(2)` and hand back `errno` instead.
enum StandardStreams {
    /// Writes all of `text` to the file descriptor, retrying short writes; throws the `errno` of a failed write.
    static func write(_ text: String, to descriptor: Int32, target: String) throws(StreamWriteError) {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { buffer in
                Foundation.write(descriptor, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                throw StreamWriteError(target: target, code: errno)
            }
            offset += written
        }
    }

    /// Writes `text` to stdout, unbuffered; throws when it cannot be written.
    static func standardOutput(_ text: String) throws(StreamWriteError) {
        try write(text, to: STDOUT_FILENO, target: "stdout")
    }

    /// Writes `text` to stderr; a failed write is dropped, since there is nowhere left to report it.
    static func standardError(_ text: String) {
        try? write(text, to: STDERR_FILENO, target: "stderr")
    }
}
