import Foundation

/// A fitted diatomic curve: the minimum, the derivatives there, the quality of the fit and how sure r_e is.
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
    /// Things the user should know: thin bracketing, poor conditioning.
    public var warnings: [String]

    /// Points used.
    public var pointCount: Int { rAngstrom.count }

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
    public static func analyse(rAngstrom: [Double], energyHartree: [Double], model: CurveModel) throws(FitError) -> DiatomicAnalysis {
        guard rAngstrom.count == energyHartree.count else { throw .mismatchedData(rAngstrom.count, energyHartree.count) }
        let sorted = zip(rAngstrom, energyHartree).sorted { $0.0 < $1.0 }
        let r = sorted.map(\.0), e = sorted.map(\.1)
        var analysis: DiatomicAnalysis
        switch model {
        case .polynomial(let degree):
            analysis = try polynomialAnalysis(r, e, degree: degree, model: model)
        case .polynomialAutomaticDegree(let maximumDegree):
            analysis = try automaticDegree(r, e, maximumDegree: maximumDegree)
        case .localized(let degree, let weighted):
            analysis = try localizedAnalysis(r, e, degree: degree, weighted: weighted, model: model)
        case .morse:
            analysis = try morseAnalysis(r, e)
        }
        let below = r.filter { $0 < analysis.rEquilibriumAngstrom }.count
        let above = r.count - below
        if below < 3 { analysis.warnings.append("fewer than 3 points lie below r_e (\(below)); add shorter bond lengths") }
        if above < 3 { analysis.warnings.append("fewer than 3 points lie above r_e (\(above)); add longer bond lengths") }
        if let condition = analysis.conditionNumber, condition > 1e8 {
            analysis.warnings.append(String(format: "the least-squares system is poorly conditioned (%.1e); lower the degree", condition))
        }
        return analysis
    }

    private static func polynomialAnalysis(_ r: [Double], _ e: [Double], degree: Int, model: CurveModel) throws(FitError) -> DiatomicAnalysis {
        let fit = try PolynomialFit.fit(rAngstrom: r, energyHartree: e, degree: degree)
        let minimum = try fit.minimum(energiesForDiagnosis: r, energyHartree: e)
        return fromPolynomial(fit, re: minimum.rAngstrom, model: model)
    }

    private static func localizedAnalysis(
        _ r: [Double], _ e: [Double], degree: Int, weighted: Bool, model: CurveModel
    ) throws(FitError) -> DiatomicAnalysis {
        let local = try LocalizedFit.minimum(rAngstrom: r, energyHartree: e, degree: degree, weighted: weighted)
        guard let low = r.first, let high = r.last, local.rEquilibriumAngstrom >= low, local.rEquilibriumAngstrom <= high else {
            let width = (r.last ?? 0) - (r.first ?? 0)
            let longer = local.rEquilibriumAngstrom > (r.last ?? 0)
            throw .minimumOutsideRange(
                side: longer ? .longer : .shorter,
                suggestedFromAngstrom: longer ? (r.first ?? 0) + width / 2 : max((r.first ?? 0) - width / 2, (r.first ?? 0) / 2),
                suggestedToAngstrom: longer ? (r.last ?? 0) + width / 2 : (r.last ?? 0) - width / 2)
        }
        return fromPolynomial(local.fit, re: local.rEquilibriumAngstrom, model: model)
    }

    private static func fromPolynomial(_ fit: PolynomialFit, re: Double, model: CurveModel) -> DiatomicAnalysis {
        let (seRe, seK) = polynomialUncertainty(fit, re: re)
        return DiatomicAnalysis(
            model: model, degree: fit.degree, rEquilibriumAngstrom: re, energyHartree: fit.energyHartree(atAngstrom: re),
            derivativesHartree: (2...4).map { fit.derivative(order: $0, atAngstrom: re) },
            residualGradientHartreePerAngstrom: abs(fit.derivative(order: 1, atAngstrom: re)),
            rmsResidualHartree: fit.rmsResidualHartree, maxAbsResidualHartree: fit.maxAbsResidualHartree,
            rAngstrom: fit.rAngstrom, residualsHartree: fit.residualsHartree, conditionNumber: fit.conditionNumber,
            standardErrorReAngstrom: seRe, relativeStandardErrorSecondDerivative: seK, polynomial: fit, morse: nil,
            degreeTrials: [], warnings: [])
    }

    private static func automaticDegree(_ r: [Double], _ e: [Double], maximumDegree: Int) throws(FitError) -> DiatomicAnalysis {
        let highest = min(maximumDegree, r.count - 2)
        guard highest >= 2 else { throw .tooFewPoints(have: r.count, degree: 2) }
        var trials: [DegreeTrial] = []
        var best: (analysis: DiatomicAnalysis, score: Double)?
        for degree in 2...highest {
            do {
                let candidate = try polynomialAnalysis(r, e, degree: degree, model: .polynomial(degree: degree))
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

    private static func morseAnalysis(_ r: [Double], _ e: [Double]) throws(FitError) -> DiatomicAnalysis {
        let morse = try MorseFit.fit(rAngstrom: r, energyHartree: e)
        guard let low = r.first, let high = r.last, morse.rEquilibriumAngstrom >= low, morse.rEquilibriumAngstrom <= high else {
            throw .noMinimumInFit(degree: 0)
        }
        let d = morse.derivativesAtMinimum
        var seRe: Double?, seK: Double?
        if let c = morse.covariance {
            seRe = c[3 * 4 + 3].squareRoot()
            // d²E/dr² = 2 D a²: gradient with respect to (E∞, D, a, r_e).
            let g = [0, 2 * morse.rangePerAngstrom * morse.rangePerAngstrom, 4 * morse.wellDepthHartree * morse.rangePerAngstrom, 0]
            var variance = 0.0
            for i in 0..<4 { for j in 0..<4 { variance += g[i] * c[i * 4 + j] * g[j] } }
            seK = variance.squareRoot() / d.second
        }
        return DiatomicAnalysis(
            model: .morse, degree: nil, rEquilibriumAngstrom: morse.rEquilibriumAngstrom,
            energyHartree: morse.asymptoteHartree - morse.wellDepthHartree, derivativesHartree: [d.second, d.third, d.fourth],
            residualGradientHartreePerAngstrom: 0, rmsResidualHartree: morse.rmsResidualHartree,
            maxAbsResidualHartree: morse.residualsHartree.map(abs).max() ?? 0, rAngstrom: r,
            residualsHartree: morse.residualsHartree, conditionNumber: nil, standardErrorReAngstrom: seRe,
            relativeStandardErrorSecondDerivative: seK, polynomial: nil, morse: morse, degreeTrials: [], warnings: [])
    }

    /// Standard errors of r_e (Å) and of d²E/dr² at r_e (relative) by propagating the coefficient covariance.
    ///
    /// The Jacobian of (r_e, E'') with respect to the scaled coefficients is
    /// taken by central differences, each perturbed polynomial's minimum
    /// found by Newton from the unperturbed one.
    static func polynomialUncertainty(_ fit: PolynomialFit, re: Double) -> (Double?, Double?) {
        guard let covariance = fit.scaledCovariance else { return (nil, nil) }
        let n = fit.degree + 1
        let t0 = fit.scaled(re)
        func evaluate(_ b: [Double]) -> (t: Double, curvature: Double) {
            let p = Polynomial(coefficients: b)
            let gradient = p.derivative, curvature = gradient.derivative
            var t = t0
            for _ in 0..<50 {
                let slope = curvature.value(at: t)
                guard slope != 0 else { break }
                let step = gradient.value(at: t) / slope
                t -= step
                if abs(step) < 1e-15 { break }
            }
            return (t, curvature.value(at: t))
        }
        let base = evaluate(fit.scaledPolynomial.coefficients)
        var gradRe = [Double](repeating: 0, count: n)
        var gradK = [Double](repeating: 0, count: n)
        for k in 0..<n {
            let h = max(covariance[k * n + k].squareRoot(), 1e-300) * 1e-3
            var plus = fit.scaledPolynomial.coefficients, minus = plus
            plus[k] += h
            minus[k] -= h
            let up = evaluate(plus), down = evaluate(minus)
            gradRe[k] = (up.t - down.t) * fit.halfWidthAngstrom / (2 * h)
            gradK[k] = (up.curvature - down.curvature) / (2 * h)
        }
        var varRe = 0.0, varK = 0.0
        for i in 0..<n {
            for j in 0..<n {
                varRe += gradRe[i] * covariance[i * n + j] * gradRe[j]
                varK += gradK[i] * covariance[i * n + j] * gradK[j]
            }
        }
        return (varRe.squareRoot(), base.curvature > 0 ? varK.squareRoot() / base.curvature : nil)
    }
}

/// Leave-one-out (jackknife) estimates of how much r_e and ω_e depend on single points.
public struct JackknifeEstimate: Sendable, Hashable, Codable {
    /// Jackknife standard error of r_e in ångström.
    public var standardErrorReAngstrom: Double
    /// Jackknife standard error of ω_e in cm⁻¹.
    public var standardErrorOmegaE: Double
    /// Number of leave-one-out refits that succeeded.
    public var refits: Int

    /// Refits `model` once per left-out point; `nil` when fewer than three refits succeed.
    public static func estimate(
        rAngstrom: [Double], energyHartree: [Double], model: CurveModel, reducedMassDalton: Double
    ) -> JackknifeEstimate? {
        var res: [Double] = [], omegas: [Double] = []
        for left in rAngstrom.indices {
            var r = rAngstrom, e = energyHartree
            r.remove(at: left)
            e.remove(at: left)
            guard let analysis = try? DiatomicAnalysis.analyse(rAngstrom: r, energyHartree: e, model: model) else { continue }
            res.append(analysis.rEquilibriumAngstrom)
            omegas.append(analysis.constants(reducedMassDalton: reducedMassDalton).omegaE)
        }
        guard res.count >= 3 else { return nil }
        func spread(_ values: [Double]) -> Double {
            let n = Double(values.count)
            let mean = values.reduce(0, +) / n
            return ((n - 1) / n * values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }).squareRoot()
        }
        return JackknifeEstimate(standardErrorReAngstrom: spread(res), standardErrorOmegaE: spread(omegas), refits: res.count)
    }
}
