import Foundation
import PESExport

/// Writing what a use case produces (plots, exports), creating the folder first.
enum ResultFile {
    /// Writes `text` to `url` atomically; a failure names `shownAs` (default: the path) and why.
    static func write(_ text: String, to url: URL, shownAs: String? = nil) throws(WorkflowError) {
        try stream(to: url, shownAs: shownAs) { buffer throws(WorkflowError) in buffer.append(text) }
    }

    /// Writes the file `body` appends to the buffer, in blocks, to a temporary file beside `url` that then replaces `url` in one rename.
    ///
    /// A failure or a kill never leaves half a file at `url`; the file is
    /// made with mode 0666 less the umask, as `open` makes any file. Write
    /// failures name `shownAs` (default: the path) and why.
    static func stream(to url: URL, shownAs: String? = nil, _ body: (inout ExportBuffer) throws(WorkflowError) -> Void) throws(WorkflowError) {
        let shown = shownAs ?? url.path
        let folder = url.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw .unwritable(path: shown, reason: error.localizedDescription)
        }
        let partial = folder.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString.prefix(8)).partial").path
        let descriptor = open(partial, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        guard descriptor >= 0 else { throw .unwritable(path: shown, reason: String(cString: strerror(errno))) }
        var closed = false
        defer {
            if !closed { close(descriptor) }
        }
        do throws(WorkflowError) {
            var buffer = ExportBuffer(fileDescriptor: descriptor)
            try body(&buffer)
            do throws(ExportWriteError) {
                try buffer.flush()
            } catch {
                throw WorkflowError.unwritable(path: shown, reason: error.description)
            }
            closed = true
            guard close(descriptor) == 0 else { throw WorkflowError.unwritable(path: shown, reason: String(cString: strerror(errno))) }
            guard rename(partial, url.path) == 0 else { throw WorkflowError.unwritable(path: shown, reason: String(cString: strerror(errno))) }
        } catch {
            unlink(partial)
            throw error
        }
    }
}
