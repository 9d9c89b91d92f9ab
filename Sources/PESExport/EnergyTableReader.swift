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
        func withoutComment(_ line: Substring) -> Substring {
            guard self != .comma, let hash = line.firstIndex(of: "#") else { return line }
            return line[..<hash]
        }
    }

    /// Parses the whole file, rejecting it at the first bad row; lengths in `lengthUnit`, energies in `energyUnit` unless a header names other columns.
    public static func parse(
        _ text: String, lengthUnit: LengthUnit = .angstrom, energyUnit: EnergyUnit = .hartree
    ) throws(EnergyTableError) -> [ImportedEnergy] {
        let all = text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
        let content = all.enumerated().filter { _, line in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            return !trimmed.isEmpty && !trimmed.hasPrefix("#")
        }
        let rName = "r_\(lengthUnit.keySuffix)", eName = "energy_\(energyUnit.keySuffix)"
        guard let (firstOffset, firstLine) = content.first else {
            throw EnergyTableError(line: 1, reason: "the file is empty or holds only comments; it needs lines of r and E, or a header line \(rName),\(eName) and rows")
        }
        let separator = Separator(firstRow: firstLine)
        var rows = content.map { (number: $0.offset + 1, line: separator.withoutComment($0.element)) }
        guard let first = separator.fields(rows[0].line) else {
            throw EnergyTableError(line: firstOffset + 1, reason: "a quote is left open in \"\(firstLine)\"")
        }
        let columns: (r: Int, e: Int, count: Int?)
        if first.allSatisfy({ Double($0) != nil }) {
            guard first.count == 2 else {
                throw EnergyTableError(
                    line: firstOffset + 1,
                    reason: "without a header each row holds two numbers, r and E; found \(first.count) in \"\(firstLine)\". "
                        + "Add a header line naming the columns \(rName) and \(eName)")
            }
            columns = (0, 1, 2)
        } else {
            let names = first.map { $0.lowercased() }
            guard let r = names.firstIndex(of: rName), let e = names.firstIndex(of: eName) else {
                throw EnergyTableError(
                    line: firstOffset + 1,
                    reason: "the header \"\(firstLine)\" lacks \(rName) or \(eName); the first line must name the columns, e.g. \(rName),\(eName), "
                        + "or the file must have no header and two numbers, r and E, per row")
            }
            columns = (r, e, separator == .spaces ? nil : names.count)
            rows.removeFirst()
        }
        var energies: [ImportedEnergy] = []
        for (number, line) in rows {
            guard let fields = separator.fields(line), fields.count == columns.count ?? fields.count, fields.count > max(columns.r, columns.e)
            else {
                throw EnergyTableError(
                    line: number, reason: "expected \(columns.count ?? max(columns.r, columns.e) + 1) fields as in the first row, found \"\(line)\"")
            }
            let rText = fields[columns.r], eText = fields[columns.e]
            guard let r = Double(rText).map(lengthUnit.toAngstrom), r.isFinite, r > 0 else {
                throw EnergyTableError(line: number, reason: "\(rName) \"\(rText)\" is not a positive number of \(lengthUnit.rawValue)")
            }
            guard let e = Double(eText).map(energyUnit.toHartree), e.isFinite else {
                throw EnergyTableError(line: number, reason: "\(eName) \"\(eText)\" is not a finite number of \(energyUnit.rawValue)")
            }
            energies.append(ImportedEnergy(line: number, rAngstrom: r, energyHartree: e))
        }
        guard !energies.isEmpty else { throw EnergyTableError(line: nil, reason: "the file has a header but no rows") }
        return energies
    }
}
