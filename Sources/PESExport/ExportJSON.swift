import Foundation

/// The one JSON style of exported files: pretty, key-sorted, snake_case keys, unescaped slashes, a final line break.
public enum ExportJSON {
    /// Encodes `value` as exported JSON text.
    public static func text<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
    }
}
