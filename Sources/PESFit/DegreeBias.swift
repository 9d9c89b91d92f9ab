/// How far r_e and the curvature move when the polynomial is one degree higher: an estimate of the truncation bias.
///
/// The covariance standard error covers only the scatter of the points about
/// the curve; a degree too low for the data also shifts r_e systematically.
/// The difference to the fit of one degree higher estimates that shift (the
/// higher fit taken as the closer one): r_e(degree) − r_e(degree + 1).
public struct DegreeBias: Sendable, Hashable {
    /// Degree of the fit compared with (one higher than the fit's own).
    public var comparedDegree: Int
    /// r_e of the fit minus r_e of the fit one degree higher, in ångström.
    public var reAngstrom: Double
    /// r_e of the higher-degree fit in ångström.
    public var higherREAngstrom: Double
    /// d²E/dr², d³E/dr³, d⁴E/dr⁴ at its r_e of the higher-degree fit, in hartree/Åⁿ.
    public var higherDerivativesHartree: [Double]

    /// The model one degree higher than `model`, for the polynomial models; nil for Morse.
    static func higherModel(than model: CurveModel, degree: Int) -> CurveModel? {
        switch model {
        case .polynomial, .polynomialAutomaticDegree: return .polynomial(degree: degree + 1)
        case .localized(_, let weighted): return .localized(degree: degree + 1, weighted: weighted)
        case .morse: return nil
        }
    }
}

extension DiatomicAnalysis {
    /// ω_e of this fit minus ω_e of the fit one degree higher, in cm⁻¹, for a reduced mass in dalton.
    public func omegaEDegreeBias(reducedMassDalton: Double) -> Double? {
        guard let degreeBias, degreeBias.higherDerivativesHartree.count == 3 else { return nil }
        let d = degreeBias.higherDerivativesHartree
        let higher = VibrationalConstants(
            rEquilibriumAngstrom: degreeBias.higherREAngstrom, derivativesHartree: (d[0], d[1], d[2]),
            reducedMassDalton: reducedMassDalton)
        return constants(reducedMassDalton: reducedMassDalton).omegaE - higher.omegaE
    }

    /// The degree bias of `analysis` fitted to the sorted points `r`, `e`: nil for Morse, or when the points do not allow one degree more.
    static func degreeBias(of analysis: DiatomicAnalysis, _ r: [Double], _ e: [Double]) -> DegreeBias? {
        guard let degree = analysis.degree, let model = DegreeBias.higherModel(than: analysis.model, degree: degree),
            PolynomialFit.distinctCount(r, enough: degree + 2) >= degree + 2,
            let higher = try? analyse(rAngstrom: r, energyHartree: e, model: model, estimateDegreeBias: false)
        else { return nil }
        return DegreeBias(
            comparedDegree: degree + 1, reAngstrom: analysis.rEquilibriumAngstrom - higher.rEquilibriumAngstrom,
            higherREAngstrom: higher.rEquilibriumAngstrom, higherDerivativesHartree: higher.derivativesHartree)
    }
}
