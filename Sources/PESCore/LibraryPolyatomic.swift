import Foundation

/// One polyatomic molecule of the library: the molecule, its Z-matrix and a sourced reference geometry.
public struct LibraryPolyatomic: Sendable, Hashable {
    /// The molecule, its atoms in the Z-matrix's order with their isotopic masses.
    public var molecule: Molecule
    /// The Z-matrix whose variables a scan varies.
    public var zmatrix: ZMatrix
    /// Reference values of every variable: Å for lengths, degrees for angles and dihedrals.
    public var values: [String: Double]
    /// Where the reference geometry comes from.
    public var source: String
    /// Which values are choices (e.g. a dihedral fixed by symmetry) rather than measured.
    public var assumptions: String?
}

/// The JSON shape of one entry of the library's `polyatomics` array.
struct PolyatomicRecord: Decodable {
    var name: String
    /// The Z-matrix rows, one per string, without values.
    var zmatrix: [String]
    var valuesAngstromOrDegree: [String: Double]
    var charge: Int
    var multiplicity: Int?
    var isotopesDalton: [Double]?
    var source: String
    var assumptions: String?

    enum CodingKeys: String, CodingKey {
        case name, zmatrix, charge, multiplicity, source, assumptions
        case valuesAngstromOrDegree = "values_angstrom_or_degree"
        case isotopesDalton = "isotopes_dalton"
    }

    /// The entry, after checking that its Z-matrix reads, every variable has a value and the geometry builds.
    func validated() throws -> LibraryPolyatomic {
        let parsed = try ZMatrix.parse(zmatrix.joined(separator: "\n"))
        guard parsed.values.isEmpty else {
            throw MoleculeLibraryError.invalidEntry(
                "", name, "the zmatrix lines hold values; give them in values_angstrom_or_degree only")
        }
        let matrix = parsed.zmatrix
        for name in valuesAngstromOrDegree.keys.sorted() where matrix.kind(of: name) == nil {
            throw ZMatrixError.valueForUnknownVariable(name: name, known: matrix.variableNames)
        }
        _ = try matrix.cartesianAngstrom(values: valuesAngstromOrDegree)
        let masses = isotopesDalton ?? []
        guard masses.isEmpty || masses.count == matrix.atomCount else {
            throw MoleculeLibraryError.invalidEntry(
                "", name, "isotopes_dalton has \(masses.count) values for \(matrix.atomCount) atoms")
        }
        let atoms = try matrix.symbols.enumerated().map { index, symbol in
            try Atom(symbol: symbol, massDalton: masses.isEmpty ? nil : masses[index])
        }
        let molecule = try Molecule.polyatomic(name: name, atoms: atoms, charge: charge, multiplicity: multiplicity ?? 0)
        guard !source.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw MoleculeLibraryError.invalidEntry("", name, "source is empty; say where the geometry comes from")
        }
        return LibraryPolyatomic(
            molecule: molecule, zmatrix: matrix, values: valuesAngstromOrDegree, source: source, assumptions: assumptions)
    }
}
