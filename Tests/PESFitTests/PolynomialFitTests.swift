import Foundation
import PESCore
import PESEngines
import PESFit
import PESTestSupport
import Testing

@Suite("Polynomial least squares and minimum")
struct PolynomialFitTests {
    @Test("an exact quartic is recovered to 1e-10 and its minimum to 1e-12 Å")
    func exactQuartic() throws {
        // E(r) = 2 (r − 1.3)² + 0.5 (r − 1.3)⁴ − 7: minimum exactly at 1.3, E = −7, E'' = 4.
        let r = (0..<9).map { 1.0 + 0.075 * Double($0) }
        let e = r.map { 2 * pow($0 - 1.3, 2) + 0.5 * pow($0 - 1.3, 4) - 7 }
        let analysis = try DiatomicAnalysis.analyse(rAngstrom: r, energyHartree: e, model: .polynomial(degree: 4))
        #expect(abs(analysis.rEquilibriumAngstrom - 1.3) < 1e-12)
        #expect(abs(analysis.energyHartree + 7) < 1e-12)
        #expect(abs(analysis.secondDerivativeHartreePerAngstrom2 - 4) < 1e-9)
        #expect(analysis.rmsResidualHartree < 1e-13)
        let expanded = Polynomial(coefficients: [2 * 1.69 + 0.5 * pow(1.3, 4) - 7, -4 * 1.3 - 2 * pow(1.3, 3), 2 + 3 * 1.69, -2 * 1.3, 0.5])
        for (ours, truth) in zip(try #require(analysis.polynomial).polynomial.coefficients, expanded.coefficients) {
            #expect(TestSupport.isClose(ours, truth, relative: 1e-10, absolute: 1e-10))
        }
    }

    @Test("a quadratic's minimum is exact with degree 2")
    func quadratic() throws {
        let r = [0.5, 0.7, 0.9, 1.1]
        let analysis = try DiatomicAnalysis.analyse(rAngstrom: r, energyHartree: r.map { 3 * ($0 - 0.8) * ($0 - 0.8) }, model: .polynomial(degree: 2))
        #expect(abs(analysis.rEquilibriumAngstrom - 0.8) < 1e-13)
        #expect(abs(analysis.secondDerivativeHartreePerAngstrom2 - 6) < 1e-10)
    }

    @Test("unsorted input gives the same fit as sorted")
    func unsortedInput() throws {
        let r = [0.8, 0.7, 0.75, 0.72, 0.78, 0.74, 0.76]
        let e = r.map { pow($0 - 0.741, 2) + 0.3 * pow($0 - 0.741, 3) }
        let shuffled = try DiatomicAnalysis.analyse(rAngstrom: r, energyHartree: e, model: .polynomial(degree: 3))
        let order = r.indices.sorted { r[$0] < r[$1] }
        let sorted = try DiatomicAnalysis.analyse(rAngstrom: order.map { r[$0] }, energyHartree: order.map { e[$0] }, model: .polynomial(degree: 3))
        #expect(abs(shuffled.rEquilibriumAngstrom - sorted.rEquilibriumAngstrom) < 1e-14)
        #expect(abs(shuffled.rEquilibriumAngstrom - 0.741) < 1e-12)
    }

    /// Morse curves of the library: the degree-4 fit over the default range finds r_e and k = 2 D_e a².
    @Test("Morse curves: r_e within 2e-4 Å and curvature within 2% of 2 D_e a²", arguments: ["H2", "HF", "N2", "CO", "AuH", "Au2", "AuOg+"])
    func morseRecovered(_ name: String) throws {
        let entry = try MoleculeLibrary.load(from: TestSupport.moleculeLibrary).molecule(named: name)
        let model = MorseModel(constants: entry.constants, reducedMassDalton: entry.molecule.reducedMassDalton)
        let r = try BondLengthRange.evenlySpaced(entry.defaultRangeAngstrom, count: 11)
        let analysis = try DiatomicAnalysis.analyse(rAngstrom: r, energyHartree: r.map(model.energyHartree(atAngstrom:)), model: .polynomial(degree: 4))
        #expect(abs(analysis.rEquilibriumAngstrom - entry.constants.rEquilibriumAngstrom) < 2e-4)
        let k = 2 * model.wellDepthHartree * model.rangePerAngstrom * model.rangePerAngstrom
        #expect(TestSupport.isClose(analysis.secondDerivativeHartreePerAngstrom2, k, relative: 0.02))
        #expect(abs(analysis.energyHartree + model.wellDepthHartree) < 1e-5 * model.wellDepthHartree)
    }

    @Test("the AuOg+ model scan of the paper gives r_e = 2.862 Å to 5e-5")
    func auOgPaperScan() throws {
        let entry = try MoleculeLibrary.load(from: TestSupport.moleculeLibrary).molecule(named: "AuOg+")
        let model = MorseModel(constants: entry.constants, reducedMassDalton: entry.molecule.reducedMassDalton)
        let r = try BondLengthRange.evenlySpaced(entry.defaultRangeAngstrom, count: 11)
        let analysis = try DiatomicAnalysis.analyse(rAngstrom: r, energyHartree: r.map(model.energyHartree(atAngstrom:)), model: .polynomial(degree: 4))
        #expect(abs(analysis.rEquilibriumAngstrom - 2.862) < 5e-5)
        #expect(String(format: "%.3f", analysis.rEquilibriumAngstrom) == "2.862")
    }

    @Test("fewer points than degree + 1 is refused")
    func tooFewPoints() {
        #expect(throws: FitError.tooFewPoints(have: 4, degree: 4)) {
            try PolynomialFit.fit(rAngstrom: [1, 2, 3, 4], energyHartree: [1, 0, 0.5, 2], degree: 4)
        }
    }

    @Test("repeated bond lengths that leave too few distinct points are refused")
    func repeatedPoints() {
        #expect(throws: FitError.tooFewPoints(have: 2, degree: 2)) {
            try PolynomialFit.fit(rAngstrom: [1, 1, 2, 2], energyHartree: [1, 1, 2, 2], degree: 2)
        }
    }

    @Test("energies still falling at the long end: error names the longer side and suggests a range")
    func minimumBeyondLongEnd() throws {
        let r = (0..<8).map { 0.5 + 0.05 * Double($0) }  // 0.50 … 0.85, minimum of the curve at 1.0
        let e = r.map { pow($0 - 1.0, 2) }
        do {
            _ = try DiatomicAnalysis.analyse(rAngstrom: r, energyHartree: e, model: .polynomial(degree: 2))
            Issue.record("expected an error")
        } catch {
            guard case .minimumOutsideRange(let side, let from, let to) = error else {
                Issue.record("wrong error \(error)")
                return
            }
            #expect(side == .longer)
            #expect(to > 0.85 && from > 0.5)
            #expect(error.description.contains("beyond the longest bond length"))
        }
    }

    @Test("energies still falling at the short end: error names the shorter side")
    func minimumBelowShortEnd() throws {
        let r = (0..<8).map { 1.5 + 0.05 * Double($0) }
        let e = r.map { pow($0 - 1.0, 2) }
        #expect(throws: FitError.self) { try DiatomicAnalysis.analyse(rAngstrom: r, energyHartree: e, model: .polynomial(degree: 2)) }
        do {
            _ = try DiatomicAnalysis.analyse(rAngstrom: r, energyHartree: e, model: .polynomial(degree: 2))
        } catch {
            guard case .minimumOutsideRange(let side, _, let to) = error else {
                Issue.record("wrong error \(error)")
                return
            }
            #expect(side == .shorter)
            #expect(to < 1.85)
        }
    }

    @Test("non-finite energies are refused before LAPACK sees them")
    func nonFinite() {
        #expect(throws: FitError.self) {
            try PolynomialFit.fit(rAngstrom: [1, 2, 3, 4], energyHartree: [1, .nan, 0.5, 2], degree: 2)
        }
    }
}

@Suite("Where refinement adds points")
struct RefinementPlannerTests {
    @Test("a symmetric pair halving the gap around r_e, inside the bracketing")
    func pair() {
        let added = RefinementPlanner.nextBondLengths(existing: [1.0, 1.1, 1.2, 1.3, 1.4], rEquilibriumAngstrom: 1.23)
        #expect(added.count == 2)
        #expect(abs(added[0] - 1.195) < 1e-12 && abs(added[1] - 1.265) < 1e-12)
    }

    @Test("nothing outside the data, nothing on top of an existing point")
    func limits() {
        #expect(RefinementPlanner.nextBondLengths(existing: [1.0, 1.1, 1.2], rEquilibriumAngstrom: 1.25).isEmpty)
        #expect(RefinementPlanner.nextBondLengths(existing: [1.0, 1.2, 1.20002, 1.19998, 1.4], rEquilibriumAngstrom: 1.2).isEmpty)
    }
}
