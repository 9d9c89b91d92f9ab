/// A chemical element: its symbol, atomic number and the mass of its most abundant isotope.
public struct Element: Sendable, Hashable {
    /// Element symbol as written in the periodic table, e.g. `Au`.
    public let symbol: String
    /// Atomic number Z.
    public let atomicNumber: Int
    /// Mass of the most abundant (or longest-lived) isotope in dalton, when pesscan knows it.
    public let isotopeMassDalton: Double?

    /// Looks up an element by its symbol, case-sensitively (`Au`, not `AU`).
    public static func named(_ symbol: String) -> Element? {
        guard let index = symbols.firstIndex(of: symbol) else { return nil }
        return Element(symbol: symbol, atomicNumber: index + 1, isotopeMassDalton: isotopeMasses[symbol])
    }

    /// Element symbols in order of atomic number, Z = 1 … 118.
    static let symbols: [String] = [
        "H", "He", "Li", "Be", "B", "C", "N", "O", "F", "Ne",
        "Na", "Mg", "Al", "Si", "P", "S", "Cl", "Ar", "K", "Ca",
        "Sc", "Ti", "V", "Cr", "Mn", "Fe", "Co", "Ni", "Cu", "Zn",
        "Ga", "Ge", "As", "Se", "Br", "Kr", "Rb", "Sr", "Y", "Zr",
        "Nb", "Mo", "Tc", "Ru", "Rh", "Pd", "Ag", "Cd", "In", "Sn",
        "Sb", "Te", "I", "Xe", "Cs", "Ba", "La", "Ce", "Pr", "Nd",
        "Pm", "Sm", "Eu", "Gd", "Tb", "Dy", "Ho", "Er", "Tm", "Yb",
        "Lu", "Hf", "Ta", "W", "Re", "Os", "Ir", "Pt", "Au", "Hg",
        "Tl", "Pb", "Bi", "Po", "At", "Rn", "Fr", "Ra", "Ac", "Th",
        "Pa", "U", "Np", "Pu", "Am", "Cm", "Bk", "Cf", "Es", "Fm",
        "Md", "No", "Lr", "Rf", "Db", "Sg", "Bh", "Hs", "Mt", "Ds",
        "Rg", "Cn", "Nh", "Fl", "Mc", "Lv", "Ts", "Og",
    ]

    /// Isotopic masses in dalton of the most abundant isotopes (AME2016/NIST values).
    ///
    /// Og has no stable isotope; ²⁹⁴Og, the only one observed, is used.
    static let isotopeMasses: [String: Double] = [
        "H": 1.00782503223, "He": 4.00260325413, "Li": 7.0160034366,
        "C": 12.0, "N": 14.00307400443, "O": 15.99491461957, "F": 18.99840316273,
        "Na": 22.9897692820, "Si": 27.97692653465, "P": 30.97376199842,
        "S": 31.9720711744, "Cl": 34.968852682, "Br": 78.9183376,
        "I": 126.9044719, "Au": 196.96656879, "Og": 294.21392,
    ]
}
