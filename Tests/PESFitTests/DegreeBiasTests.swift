import Foundation
import PESCore
import PESEngines
import PESFit
import PESTestSupport
import Testing

@Suite("Degree bias, jackknife shortfall and the collect-first remedy")
struct DegreeBiasTests {
    /// The HF Morse curve of the library over its default range: the true r_e is the library's.
    func hfMorse(points: Int) throws -> (r: [Double], e: [Double], trueRE: Double, mu: Double) {
        let entry = try MoleculeLibrary.load(from: TestSupport.moleculeLibrary).molecule(named: "HF")
        let model = MorseModel(constants: entry.constants, reducedMassDalton: entry.molecule.reducedMassDalton)
        let r = try BondLengthRange.evenlySpaced(entry.defaultRangeAngstrom, count: points)
        return (r, r.map(model.energyHartree(atAngstrom:)), entry.constants.rEquilibriumAngstrom, entry.molecule.reducedMassDalton)
    }

    @Test("at degree 4 on a Morse curve the degree bias is within a factor 3 of the actual error of r_e; the statistical error is not")
    func biasCoversTheActualError() throws {
        let (r, e, trueRE, _) = try hfMorse(points: 11)
        let analysis = try DiatomicAnalysis.analyse(rAngstrom: r, energyHartree: e, model: .polynomial(degree: 4))
        let actual = analysis.rEquilibriumAngstrom - trueRE
        let bias = try #require(analysis.degreeBias)
        let sigma = try #require(analysis.standardErrorReAngstrom)
        #expect(bias.comparedDegree == 5)
        #expect(abs(actual) > 1e-6, "the degree-4 error \(actual) should be visible")
        #expect(bias.reAngstrom * actual > 0, "same sign: bias \(bias.reAngstrom), actual \(actual)")
        #expect(abs(bias.reAngstrom) > abs(actual) / 3 && abs(bias.reAngstrom) < abs(actual) * 3, "bias \(bias.reAngstrom), actual \(actual)")
        #expect(sigma < abs(actual) / 3, "σ \(sigma) alone does not cover \(actual)")
    }

    @Test("the bias shrinks with the degree, the ω_e bias is reported, and Morse fits or too few points have none")
    func biasAvailability() throws {
        let (r, e, _, mu) = try hfMorse(points: 11)
        let four = try DiatomicAnalysis.analyse(rAngstrom: r, energyHartree: e, model: .polynomial(degree: 4))
        let six = try DiatomicAnalysis.analyse(rAngstrom: r, energyHartree: e, model: .polynomial(degree: 6))
        #expect(abs(try #require(six.degreeBias).reAngstrom) < abs(try #require(four.degreeBias).reAngstrom) / 10)
        #expect(four.omegaEDegreeBias(reducedMassDalton: mu) != nil)
        #expect(try DiatomicAnalysis.analyse(rAngstrom: r, energyHartree: e, model: .morse).degreeBias == nil)
        let five = try DiatomicAnalysis.analyse(rAngstrom: Array(r[2...6]), energyHartree: Array(e[2...6]), model: .polynomial(degree: 4))
        #expect(five.degreeBias == nil)
        let local = try DiatomicAnalysis.analyse(rAngstrom: r, energyHartree: e, model: .localized(degree: 4, weighted: true))
        #expect(local.degreeBias?.comparedDegree == 5)
    }

    @Test("a jackknife with too few points says why and how many points it needs")
    func jackknifeShortfall() throws {
        let (r, e, _, mu) = try hfMorse(points: 11)
        let few = JackknifeEstimate.estimateOrShortfall(
            rAngstrom: Array(r[3...7]), energyHartree: Array(e[3...7]), model: .polynomial(degree: 4), reducedMassDalton: mu)
        #expect(throws: JackknifeShortfall.tooFewPoints(have: 5, need: 6)) { try few.get() }
        #expect(JackknifeShortfall.tooFewPoints(have: 5, need: 6).description.contains("at least 6 points"))
        let enough = JackknifeEstimate.estimateOrShortfall(rAngstrom: r, energyHartree: e, model: .polynomial(degree: 4), reducedMassDalton: mu)
        #expect(try enough.get().refits == 11)
    }

    @Test("a minimum beyond the fitted points is a collect-first remedy when pending points cover that side, else a rescan")
    func pendingCoverTheMinimum() {
        let error = FitError.minimumBeyond(.longer, of: 0.45...0.70)
        let fitted = [0.45, 0.5, 0.55, 0.6, 0.65, 0.7]
        #expect(error.remedy(pendingAngstrom: [0.75, 0.8, 0.4], fittedAngstrom: fitted) == .collectPending(count: 2, side: .longer))
        #expect(error.remedy(pendingAngstrom: [0.4], fittedAngstrom: fitted) == error.remedy)
        if case .rescan = error.remedy {} else { Issue.record("expected the rescan remedy, got \(String(describing: error.remedy))") }
    }
}
