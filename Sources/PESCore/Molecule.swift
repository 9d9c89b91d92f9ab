/// One atom of a molecule: its element and the isotopic mass used for vibrational constants.
public struct Atom: Sendable, Hashable, Codable {
    /// Element symbol, e.g. `Au`.
    public var symbol: String
    /// Atomic number Z of the element.
    public var atomicNumber: Int
    /// Isotopic mass in dalton.
    public var massDalton: Double

    /// Creates an atom from an element symbol, with an explicit mass or the element's most abundant isotope.
    public init(symbol: String, massDalton: Double? = nil) throws(MoleculeError) {
        guard let element = Element.named(symbol) else {
            throw .unknownElement(symbol)
        }
        guard let mass = massDalton ?? element.isotopeMassDalton else {
            throw .missingMass(symbol)
        }
        guard mass.isFinite, mass > 0 else { throw .invalidMass(symbol, mass) }
        self.symbol = symbol
        self.atomicNumber = element.atomicNumber
        self.massDalton = mass
    }
}

/// A molecule: its atoms, a total charge and a spin multiplicity; most of pesscan scans diatomics (two atoms).
public struct Molecule: Sendable, Hashable, Codable {
    /// Name as the user writes it, e.g. `AuOg+`.
    public var name: String
    /// The two atoms, in the order of the bond.
    public var atoms: [Atom]
    /// Total charge in units of the elementary charge.
    public var charge: Int
    /// Spin multiplicity 2S + 1.
    public var multiplicity: Int

    /// Creates a diatomic molecule, checking that it has two atoms and a possible electron count.
    public init(name: String, atoms: [Atom], charge: Int, multiplicity: Int = 0) throws(MoleculeError) {
        guard atoms.count == 2 else { throw .notDiatomic(name, atoms.count) }
        try self.init(checkedName: name, atoms: atoms, charge: charge, multiplicity: multiplicity)
    }

    /// Creates a molecule of two or more atoms (its geometry given by a Z-matrix elsewhere), checking its electron count.
    public static func polyatomic(name: String, atoms: [Atom], charge: Int, multiplicity: Int = 0) throws(MoleculeError) -> Molecule {
        guard atoms.count >= 2 else { throw .notDiatomic(name, atoms.count) }
        return try Molecule(checkedName: name, atoms: atoms, charge: charge, multiplicity: multiplicity)
    }

    /// Whether the molecule has exactly two atoms, so that one bond length is its whole geometry.
    public var isDiatomic: Bool { atoms.count == 2 }

    private init(checkedName name: String, atoms: [Atom], charge: Int, multiplicity: Int) throws(MoleculeError) {
        self.name = name
        self.atoms = atoms
        self.charge = charge
        // Charges and multiplicities come from users and files: no arithmetic here may overflow.
        let (electrons, overflow) = atoms.reduce(0) { $0 + $1.atomicNumber }.subtractingReportingOverflow(charge)
        guard !overflow, electrons >= 0 else { throw .impossibleCharge(name, charge) }
        self.multiplicity = multiplicity > 0 ? multiplicity : (electrons % 2 == 0 ? 1 : 2)
        // Checked first, so that the sum below stays within 2 × electrons.
        guard self.multiplicity - 1 <= electrons, (electrons + self.multiplicity - 1) % 2 == 0 else {
            throw .impossibleMultiplicity(name, self.multiplicity, electrons)
        }
    }

    /// Number of electrons: the sum of atomic numbers minus the charge.
    public var electronCount: Int {
        atoms.reduce(0) { $0 + $1.atomicNumber } - charge
    }

    /// Reduced mass of the first two atoms in dalton (the diatomic's reduced mass).
    public var reducedMassDalton: Double {
        let m1 = atoms[0].massDalton, m2 = atoms[1].massDalton
        return m1 * m2 / (m1 + m2)
    }

    /// Chemical formula from the atom symbols and charge, e.g. `AuOg+`.
    public static func formula(symbols: [String], charge: Int) -> String {
        let body = symbols.count == 2 && symbols[0] == symbols[1] ? symbols[0] + "2" : symbols.joined()
        return body + chargeSuffix(charge)
    }

    /// How a charge is written after a formula: nothing for 0, `+`, `-`, `2+`, `3-`.
    public static func chargeSuffix(_ charge: Int) -> String {
        switch charge {
        case 0: return ""
        case 1: return "+"
        case -1: return "-"
        case let c where c > 0: return "\(c)+"
        default: return "\(charge.magnitude)-"  // magnitude: -Int.min would overflow
        }
    }
}

/// Why a molecule could not be built.
public enum MoleculeError: Error, Sendable, Equatable, CustomStringConvertible {
    case unknownElement(String)
    case missingMass(String)
    case invalidMass(String, Double)
    case notDiatomic(String, Int)
    case impossibleCharge(String, Int)
    case impossibleMultiplicity(String, Int, Int)
    case unknownIsotope(String)
    case isotopeOfOtherElement(String, String)

    public var description: String {
        switch self {
        case .unknownElement(let symbol):
            return "Unknown element symbol \"\(symbol)\". Write symbols as in the periodic table, e.g. Au, Og, H."
        case .missingMass(let symbol):
            return "pesscan has no isotopic mass for \(symbol). Give the masses with --masses M1,M2 (dalton)."
        case .invalidMass(let symbol, let mass):
            return "The mass \(mass) given for \(symbol) is not a positive number of dalton."
        case .notDiatomic(let name, let count):
            return "\(name) has \(count) atoms; pesscan scans bond lengths of diatomic molecules (exactly two atoms, e.g. --atoms Au,Og)."
        case .impossibleCharge(let name, let charge):
            return "\(name) cannot have charge \(charge): that leaves fewer than zero electrons."
        case .unknownIsotope(let label):
            return "Unknown isotope \"\(label)\". Write mass number and symbol, e.g. 2H, 13C, 37Cl, or give --masses in dalton."
        case .isotopeOfOtherElement(let label, let symbol):
            return "The isotope \(label) is not an isotope of \(symbol); give one isotope per atom in the molecule's order."
        case .impossibleMultiplicity(let name, let multiplicity, let electrons):
            return "\(name) with \(electrons) electrons cannot have multiplicity \(multiplicity); use an odd multiplicity for an even electron count and an even one for an odd count."
        }
    }
}
