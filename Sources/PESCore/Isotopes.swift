/// Isotopic masses by mass number and symbol (`2H`, `37Cl`), for `--isotopes`.
public enum Isotopes {
    /// Masses in dalton (AME2016 / NIST) of common isotopes, keyed like `2H`.
    static let massesDalton: [String: Double] = [
        "1H": 1.00782503223, "2H": 2.01410177812, "3H": 3.0160492779, "D": 2.01410177812, "T": 3.0160492779,
        "6Li": 6.0151228874, "7Li": 7.0160034366, "12C": 12.0, "13C": 13.00335483507,
        "14N": 14.00307400443, "15N": 15.00010889888, "16O": 15.99491461957, "17O": 16.99913175650,
        "18O": 17.99915961286, "19F": 18.99840316273, "23Na": 22.9897692820, "35Cl": 34.968852682,
        "37Cl": 36.965902602, "79Br": 78.9183376, "81Br": 80.9162897, "127I": 126.9044719,
        "197Au": 196.96656879, "294Og": 294.21392,
    ]

    /// The mass in dalton of an isotope written `2H`, `37Cl` (or `D`, `T`), checked against the expected element.
    public static func massDalton(of label: String, forElement symbol: String) throws(MoleculeError) -> Double {
        guard let mass = massesDalton[label] else { throw .unknownIsotope(label) }
        let element = label == "D" || label == "T" ? "H" : String(label.drop(while: { $0.isNumber }))
        guard element == symbol else { throw .isotopeOfOtherElement(label, symbol) }
        return mass
    }
}
