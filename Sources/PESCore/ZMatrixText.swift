import Foundation

/// A Z-matrix read from text together with the variable values the text gives.
public struct ParsedZMatrix: Sendable, Hashable {
    /// The Z-matrix.
    public var zmatrix: ZMatrix
    /// Values the text gives, by variable name: Å for lengths, degrees for angles and dihedrals; possibly not all of them.
    public var values: [String: Double]
}

extension ZMatrix {
    /// Reads the Gaussian/Psi4 Z-matrix notation: atom rows, then optional variable values.
    ///
    /// Values follow the rows, either after a blank line or directly as
    /// `name = value` lines (Psi4 style); after a blank line `name value` works
    /// too (Gaussian style, with an optional `Variables:` line). Entries may be
    /// separated by spaces, tabs or commas; `#` and `!` start a comment.
    /// Variables without a value are allowed here; ``cartesianAngstrom(values:)`` asks for them.
    public static func parse(_ text: String) throws(ZMatrixError) -> ParsedZMatrix {
        var rows: [Row] = []
        var values: [String: Double] = [:]
        var valueLines: [(line: Int, name: String)] = []
        var inValues = false
        for (offset, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNumber = offset + 1
            let line = stripComment(rawLine)
            if line.isEmpty {
                if !rows.isEmpty { inValues = true }
                continue
            }
            if !rows.isEmpty, line.lowercased() == "variables:" {
                inValues = true
                continue
            }
            if inValues || line.contains("=") {
                guard !rows.isEmpty else { throw .malformedLine(line: lineNumber, text: line) }
                inValues = true
                let (name, value) = try valueLine(line, lineNumber: lineNumber)
                guard values[name] == nil else { throw .duplicateValue(name: name, line: lineNumber) }
                values[name] = value
                valueLines.append((lineNumber, name))
                continue
            }
            rows.append(try row(tokens(line), index: rows.count))
        }
        let zmatrix = try ZMatrix(rows: rows)
        for (_, name) in valueLines where zmatrix.kind(of: name) == nil {
            throw .valueForUnknownVariable(name: name, known: zmatrix.variableNames)
        }
        return ParsedZMatrix(zmatrix: zmatrix, values: values)
    }

    /// The Z-matrix in the notation ``parse(_:)`` reads: the rows, a blank line, then `name = value` for every variable.
    ///
    /// Numbers are written in their shortest form that reads back to the same
    /// `Double`, so the text round-trips exactly. Values for names that are not
    /// variables are left out.
    public func text(values: [String: Double]) throws(ZMatrixError) -> String {
        let missing = variableNames.filter { values[$0] == nil }
        guard missing.isEmpty else { throw .missingValues(missing) }
        var lines = rows.map { row in
            ([row.symbol] + row.entries.flatMap { ["\($0.entry.atomIndex + 1)", Self.token($0.entry.value)] }).joined(separator: " ")
        }
        if !variableNames.isEmpty { lines.append("") }
        for name in variableNames {
            let value = values[name] ?? .nan
            guard value.isFinite else { throw .nonFiniteValue(name: name, value: value) }
            lines.append("\(name) = \(value)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func token(_ value: Value) -> String {
        switch value {
        case .variable(let name): return name
        case .negatedVariable(let name): return "-" + name
        case .literal(let number): return "\(number)"
        }
    }

    private static func stripComment(_ line: Substring) -> String {
        let body = line.prefix { $0 != "#" && $0 != "!" }
        return body.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private static func tokens(_ line: String) -> [String] {
        line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," || $0 == "\r" }).map(String.init)
    }

    private static func row(_ tokens: [String], index: Int) throws(ZMatrixError) -> Row {
        let atomNumber = index + 1
        let symbol = tokens.first ?? ""
        let pairs = tokens.count - 1
        guard pairs == 2 * min(index, 3) else {
            throw .wrongEntryCount(atomNumber: atomNumber, symbol: symbol, count: pairs)
        }
        var entries: [Entry] = []
        for pair in 0..<(pairs / 2) {
            let referenceToken = tokens[1 + 2 * pair], valueToken = tokens[2 + 2 * pair]
            guard let reference = Int(referenceToken) else {
                throw .badReference(atomNumber: atomNumber, token: referenceToken)
            }
            entries.append(Entry(atomIndex: reference - 1, value: try value(valueToken, atomNumber: atomNumber)))
        }
        return Row(
            symbol: symbol, bond: entries.count > 0 ? entries[0] : nil, angle: entries.count > 1 ? entries[1] : nil,
            dihedral: entries.count > 2 ? entries[2] : nil)
    }

    private static func value(_ token: String, atomNumber: Int) throws(ZMatrixError) -> Value {
        if isVariableName(token) { return .variable(token) }
        if token.hasPrefix("-"), isVariableName(String(token.dropFirst())) { return .negatedVariable(String(token.dropFirst())) }
        guard let number = Double(token), number.isFinite else { throw .badValue(atomNumber: atomNumber, token: token) }
        return .literal(number)
    }

    private static func valueLine(_ line: String, lineNumber: Int) throws(ZMatrixError) -> (String, Double) {
        let parts: [String]
        if line.contains("=") {
            parts = line.split(separator: "=", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
        } else {
            parts = tokens(line)
        }
        guard parts.count == 2, isVariableName(parts[0]), let value = Double(parts[1]) else {
            throw .malformedLine(line: lineNumber, text: line)
        }
        guard value.isFinite else { throw .nonFiniteValue(name: parts[0], value: value) }
        return (parts[0], value)
    }
}
