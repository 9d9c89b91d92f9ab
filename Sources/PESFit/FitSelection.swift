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

    /// Whether done points whose engine reported no convergence are used too.
    public var includeUnconverged: Bool

    /// Sorts `points` into those a fit uses and those it leaves out, in one pass.
    public init(points: [ScanPoint], includeUnconverged: Bool) {
        self.includeUnconverged = includeUnconverged
        failedCount = 0
        unconvergedCount = 0
        notComputedCount = 0
        var usableCount = 0
        for point in points {
            if Self.uses(point, includeUnconverged: includeUnconverged) { usableCount += 1 }
            switch point.state {
            case .failed: failedCount += 1
            case .pending, .running: notComputedCount += 1
            case .done: if point.converged == false && !includeUnconverged { unconvergedCount += 1 }
            }
        }
        // When every point is used (a finished scan), the array is shared with the caller's, not copied.
        if usableCount == points.count {
            usable = points
        } else {
            usable = []
            usable.reserveCapacity(usableCount)
            for point in points where Self.uses(point, includeUnconverged: includeUnconverged) { usable.append(point) }
        }
    }

    /// Whether a fit of this selection uses `point`: the one rule, for a point of the scan it was made from.
    public func uses(_ point: ScanPoint) -> Bool { Self.uses(point, includeUnconverged: includeUnconverged) }

    /// Done with an energy, and converged unless unconverged points are included.
    private static func uses(_ point: ScanPoint, includeUnconverged: Bool) -> Bool {
        point.state == .done && point.energyHartree != nil && (includeUnconverged || point.converged != false)
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
