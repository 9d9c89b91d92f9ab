import Foundation
import PESCore

/// Exported JSON files: the one JSON convention (snake_case keys, ISO 8601 times, sorted keys), pretty, with a final line break.
public enum ExportJSON {
    /// Encodes `value` as exported JSON text.
    public static func text<T: Encodable>(_ value: T) throws -> String {
        try JSONConvention.text(value) + "\n"
    }
}
