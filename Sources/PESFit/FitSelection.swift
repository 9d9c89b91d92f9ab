import PESCore

/// Which points of a scan a fit uses, and how many it leaves out for each reason.
public struct FitSelection: Sendable, Hashable {
    /// Done points with an energy, and a converged engine unless unconverged points are included.
    public var usable: [ScanPoint]
    /// Points whose every attempt failed.
    public var failedCount: Int
    /// Done points whose engine reported no convergence and that were left out.
    public var unconvergedCount: Int
    /// Points still pending or running.
    public var notComputedCount: Int

    /// Sorts `points` into those a fit uses and those it leaves out.
    public init(points: [ScanPoint], includeUnconverged: Bool) {
        usable = points.filter { $0.state == .done && $0.energyHartree != nil && (includeUnconverged || $0.converged != false) }
        failedCount = points.filter { $0.state == .failed }.count
        unconvergedCount = points.filter { $0.state == .done && $0.converged == false && !includeUnconverged }.count
        notComputedCount = points.filter { $0.state == .pending || $0.state == .running }.count
    }

    /// Bond lengths of the usable points in ångström, in the points' order.
    public var rAngstrom: [Double] { usable.map(\.rAngstrom) }
    /// Energies of the usable points in hartree, same order.
    public var energyHartree: [Double] { usable.compactMap(\.energyHartree) }

    /// The usable points of a polyatomic scan (those with coordinates): their coordinates and energies in hartree, same order.
    public var surfaceData: (points: [[Double]], energyHartree: [Double]) {
        let used = usable.filter { $0.coordinates != nil && $0.energyHartree != nil }
        return (used.compactMap(\.coordinates), used.compactMap(\.energyHartree))
    }

    /// Fits `model` through the usable points and finds its minimum.
    public func analyse(model: CurveModel) throws(FitError) -> DiatomicAnalysis {
        try DiatomicAnalysis.analyse(rAngstrom: rAngstrom, energyHartree: energyHartree, model: model)
    }
}
