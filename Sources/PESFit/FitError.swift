import Foundation

/// Which side of a scan the energies keep falling towards.
public enum ScanSide: String, Sendable, Hashable, Codable {
    case shorter
    case longer
}

/// Why a fit could not be made, with what to do about it.
///
/// The cases carry data (degrees, counts, bond lengths in ångström); the
/// descriptions name no command-line flags, so a command can map each case to
/// advice in its own words.
public enum FitError: Error, Sendable, Equatable, Codable, CustomStringConvertible {
    case mismatchedData(Int, Int)
    case degreeTooLow(Int)
    case tooFewPoints(have: Int, degree: Int)
    case nonFiniteData(Double, Double)
    case rankDeficient(rank: Int, columns: Int)
    case lapack(routine: String, info: Int)
    /// The LAPACKE shared library (`library`, the names tried) could not be loaded, for `reason` (the loader's words).
    case lapackUnavailable(library: String, reason: String)
    case minimumOutsideRange(side: ScanSide, suggestedFromAngstrom: Double, suggestedToAngstrom: Double)
    case noMinimumInFit(degree: Int)
    case illConditioned(conditionNumber: Double)
    case notConverged(what: String, iterations: Int)
    case tooFewPointsForModel(model: String, have: Int, need: Int)
    case noCoordinates
    case duplicateCoordinate(String)
    case mismatchedDimensions(what: String, have: Int, expected: Int)
    case nonFinitePoint(index: Int)
    case tooFewPointsForSurface(have: Int, terms: Int, degree: Int)
    case tooFewDistinctValues(coordinate: String, have: Int, degree: Int)
    case surfaceRankDeficient(coordinates: [String], degree: Int, terms: Int, rank: Int)
    case stationaryPointNotFound(iterations: Int, scaledGradientNormHartree: Double)
    case dependentCoordinates(rank: Int, count: Int)
    case nonFiniteValue(what: String)
    case nonPositiveMass(atom: Int)

    /// What went wrong, in one or two sentences, without the remedy.
    public var problem: String {
        switch self {
        case .mismatchedData(let r, let e):
            return "Got \(r) bond lengths but \(e) energies; every point needs both."
        case .degreeTooLow(let degree):
            return "A degree-\(degree) polynomial has no minimum to find."
        case .tooFewPoints(let have, let degree):
            return "A degree-\(degree) fit needs at least \(degree + 1) distinct points with energies; have \(have)."
        case .nonFiniteData(let r, let e):
            return "The point r = \(r) Å, E = \(e) Eh is not a finite number; remove it before fitting."
        case .rankDeficient(let rank, let columns):
            return "The fit is rank deficient (rank \(rank) of \(columns)): the bond lengths cannot determine a polynomial of this degree."
        case .lapack(let routine, let info):
            return "LAPACK routine \(routine) failed with info = \(info). This is a bug or a broken LAPACK installation; please report it with the data."
        case .lapackUnavailable(let library, let reason):
            return "Fits need LAPACK, but its library \(library) could not be loaded: \(reason)."
        case .minimumOutsideRange(let side, _, _):
            return "No minimum inside the scanned range: the energies keep falling "
                + (side == .longer ? "beyond the longest bond length." : "below the shortest bond length.")
        case .noMinimumInFit(let degree):
            return "The degree-\(degree) polynomial has no minimum inside the scanned range although the data have an interior lowest point."
        case .illConditioned(let condition):
            return String(
                format: "The least-squares system is badly conditioned (condition number %.2g): the points cannot determine this model reliably.",
                condition)
        case .notConverged(let what, let iterations):
            return "The \(what) did not converge in \(iterations) iterations; check that the points bracket the minimum."
        case .tooFewPointsForModel(let model, let have, let need):
            return "The \(model) model needs at least \(need) points with energies; have \(have)."
        case .noCoordinates:
            return "A surface needs at least one coordinate; none were named."
        case .duplicateCoordinate(let name):
            return "The coordinate \(name) is named twice; every coordinate needs its own name."
        case .mismatchedDimensions(let what, let have, let expected):
            return "Expected \(expected) \(what), got \(have)."
        case .nonFinitePoint(let index):
            return "Point \(index + 1) has a coordinate or an energy that is not a finite number; remove it before fitting."
        case .tooFewPointsForSurface(let have, let terms, let degree):
            return "A total-degree-\(degree) polynomial in these coordinates has \(terms) terms and needs at least as many points with energies; have \(have)."
        case .tooFewDistinctValues(let coordinate, let have, let degree):
            return "The coordinate \(coordinate) takes \(have) distinct values; a total-degree-\(degree) polynomial needs at least \(degree + 1)."
        case .surfaceRankDeficient(let coordinates, let degree, let terms, let rank):
            return "The points do not determine a total-degree-\(degree) polynomial in \(coordinates.joined(separator: ", ")): \(terms) terms, rank \(rank)."
        case .stationaryPointNotFound(let iterations, let gradient):
            return "Newton's method found no stationary point of the fitted surface in \(iterations) iterations (gradient norm "
                + String(format: "%.2g", gradient) + " Eh in scaled coordinates); start it nearer one."
        case .dependentCoordinates(let rank, let count):
            return "The \(count) coordinates move the atoms in only \(rank) independent ways once overall translation and rotation are removed; "
                + "give independent internal coordinates and their Cartesian derivatives at the stationary geometry."
        case .nonFiniteValue(let what):
            return "The \(what) holds a value that is not a finite number."
        case .nonPositiveMass(let atom):
            return "Atom \(atom + 1) has a mass that is not a positive number of dalton."
        }
    }

    /// What would fix it, as data a command can word with its own flags.
    public var remedy: FitRemedy? {
        switch self {
        case .degreeTooLow: return .degreeAtLeast(2)
        case .tooFewPoints: return .lowerDegreeOrMorePoints
        case .rankDeficient: return .lowerDegreeOrMorePoints
        case .illConditioned: return .lowerDegreeOrSpreadPoints
        case .noMinimumInFit: return .anotherDegree
        case .minimumOutsideRange(_, let from, let to): return .rescan(fromAngstrom: from, toAngstrom: to)
        case .notConverged: return .polynomialModel
        case .lapackUnavailable: return .installLAPACK
        case .tooFewPointsForSurface, .surfaceRankDeficient: return .lowerDegreeOrMorePoints
        case .tooFewDistinctValues: return .lowerDegreeOrSpreadPoints
        case .mismatchedData, .nonFiniteData, .lapack, .tooFewPointsForModel, .noCoordinates, .duplicateCoordinate,
            .mismatchedDimensions, .nonFinitePoint, .stationaryPointNotFound, .dependentCoordinates, .nonFiniteValue, .nonPositiveMass:
            return nil
        }
    }

    public var description: String {
        [problem, remedy?.description].compactMap { $0 }.joined(separator: " ")
    }
}

/// What would make a failed fit work.
public enum FitRemedy: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Fit a polynomial of at least this degree.
    case degreeAtLeast(Int)
    /// Fit a lower degree, or compute more points.
    case lowerDegreeOrMorePoints
    /// Fit a lower degree, or add points spread over the range.
    case lowerDegreeOrSpreadPoints
    /// Try another polynomial degree.
    case anotherDegree
    /// Scan again over this range of bond lengths in ångström.
    case rescan(fromAngstrom: Double, toAngstrom: Double)
    /// Try the polynomial model.
    case polynomialModel
    /// Install the LAPACKE shared library and a BLAS.
    case installLAPACK
    /// Compute first the `count` points, pending or running, that lie beyond the fitted points on `side`.
    case collectPending(count: Int, side: ScanSide)

    public var description: String {
        switch self {
        case .degreeAtLeast(let degree): return "Fit a degree of \(degree) or more."
        case .lowerDegreeOrMorePoints: return "Lower the degree or collect more points."
        case .lowerDegreeOrSpreadPoints: return "Lower the degree, or add points spread over the range."
        case .anotherDegree: return "Try another degree."
        case .rescan(let from, let to): return String(format: "Scan from %.4f to %.4f Å instead.", from, to)
        case .polynomialModel: return "Try the polynomial model."
        case .installLAPACK: return "Install it (as root on Debian or Ubuntu: \(LAPACKLibrary.installCommand))."
        case .collectPending(let count, _):
            return "\(count) point\(count == 1 ? "" : "s") not computed yet cover that side; compute them first."
        }
    }
}

extension FitError {
    /// The remedy given what else the scan holds: points not computed yet beyond the fitted ones on the side the minimum lies.
    ///
    /// When the minimum lies outside the fitted points but `pendingAngstrom`
    /// (bond lengths of points still pending or running) reach beyond them on
    /// that side, computing those comes before planning a new range.
    public func remedy(pendingAngstrom: [Double], fittedAngstrom: [Double]) -> FitRemedy? {
        guard case .minimumOutsideRange(let side, _, _) = self, let low = fittedAngstrom.min(), let high = fittedAngstrom.max() else {
            return remedy
        }
        let covering = pendingAngstrom.filter { side == .longer ? $0 > high : $0 < low }.count
        return covering > 0 ? .collectPending(count: covering, side: side) : remedy
    }

    /// The minimum lies beyond the data on `side`: the error with the range in ångström a new scan should cover.
    ///
    /// The one rule for "extend the range": move the scanned span (`range`,
    /// ångström) by half its width towards `side`, never below half the
    /// shortest bond length.
    public static func minimumBeyond(_ side: ScanSide, of range: ClosedRange<Double>) -> FitError {
        let width = range.upperBound - range.lowerBound
        switch side {
        case .longer:
            return .minimumOutsideRange(
                side: .longer, suggestedFromAngstrom: range.lowerBound + width / 2, suggestedToAngstrom: range.upperBound + width / 2)
        case .shorter:
            return .minimumOutsideRange(
                side: .shorter, suggestedFromAngstrom: max(range.lowerBound - width / 2, range.lowerBound / 2),
                suggestedToAngstrom: range.upperBound - width / 2)
        }
    }
}
