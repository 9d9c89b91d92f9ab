import PESCore

/// Which points of a scan a fit uses, and how many it leaves out for each reason.
///
/// The one rule of fit, plot and the polyatomic surface: a point is used when it
/// is done with an energy and, unless unconverged points are included, its
/// engine did not report non-convergence. Points are added one at a time (as
/// the store reads them, ``add(index:rAngstrom:state:energyHartree:converged:coordinates:)``),
/// and only what a fit needs is kept, in contiguous arrays.
public struct FitSelection: Sendable, Hashable {
    /// Whether done points whose engine reported no convergence are used.
    public let includeUnconverged: Bool
    /// Bond lengths of the usable points in ångström, in the order added.
    public private(set) var rAngstrom: [Double] = []
    /// Energies of the usable points in hartree, same order.
    public private(set) var energyHartree: [Double] = []
    /// Index in the scan of each usable point, same order.
    public private(set) var pointIndices: [Int] = []
    /// Bond lengths (a polyatomic's first coordinate) of the points still pending or running, in ångström.
    public private(set) var notComputedRAngstrom: [Double] = []
    /// Coordinates of the usable points that have them (polyatomic scans), in the order added.
    private var surfacePoints: [[Double]] = []
    /// Energies in hartree of ``surfacePoints``, same order.
    private var surfaceEnergyHartree: [Double] = []
    /// Points whose every attempt failed.
    public private(set) var failedCount = 0
    /// Done points whose engine reported no convergence and that were left out.
    public private(set) var unconvergedCount = 0
    /// Points added, used or not.
    public private(set) var scanPointCount = 0

    /// An empty selection, to which points are added.
    public init(includeUnconverged: Bool) {
        self.includeUnconverged = includeUnconverged
    }

    /// Sorts `points` into those a fit uses and those it leaves out.
    public init(points: [ScanPoint], includeUnconverged: Bool) {
        self.init(includeUnconverged: includeUnconverged)
        for point in points {
            add(index: point.index, rAngstrom: point.rAngstrom, state: point.state, energyHartree: point.energyHartree,
                converged: point.converged, coordinates: point.coordinates)
        }
    }

    /// Adds one point of the scan: kept when it is used, else counted by why it is not.
    public mutating func add(
        index: Int, rAngstrom r: Double, state: PointState, energyHartree e: Double?, converged: Bool?, coordinates: [Double]?
    ) {
        scanPointCount += 1
        switch state {
        case .failed:
            failedCount += 1
        case .pending, .running:
            notComputedRAngstrom.append(r)
        case .done:
            if converged == false, !includeUnconverged { unconvergedCount += 1 }
            guard Self.uses(state: state, energyHartree: e, converged: converged, includeUnconverged: includeUnconverged), let e
            else { return }
            rAngstrom.append(r)
            energyHartree.append(e)
            pointIndices.append(index)
            if let coordinates {
                surfacePoints.append(coordinates)
                surfaceEnergyHartree.append(e)
            }
        }
    }

    /// Whether a fit of this selection uses `point`: the one rule, for a point of the scan it was made from.
    public func uses(_ point: ScanPoint) -> Bool {
        uses(state: point.state, energyHartree: point.energyHartree, converged: point.converged)
    }

    /// Whether a fit of this selection uses a point in `state` with that energy and convergence.
    public func uses(state: PointState, energyHartree: Double?, converged: Bool?) -> Bool {
        Self.uses(state: state, energyHartree: energyHartree, converged: converged, includeUnconverged: includeUnconverged)
    }

    /// Done with an energy, and converged unless unconverged points are included.
    private static func uses(state: PointState, energyHartree: Double?, converged: Bool?, includeUnconverged: Bool) -> Bool {
        state == .done && energyHartree != nil && (includeUnconverged || converged != false)
    }

    /// Points used.
    public var pointCount: Int { rAngstrom.count }
    /// Points still pending or running.
    public var notComputedCount: Int { notComputedRAngstrom.count }

    /// The usable points of a polyatomic scan (those with coordinates): their coordinates and energies in hartree, same order.
    public var surfaceData: (points: [[Double]], energyHartree: [Double]) {
        (surfacePoints, surfaceEnergyHartree)
    }

    /// Fits `model` through the usable points and finds its minimum; with `estimateDegreeBias`, the bias of its degree too.
    public func analyse(model: CurveModel, estimateDegreeBias: Bool = true) throws(FitError) -> DiatomicAnalysis {
        try DiatomicAnalysis.analyse(rAngstrom: rAngstrom, energyHartree: energyHartree, model: model, estimateDegreeBias: estimateDegreeBias)
    }
}
