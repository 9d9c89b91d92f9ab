import PESCore

/// One point of a curve plot with only what the figure draws: its index, coordinate, state, energy and convergence.
///
/// 32 bytes, where a ``ScanPoint`` with its provenance is 144: a plot of
/// 10⁶ points holds 32 MB of them beside the fit's own arrays.
public struct PlotPoint: Sendable, Hashable {
    /// Position of the point in the scan, 0-based.
    public var index: Int
    /// Bond length in ångström (a polyatomic's one varied coordinate, in its unit).
    public var rAngstrom: Double
    /// Energy in hartree, when computed.
    public var energyHartree: Double?
    /// Current state.
    public var state: PointState
    /// Whether the engine reported a converged calculation.
    public var converged: Bool?

    /// A point as the store reads it for a fit.
    public init(index: Int, rAngstrom: Double, state: PointState, energyHartree: Double?, converged: Bool?) {
        self.index = index
        self.rAngstrom = rAngstrom
        self.state = state
        self.energyHartree = energyHartree
        self.converged = converged
    }

    /// What the plot draws of `point`.
    public init(_ point: ScanPoint) {
        self.init(index: point.index, rAngstrom: point.rAngstrom, state: point.state, energyHartree: point.energyHartree, converged: point.converged)
    }
}
