/// A unit of bond length that pesscan reads; every conversion goes through ``PhysicalConstants``.
public enum LengthUnit: String, Sendable, Hashable, Codable, CaseIterable {
    case angstrom
    case bohr

    /// Reads a unit name, ignoring case: `angstrom` (also `Å`, `A`, `ang`) or `bohr` (also `au`, `a0`).
    public init?(name: String) {
        switch name.lowercased() {
        case "angstrom", "å", "a", "ang": self = .angstrom
        case "bohr", "au", "a.u.", "a0": self = .bohr
        default: return nil
        }
    }

    /// How many of this unit make one ångström.
    public var perAngstrom: Double {
        switch self {
        case .angstrom: return 1
        case .bohr: return PhysicalConstants.angstromInBohr
        }
    }

    /// Converts a length in this unit to ångström.
    public func toAngstrom(_ length: Double) -> Double { length / perAngstrom }

    /// The unit as a suffix of a column or key name: `angstrom`, `bohr`.
    public var keySuffix: String { rawValue }
}
