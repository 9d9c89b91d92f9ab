import ArgumentParser
import PESCore

extension EnergyUnit: ExpressibleByArgument {
    /// Reads `hartree`, `eV`, `kcal/mol`, `kJ/mol` or `cm-1`, ignoring case.
    public init?(argument: String) { self.init(name: argument) }

    public static var allValueStrings: [String] { allCases.map(\.rawValue) }
}

extension LengthUnit: ExpressibleByArgument {
    /// Reads `angstrom` or `bohr`, ignoring case.
    public init?(argument: String) { self.init(name: argument) }

    public static var allValueStrings: [String] { allCases.map(\.rawValue) }
}

extension GridDesign: ExpressibleByArgument {
    /// Reads `grid` or `composite`, ignoring case.
    public init?(argument: String) { self.init(rawValue: argument.lowercased()) }

    public static var allValueStrings: [String] { allCases.map(\.rawValue) }
}
