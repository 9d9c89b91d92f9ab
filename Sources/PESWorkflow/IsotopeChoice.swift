import PESCore

/// Isotopic masses chosen for a molecule's atoms: masses in dalton, or isotope labels such as `2H`.
public enum IsotopeChoice: Sendable, Hashable {
    /// One mass in dalton per atom.
    case massesDalton([Double])
    /// One isotope label per atom, e.g. `["12C", "18O"]`.
    case isotopes([String])

    /// The masses in dalton for atoms with these element symbols, one per atom.
    public func massesDalton(symbols: [String]) throws(WorkflowError) -> [Double] {
        switch self {
        case .massesDalton(let masses):
            guard masses.count == symbols.count else { throw .massCount(expected: symbols.count, given: masses.count) }
            return masses
        case .isotopes(let labels):
            guard labels.count == symbols.count else { throw .massCount(expected: symbols.count, given: labels.count) }
            var masses: [Double] = []
            for (label, symbol) in zip(labels, symbols) {
                do {
                    masses.append(try Isotopes.massDalton(of: label, forElement: symbol))
                } catch {
                    throw .molecule(error)
                }
            }
            return masses
        }
    }

    /// `molecule` with its atoms' masses replaced by this choice.
    public func applied(to molecule: Molecule) throws(WorkflowError) -> Molecule {
        var changed = molecule
        let masses = try massesDalton(symbols: molecule.atoms.map(\.symbol))
        changed.atoms = []
        for (atom, mass) in zip(molecule.atoms, masses) {
            do {
                changed.atoms.append(try Atom(symbol: atom.symbol, massDalton: mass))
            } catch {
                throw .molecule(error)
            }
        }
        return changed
    }
}
