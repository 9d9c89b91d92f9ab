import ArgumentParser
import Foundation
import PESCore
import PESWorkflow

/// Options naming a molecule: from the library, or by its atoms; with optional isotopes.
struct MoleculeOptions: ParsableArguments {
    @Option(help: "Molecule from the library (see `pesscan molecules`), e.g. AuOg+, H2, HF.")
    var molecule: String?

    @Option(help: ArgumentHelp("Atoms of a molecule not in the library, e.g. Au,Og.", valueName: "A,B"))
    var atoms: String?

    @Option(help: "Total charge of a molecule given with --atoms.")
    var charge: Int = 0

    @Option(help: "Spin multiplicity 2S+1 (default: 1 for an even electron count, 2 for odd).")
    var multiplicity: Int?

    @Option(help: ArgumentHelp("Isotopic masses in dalton, one per atom, e.g. 1.00782503223,2.01410177812.", valueName: "M1,M2"))
    var masses: String?

    @Option(help: ArgumentHelp("Isotopes, one per atom, e.g. 1H,2H or 12C,18O (instead of --masses).", valueName: "I1,I2"))
    var isotopes: String?

    @Option(help: "Molecule library file (default: $PESSCAN_MOLECULES, else Inputs/molecules.json).")
    var molecules: String?

    /// Whether a molecule was named at all.
    var isGiven: Bool { molecule != nil || atoms != nil }

    func validate() throws {
        if molecule != nil, atoms != nil { throw ValidationError("Give either --molecule NAME or --atoms A,B, not both.") }
        if masses != nil, isotopes != nil { throw ValidationError("Give either --masses or --isotopes, not both.") }
    }

    /// The molecule, with its library entry when it came from the library.
    func resolve() throws -> (molecule: Molecule, entry: LibraryMolecule?) {
        var entry: LibraryMolecule?
        let symbols: [String]
        let name: String
        let charge: Int
        var defaultMultiplicity = 0
        if let molecule {
            let found = try MoleculeLibrary.load(path: molecules).molecule(named: molecule)
            entry = found
            symbols = found.molecule.atoms.map(\.symbol)
            name = found.molecule.name
            charge = found.molecule.charge
            defaultMultiplicity = found.molecule.multiplicity
        } else if let atoms {
            symbols = atoms.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            name = Molecule.formula(symbols: symbols, charge: self.charge)
            charge = self.charge
        } else {
            throw ValidationError("Name the molecule with --molecule NAME or --atoms A,B.")
        }
        let overrides = try massOverrides(symbols: symbols)
        let atoms = try symbols.enumerated().map { index, symbol in
            try Atom(symbol: symbol, massDalton: overrides?[index] ?? entry?.molecule.atoms[index].massDalton)
        }
        let built = try Molecule(name: name, atoms: atoms, charge: charge, multiplicity: multiplicity ?? defaultMultiplicity)
        return (built, entry)
    }

    /// The molecule alone, every failure to build it reported as bad usage.
    func resolvedMolecule() throws -> Molecule {
        do {
            return try resolve().molecule
        } catch let error as ValidationError {
            throw error
        } catch {
            throw ValidationError(String(describing: error))
        }
    }

    /// The masses or isotopes given by --masses or --isotopes, or nil when neither is given.
    func isotopeChoice() throws -> IsotopeChoice? {
        if let masses {
            return .massesDalton(try masses.split(separator: ",").map { part -> Double in
                guard let mass = Double(part.trimmingCharacters(in: .whitespaces)), mass.isFinite, mass > 0 else {
                    throw ValidationError("--masses takes positive numbers of dalton separated by commas; got \"\(part)\".")
                }
                return mass
            })
        }
        if let isotopes {
            return .isotopes(isotopes.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
        }
        return nil
    }

    /// Masses from --masses or --isotopes, one per atom, or nil when neither is given.
    func massOverrides(symbols: [String]) throws -> [Double]? {
        guard let choice = try isotopeChoice() else { return nil }
        do {
            return try choice.massesDalton(symbols: symbols)
        } catch .massCount(let expected, _) {
            throw ValidationError("--\(masses == nil ? "isotopes" : "masses") needs \(expected) \(masses == nil ? "labels" : "values"), one per atom.")
        } catch .molecule(let error) {
            throw error
        } catch {
            throw error.reported
        }
    }
}
