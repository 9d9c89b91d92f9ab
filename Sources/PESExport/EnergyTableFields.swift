import Foundation

/// The fields of one table line as bytes, NUL-terminated in one reused buffer, so reading a row allocates nothing.
///
/// ASCII lines are split byte by byte; a line with a quote (comma tables) or
/// a non-ASCII byte goes through ``EnergyTableReader/Separator/fields(_:)``,
/// which honours quotes and Unicode spaces, and its fields are copied in.
struct EnergyTableFields {
    /// Every field's bytes, each followed by a NUL for `strtod`.
    private var bytes: [UInt8] = []
    /// Where each field starts in `bytes` and how many bytes it has (NUL excluded).
    private var ranges: [Range<Int>] = []

    var count: Int { ranges.count }

    /// Splits `line` (no line break) by `separator`; false when a quote is left open.
    mutating func split(_ line: UnsafeBufferPointer<UInt8>, by separator: EnergyTableReader.Separator) -> Bool {
        bytes.removeAll(keepingCapacity: true)
        ranges.removeAll(keepingCapacity: true)
        if line.contains(where: { $0 >= 0x80 || (separator == .comma && $0 == UInt8(ascii: "\"")) }) {
            guard let fields = separator.fields(Substring(String(decoding: line, as: UTF8.self))) else { return false }
            for field in fields { append(field.utf8) }
            return true
        }
        var start = 0
        if separator == .spaces {
            while start < line.count {
                while start < line.count, Self.isSpace(line[start]) { start += 1 }
                var end = start
                while end < line.count, !Self.isSpace(line[end]) { end += 1 }
                if end > start { append(UnsafeBufferPointer(rebasing: line[start..<end])) }
                start = end
            }
            return true
        }
        let mark = separator == .comma ? UInt8(ascii: ",") : UInt8(ascii: "\t")
        while true {
            var end = start
            while end < line.count, line[end] != mark { end += 1 }
            var (low, high) = (start, end)
            while low < high, Self.isSpace(line[low]) { low += 1 }
            while high > low, Self.isSpace(line[high - 1]) { high -= 1 }
            append(UnsafeBufferPointer(rebasing: line[low..<high]))
            guard end < line.count else { return true }
            start = end + 1
        }
    }

    /// The text of field `index`, for header names and messages.
    func text(_ index: Int) -> String { String(decoding: bytes[ranges[index]], as: UTF8.self) }

    /// Field `index` as a number, as `Double(String)` reads it: nil unless the whole field is one.
    func number(_ index: Int) -> Double? {
        let range = ranges[index]
        guard !range.isEmpty, !Self.isCSpace(bytes[range.lowerBound]) else { return nil }
        return bytes.withUnsafeBufferPointer { buffer -> Double? in
            guard let base = buffer.baseAddress else { return nil }
            let start = UnsafeMutablePointer(mutating: base + range.lowerBound)
            var end: UnsafeMutablePointer<CChar>?
            let value = start.withMemoryRebound(to: CChar.self, capacity: range.count + 1) { strtod($0, &end) }
            guard let end, UnsafeRawPointer(end) == UnsafeRawPointer(base + range.upperBound) else { return nil }
            return value
        }
    }

    private mutating func append(_ field: some Collection<UInt8>) {
        let start = bytes.count
        bytes.append(contentsOf: field)
        ranges.append(start..<bytes.count)
        bytes.append(0)
    }

    /// Space or tab, what the table trims and what separates fields of a space table.
    static func isSpace(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }

    /// What `strtod` would skip before a number, which `Double(String)` does not accept.
    private static func isCSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (0x09...0x0d).contains(byte) }
}
