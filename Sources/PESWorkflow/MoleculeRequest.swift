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

    /// The polyatomic molecule of a Z-matrix's atoms: the library entry's charge and multiplicity, else the request's; masses as asked.
    public func polyatomic(symbols: [String], entry: LibraryPolyatomic?) throws(WorkflowError) -> Molecule {
        let overrides = try isotopes?.massesDalton(symbols: symbols)
        let name = entry?.molecule.name ?? Self.hillFormula(symbols: symbols, charge: charge)
        do {
            var built: [Atom] = []
            for (index, symbol) in symbols.enumerated() {
                built.append(try Atom(symbol: symbol, massDalton: overrides?[index] ?? entry?.molecule.atoms[index].massDalton))
            }
            return try Molecule.polyatomic(
                name: name, atoms: built, charge: entry?.molecule.charge ?? charge,
                multiplicity: multiplicity ?? entry?.molecule.multiplicity ?? 0)
        } catch {
            throw .molecule(error)
        }
    }

    /// The Hill formula of the atoms (C, then H, then the rest alphabetically; counts above 1 written) with the charge, e.g. `H2O`, `CH4+`.
    static func hillFormula(symbols: [String], charge: Int) -> String {
        var counts: [String: Int] = [:]
        for symbol in symbols { counts[symbol, default: 0] += 1 }
        let order = counts.keys.contains("C")
            ? ["C", "H"].filter { counts[$0] != nil } + counts.keys.filter { $0 != "C" && $0 != "H" }.sorted()
            : counts.keys.sorted()
        let body = order.map { symbol in symbol + ((counts[symbol] ?? 1) > 1 ? "\(counts[symbol] ?? 1)" : "") }.joined()
        return body + Molecule.chargeSuffix(charge)
    }
}
