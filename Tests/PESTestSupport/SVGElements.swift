import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// The elements of an SVG document as parsed by an XML parser: name and attributes, in document order.
public struct SVGElements {
    public struct Element {
        public var name: String
        public var attributes: [String: String]

        public func number(_ key: String) -> Double? { attributes[key].flatMap(Double.init) }
        public var classes: [String] { (attributes["class"] ?? "").split(separator: " ").map(String.init) }
    }

    public var elements: [Element] = []

    /// Parses `text`; returns nil when it is not well-formed XML.
    public init?(_ text: String) {
        let parser = XMLParser(data: Data(text.utf8))
        let collector = Collector()
        parser.delegate = collector
        guard parser.parse() else { return nil }
        elements = collector.elements
    }

    public func named(_ name: String, class wanted: String? = nil) -> [Element] {
        elements.filter { element in element.name == name && (wanted.map { element.classes.contains($0) } ?? true) }
    }

    public func withID(_ id: String) -> [Element] { elements.filter { $0.attributes["id"] == id } }

    private final class Collector: NSObject, XMLParserDelegate {
        var elements: [Element] = []
        func parser(
            _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            elements.append(Element(name: elementName, attributes: attributes))
        }
    }
}
