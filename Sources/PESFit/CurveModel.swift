/// Which curve a scan is fitted with.
public enum CurveModel: Sendable, Hashable {
    /// One least-squares polynomial over all points, of the given degree.
    case polynomial(degree: Int)
    /// The polynomial degree with the smallest leave-one-out prediction error, up to `maximumDegree`.
    case polynomialAutomaticDegree(maximumDegree: Int)
    /// Psi4's localised quartic: refitted at each Newton step, optionally weighted towards the minimum.
    case localized(degree: Int, weighted: Bool)
    /// A Morse curve by nonlinear least squares.
    case morse

    /// Short name as stored and printed: `polynomial`, `local` or `morse`.
    public var name: String {
        switch self {
        case .polynomial, .polynomialAutomaticDegree: return "polynomial"
        case .localized: return "local"
        case .morse: return "morse"
        }
    }
}

/// One degree tried by the automatic degree choice.
public struct DegreeTrial: Sendable, Hashable, Codable {
    /// Polynomial degree.
    public var degree: Int
    /// Leave-one-out root-mean-square prediction error in hartree, when the fit could be made.
    public var leaveOneOutRMSHartree: Double?
    /// Why the degree was not usable, when it was not.
    public var rejection: String?
}
