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
    /// Masses or isotopes replacing the default (most abundant) isotopes.
    public var isotopes: IsotopeChoice?

    public init(libraryName: String? = nil, atoms: [String]? = nil, charge: Int = 0, multiplicity: Int? = nil, isotopes: IsotopeChoice? = nil) {
        self.libraryName = libraryName
        self.atoms = atoms
        self.charge = charge
        self.multiplicity = multiplicity
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
                throw .library(error)
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
            throw .noMolecule
        }
        let overrides = try isotopes?.massesDalton(symbols: symbols)
        do {
            var built: [Atom] = []
            for (index, symbol) in symbols.enumerated() {
                built.append(try Atom(symbol: symbol, massDalton: overrides?[index] ?? entry?.molecule.atoms[index].massDalton))
            }
            return (try Molecule(name: name, atoms: built, charge: charge, multiplicity: multiplicity ?? defaultMultiplicity), entry)
        } catch {
            throw .molecule(error)
        }
    }
}
