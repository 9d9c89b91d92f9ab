import ArgumentParser
import Foundation
import PESCore

extension Pesscan {
    /// `pesscan molecules`: the molecule library with its default ranges and sources.
    struct Molecules: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the molecules of the library with their default scan ranges.",
            discussion: """
                Examples:
                  pesscan molecules
                  pesscan molecules --json
                """)

        @Option(help: "Molecule library file (default: $PESSCAN_MOLECULES, else Inputs/molecules.json).")
        var molecules: String?

        @Flag(help: "Print as JSON.")
        var json = false

        func run() throws {
            let url: URL
            let library: MoleculeLibrary
            do {
                url = try Locations.moleculeLibrary(option: molecules)
                library = try MoleculeLibrary.load(from: url)
            } catch {
                throw Failure.report(error.description, status: error.exitStatus)
            }
            if json {
                let diatomics = library.names.compactMap { name in library.entries[name].map { ListedMolecule(name: name, entry: $0) } }
                let polyatomics = library.polyatomicNames.compactMap { name in
                    library.polyatomics[name].map { ListedMolecule(name: name, polyatomic: $0) }
                }
                return try Output.json(diatomics + polyatomics)
            }
            print("Molecules in \(url.path):")
            for name in library.names {
                guard let entry = library.entries[name] else { continue }
                let m = entry.molecule
                let range = entry.defaultRangeAngstrom
                print(
                    "  \(name.padding(toLength: 7, withPad: " ", startingAt: 0)) charge \(m.charge), \(m.electronCount) electrons, "
                        + "r_e \(entry.constants.rEquilibriumAngstrom) Å, default \(Output.fixed(range.lowerBound, 3))–\(Output.fixed(range.upperBound, 3)) Å; "
                        + entry.constants.source + (entry.constants.assumptions.map { " (assumed: \($0))" } ?? ""))
            }
            guard !library.polyatomicNames.isEmpty else { return }
            print("Polyatomic molecules (Z-matrix variables at their reference values; plan and optimize vary them):")
            for name in library.polyatomicNames {
                guard let entry = library.polyatomics[name] else { continue }
                let m = entry.molecule
                let values = entry.zmatrix.variableNames.map { variable in
                    "\(variable) = " + Output.withUnit("\(entry.values[variable] ?? .nan)", entry.zmatrix.kind(of: variable) == .length ? "Å" : "°")
                }
                print(
                    "  \(name.padding(toLength: 7, withPad: " ", startingAt: 0)) charge \(m.charge), \(m.electronCount) electrons, "
                        + values.joined(separator: ", ") + "; " + entry.source + (entry.assumptions.map { " (assumed: \($0))" } ?? ""))
            }
        }
    }
}

/// One molecule as `molecules --json` prints it.
struct ListedMolecule: Encodable {
    var name: String
    var atoms: [String]
    var charge: Int
    var multiplicity: Int
    var electrons: Int
    var massesDalton: [Double]
    /// A diatomic's r_e and default range (nil for a polyatomic).
    var rEAngstrom: Double?
    var defaultFromAngstrom: Double?
    var defaultToAngstrom: Double?
    var source: String
    var assumptions: String?
    /// A polyatomic's Z-matrix text with its reference values (nil for a diatomic).
    var zmatrix: String?
    /// A polyatomic's reference values by variable, Å and degrees.
    var values: [String: Double]?

    /// The fields every entry has: the molecule's atoms, charge, multiplicity, electrons and masses, and the source.
    private init(name: String, molecule m: Molecule, source: String, assumptions: String?) {
        self.name = name
        atoms = m.atoms.map(\.symbol)
        charge = m.charge
        multiplicity = m.multiplicity
        electrons = m.electronCount
        massesDalton = m.atoms.map(\.massDalton)
        self.source = source
        self.assumptions = assumptions
    }

    init(name: String, entry: LibraryMolecule) {
        self.init(name: name, molecule: entry.molecule, source: entry.constants.source, assumptions: entry.constants.assumptions)
        rEAngstrom = entry.constants.rEquilibriumAngstrom
        defaultFromAngstrom = entry.defaultRangeAngstrom.lowerBound
        defaultToAngstrom = entry.defaultRangeAngstrom.upperBound
    }

    /// A polyatomic of the library, as `molecules --json` prints it.
    init(name: String, polyatomic entry: LibraryPolyatomic) {
        self.init(name: name, molecule: entry.molecule, source: entry.source, assumptions: entry.assumptions)
        zmatrix = try? entry.zmatrix.text(values: entry.values)
        values = entry.values
    }
}

