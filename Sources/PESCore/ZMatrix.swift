/// A molecule's geometry as a Z-matrix: each atom placed by a bond length, an angle and a dihedral to earlier atoms.
///
/// The notation is the one Gaussian and Psi4 read:
///
///     O
///     H 1 r
///     H 1 r 2 theta
///
/// Row *i* names its element, then up to three (reference atom, value) pairs:
/// the bond length to the first reference, the angle *i*–first–second and the
/// dihedral *i*–first–second–third. References are 1-based in the text and
/// 0-based in ``Entry/atomIndex``. A value is a variable, a negated variable
/// (`-d`, for mirror-image dihedrals) or a literal number, which is fixed and
/// never scanned. A variable used twice ties the coordinates (C2v water keeps
/// both O–H bonds equal). Lengths are in ångström, angles and dihedrals in degrees.
public struct ZMatrix: Sendable, Hashable {
    /// The atom rows, in order.
    public let rows: [Row]
    /// Variable names in the order of their first use.
    public let variableNames: [String]
    /// The kind of coordinate each variable sets.
    private let kinds: [String: CoordinateKind]

    /// One atom: its element symbol and its bond, angle and dihedral (the first rows have fewer).
    public struct Row: Sendable, Hashable, Codable {
        /// Element symbol, e.g. `H`.
        public var symbol: String
        /// Bond length to an earlier atom, in Å; nil for the first atom.
        public var bond: Entry?
        /// Angle at the bond atom to a second earlier atom, in degrees; nil for the first two atoms.
        public var angle: Entry?
        /// Dihedral about the bond atom and the angle atom to a third earlier atom, in degrees; nil for the first three atoms.
        public var dihedral: Entry?

        /// Creates a row from its symbol and entries.
        public init(symbol: String, bond: Entry? = nil, angle: Entry? = nil, dihedral: Entry? = nil) {
            self.symbol = symbol
            self.bond = bond
            self.angle = angle
            self.dihedral = dihedral
        }

        /// The row's entries with their kinds, in the order bond, angle, dihedral.
        var entries: [(kind: CoordinateKind, entry: Entry)] {
            [(CoordinateKind.length, bond), (.angle, angle), (.dihedral, dihedral)].compactMap { kind, entry in
                entry.map { (kind, $0) }
            }
        }
    }

    /// One coordinate of a row: the atom it refers to and its value.
    public struct Entry: Sendable, Hashable, Codable {
        /// 0-based index of the reference atom (the text writes it 1-based).
        public var atomIndex: Int
        /// The coordinate's value: a variable, a negated variable or a literal.
        public var value: Value

        /// Creates an entry referring to the atom at 0-based `atomIndex`.
        public init(atomIndex: Int, value: Value) {
            self.atomIndex = atomIndex
            self.value = value
        }
    }

    /// Where a coordinate's number comes from.
    public enum Value: Sendable, Hashable, Codable {
        /// The value of a named variable.
        case variable(String)
        /// Minus the value of a named variable (`-d`), for mirror-image dihedrals.
        case negatedVariable(String)
        /// A fixed number (Å or degrees), never scanned.
        case literal(Double)

        /// The variable the value reads, if any.
        public var variableName: String? {
            switch self {
            case .variable(let name), .negatedVariable(let name): return name
            case .literal: return nil
            }
        }
    }

    /// What a coordinate measures, which fixes its unit.
    public enum CoordinateKind: String, Sendable, Hashable, Codable, CustomStringConvertible {
        /// A bond length in Å.
        case length
        /// A bond angle in degrees.
        case angle
        /// A dihedral (torsion) angle in degrees.
        case dihedral

        public var description: String { rawValue }

        /// "a length", "an angle", "a dihedral": for messages.
        var withArticle: String { self == .length || self == .dihedral ? "a \(rawValue)" : "an \(rawValue)" }
    }

    /// Creates a Z-matrix from its rows, checking symbols, references and the kinds of the variables.
    ///
    /// The first row has no entries, the second a bond, the third a bond and an
    /// angle, every later one all three; each row refers to three (or fewer)
    /// different earlier atoms; literal lengths are positive and every literal finite.
    public init(rows: [Row]) throws(ZMatrixError) {
        guard !rows.isEmpty else { throw .empty }
        var names: [String] = []
        var kinds: [String: CoordinateKind] = [:]
        for (index, row) in rows.enumerated() {
            let atomNumber = index + 1
            guard Element.named(row.symbol) != nil else { throw .unknownElement(atomNumber: atomNumber, symbol: row.symbol) }
            let entries = row.entries
            let present = [row.bond != nil, row.angle != nil, row.dihedral != nil]
            let expected = (0..<3).map { $0 < min(index, 3) }
            guard present == expected else {
                throw .wrongEntryCount(atomNumber: atomNumber, symbol: row.symbol, count: 2 * entries.count)
            }
            var seen: Set<Int> = []
            for (kind, entry) in entries {
                guard entry.atomIndex >= 0, entry.atomIndex < index else {
                    throw .referenceNotEarlier(atomNumber: atomNumber, reference: entry.atomIndex + 1)
                }
                guard seen.insert(entry.atomIndex).inserted else {
                    throw .duplicateReference(atomNumber: atomNumber, reference: entry.atomIndex + 1)
                }
                switch entry.value {
                case .literal(let number):
                    guard number.isFinite else { throw .badValue(atomNumber: atomNumber, token: "\(number)") }
                    if kind == .length, number <= 0 {
                        throw .nonPositiveLength(atomNumber: atomNumber, name: nil, valueAngstrom: number)
                    }
                case .variable(let name), .negatedVariable(let name):
                    guard Self.isVariableName(name) else { throw .badValue(atomNumber: atomNumber, token: name) }
                    if let first = kinds[name] {
                        guard first == kind else {
                            throw .mixedKinds(name: name, first: first, second: kind, atomNumber: atomNumber)
                        }
                    } else {
                        kinds[name] = kind
                        names.append(name)
                    }
                }
            }
        }
        self.rows = rows
        self.variableNames = names
        self.kinds = kinds
    }

    /// Element symbols of the atoms, in row order.
    public var symbols: [String] { rows.map(\.symbol) }

    /// Number of atoms.
    public var atomCount: Int { rows.count }

    /// What the variable `name` sets (and so its unit), or nil when no row uses it.
    public func kind(of name: String) -> CoordinateKind? { kinds[name] }

    /// Whether `name` can be a variable: a letter or `_` first, then letters, digits or `_`.
    public static func isVariableName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first.properties.isAlphabetic || first == "_" else { return false }
        return name.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" }
    }
}

extension ZMatrix: Codable {
    private enum CodingKeys: String, CodingKey { case rows }

    /// Decodes the rows and checks them as ``init(rows:)`` does.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(rows: container.decode([Row].self, forKey: .rows))
    }

    /// Encodes the rows; the variable names and kinds follow from them.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(rows, forKey: .rows)
    }
}
