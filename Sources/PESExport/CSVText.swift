/// Comma-separated values as RFC 4180 writes them: fields quoted when they hold a comma, quote or line break.
public enum CSVText {
    /// One field, quoted when needed, with inner quotes doubled.
    public static func field(_ value: String) -> String {
        guard needsQuotes(value) else { return value }
        var buffer = ExportBuffer()
        buffer.appendCSVField(value)
        return buffer.text
    }

    /// Whether `value` holds a comma, a quote or a line break (`\r` or `\n`, also as the pair `\r\n`), so that its field is quoted.
    static func needsQuotes(_ value: String) -> Bool {
        var value = value
        return value.withUTF8(needsQuotes)
    }

    /// Whether the UTF-8 `bytes` hold a comma, a quote or a line break.
    static func needsQuotes(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        bytes.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") }
    }

    /// One line of fields joined by commas, without the line break.
    public static func row(_ values: [String]) -> String {
        values.map(field).joined(separator: ",")
    }

    /// Splits one line into fields, honouring quotes; returns nil when a quote is left open.
    public static func split(_ line: Substring) -> [String]? {
        var fields: [String] = []
        var current = ""
        var quoted = false
        var iterator = line.makeIterator()
        var pending: Character? = nil
        while let character = pending ?? iterator.next() {
            pending = nil
            if quoted {
                if character == "\"" {
                    let next = iterator.next()
                    if next == "\"" { current.append("\"") } else { quoted = false; pending = next }
                } else {
                    current.append(character)
                }
            } else if character == "\"" {
                quoted = true
            } else if character == "," {
                fields.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        guard !quoted else { return nil }
        fields.append(current)
        return fields
    }
}

extension ExportBuffer {
    /// Appends `value` as one CSV field: as it is, or in quotes with inner quotes doubled when ``CSVText`` says it needs them.
    public mutating func appendCSVField(_ value: String) {
        var value = value
        value.withUTF8 { bytes in
            guard CSVText.needsQuotes(bytes) else { return append(bytes: bytes) }
            append(byte: UInt8(ascii: "\""))
            for byte in bytes {
                if byte == UInt8(ascii: "\"") { append(byte: byte) }
                append(byte: byte)
            }
            append(byte: UInt8(ascii: "\""))
        }
    }
}
