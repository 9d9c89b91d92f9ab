import Foundation

/// Writing what a use case produces (plots, exports), creating the folder first.
enum ResultFile {
    /// Writes `text` to `url` atomically; a failure names `shownAs` (default: the path) and why.
    static func write(_ text: String, to url: URL, shownAs: String? = nil) throws(WorkflowError) {
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url, options: .atomic)
        } catch {
            throw .unwritable(path: shownAs ?? url.path, reason: error.localizedDescription)
        }
    }
}
