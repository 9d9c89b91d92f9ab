import Foundation

/// Engine-side evidence that a run completed: one line appended per run to a marker file.
enum RunMarker {
    /// Appends `line` to the file at `path` in one `write` with `O_APPEND`, creating the file; throws the `errno` when that fails (ELOOP when `path` is a symbolic link).
    ///
    /// One `write` call of a short line on a local file is not interleaved with
    /// another process's, so concurrent runs each leave a whole line.
    static func append(_ line: String, to path: String) throws(StreamWriteError) {
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw StreamWriteError(target: path, code: errno) }
        defer { close(descriptor) }
        try StandardStreams.write(line, to: descriptor, target: path)
    }
}
