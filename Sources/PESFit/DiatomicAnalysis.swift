import Foundation

/// A fitted diatomic curve: the minimum, the derivatives there, the quality of the fit and how sure r_e is.
///
/// The one analysis of a scan: every curve model (polynomial of a given or
/// automatic degree, Psi4's localised polynomial, Morse) is fitted here, its
/// minimum is required to lie inside the data, and the warnings about thin
/// bracketing and poor conditioning are added. `fit`, `plot` and `refine`
/// all use it.
public struct DiatomicAnalysis: Sendable, Hashable {
    /// The model used.
    public var model: CurveModel
    /// Polynomial degree, for polynomial models.
    public var degree: Int?
    /// Equilibrium bond length r_e in ångström.
    public var rEquilibriumAngstrom: Double
    /// Fitted energy at r_e in hartree.
    public var energyHartree: Double
    /// d²E/dr², d³E/dr³, d⁴E/dr⁴ at r_e in hartree/Åⁿ.
    public var derivativesHartree: [Double]
    /// |dE/dr| left at r_e in hartree/Å.
    public var residualGradientHartreePerAngstrom: Double
    /// Root-mean-square residual in hartree.
    public var rmsResidualHartree: Double
    /// Largest absolute residual in hartree.
    public var maxAbsResidualHartree: Double
    /// Bond lengths of the points used, ascending, in ångström.
    public var rAngstrom: [Double]
    /// Residual E − fit at each point in hartree, same order.
    public var residualsHartree: [Double]
    /// Where each point of ``rAngstrom`` was in the arrays given to ``analyse(rAngstrom:energyHartree:model:estimateDegreeBias:)``, same order.
    public var inputPositions: [Int] = []
    /// Condition number of the final linear least-squares problem, where there is one.
    public var conditionNumber: Double?
    /// Standard error of r_e in ångström from the fit's covariance.
    public var standardErrorReAngstrom: Double?
    /// Standard error of d²E/dr² at r_e relative to its value (σ(ω_e)/ω_e is half of it).
    public var relativeStandardErrorSecondDerivative: Double?
    /// The polynomial, for polynomial and localised models.
    public var polynomial: PolynomialFit?
    /// The Morse parameters, for the Morse model.
    public var morse: MorseFit?
    /// Degrees tried by the automatic choice, in order.
    public var degreeTrials: [DegreeTrial]
    /// How r_e moves in the fit one degree higher, for polynomial models when the points allow it.
    public var degreeBias: DegreeBias? = nil
    /// Things the user should know: thin bracketing, poor conditioning.
    public var warnings: [String]

    /// Points used.
    public var pointCount: Int { rAngstrom.count }

    /// Bond lengths spanned by the points used, in ångström.
    public var dataRangeAngstrom: ClosedRange<Double> {
        (rAngstrom.first ?? rEquilibriumAngstrom)...(rAngstrom.last ?? rEquilibriumAngstrom)
    }

    /// d²E/dr² at r_e in hartree per ångström².
    public var secondDerivativeHartreePerAngstrom2: Double { derivativesHartree[0] }

    /// The fitted curve in words: "degree-4 polynomial", "Morse curve", ….
    public var curveDescription: String {
        switch model {
        case .polynomial: return "degree-\(degree ?? 0) polynomial"
        case .polynomialAutomaticDegree: return "degree-\(degree ?? 0) polynomial (chosen by leave-one-out)"
        case .localized(_, let weighted): return "localised \(weighted ? "weighted " : "")degree-\(degree ?? 0) polynomial (Psi4 procedure)"
        case .morse: return "Morse curve"
        }
    }

    /// Fitted energy in hartree at `r` ångström.
    public func energyHartree(atAngstrom r: Double) -> Double {
        if let morse { return morse.energyHartree(atAngstrom: r) }
        return polynomial?.energyHartree(atAngstrom: r) ?? .nan
    }

    /// The spectroscopic constants of this curve for a reduced mass in dalton.
    public func constants(reducedMassDalton: Double) -> VibrationalConstants {
        VibrationalConstants(
            rEquilibriumAngstrom: rEquilibriumAngstrom,
            derivativesHartree: (derivativesHartree[0], derivativesHartree[1], derivativesHartree[2]),
            reducedMassDalton: reducedMassDalton)
    }

    /// Standard error of ω_e in cm⁻¹ for a reduced mass in dalton.
    public func standardErrorOmegaE(reducedMassDalton: Double) -> Double? {
        relativeStandardErrorSecondDerivative.map { $0 / 2 * constants(reducedMassDalton: reducedMassDalton).omegaE }
    }

    /// Fits `model` to the points (in any order) and finds the minimum inside them.
    ///
    /// With `estimateDegreeBias` a polynomial fit is compared with the fit one
    /// degree higher (``degreeBias``); leave-one-out refits skip it.
    public static func analyse(
        rAngstrom: [Double], energyHartree: [Double], model: CurveModel, estimateDegreeBias: Bool = true
    ) throws(FitError) -> DiatomicAnalysis {
        guard rAngstrom.count == energyHartree.count else { throw .mismatchedData(rAngstrom.count, energyHartree.count) }
        // Ascending bond length, equal ones in the order given; a scan's points usually come sorted already.
        var order = Array(rAngstrom.indices)
        if !zip(rAngstrom, rAngstrom.dropFirst()).allSatisfy({ $0 <= $1 }) {
            order.sort { (rAngstrom[$0], $0) < (rAngstrom[$1], $1) }
        }
        let r = order.map { rAngstrom[$0] }, e = order.map { energyHartree[$0] }
        var analysis: DiatomicAnalysis
        switch model {
        case .polynomial(let degree):
            analysis = try polynomialAnalysis(r, e, degree: degree)
        case .polynomialAutomaticDegree(let maximumDegree):
            analysis = try automaticDegree(r, e, maximumDegree: maximumDegree)
        case .localized(let degree, let weighted):
            let local = try LocalizedFit.minimum(rAngstrom: r, energyHartree: e, degree: degree, weighted: weighted)
            try requireInside(local.rEquilibriumAngstrom, r)
            analysis = fromPolynomial(local.fit, re: local.rEquilibriumAngstrom, model: model)
        case .morse:
            let morse = try MorseFit.fit(rAngstrom: r, energyHartree: e)
            try requireInside(morse.rEquilibriumAngstrom, r)
            analysis = fromMorse(morse, r: r)
        }
        analysis.inputPositions = order
        analysis.warnings = warnings(analysis)
        if estimateDegreeBias { analysis.degreeBias = degreeBias(of: analysis, r, e) }
        return analysis
    }

    /// Refuses an r_e (ångström) outside the sorted bond lengths `r`, naming the side; the polynomial roots are inside by construction.
    private static func requireInside(_ re: Double, _ r: [Double]) throws(FitError) {
        guard let low = r.first, let high = r.last, !(low...high).contains(re) else { return }
        throw .minimumBeyond(re > high ? .longer : .shorter, of: low...high)
    }

    /// Thin bracketing on either side of r_e and poor conditioning, in words.
    private static func warnings(_ analysis: DiatomicAnalysis) -> [String] {
        var warnings: [String] = []
        let below = analysis.rAngstrom.reduce(0) { $0 + ($1 < analysis.rEquilibriumAngstrom ? 1 : 0) }
        let above = analysis.rAngstrom.count - below
        if below < 3 { warnings.append("fewer than 3 points lie below r_e (\(below)); add shorter bond lengths") }
        if above < 3 { warnings.append("fewer than 3 points lie above r_e (\(above)); add longer bond lengths") }
        if let condition = analysis.conditionNumber, condition > 1e8 {
            warnings.append(String(format: "the least-squares system is poorly conditioned (%.1e); lower the degree", condition))
        }
        return warnings
    }

    private static func polynomialAnalysis(_ r: [Double], _ e: [Double], degree: Int) throws(FitError) -> DiatomicAnalysis {
        let fit = try PolynomialFit.fit(rAngstrom: r, energyHartree: e, degree: degree)
        let minimum = try fit.minimum(energiesForDiagnosis: r, energyHartree: e)
        return fromPolynomial(fit, re: minimum.rAngstrom, model: .polynomial(degree: degree))
    }

    private static func fromPolynomial(_ fit: PolynomialFit, re: Double, model: CurveModel) -> DiatomicAnalysis {
        let uncertainty = FitUncertainty.polynomial(fit, re: re)
        return DiatomicAnalysis(
            model: model, degree: fit.degree, rEquilibriumAngstrom: re, energyHartree: fit.energyHartree(atAngstrom: re),
            derivativesHartree: (2...4).map { fit.derivative(order: $0, atAngstrom: re) },
            residualGradientHartreePerAngstrom: abs(fit.derivative(order: 1, atAngstrom: re)),
            rmsResidualHartree: fit.rmsResidualHartree, maxAbsResidualHartree: fit.maxAbsResidualHartree,
            rAngstrom: fit.rAngstrom, residualsHartree: fit.residualsHartree, conditionNumber: fit.conditionNumber,
            standardErrorReAngstrom: uncertainty.reAngstrom, relativeStandardErrorSecondDerivative: uncertainty.relativeCurvature,
            polynomial: fit, morse: nil, degreeTrials: [], warnings: [])
    }

    private static func fromMorse(_ morse: MorseFit, r: [Double]) -> DiatomicAnalysis {
        let d = morse.derivativesAtMinimum
        let uncertainty = FitUncertainty.morse(morse)
        return DiatomicAnalysis(
            model: .morse, degree: nil, rEquilibriumAngstrom: morse.rEquilibriumAngstrom,
            energyHartree: morse.asymptoteHartree - morse.wellDepthHartree, derivativesHartree: [d.second, d.third, d.fourth],
            residualGradientHartreePerAngstrom: 0, rmsResidualHartree: morse.rmsResidualHartree,
            maxAbsResidualHartree: morse.residualsHartree.map(abs).max() ?? 0, rAngstrom: r,
            residualsHartree: morse.residualsHartree, conditionNumber: nil, standardErrorReAngstrom: uncertainty.reAngstrom,
            relativeStandardErrorSecondDerivative: uncertainty.relativeCurvature, polynomial: nil, morse: morse,
            degreeTrials: [], warnings: [])
    }

    private static func automaticDegree(_ r: [Double], _ e: [Double], maximumDegree: Int) throws(FitError) -> DiatomicAnalysis {
        let highest = min(maximumDegree, r.count - 2)
        guard highest >= 2 else { throw .tooFewPoints(have: r.count, degree: 2) }
        var trials: [DegreeTrial] = []
        var best: (analysis: DiatomicAnalysis, score: Double)?
        for degree in 2...highest {
            do {
                let candidate = try polynomialAnalysis(r, e, degree: degree)
                let score = candidate.polynomial?.leaveOneOutRMSHartree ?? .infinity
                trials.append(DegreeTrial(degree: degree, leaveOneOutRMSHartree: score, rejection: nil))
                if score < (best?.score ?? .infinity) { best = (candidate, score) }
            } catch {
                trials.append(DegreeTrial(degree: degree, leaveOneOutRMSHartree: nil, rejection: error.description))
            }
        }
        guard var chosen = best?.analysis else {
            throw .noMinimumInFit(degree: highest)
        }
        chosen.model = .polynomialAutomaticDegree(maximumDegree: maximumDegree)
        chosen.degreeTrials = trials
        return chosen
    }
}
