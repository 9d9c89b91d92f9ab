import Foundation
import PESCore
import PESDispatch
import PESFit
import PESStore

/// Energy-only geometry optimisation in rounds: each round one parallel batch of independent points around the current estimate.
///
/// A round places the fewest points that determine a full quadratic in the
/// varied coordinates (``OptimizationStencil``) around its centre, collects
/// them, fits the quadratic by least squares and moves to the model's
/// minimum, the step limited to a trust region of a few stencil widths.
/// The stencil then shrinks to the size of the step, never below a floor
/// (so the quadratic's bias from higher terms stays far below the tolerance).
/// It stops when every component of the step is below the tolerance.
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
        /// Points the round's fit used.
        public var points: Int
        /// Points the round added to the scan (the rest were there from an earlier, interrupted run).
        public var addedPoints: Int
        /// The quadratic model's energy at the new estimate, in hartree.
        public var energyHartree: Double
        /// The model's gradient at the centre, per ångström or per degree.
        public var gradient: [String: Double]
        /// The step taken, ångström or degrees.
        public var step: [String: Double]
        /// Whether the step was cut to the trust region (or the model had no minimum and a descent step was taken).
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
        /// The model energy there, in hartree.
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

    /// First stencil half-widths: 0.02 Å for lengths, 2° for angles.
    public static let initialHalfWidths = (lengthAngstrom: 0.02, angleDegrees: 2.0)
    /// Smallest stencil half-widths: 0.005 Å and 0.5°, where the quadratic's bias is about 3e-5 Å for an O–H bond.
    public static let smallestHalfWidths = (lengthAngstrom: 0.005, angleDegrees: 0.5)
    /// A step is cut to at most this many stencil half-widths in any coordinate.
    public static let trustHalfWidths = 4.0

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
        var halfWidths = pick(Self.initialHalfWidths)
        var centre = start
        var outcome = Outcome(rounds: [], converged: false, interrupted: false, coordinates: Self.named(names, start), engineCalls: 0)
        for round in 1...max(1, maximumRounds) {
            let wanted = OptimizationStencil.points(centre: centre, halfWidths: halfWidths)
            let added = try ensurePoints(wanted, scanID: scan.id)
            let summary: CollectSummary
            do {
                summary = try await collector.run(scans: [scan])
            } catch {
                throw .dispatch(error)
            }
            if summary.interrupted {
                outcome.interrupted = true
                return outcome
            }
            let energies = try roundEnergies(wanted, scan: scan)
            let model: SurfaceFit
            do {
                model = try SurfaceFit.fit(coordinateNames: names, points: wanted, energyHartree: energies, totalDegree: 2)
            } catch {
                throw .fit(error, notComputed: 0, remedy: nil)
            }
            let gradient = model.gradientHartreePerUnit(at: centre)
            var step: [Double]
            var limited = false
            if let minimum = try? model.stationaryPoint(start: centre), minimum.isMinimum {
                step = zip(minimum.coordinates, centre).map { $0 - $1 }
            } else {
                // No minimum of the model: go downhill by the trust region's size, scaled per coordinate by its stencil.
                let scaled = zip(gradient, halfWidths).map { -$0 * $1 }
                let largest = zip(scaled, halfWidths).map { abs($0) / $1 }.max() ?? 1
                step = scaled.map { $0 * Self.trustHalfWidths / max(largest, .leastNormalMagnitude) }
                limited = true
            }
            let reach = zip(step, halfWidths).map { abs($0) / $1 }.max() ?? 0
            if reach > Self.trustHalfWidths {
                step = step.map { $0 * Self.trustHalfWidths / reach }
                limited = true
            }
            centre = zip(centre, step).map { $0 + $1 }
            let calls = try engineCalls(scanID: scan.id)
            let record = Round(
                round: round, centre: Self.named(names, zip(centre, step).map { $0 - $1 }), points: wanted.count,
                addedPoints: added, energyHartree: model.energyHartree(at: centre), gradient: Self.named(names, gradient),
                step: Self.named(names, step), limited: limited, engineCalls: calls)
            outcome.rounds.append(record)
            outcome.coordinates = Self.named(names, centre)
            outcome.energyHartree = record.energyHartree
            outcome.engineCalls = calls
            onRound(record)
            if !limited, zip(step, tolerance).allSatisfy({ abs($0) < $1 }) {
                outcome.converged = true
                return outcome
            }
            halfWidths = zip(zip(halfWidths, floor), step).map { pair, s in min(pair.0, max(pair.1, abs(s))) }
        }
        return outcome
    }

    /// Adds the wanted points the scan does not have yet; returns how many were added.
    private func ensurePoints(_ wanted: [[Double]], scanID: Int64) throws(WorkflowError) -> Int {
        do {
            let existing = try store.points(ofScan: scanID).compactMap(\.coordinates)
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
            points = try store.points(ofScan: scan.id)
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

    /// Values keyed by coordinate name.
    static func named(_ names: [String], _ values: [Double]) -> [String: Double] {
        Dictionary(zip(names, values), uniquingKeysWith: { first, _ in first })
    }
}

/// The points of one optimisation round: the fewest that determine a full quadratic in n coordinates.
///
/// The centre, the centre moved by ± one half-width along each coordinate,
/// and one corner (+, +) per pair of coordinates: 1 + 2n + n(n − 1)/2
/// points for the (n + 1)(n + 2)/2 coefficients of a quadratic, so the
/// gradient and the diagonal curvatures at the centre come from central
/// differences. Two coordinates take 6 points, three take 10.
public enum OptimizationStencil {
    /// The stencil's points around `centre` with the given half-widths.
    public static func points(centre: [Double], halfWidths: [Double]) -> [[Double]] {
        var points = [centre]
        for (axis, h) in halfWidths.enumerated() {
            for sign in [-1.0, 1.0] {
                var point = centre
                point[axis] += sign * h
                points.append(point)
            }
        }
        for first in halfWidths.indices {
            for second in halfWidths.indices where second > first {
                var point = centre
                point[first] += halfWidths[first]
                point[second] += halfWidths[second]
                points.append(point)
            }
        }
        return points
    }
}
