import PESCore

/// The conventions of BERTHA's authors' input generator (berthaingen's `pybgen.py`), which pesscan follows by default.
///
/// Following them makes pesscan's inputs, and so its energies, those of the
/// authors' tool chain: CODATA 2018's factor moves a bond length by 1e-7 bohr
/// and an isotopic mass in the `N` field changes the energy by up to 1e-8 Eh.
public enum BerthaConventions {
    /// Bohr per ångström that berthaingen's documentation gives (`--convertlengthunit=1.8897259886`).
    public static let bohrPerAngstrom = 1.8897259886

    /// Standard atomic weights in dalton as berthaingen writes them: `mendeleev.element(symbol).atomic_weight` (mendeleev 1.3.0).
    ///
    /// Elements without a standard atomic weight have the mass number of their
    /// longest-lived isotope there (Og 294, Rn 222).
    public static let atomicWeights: [String: Double] = [
        "H": 1.008, "He": 4.002602, "Li": 6.94, "C": 12.011, "N": 14.007, "O": 15.999, "F": 18.998403163,
        "Na": 22.98976928, "Si": 28.085, "P": 30.973761998, "S": 32.06, "Cl": 35.45, "Br": 79.904, "I": 126.90447,
        "Au": 196.966569, "Hg": 200.592, "Pb": 207.2, "Rn": 222.0, "Cn": 285.0, "Fl": 289.0, "Og": 294.0,
    ]

    /// How bond lengths become bohr in `input.inp`.
    public enum LengthFactor: String, Sendable, Hashable, CaseIterable {
        /// 1.8897259886 bohr/Å, berthaingen's (the default).
        case berthaingen
        /// 1/0.529177210903 bohr/Å, CODATA 2018 (pesscan's other engines).
        case codata2018

        /// Bohr per ångström.
        public var bohrPerAngstrom: Double {
            switch self {
            case .berthaingen: return BerthaConventions.bohrPerAngstrom
            case .codata2018: return PhysicalConstants.angstromInBohr
            }
        }
    }

    /// Which mass goes into the `N` field of each centre.
    public enum MassField: String, Sendable, Hashable, CaseIterable {
        /// The element's standard atomic weight, as berthaingen (the default).
        case standard
        /// The atom's isotopic mass as the scan has it.
        case isotopic
    }

    /// The mass written for each atom of `molecule`, or the first symbol with no standard atomic weight known.
    static func masses(of molecule: Molecule, field: MassField) -> Result<[Double], MissingWeight> {
        var masses: [Double] = []
        for atom in molecule.atoms {
            switch field {
            case .isotopic: masses.append(atom.massDalton)
            case .standard:
                guard let weight = atomicWeights[atom.symbol] else { return .failure(MissingWeight(symbol: atom.symbol)) }
                masses.append(weight)
            }
        }
        return .success(masses)
    }

    /// An element whose standard atomic weight pesscan does not hold.
    struct MissingWeight: Error, Sendable, Hashable {
        var symbol: String
    }
}
