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
public enum FitError: Error, Sendable, Equatable, CustomStringConvertible {
    case mismatchedData(Int, Int)
    case degreeTooLow(Int)
    case tooFewPoints(have: Int, degree: Int)
    case nonFiniteData(Double, Double)
    case rankDeficient(rank: Int, columns: Int)
    case lapack(routine: String, info: Int)
    case minimumOutsideRange(side: ScanSide, suggestedFromAngstrom: Double, suggestedToAngstrom: Double)
    case noMinimumInFit(degree: Int)
    case illConditioned(conditionNumber: Double)
    case notConverged(what: String, iterations: Int)
    case tooFewPointsForModel(model: String, have: Int, need: Int)

    public var description: String {
        switch self {
        case .mismatchedData(let r, let e):
            return "Got \(r) bond lengths but \(e) energies; every point needs both."
        case .degreeTooLow(let degree):
            return "A degree-\(degree) polynomial has no minimum to find; fit a degree of 2 or more."
        case .tooFewPoints(let have, let degree):
            return "A degree-\(degree) fit needs at least \(degree + 1) distinct points with energies; have \(have). Lower the degree or collect more points."
        case .nonFiniteData(let r, let e):
            return "The point r = \(r) Å, E = \(e) Eh is not a finite number; remove it before fitting."
        case .rankDeficient(let rank, let columns):
            return "The fit is rank deficient (rank \(rank) of \(columns)): the bond lengths cannot determine a polynomial of this degree. Lower the degree or add points."
        case .lapack(let routine, let info):
            return "LAPACK routine \(routine) failed with info = \(info). This is a bug or a broken LAPACK installation; please report it with the data."
        case .minimumOutsideRange(let side, let from, let to):
            let where_ = side == .longer ? "beyond the longest bond length" : "below the shortest bond length"
            return String(
                format: "No minimum inside the scanned range: the energies keep falling %@. Scan from %.4f to %.4f Å instead.",
                where_, from, to)
        case .noMinimumInFit(let degree):
            return "The degree-\(degree) polynomial has no minimum inside the scanned range although the data have an interior lowest point; try another degree."
        case .illConditioned(let condition):
            return String(
                format: "The least-squares system is badly conditioned (condition number %.2g): the points cannot determine this model reliably. Lower the degree, or add points spread over the range.",
                condition)
        case .notConverged(let what, let iterations):
            return "The \(what) did not converge in \(iterations) iterations; check that the points bracket the minimum, or try the polynomial model."
        case .tooFewPointsForModel(let model, let have, let need):
            return "The \(model) model needs at least \(need) points with energies; have \(have)."
        }
    }
}

extension FitError {
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
