import Foundation
import PESCore
import PESEngines
import PESFit
import PESTestSupport
import Testing

@Suite("Spectroscopic constants from fitted curves")
struct SpectroscopicConstantsTests {
    static let molecules = ["H2", "HF", "HCl", "N2", "CO", "Li2", "AuH", "Au2", "AuOg+"]

    func morseData(_ name: String, points: Int = 11) throws -> (LibraryMolecule, MorseModel, [Double], [Double]) {
        let entry = try MoleculeLibrary.load(from: TestSupport.moleculeLibrary).molecule(named: name)
        let model = MorseModel(constants: entry.constants, reducedMassDalton: entry.molecule.reducedMassDalton)
        let r = try BondLengthRange.evenlySpaced(entry.defaultRangeAngstrom, count: points)
        return (entry, model, r, r.map(model.energyHartree(atAngstrom:)))
    }

    /// A Morse curve's VPT2 constants are known in closed form: ω_e, ω_e x_e = ω_e²/4D_e, and Pekeris's α_e.
    @Test("a Morse fit of Morse energies returns the library's ω_e and ω_e x_e", arguments: molecules)
    func morseAnalytic(_ name: String) throws {
        let (entry, _, r, e) = try morseData(name)
        let analysis = try DiatomicAnalysis.analyse(rAngstrom: r, energyHartree: e, model: .morse)
        let c = analysis.constants(reducedMassDalton: entry.molecule.reducedMassDalton)
        #expect(abs(c.rEquilibriumAngstrom - entry.constants.rEquilibriumAngstrom) < 1e-9)
        #expect(TestSupport.isClose(c.omegaE, entry.constants.omegaEWavenumber, relative: 1e-7))
        // Psi4's rounded prefactor 1.2415491e-6 (×16 = 1.98648e-5 vs hc: 1.98645e-5 aJ⁻¹cm) leaves 1.7e-5.
        #expect(TestSupport.isClose(c.omegaEXE, entry.constants.omegaEXEWavenumber, relative: 2e-5))
        // Pekeris (1934): α_e = 6 √(ω_e x_e B_e³)/ω_e − 6 B_e²/ω_e for a Morse oscillator.
        let pekeris = 6 * (c.omegaEXE * pow(c.rotationalBE, 3)).squareRoot() / c.omegaE - 6 * c.rotationalBE * c.rotationalBE / c.omegaE
        // Psi4's rounded prefactor 1.05052209e-3 in α_e leaves a few 1e-6.
        #expect(TestSupport.isClose(c.alphaE, pekeris, relative: 1e-5))
        #expect(TestSupport.isClose(c.centrifugalDE, 4 * pow(c.rotationalBE, 3) / pow(c.omegaE, 2), relative: 1e-12))
        #expect(TestSupport.isClose(c.fundamental, c.omegaE - 2 * c.omegaEXE, relative: 1e-12))
        #expect(c.rZeroAngstrom > c.rEquilibriumAngstrom)
    }

    @Test("B_e from r_e and the isotopic masses matches Huber–Herzberg", arguments: [("H2", 60.853), ("HF", 20.9557), ("HCl", 10.59341), ("N2", 1.998241), ("CO", 1.93128), ("Li2", 0.67264), ("AuH", 7.2401)])
    func rotationalConstants(_ name: String, _ reference: Double) throws {
        let (entry, _, r, e) = try morseData(name)
        let c = try DiatomicAnalysis.analyse(rAngstrom: r, energyHartree: e, model: .morse)
            .constants(reducedMassDalton: entry.molecule.reducedMassDalton)
        #expect(TestSupport.isClose(c.rotationalBE, reference, relative: 2e-4), "\(c.rotationalBE)")
    }

    /// A quartic localised at r_e truncates the Morse series, so its f₄ (and ω_e x_e) carries a few per cent; degree 6 and up do better.
    @Test("polynomial and localised fits of Morse energies recover ω_e and ω_e x_e", arguments: molecules)
    func polynomialModels(_ name: String) throws {
        let (entry, _, r, e) = try morseData(name, points: 15)
        let models: [(CurveModel, omega: Double, anharmonicity: Double)] = [
            (.polynomial(degree: 6), 3e-5, 0.01), (.polynomialAutomaticDegree(maximumDegree: 10), 3e-5, 0.01),
            (.localized(degree: 4, weighted: true), 1e-4, 0.05),
        ]
        for (model, omegaTolerance, anharmonicityTolerance) in models {
            let c = try DiatomicAnalysis.analyse(rAngstrom: r, energyHartree: e, model: model)
                .constants(reducedMassDalton: entry.molecule.reducedMassDalton)
            #expect(TestSupport.isClose(c.omegaE, entry.constants.omegaEWavenumber, relative: omegaTolerance), "\(model) ω_e \(c.omegaE)")
            #expect(
                TestSupport.isClose(c.omegaEXE, entry.constants.omegaEXEWavenumber, relative: anharmonicityTolerance),
                "\(model) ω_e x_e \(c.omegaEXE)")
        }
    }

    @Test("the Morse fit recovers D_e and a from noisy, unsorted points, with standard errors that cover the truth")
    func morseFromNoisyData() throws {
        let (_, model, r, e) = try morseData("HF", points: 21)
        var generator = SeededGenerator(seed: 42)
        let noisy = e.map { $0 + 2e-6 * generator.nextGaussian() }
        let order = r.indices.reversed()
        let analysis = try DiatomicAnalysis.analyse(rAngstrom: order.map { r[$0] }, energyHartree: order.map { noisy[$0] }, model: .morse)
        let fit = try #require(analysis.morse)
        #expect(TestSupport.isClose(fit.wellDepthHartree, model.wellDepthHartree, relative: 0.05))
        #expect(TestSupport.isClose(fit.rangePerAngstrom, model.rangePerAngstrom, relative: 0.02))
        let se = try #require(analysis.standardErrorReAngstrom)
        #expect(se > 0 && se < 1e-4)
        #expect(abs(analysis.rEquilibriumAngstrom - model.rEquilibriumAngstrom) < 4 * se)
    }

    @Test("covariance standard errors of r_e are honest on noisy data: within 4σ, and σ shrinks with less noise")
    func polynomialStandardErrors() throws {
        let (entry, model, r, e) = try morseData("N2", points: 17)
        var generator = SeededGenerator(seed: 7)
        var errors: [Double] = []
        for noise in [1e-5, 1e-7] {
            let noisy = e.map { $0 + noise * generator.nextGaussian() }
            let analysis = try DiatomicAnalysis.analyse(rAngstrom: r, energyHartree: noisy, model: .polynomial(degree: 6))
            let se = try #require(analysis.standardErrorReAngstrom)
            #expect(abs(analysis.rEquilibriumAngstrom - model.rEquilibriumAngstrom) < 4 * se + 1e-7)
            errors.append(se)
            let jackknife = try #require(JackknifeEstimate.estimate(
                rAngstrom: r, energyHartree: noisy, model: .polynomial(degree: 6),
                reducedMassDalton: entry.molecule.reducedMassDalton))
            #expect(jackknife.refits == 17)
            #expect(jackknife.standardErrorReAngstrom > se / 10 && jackknife.standardErrorReAngstrom < se * 10)
        }
        #expect(errors[1] < errors[0] / 10)
    }

    @Test("automatic degree tries every degree and picks the smallest leave-one-out error")
    func automaticDegree() throws {
        // An exact quartic with noise-free data: degree 4 predicts left-out points exactly; 2 and 3 cannot.
        let r = (0..<12).map { 1.0 + 0.05 * Double($0) }
        let e = r.map { 0.3 * pow($0 - 1.27, 2) - 0.2 * pow($0 - 1.27, 3) + 0.4 * pow($0 - 1.27, 4) }
        let analysis = try DiatomicAnalysis.analyse(rAngstrom: r, energyHartree: e, model: .polynomialAutomaticDegree(maximumDegree: 8))
        #expect(analysis.degreeTrials.map(\.degree) == Array(2...8))
        let scores = analysis.degreeTrials.compactMap(\.leaveOneOutRMSHartree)
        #expect(scores.count == 7)
        #expect(scores[0] > 1e-4 && scores[1] > 1e-6)
        #expect((analysis.degree ?? 0) >= 4)
        #expect(abs(analysis.rEquilibriumAngstrom - 1.27) < 1e-10)
    }

    @Test("fewer than three points on a side of the minimum is a warning")
    func thinBracketing() throws {
        let r = [0.70, 0.72, 0.74, 0.76, 0.78, 0.80, 0.82, 0.84]
        let e = r.map { pow($0 - 0.73, 2) }
        let analysis = try DiatomicAnalysis.analyse(rAngstrom: r, energyHartree: e, model: .polynomial(degree: 2))
        #expect(analysis.warnings.contains { $0.contains("below r_e") })
        #expect(!analysis.warnings.contains { $0.contains("above r_e") })
    }

    @Test("the localised fit converges to a gradient below 1e-9 Eh/Å and refuses a minimum outside the data")
    func localized() throws {
        let (_, model, r, e) = try morseData("CO")
        let analysis = try DiatomicAnalysis.analyse(rAngstrom: r, energyHartree: e, model: .localized(degree: 4, weighted: true))
        #expect(analysis.residualGradientHartreePerAngstrom < 1e-9)
        #expect(abs(analysis.rEquilibriumAngstrom - model.rEquilibriumAngstrom) < 1e-5)
        let outside = r.filter { $0 > model.rEquilibriumAngstrom + 0.02 }
        #expect(throws: FitError.self) {
            try DiatomicAnalysis.analyse(rAngstrom: outside, energyHartree: outside.map(model.energyHartree(atAngstrom:)), model: .localized(degree: 4, weighted: true))
        }
    }

    @Test("a badly conditioned system is refused with a message, not silently solved")
    func illConditioned() {
        // Bond lengths that differ in the 12th digit cannot determine a quartic.
        let r = (0..<8).map { 1.0 + 1e-13 * Double($0) }
        #expect(throws: FitError.self) {
            try DiatomicAnalysis.analyse(rAngstrom: r, energyHartree: r.map { $0 * $0 }, model: .polynomial(degree: 4))
        }
    }
}

