/// Why a Z-matrix could not be read, checked or turned into Cartesian coordinates.
///
/// Atom numbers in the cases are 1-based, as in the Z-matrix text; line numbers count from 1.
public enum ZMatrixError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The text has no atom rows.
    case empty
    /// A row's symbol is not an element symbol.
    case unknownElement(atomNumber: Int, symbol: String)
    /// A row has the wrong number of entries after its symbol for its position.
    case wrongEntryCount(atomNumber: Int, symbol: String, count: Int)
    /// A reference is not a whole atom number.
    case badReference(atomNumber: Int, token: String)
    /// A reference names the row's own atom or a later one.
    case referenceNotEarlier(atomNumber: Int, reference: Int)
    /// One row refers to the same atom twice.
    case duplicateReference(atomNumber: Int, reference: Int)
    /// An entry is neither a variable name, a negated name nor a finite number.
    case badValue(atomNumber: Int, token: String)
    /// A length (a literal, or a variable's value with its sign) is not positive.
    case nonPositiveLength(atomNumber: Int, name: String?, valueAngstrom: Double)
    /// A variable's value is infinite or not a number.
    case nonFiniteValue(name: String, value: Double)
    /// One variable is used for coordinates of two kinds.
    case mixedKinds(name: String, first: ZMatrix.CoordinateKind, second: ZMatrix.CoordinateKind, atomNumber: Int)
    /// A line after the rows is neither a variable value nor blank.
    case malformedLine(line: Int, text: String)
    /// A variable is given a value twice.
    case duplicateValue(name: String, line: Int)
    /// A value is given for a name that no row uses.
    case valueForUnknownVariable(name: String, known: [String])
    /// Variables that have no value.
    case missingValues([String])
    /// A dihedral's three reference atoms lie on one line.
    case collinearReference(atomNumber: Int, references: [Int])
    /// A name asked for (e.g. a Jacobian column) is not a variable of the Z-matrix.
    case unknownVariable(name: String, known: [String])

    public var description: String {
        switch self {
        case .empty:
            return "The Z-matrix has no atoms. Write one atom per line, e.g. \"O\", \"H 1 r\", \"H 1 r 2 theta\"."
        case .unknownElement(let atom, let symbol):
            return "Atom \(atom) has the unknown element symbol \"\(symbol)\". Write symbols as in the periodic table (O, H, Cl); dummy atoms (X) are not supported, so reorder the Z-matrix or give Cartesian coordinates."
        case .wrongEntryCount(let atom, let symbol, let count):
            return "Atom \(atom) (\(symbol)) has \(Plural.count(count, "entry", plural: "entries")) after its symbol; \(Self.expectedEntries(atomNumber: atom))"
        case .badReference(let atom, let token):
            return "Atom \(atom) refers to \"\(token)\", which is not an atom number; references are 1-based numbers of earlier rows."
        case .referenceNotEarlier(let atom, let reference):
            return "Atom \(atom) refers to atom \(reference); each row may refer only to atoms defined above it (1 to \(atom - 1))."
        case .duplicateReference(let atom, let reference):
            return "Atom \(atom) refers to atom \(reference) twice; its bond, angle and dihedral need three different atoms."
        case .badValue(let atom, let token):
            return "Atom \(atom) has the entry \"\(token)\", which is neither a variable name (a letter first, then letters, digits or _), a negated name such as -d, nor a finite number."
        case .nonPositiveLength(let atom, let name, let value):
            let what = name.map { "the variable \($0) gives it" } ?? "it is given as"
            return "The bond length of atom \(atom) must be a positive number of ångström, but \(what) \(value)."
        case .nonFiniteValue(let name, let value):
            return "The variable \(name) has the value \(value); give a finite number (Å for lengths, degrees for angles)."
        case .mixedKinds(let name, let first, let second, let atom):
            return "The variable \(name) is used as \(first.withArticle) and, at atom \(atom), as \(second.withArticle); a variable ties coordinates of one kind only, so give each its own name."
        case .malformedLine(let line, let text):
            return "Line \(line) (\"\(text)\") is not a variable value; after the atom rows write one value per line, as \"r = 0.96\" or \"r 0.96\"."
        case .duplicateValue(let name, let line):
            return "The variable \(name) is given a second value on line \(line); keep one."
        case .valueForUnknownVariable(let name, let known):
            return "A value is given for \(name), but no row uses it.\(Suggestion.didYouMean(name, among: known)) Variables: \(Self.list(known))."
        case .missingValues(let names):
            return "No value for \(Self.list(names)); give one per variable, as \"name = value\" (Å for lengths, degrees for angles)."
        case .collinearReference(let atom, let references):
            let atoms = references.map(String.init)
            return "Atom \(atom) takes its dihedral from atoms \(atoms.dropLast().joined(separator: ", ")) and \(atoms.last ?? ""), which lie on one line, so the dihedral is undefined. Reorder the Z-matrix so that each dihedral refers to three atoms not on one line (no dummy atoms needed), or give the geometry as Cartesian coordinates."
        case .unknownVariable(let name, let known):
            return "\(name) is not a variable of the Z-matrix.\(Suggestion.didYouMean(name, among: known)) Variables: \(Self.list(known))."
        }
    }

    private static func list(_ names: [String]) -> String {
        names.isEmpty ? "none" : names.joined(separator: ", ")
    }

    private static func expectedEntries(atomNumber: Int) -> String {
        switch atomNumber {
        case 1: return "the first atom is the symbol alone, e.g. \"O\"."
        case 2: return "the second atom needs a bond: an atom number and a length, e.g. \"H 1 r\"."
        case 3: return "the third atom needs a bond and an angle, e.g. \"H 1 r 2 theta\"."
        default: return "atom 4 onwards needs a bond, an angle and a dihedral, e.g. \"H 1 r 2 a 3 d\"."
        }
    }
}
