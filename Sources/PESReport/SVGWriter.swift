import Foundation

/// A minimal SVG document builder: elements are appended in drawing order and written as one string.
///
/// Coordinates are SVG user units (pixels at 100 % zoom), with y growing downwards.
public struct SVGWriter: Sendable {
    /// Width of the drawing in pixels.
    public let width: Double
    /// Height of the drawing in pixels.
    public let height: Double
    private var body: [String] = []
    private var depth = 1

    public init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    /// Opens a group `<g>`; close it with ``endGroup()``.
    public mutating func beginGroup(_ attributes: [(String, String)]) {
        body.append(String(repeating: "  ", count: depth) + "<g\(Self.attributeText(attributes))>")
        depth += 1
    }

    /// Closes the innermost open group.
    public mutating func endGroup() {
        depth = max(1, depth - 1)
        body.append(String(repeating: "  ", count: depth) + "</g>")
    }

    /// A line segment.
    public mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, stroke: String, width: Double = 1, extra: [(String, String)] = []) {
        raw("line", [
            ("x1", Self.number(x1)), ("y1", Self.number(y1)), ("x2", Self.number(x2)), ("y2", Self.number(y2)),
            ("stroke", stroke), ("stroke-width", Self.number(width)),
        ] + extra)
    }

    /// A polyline through `points`, unfilled.
    public mutating func polyline(_ points: [(x: Double, y: Double)], stroke: String, width: Double, id: String) {
        let list = points.map { "\(Self.number($0.x)),\(Self.number($0.y))" }.joined(separator: " ")
        raw("polyline", [("id", id), ("points", list), ("fill", "none"), ("stroke", stroke), ("stroke-width", Self.number(width)), ("stroke-linejoin", "round")])
    }

    /// A path through `points`, unfilled, closed back to its first point when `closed`.
    public mutating func path(_ points: [(x: Double, y: Double)], closed: Bool, stroke: String, width: Double, extra: [(String, String)] = []) {
        let moves = points.enumerated().map { "\($0.offset == 0 ? "M" : "L")\(Self.number($0.element.x)),\(Self.number($0.element.y))" }
        let d = moves.joined(separator: " ") + (closed ? " Z" : "")
        raw("path", [("d", d), ("fill", "none"), ("stroke", stroke), ("stroke-width", Self.number(width)), ("stroke-linejoin", "round")] + extra)
    }

    /// A filled polygon with the given corners.
    public mutating func polygon(_ points: [(x: Double, y: Double)], fill: String, extra: [(String, String)] = []) {
        let list = points.map { "\(Self.number($0.x)),\(Self.number($0.y))" }.joined(separator: " ")
        raw("polygon", [("points", list), ("fill", fill)] + extra)
    }

    /// A circle.
    public mutating func circle(cx: Double, cy: Double, r: Double, fill: String, stroke: String = "none", extra: [(String, String)] = []) {
        raw("circle", [("cx", Self.number(cx)), ("cy", Self.number(cy)), ("r", Self.number(r)), ("fill", fill), ("stroke", stroke)] + extra)
    }

    /// A line of text; `anchor` is `start`, `middle` or `end`.
    public mutating func text(_ content: String, x: Double, y: Double, size: Double = 12, anchor: String = "start", extra: [(String, String)] = []) {
        raw("text", [("x", Self.number(x)), ("y", Self.number(y)), ("font-size", Self.number(size)), ("text-anchor", anchor)] + extra, text: content)
    }

    /// Appends an element from an attribute list.
    public mutating func raw(_ name: String, _ attributes: [(String, String)], text: String? = nil) {
        let start = String(repeating: "  ", count: depth) + "<\(name)\(Self.attributeText(attributes))"
        body.append(text.map { "\(start)>\(Self.escape($0))</\(name)>" } ?? "\(start)/>")
    }

    private static func attributeText(_ attributes: [(String, String)]) -> String {
        attributes.map { " \($0.0)=\"\(escape($0.1))\"" }.joined()
    }

    /// The finished document: XML declaration, the `<svg>` root with its size, and every element.
    public func document(title: String) -> String {
        let w = Self.number(width), h = Self.number(height)
        var lines = [
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(w)\" height=\"\(h)\" viewBox=\"0 0 \(w) \(h)\" "
                + "font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\">",
            "  <title>\(Self.escape(title))</title>",
            "  <rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>",
        ]
        lines += body
        lines.append("</svg>")
        return lines.joined(separator: "\n") + "\n"
    }

    /// A coordinate with at most two decimals and no trailing zeros.
    public static func number(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        var text = String(format: "%.2f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text == "-0" ? "0" : text
    }

    /// Escapes the five XML special characters.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.append(character)
            }
        }
        return out
    }
}
