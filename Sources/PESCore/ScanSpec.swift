/// Which engine computes a scan's energies, with the settings that travel with the scan.
public struct EngineSettings: Sendable, Hashable, Codable {
    /// Engine name, e.g. `model`.
    public var name: String
    /// Engine options as key–value pairs (method, basis, program-specific settings).
    public var options: [String: String]

    public init(name: String, options: [String: String] = [:]) {
        self.name = name
        self.options = options
    }
}

/// Everything needed to plan a scan: molecule, bond lengths, engine; stored whole with the scan.
public struct ScanSpec: Sendable, Hashable, Codable {
    /// Name of the scan, unique in a database.
    public var name: ScanName
    /// The molecule scanned.
    public var molecule: Molecule
    /// Engine and its settings.
    public var engine: EngineSettings
    /// Constants the built-in model energy uses, when the molecule has them.
    public var modelConstants: SpectroscopicConstants?
    /// Bond lengths in ångström, ascending; for a polyatomic scan, each point's first varied coordinate.
    public var bondLengthsAngstrom: [Double]
    /// The Z-matrix and varied coordinates of a polyatomic scan; nil for a diatomic's bond-length scan.
    public var geometry: PolyatomicGeometry?

    public init(
        name: ScanName, molecule: Molecule, engine: EngineSettings,
        modelConstants: SpectroscopicConstants?, bondLengthsAngstrom: [Double], geometry: PolyatomicGeometry? = nil
    ) {
        self.name = name
        self.molecule = molecule
        self.engine = engine
        self.modelConstants = modelConstants
        self.bondLengthsAngstrom = bondLengthsAngstrom
        self.geometry = geometry
    }
}

extension ScanSpec {
    /// The spec without its points (bond lengths, a polyatomic's coordinates): what the scan table stores, the point table holding the rest.
    public var withoutPoints: ScanSpec {
        var spec = self
        spec.bondLengthsAngstrom = []
        spec.geometry?.pointCoordinates = []
        return spec
    }
}

/// Why a scan could not be planned.
public enum ScanSpecError: Error, Sendable, Equatable, CustomStringConvertible {
    case tooFewPoints(Int)
    case nonPositiveRange(Double, Double)
    case reversedRange(Double, Double)
    case nonPositiveWidth(Double)
    case invalidScanName(String)
    case conflictingRangeOptions
    case missingRange(String)

    public var description: String {
        switch self {
        case .tooFewPoints(let count):
            return "A scan needs at least 2 points; got --points \(count)."
        case .nonPositiveRange(let from, let to):
            return "Bond lengths must be positive and finite; got \(from) … \(to) Å."
        case .reversedRange(let from, let to):
            return "The range \(from) … \(to) Å is reversed or empty; give --from below --to."
        case .nonPositiveWidth(let width):
            return "--width must be a positive number of ångström; got \(width)."
        case .invalidScanName(let name):
            return "Invalid scan name \"\(name)\": use 1–64 letters, digits, '.', '_', '+' or '-', starting with a letter or digit."
        case .conflictingRangeOptions:
            return "Give the range either as --from/--to or as --center/--width, not both."
        case .missingRange(let molecule):
            return "\(molecule) has no default range; give --from and --to (or --center and --width) in ångström."
        }
    }
}
