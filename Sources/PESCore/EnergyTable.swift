import Foundation

/// Bond lengths and energies read from a CSV file with a header naming `r_angstrom` and `energy_hartree`.
public struct EnergyTable: Sendable, Hashable {
    /// Bond lengths in ångström, in file order.
    public var rAngstrom: [Double]
    /// Energies in hartree, in file order.
    public var energyHartree: [Double]

    /// Reads a CSV file: a header line naming the two columns (any order, other columns ignored), then one point per line.
    public static func read(from url: URL) throws(EnergyTableError) -> EnergyTable {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw .unreadable(url.path, error.localizedDescription)
        }
        return try parse(text, path: url.path)
    }

    /// Parses CSV text; `path` names the source in error messages.
    public static func parse(_ text: String, path: String) throws(EnergyTableError) -> EnergyTable {
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated()
            .map { (number: $0.offset + 1, text: $0.element.trimmingCharacters(in: .whitespaces)) }
            .filter { !$0.text.isEmpty && !$0.text.hasPrefix("#") }
        guard !lines.isEmpty else { throw .empty(path) }
        let header = lines.removeFirst()
        let names = header.text.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\"")).lowercased() }
        guard let rColumn = names.firstIndex(of: "r_angstrom"), let eColumn = names.firstIndex(of: "energy_hartree") else {
            throw .missingColumns(path, header: header.text)
        }
        var table = EnergyTable(rAngstrom: [], energyHartree: [])
        for line in lines {
            let fields = line.text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard fields.count == names.count else {
                throw .badRow(path, line: line.number, reason: "has \(fields.count) fields, the header has \(names.count)")
            }
            guard let r = Double(fields[rColumn]), r.isFinite, r > 0 else {
                throw .badRow(path, line: line.number, reason: "r_angstrom \"\(fields[rColumn])\" is not a positive number")
            }
            guard let e = Double(fields[eColumn]), e.isFinite else {
                throw .badRow(path, line: line.number, reason: "energy_hartree \"\(fields[eColumn])\" is not a finite number")
            }
            table.rAngstrom.append(r)
            table.energyHartree.append(e)
        }
        guard !table.rAngstrom.isEmpty else { throw .empty(path) }
        return table
    }
}

/// Why an energy table could not be read.
public enum EnergyTableError: Error, Sendable, Equatable, CustomStringConvertible {
    case unreadable(String, String)
    case empty(String)
    case missingColumns(String, header: String)
    case badRow(String, line: Int, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): return "Cannot read \(path): \(reason)."
        case .empty(let path): return "\(path) has no data rows; expected a header r_angstrom,energy_hartree and one point per line."
        case .missingColumns(let path, let header):
            return "\(path): the header \"\(header)\" must name the columns r_angstrom and energy_hartree (any order)."
        case .badRow(let path, let line, let reason): return "\(path), line \(line): the row \(reason)."
        }
    }
}
