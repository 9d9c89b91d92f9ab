import Foundation
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

/// Reads a CSV file of energies computed elsewhere: a header with `r_angstrom` and `energy_hartree` in any order, one point per row.
///
/// Other columns are ignored, so a file written by `pesscan export --format csv`
/// reads back. Blank lines are skipped. Every row must give a positive finite
/// bond length in ångström and a finite energy in hartree.
public enum EnergyTableReader {
    /// Parses the whole file, rejecting it at the first bad row.
    public static func parse(_ text: String) throws(EnergyTableError) -> [ImportedEnergy] {
        let lines = text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
        guard let headerLine = lines.first, !headerLine.trimmingCharacters(in: .whitespaces).isEmpty,
            let header = CSVText.split(headerLine)
        else {
            throw EnergyTableError(line: 1, reason: "the file is empty; it needs a header line r_angstrom,energy_hartree")
        }
        let names = header.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard let rColumn = names.firstIndex(of: "r_angstrom"), let eColumn = names.firstIndex(of: "energy_hartree") else {
            throw EnergyTableError(
                line: 1, reason: "the header \"\(headerLine)\" lacks r_angstrom or energy_hartree; the first line must name the columns, e.g. r_angstrom,energy_hartree")
        }
        var energies: [ImportedEnergy] = []
        for (offset, line) in lines.enumerated().dropFirst() where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            let number = offset + 1
            guard let fields = CSVText.split(line), fields.count == names.count else {
                throw EnergyTableError(line: number, reason: "expected \(names.count) comma-separated fields as in the header, found \"\(line)\"")
            }
            let rText = fields[rColumn].trimmingCharacters(in: .whitespaces)
            let eText = fields[eColumn].trimmingCharacters(in: .whitespaces)
            guard let r = Double(rText), r.isFinite, r > 0 else {
                throw EnergyTableError(line: number, reason: "r_angstrom \"\(rText)\" is not a positive number of ångström")
            }
            guard let e = Double(eText), e.isFinite else {
                throw EnergyTableError(line: number, reason: "energy_hartree \"\(eText)\" is not a finite number of hartree")
            }
            energies.append(ImportedEnergy(line: number, rAngstrom: r, energyHartree: e))
        }
        guard !energies.isEmpty else { throw EnergyTableError(line: nil, reason: "the file has a header but no rows") }
        return energies
    }
}
