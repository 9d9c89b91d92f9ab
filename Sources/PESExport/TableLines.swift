import Foundation

/// The lines of a text file's UTF-8 bytes with their 1-based numbers, `\r\n` read as `\n`.
struct TableLines {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var start = 0
    private var number = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    /// The next line that is neither blank nor a `#` comment (leading spaces and tabs ignored), without its line break.
    mutating func nextContent() -> (number: Int, line: UnsafeBufferPointer<UInt8>)? {
        while let line = next() {
            if let first = line.first(where: { !EnergyTableFields.isSpace($0) }) {
                if first < 0x80 {
                    if first != UInt8(ascii: "#") { return (number, line) }
                    continue
                }
                // A line opening with a non-ASCII character may be blank in Unicode's sense (no-break spaces).
                let trimmed = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespaces)
                if !trimmed.isEmpty, !trimmed.hasPrefix("#") { return (number, line) }
            }
        }
        return nil
    }

    /// The next line, or nil at the end of the file.
    private mutating func next() -> UnsafeBufferPointer<UInt8>? {
        guard start < bytes.count else { return nil }
        number += 1
        var end = start
        while end < bytes.count, bytes[end] != UInt8(ascii: "\n") { end += 1 }
        var last = end
        if end < bytes.count, last > start, bytes[last - 1] == UInt8(ascii: "\r") { last -= 1 }
        let line = UnsafeBufferPointer(rebasing: bytes[start..<last])
        start = end + 1
        return line
    }
}
