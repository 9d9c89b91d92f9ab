import Foundation

/// The end of a file that may be huge, read without loading the whole file.
public enum FileTail {
    /// The last `count` lines of the last `maximumBytes` bytes of the file at `url`, trimmed; empty when unreadable.
    ///
    /// Bytes cut in the middle of a UTF-8 character are replaced, so the text is always valid.
    public static func lines(of url: URL, count: Int, maximumBytes: Int) -> String {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return "" }
        defer { try? handle.close() }
        guard let size = try? handle.seekToEnd() else { return "" }
        let start = size > UInt64(maximumBytes) ? size - UInt64(maximumBytes) : 0
        guard (try? handle.seek(toOffset: start)) != nil, let data = try? handle.readToEnd() else { return "" }
        let text = String(decoding: data, as: UTF8.self)
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(count + 1)
            .joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
