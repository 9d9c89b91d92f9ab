import ArgumentParser
import Foundation
import PESCore

extension Pesscan {
    /// `pesscan molecules`: the molecule library with its default ranges and sources.
    struct Molecules: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the molecules of the library with their default scan ranges.",
            discussion: """
                Example:
                  pesscan molecules
                """)

        @Option(help: "Molecule library file (default: $PESSCAN_MOLECULES, else Inputs/molecules.json).")
        var molecules: String?

        func run() throws {
            let url: URL
            let library: MoleculeLibrary
            do {
                url = try Locations.moleculeLibrary(option: molecules)
                library = try MoleculeLibrary.load(from: url)
            } catch {
                throw Failure.report(error.description, status: error.exitStatus)
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
        }
    }
}
