import PESCore

/// A molecule as asked for: a library entry by name, or atoms with a charge; with optional masses or isotopes.
public struct MoleculeRequest: Sendable, Hashable {
    /// Library name, e.g. `AuOg+`; nil when the molecule is given by its atoms.
    public var libraryName: String?
    /// Element symbols of a molecule not in the library, e.g. `["Au", "Og"]`.
    public var atoms: [String]?
    /// Total charge of a molecule given by its atoms.
    public var charge: Int
    /// Spin multiplicity 2S+1; nil for the library's, else 1 for an even electron count and 2 for odd.
    public var multiplicity: Int?
    /// Isotopic masses in dalton, one per atom.
    public var massesDalton: [Double]?
    /// Isotope labels such as `2H`, one per atom (instead of masses).
    public var isotopes: [String]?

    public init(
        libraryName: String? = nil, atoms: [String]? = nil, charge: Int = 0, multiplicity: Int? = nil,
        massesDalton: [Double]? = nil, isotopes: [String]? = nil
    ) {
        self.libraryName = libraryName
        self.atoms = atoms
        self.charge = charge
        self.multiplicity = multiplicity
        self.massesDalton = massesDalton
        self.isotopes = isotopes
    }

    /// The molecule, with its library entry when it came from the library.
    public func resolve(in library: @autoclosure () throws(MoleculeLibraryError) -> MoleculeLibrary) throws(WorkflowError)
        -> (molecule: Molecule, entry: LibraryMolecule?)
    {
        var entry: LibraryMolecule?
        let symbols: [String]
        let name: String
        let charge: Int
        var defaultMultiplicity = 0
        if let libraryName {
            let found: LibraryMolecule
            do {
                found = try library().molecule(named: libraryName)
            } catch {
                throw .molecule(error)
            }
            entry = found
            symbols = found.molecule.atoms.map(\.symbol)
            name = found.molecule.name
            charge = found.molecule.charge
            defaultMultiplicity = found.molecule.multiplicity
        } else if let atoms {
            symbols = atoms
            name = Molecule.formula(symbols: symbols, charge: self.charge)
            charge = self.charge
        } else {
            throw .invalidMolecule("Name the molecule by its library name or by its atoms.")
        }
        let overrides = try massOverrides(symbols: symbols)
        do {
            let atoms = try symbols.enumerated().map { index, symbol in
                try Atom(symbol: symbol, massDalton: overrides?[index] ?? entry?.molecule.atoms[index].massDalton)
            }
            let built = try Molecule(name: name, atoms: atoms, charge: charge, multiplicity: multiplicity ?? defaultMultiplicity)
            return (built, entry)
        } catch {
            throw .invalidMolecule(String(describing: error))
        }
    }

    /// Masses from the given masses or isotopes, one per atom, or nil when neither is given.
    public func massOverrides(symbols: [String]) throws(WorkflowError) -> [Double]? {
        if let massesDalton {
            guard massesDalton.count == symbols.count else {
                throw .invalidMolecule("\(symbols.count) masses are needed, one per atom; got \(massesDalton.count).")
            }
            return massesDalton
        }
        if let isotopes {
            guard isotopes.count == symbols.count else {
                throw .invalidMolecule("\(symbols.count) isotopes are needed, one per atom; got \(isotopes.count).")
            }
            do {
                return try zip(isotopes, symbols).map { label, symbol in try Isotopes.massDalton(of: label, forElement: symbol) }
            } catch {
                throw .invalidMolecule(String(describing: error))
            }
        }
        return nil
    }
}
