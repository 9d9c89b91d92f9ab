import Foundation
import PESCore
import PESDispatch
import PESFit
import PESStore

/// Energy-only geometry optimisation in rounds: each round one parallel batch of independent points around the current estimate.
///
/// Round 1 places the fewest points that determine a quadratic in the
/// varied coordinates around the start (``OptimizationStencil``); round 2
/// the same around the new estimate, its corners turned across the last
/// step; later rounds a star (the centre and ± one half-width along each
/// coordinate). Every round fits all the optimisation's points so far with
/// the highest total degree they determine (at most 4), weighted towards the
/// round's centre, bonds in the Simons–Parr–Finlan coordinate (affine in
/// 1/r, which takes most of a stretch's anharmonicity), and moves to the
/// fit's minimum within four half-widths. The half-widths then shrink to a
/// quarter of the step, never below a floor. It stops when every component
/// of a step that did not reach the box's edge is below the tolerance; the
/// answer is that last minimum. On H2O RHF/cc-pVDZ from r = 1.0 Å,
/// θ = 110° this takes 3 rounds and 17 energies, where a quadratic fitted
/// to each round's own points alone took 5 and 30.
///
/// Every point is an ordinary point of the scan. A round's points follow
/// from the energies stored before it, so a killed optimisation run again
/// replays its rounds from the database: points already there are reused,
/// finished ones are never run again.
public struct GeometryOptimizer: Sendable {
    /// One round: where it was centred, what it spent and where it moved.
    public struct Round: Sendable, Codable {
        /// 1 for the first round.
        public var round: Int
        /// The round's centre, coordinates by name (ångström, degrees).
        public var centre: [String: Double]
        /// The stencil's half-widths, ångström or degrees.
        public var halfWidths: [String: Double]
        /// Points the round's fit used: every point of the optimisation so far.
        public var points: Int
        /// Points the round added to the scan (the rest were there from earlier rounds or an interrupted run).
        public var addedPoints: Int
        /// Total degree of the round's fit.
        public var degree: Int
        /// The fit's energy at the new estimate, in hartree.
        public var energyHartree: Double
        /// The fit's gradient at the centre, per ångström or per degree.
        public var gradient: [String: Double]
        /// The step taken, ångström or degrees.
        public var step: [String: Double]
        /// Whether the step ended on the edge of the trust box (the fit goes on down beyond it).
        public var limited: Bool
        /// Engine calls made on the scan so far (finished attempts, successful or not).
        public var engineCalls: Int
    }

    /// How an optimisation ended.
    public struct Outcome: Sendable, Codable {
        /// Every round in order.
        public var rounds: [Round]
        /// Whether the last step was below the tolerance in every coordinate.
        public var converged: Bool
        /// Whether the run was cancelled.
        public var interrupted: Bool
        /// The final estimate, coordinates by name (ångström, degrees).
        public var coordinates: [String: Double]
        /// The fit's energy there, in hartree.
        public var energyHartree: Double?
        /// Engine calls spent on the scan (finished attempts, successful or not).
        public var engineCalls: Int
    }

    /// The database.
    public var store: ScanStore
    /// Runs each round's pending points.
    public var collector: Collector
    /// Stop when every length moves less than this, in ångström.
    public var lengthToleranceAngstrom: Double
    /// Stop when every angle moves less than this, in degrees.
    public var angleToleranceDegrees: Double
    /// Most rounds to run.
    public var maximumRounds: Int

    /// First half-widths, also the unit of the fit's coordinates: 0.02 Å for lengths, 2° for angles.
    public static let initialHalfWidths = (lengthAngstrom: 0.02, angleDegrees: 2.0)
    /// Smallest half-widths: 0.005 Å and 0.5°.
    public static let smallestHalfWidths = (lengthAngstrom: 0.005, angleDegrees: 0.5)
    /// A step reaches at most this many half-widths in any coordinate.
    public static let trustHalfWidths = 4.0
    /// Highest total degree fitted.
    public static let highestDegree = 4

    public init(
        store: ScanStore, collector: Collector, lengthToleranceAngstrom: Double, angleToleranceDegrees: Double, maximumRounds: Int
    ) {
        self.store = store
        self.collector = collector
        self.lengthToleranceAngstrom = lengthToleranceAngstrom
        self.angleToleranceDegrees = angleToleranceDegrees
        self.maximumRounds = maximumRounds
    }

    /// Optimises the varied coordinates of a polyatomic scan from `start` (values of its varied coordinates), reporting each round.
    public func run(
        scan: ScanRecord, start: [Double], onRound: @Sendable (Round) -> Void = { _ in }
    ) async throws(WorkflowError) -> Outcome {
        guard let geometry = scan.spec.geometry else { throw .notPolyatomic(scan: scan.spec.name.rawValue) }
        let names = geometry.varied
        let isLength = names.map(geometry.isLength)
        func pick(_ pair: (lengthAngstrom: Double, angleDegrees: Double)) -> [Double] {
            isLength.map { $0 ? pair.lengthAngstrom : pair.angleDegrees }
        }
        let tolerance = isLength.map { $0 ? lengthToleranceAngstrom : angleToleranceDegrees }
        let floor = pick(Self.smallestHalfWidths)
        let units = pick(Self.initialHalfWidths)
        let coordinates = FitCoordinates(isLength: isLength, units: units)
        var halfWidths = units
        var centre = start
        var previousStep: [Double]?
        var visited: [[Double]] = []
        var outcome = Outcome(rounds: [], converged: false, interrupted: false, coordinates: geometry.named(start), engineCalls: 0)
        for round in 1...max(1, maximumRounds) {
            let offsets = OptimizationStencil.offsets(count: names.count, round: round, previousStep: previousStep)
            let wanted = offsets.map { offset in (0..<names.count).map { centre[$0] + offset[$0] * halfWidths[$0] } }
            for point in wanted where !visited.contains(where: { Self.same($0, point) }) { visited.append(point) }
            let added = try ensurePoints(visited, scanID: scan.id)
            if try await collector.collectRound(of: scan) {
                outcome.interrupted = true
                return outcome
            }
            let energies = try roundEnergies(visited, scan: scan)
            let fitted = visited.map { coordinates.fitValues($0, centre: centre) }
            let spread = zip(halfWidths, units).map { $0 / $1 }.max() ?? 1
            let weights = fitted.map { q in
                let distance = q.reduce(0) { $0 + $1 * $1 }.squareRoot() / spread
                return 1 / (1 + distance * distance)  // the square root of the weight 1/(1 + d²)² on the squared residual
            }
            let degree = Self.degree(pointCount: visited.count, coordinateCount: names.count)
            let model: SurfaceFit
            let minimum: SurfaceBoxedMinimum
            do {
                model = try SurfaceFit.fit(
                    coordinateNames: names, points: fitted, energyHartree: energies, totalDegree: degree, weights: weights)
                minimum = try model.minimum(
                    from: [Double](repeating: 0, count: names.count),
                    reach: zip(halfWidths, units).map { Self.trustHalfWidths * $0 / $1 })
            } catch {
                throw .fit(error, notComputed: 0, remedy: nil)
            }
            let next = coordinates.values(minimum.coordinates, centre: centre)
            let step = zip(next, centre).map { $0 - $1 }
            let gradient = zip(model.gradientHartreePerUnit(at: [Double](repeating: 0, count: names.count)), units).map { $0 / $1 }
            let calls = try engineCalls(scanID: scan.id)
            let record = Round(
                round: round, centre: geometry.named(centre), halfWidths: geometry.named(halfWidths), points: visited.count,
                addedPoints: added, degree: degree, energyHartree: minimum.energyHartree, gradient: geometry.named(gradient),
                step: geometry.named(step), limited: minimum.onBoundary, engineCalls: calls)
            outcome.rounds.append(record)
            outcome.coordinates = geometry.named(next)
            outcome.energyHartree = minimum.energyHartree
            outcome.engineCalls = calls
            onRound(record)
            previousStep = step
            centre = next
            if !minimum.onBoundary, zip(step, tolerance).allSatisfy({ abs($0) < $1 }) {
                outcome.converged = true
                return outcome
            }
            halfWidths = (0..<names.count).map { max(floor[$0], min(halfWidths[$0], abs(step[$0]) / 4)) }
        }
        return outcome
    }

    /// The highest total degree, at most ``highestDegree`` and at least 2, whose polynomial in `coordinateCount` variables `pointCount` points determine.
    static func degree(pointCount: Int, coordinateCount: Int) -> Int {
        var degree = 2
        while degree < highestDegree, termCount(variables: coordinateCount, totalDegree: degree + 1) <= pointCount { degree += 1 }
        return degree
    }

    /// Number of monomials of total degree at most d in n variables: C(n + d, n).
    static func termCount(variables n: Int, totalDegree d: Int) -> Int {
        (0..<n).reduce(1) { $0 * (d + $1 + 1) / ($1 + 1) }
    }

    /// Adds the wanted points the scan does not have yet; returns how many were added.
    private func ensurePoints(_ wanted: [[Double]], scanID: Int64) throws(WorkflowError) -> Int {
        do {
            let existing = try store.pointsForFitting(ofScan: scanID).compactMap(\.coordinates)
            let missing = wanted.filter { point in !existing.contains { Self.same($0, point) } }
            if !missing.isEmpty { try store.addPoints(toScan: scanID, coordinates: missing) }
            return missing.count
        } catch {
            throw .store(error)
        }
    }

    /// The energy of each wanted point, from the scan's done points; a point without one ends the optimisation with its error.
    private func roundEnergies(_ wanted: [[Double]], scan: ScanRecord) throws(WorkflowError) -> [Double] {
        let points: [ScanPoint]
        do {
            points = try store.pointsForFitting(ofScan: scan.id)
        } catch {
            throw .store(error)
        }
        var energies: [Double] = []
        for point in wanted {
            let matches = points.filter { $0.coordinates.map { Self.same($0, point) } ?? false }
            guard let done = matches.first(where: { $0.state == .done && $0.energyHartree != nil }), let energy = done.energyHartree
            else {
                let failed = matches.first { $0.state == .failed }
                throw .optimizationPointMissing(
                    scan: scan.spec.name.rawValue, index: matches.first?.index, error: failed?.error)
            }
            energies.append(energy)
        }
        return energies
    }

    /// Finished attempts of the scan, successful or not.
    private func engineCalls(scanID: Int64) throws(WorkflowError) -> Int {
        do {
            return try store.attempts(ofScan: scanID).filter { $0.outcome == .done || $0.outcome == .failed }.count
        } catch {
            throw .store(error)
        }
    }

    /// Whether two points are the same to 1e-12 (relative): a replayed round computes the very same numbers.
    static func same(_ a: [Double], _ b: [Double]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= 1e-12 * max(1, abs($0), abs($1)) }
    }
}

/// The points of one optimisation round, as offsets in half-widths from its centre.
///
/// Rounds 1 and 2 take the centre, ± one half-width along each coordinate and
/// one corner per pair of coordinates: 1 + 2n + n(n − 1)/2 points for the
/// (n + 1)(n + 2)/2 coefficients of a quadratic (6 for two coordinates, 10
/// for three). Round 1's corners are (+, +); round 2's lie across the last
/// step, (sign sᵢ, −sign sⱼ), so that the two rounds' points together
/// determine the cubic terms (with the corners along the step the cubic fit
/// was nearly singular). Later rounds take the star alone (2n + 1 points),
/// which measures the gradient afresh by central differences.
public enum OptimizationStencil {
    /// The offsets of round `round` for `count` coordinates, `previousStep` the step the round before took.
    public static func offsets(count: Int, round: Int, previousStep: [Double]?) -> [[Double]] {
        let zero = [Double](repeating: 0, count: count)
        var offsets = [zero]
        for axis in 0..<count {
            for sign in [1.0, -1.0] {
                var offset = zero
                offset[axis] = sign
                offsets.append(offset)
            }
        }
        guard round <= 2 else { return offsets }
        let signs = previousStep.map { step in step.map { $0 >= 0 ? 1.0 : -1.0 } } ?? [Double](repeating: 1, count: count)
        for first in 0..<count {
            for second in (first + 1)..<count {
                var offset = zero
                offset[first] = signs[first]
                offset[second] = previousStep == nil ? 1 : -signs[second]
                offsets.append(offset)
            }
        }
        return offsets
    }
}

/// The coordinates an optimisation round fits in, measured from the round's centre in units of the first half-widths.
///
/// A length r becomes q = c (r − c) / (r u), the Simons–Parr–Finlan
/// coordinate (affine in 1/r, zero at the centre c, with slope 1/u there); an
/// angle becomes q = (θ − c) / u.
struct FitCoordinates: Sendable {
    /// Whether each coordinate is a length.
    var isLength: [Bool]
    /// The unit u of each coordinate, ångström or degrees.
    var units: [Double]

    /// The fit coordinates of a point.
    func fitValues(_ x: [Double], centre: [Double]) -> [Double] {
        (0..<x.count).map { i -> Double in
            let offset: Double = x[i] - centre[i]
            return isLength[i] ? centre[i] * offset / (x[i] * units[i]) : offset / units[i]
        }
    }

    /// The point of fit coordinates q.
    func values(_ q: [Double], centre: [Double]) -> [Double] {
        (0..<q.count).map { i -> Double in
            let scaled: Double = q[i] * units[i]
            return isLength[i] ? centre[i] / (1 - scaled / centre[i]) : centre[i] + scaled
        }
    }
}
