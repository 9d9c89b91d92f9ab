import Foundation
import PESCore

/// The coordinate a curve plot runs along: a diatomic's bond length r, or the one varied coordinate of a polyatomic scan.
public struct PlotCoordinate: Sendable, Hashable {
    /// The coordinate's name, e.g. `r` or `theta`.
    public var name: String
    /// Its unit symbol: `Å` or `°`.
    public var unitSymbol: String

    public init(name: String, unitSymbol: String) {
        self.name = name
        self.unitSymbol = unitSymbol
    }

    /// A diatomic's bond length in ångström.
    public static let bondLength = PlotCoordinate(name: "r", unitSymbol: "Å")

    /// The one varied coordinate of `spec`'s polyatomic geometry; the bond length for a diatomic (or a scan varying several).
    public static func of(_ spec: ScanSpec) -> PlotCoordinate {
        guard let geometry = spec.geometry, geometry.varied.count == 1, let name = geometry.varied.first else { return .bondLength }
        return PlotCoordinate(name: name, unitSymbol: geometry.unitSymbol(of: name))
    }

    /// The axis title, e.g. `r (Å)`.
    public var axisLabel: String { "\(name) (\(unitSymbol))" }

    /// The name of its value at the minimum, e.g. `r_e`.
    public var equilibriumName: String { "\(name)_e" }

    /// A value with four decimals and the unit, e.g. `0.7414 Å` or `104.4776°`.
    public func valueText(_ value: Double) -> String {
        String(format: "%.4f", value) + (unitSymbol == "°" ? "°" : " \(unitSymbol)")
    }
}
