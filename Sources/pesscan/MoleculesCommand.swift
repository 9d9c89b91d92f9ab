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
            if json { return try Output.json(library.names.compactMap { name in library.entries[name].map { ListedMolecule(name: name, entry: $0) } }) }
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
    var rEAngstrom: Double
    var defaultFromAngstrom: Double
    var defaultToAngstrom: Double
    var source: String
    var assumptions: String?

    init(name: String, entry: LibraryMolecule) {
        let m = entry.molecule
        self.name = name
        atoms = m.atoms.map(\.symbol)
        charge = m.charge
        multiplicity = m.multiplicity
        electrons = m.electronCount
        massesDalton = m.atoms.map(\.massDalton)
        rEAngstrom = entry.constants.rEquilibriumAngstrom
        defaultFromAngstrom = entry.defaultRangeAngstrom.lowerBound
        defaultToAngstrom = entry.defaultRangeAngstrom.upperBound
        source = entry.constants.source
        assumptions = entry.constants.assumptions
    }
}
