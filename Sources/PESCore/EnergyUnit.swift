/// A unit in which pesscan prints energies; every conversion goes through ``PhysicalConstants``.
public enum EnergyUnit: String, Sendable, Hashable, Codable, CaseIterable {
    case hartree
    case kilocaloriePerMole = "kcal/mol"
    case kilojoulePerMole = "kJ/mol"
    case electronvolt = "eV"
    case wavenumber = "cm-1"

    /// Reads a unit name, ignoring case: `hartree` (also `Eh`, `au`), `eV`, `kcal/mol`, `kJ/mol`, `cm-1` (also `cm^-1`, `wavenumber`).
    public init?(name: String) {
        switch name.lowercased() {
        case "hartree", "eh", "au", "a.u.": self = .hartree
        case "ev": self = .electronvolt
        case "kcal/mol": self = .kilocaloriePerMole
        case "kj/mol": self = .kilojoulePerMole
        case "cm-1", "cm^-1", "cm1", "wavenumber": self = .wavenumber
        default: return nil
        }
    }

    /// How many of this unit make one hartree.
    public var perHartree: Double {
        switch self {
        case .hartree: return 1
        case .kilocaloriePerMole: return PhysicalConstants.hartreeInKilocaloriePerMole
        case .kilojoulePerMole: return PhysicalConstants.hartreeInKilojoulePerMole
        case .electronvolt: return PhysicalConstants.hartreeInElectronvolt
        case .wavenumber: return PhysicalConstants.hartreeInWavenumber
        }
    }

    /// Converts an energy (or energy difference) in hartree to this unit.
    public func fromHartree(_ energyHartree: Double) -> Double { energyHartree * perHartree }

    /// Converts an energy (or energy difference) in this unit to hartree.
    public func toHartree(_ energy: Double) -> Double { energy / perHartree }

    /// The unit as printed next to a number, e.g. `Eh`, `kcal/mol`, `cm⁻¹`.
    public var symbol: String {
        switch self {
        case .hartree: return "Eh"
        case .wavenumber: return "cm⁻¹"
        default: return rawValue
        }
    }

    /// The unit as a suffix of a column or key name, e.g. `hartree`, `kcal_per_mol`, `cm1`.
    public var keySuffix: String {
        switch self {
        case .hartree: return "hartree"
        case .kilocaloriePerMole: return "kcal_per_mol"
        case .kilojoulePerMole: return "kj_per_mol"
        case .electronvolt: return "ev"
        case .wavenumber: return "cm1"
        }
    }
}
