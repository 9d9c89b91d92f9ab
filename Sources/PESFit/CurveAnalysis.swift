import PESCore

/// The result of fitting a scan: the polynomial, its minimum and the data it used.
public struct CurveAnalysis: Sendable, Hashable {
    /// The least-squares polynomial.
    public var fit: PolynomialFit
    /// Its minimum inside the data.
    public var minimum: CurveMinimum

    /// Sorts the points by bond length, fits a polynomial of `degree` and finds its minimum.
    public static func analyse(rAngstrom: [Double], energyHartree: [Double], degree: Int) throws(FitError) -> CurveAnalysis {
        guard rAngstrom.count == energyHartree.count else {
            throw .mismatchedData(rAngstrom.count, energyHartree.count)
        }
        let sorted = zip(rAngstrom, energyHartree).sorted { $0.0 < $1.0 }
        let r = sorted.map(\.0), e = sorted.map(\.1)
        let fit = try PolynomialFit.fit(rAngstrom: r, energyHartree: e, degree: degree)
        let minimum = try fit.minimum(energiesForDiagnosis: r, energyHartree: e)
        return CurveAnalysis(fit: fit, minimum: minimum)
    }
}
