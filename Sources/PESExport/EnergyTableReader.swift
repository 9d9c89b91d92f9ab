import Foundation
import PESCore
import PESStore

/// Why an import file could not be read, with the line to fix.
public struct EnergyTableError: Error, Sendable, Equatable, CustomStringConvertible {
    /// 1-based line of the file, when one line is at fault.
    public var line: Int?
    /// What is wrong.
    public var reason: String

    public var description: String {
        "\(line.map { "line \($0): " } ?? "")\(reason); fix the file and run the command again."
    }
}

/// Reads a table of energies computed elsewhere: bond length and energy per row, comma, tab or whitespace separated.
///
/// With a header line, the columns are found by name: `r_<length unit>` and
/// `energy_<energy unit>` (by default `r_angstrom` and `energy_hartree`, in any
/// order); other columns are ignored, so a file written by `pesscan export
/// --format csv` reads back. Without one (the first row is all numbers, as in
/// the `.dat` tables Psi4 and ORCA users keep), each row holds two numbers, r
/// and E, in the units given. The separator is the comma when the first row
/// has one, else the tab when it has one, else runs of spaces. Blank lines and
/// lines starting with `#` are skipped (in tab and space tables also the rest
/// of a line after `#`). Every row must give a positive finite bond length and
/// a finite energy; values are converted to ångström and hartree.
public enum EnergyTableReader {
    /// How the fields of a line are separated.
    enum Separator {
        case comma, tab, spaces

        /// The separator of a file whose first row is `line`.
        init(firstRow line: Substring) {
            self = line.contains(",") ? .comma : line.contains("\t") ? .tab : .spaces
        }

        /// The fields of `line`, trimmed; nil when a quote is left open (comma tables).
        func fields(_ line: Substring) -> [String]? {
            switch self {
            case .comma: return CSVText.split(line)?.map { $0.trimmingCharacters(in: .whitespaces) }
            case .tab: return line.split(separator: "\t", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            case .spaces: return line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            }
        }

        /// The line without a trailing `#` comment (comma tables keep it: a quoted field may hold `#`).
        func withoutComment(_ line: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
            guard self != .comma, let hash = line.firstIndex(of: UInt8(ascii: "#")) else { return line }
            return UnsafeBufferPointer(rebasing: line[..<hash])
        }
    }

    /// Parses the whole file, rejecting it at the first bad row; lengths in `lengthUnit`, energies in `energyUnit` unless a header names other columns.
    public static func parse(
        _ text: String, lengthUnit: LengthUnit = .angstrom, energyUnit: EnergyUnit = .hartree
    ) throws(EnergyTableError) -> [ImportedEnergy] {
        var text = text
        let result = text.withUTF8 { bytes in
            Result { () throws(EnergyTableError) in try parse(bytes: bytes, lengthUnit: lengthUnit, energyUnit: energyUnit) }
        }
        return try result.get()
    }

    /// ``parse(_:lengthUnit:energyUnit:)`` on the file's UTF-8 bytes, one line at a time.
    static func parse(
        bytes: UnsafeBufferPointer<UInt8>, lengthUnit: LengthUnit, energyUnit: EnergyUnit
    ) throws(EnergyTableError) -> [ImportedEnergy] {
        let rName = "r_\(lengthUnit.keySuffix)", eName = "energy_\(energyUnit.keySuffix)"
        var lines = TableLines(bytes)
        guard let (firstNumber, firstBytes) = lines.nextContent() else {
            throw EnergyTableError(line: 1, reason: "the file is empty or holds only comments; it needs lines of r and E, or a header line \(rName),\(eName) and rows")
        }
        let firstLine = Substring(String(decoding: firstBytes, as: UTF8.self))
        let separator = Separator(firstRow: firstLine)
        var fields = EnergyTableFields()
        guard fields.split(separator.withoutComment(firstBytes), by: separator) else {
            throw EnergyTableError(line: firstNumber, reason: "a quote is left open in \"\(firstLine)\"")
        }
        let columns: (r: Int, e: Int, count: Int?)
        var energies: [ImportedEnergy] = []
        if (0..<fields.count).allSatisfy({ fields.number($0) != nil }) {
            guard fields.count == 2 else {
                throw EnergyTableError(
                    line: firstNumber,
                    reason: "without a header each row holds two numbers, r and E; found \(fields.count) in \"\(firstLine)\". "
                        + "Add a header line naming the columns \(rName) and \(eName)")
            }
            columns = (0, 1, 2)
            energies.append(try row(fields, number: firstNumber, line: firstBytes, columns: columns, lengthUnit, energyUnit))
        } else {
            let names = (0..<fields.count).map { fields.text($0).lowercased() }
            guard let r = names.firstIndex(of: rName), let e = names.firstIndex(of: eName) else {
                throw EnergyTableError(
                    line: firstNumber,
                    reason: "the header \"\(firstLine)\" lacks \(rName) or \(eName); the first line must name the columns, e.g. \(rName),\(eName), "
                        + "or the file must have no header and two numbers, r and E, per row")
            }
            columns = (r, e, separator == .spaces ? nil : names.count)
        }
        energies.reserveCapacity(bytes.count / 24)
        while let (number, content) = lines.nextContent() {
            let line = separator.withoutComment(content)
            guard fields.split(line, by: separator) else {
                throw EnergyTableError(line: number, reason: "expected \(columns.count ?? max(columns.r, columns.e) + 1) fields as in the first row, found \"\(String(decoding: line, as: UTF8.self))\"")
            }
            energies.append(try row(fields, number: number, line: line, columns: columns, lengthUnit, energyUnit))
        }
        guard !energies.isEmpty else { throw EnergyTableError(line: nil, reason: "the file has a header but no rows") }
        return energies
    }

    /// The energy of one row whose fields are split, checked and converted to ångström and hartree.
    private static func row(
        _ fields: EnergyTableFields, number: Int, line: UnsafeBufferPointer<UInt8>, columns: (r: Int, e: Int, count: Int?),
        _ lengthUnit: LengthUnit, _ energyUnit: EnergyUnit
    ) throws(EnergyTableError) -> ImportedEnergy {
        guard fields.count == columns.count ?? fields.count, fields.count > max(columns.r, columns.e) else {
            throw EnergyTableError(
                line: number,
                reason: "expected \(columns.count ?? max(columns.r, columns.e) + 1) fields as in the first row, found \"\(String(decoding: line, as: UTF8.self))\"")
        }
        guard let r = fields.number(columns.r).map(lengthUnit.toAngstrom), r.isFinite, r > 0 else {
            throw EnergyTableError(
                line: number, reason: "r_\(lengthUnit.keySuffix) \"\(fields.text(columns.r))\" is not a positive number of \(lengthUnit.rawValue)")
        }
        guard let e = fields.number(columns.e).map(energyUnit.toHartree), e.isFinite else {
            throw EnergyTableError(
                line: number, reason: "energy_\(energyUnit.keySuffix) \"\(fields.text(columns.e))\" is not a finite number of \(energyUnit.rawValue)")
        }
        return ImportedEnergy(line: number, rAngstrom: r, energyHartree: e)
    }
}
