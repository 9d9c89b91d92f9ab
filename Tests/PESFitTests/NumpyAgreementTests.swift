import Foundation
import PESFit
import PESTestSupport
import Testing

/// One data set of `Fixtures/polyfit_fixtures.json`, written by `make_polyfit_fixtures.py`.
struct PolyfitFixture: Decodable, CustomStringConvertible {
    var name: String
    var degree: Int
    var r_angstrom: [Double]
    var energy_hartree: [Double]
    var polyfit_coefficients: [Double]
    var window_coefficients: [Double]
    var exact_coefficients: [Double]
    var numpy_raw_relative_error: Double
    var r_e_angstrom: Double?
    var energy_at_r_e_hartree: Double?

    var description: String { name }

    static let all: [PolyfitFixture] = {
        struct File: Decodable { var cases: [PolyfitFixture] }
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/polyfit_fixtures.json")
        guard let data = try? Data(contentsOf: url), let file = try? JSONDecoder().decode(File.self, from: data) else {
            return []
        }
        return file.cases
    }()
}

@Suite("Agreement with NumPy's polynomial fits")
struct NumpyAgreementTests {
    @Test func fixturesAreLoaded() {
        #expect(PolyfitFixture.all.count == 5)
    }

    @Test("scaled-window coefficients equal numpy Polynomial.fit to 1e-9 relative", arguments: PolyfitFixture.all)
    func windowCoefficients(_ fixture: PolyfitFixture) throws {
        let fit = try PolynomialFit.fit(
            rAngstrom: fixture.r_angstrom, energyHartree: fixture.energy_hartree, degree: fixture.degree)
        let largest = fixture.window_coefficients.map(abs).max() ?? 1
        for (ours, numpy) in zip(fit.scaledPolynomial.coefficients, fixture.window_coefficients) {
            #expect(TestSupport.isClose(ours, numpy, relative: 1e-9, absolute: 1e-12 * largest), "\(ours) vs \(numpy)")
        }
    }

    @Test("raw coefficients equal the 50-digit least-squares solution to 1e-9 relative", arguments: PolyfitFixture.all)
    func rawCoefficientsAgainstExact(_ fixture: PolyfitFixture) throws {
        let fit = try PolynomialFit.fit(
            rAngstrom: fixture.r_angstrom, energyHartree: fixture.energy_hartree, degree: fixture.degree)
        for (ours, exact) in zip(fit.polynomial.coefficients, fixture.exact_coefficients) {
            #expect(TestSupport.isClose(ours, exact, relative: 1e-9), "\(ours) vs \(exact)")
        }
    }

    @Test("raw coefficients equal numpy polyfit to 1e-9 relative where numpy's own error allows", arguments: PolyfitFixture.all)
    func rawCoefficientsAgainstNumpy(_ fixture: PolyfitFixture) throws {
        let fit = try PolynomialFit.fit(
            rAngstrom: fixture.r_angstrom, energyHartree: fixture.energy_hartree, degree: fixture.degree)
        // NumPy's raw-basis answer is itself off by numpy_raw_relative_error from the exact solution.
        let tolerance = 1e-9 + 1.5 * fixture.numpy_raw_relative_error
        for (ours, numpy) in zip(fit.polynomial.coefficients, fixture.polyfit_coefficients) {
            #expect(TestSupport.isClose(ours, numpy, relative: tolerance), "\(ours) vs \(numpy)")
        }
    }

    @Test("minimum equals numpy's roots-of-derivative minimum", arguments: PolyfitFixture.all)
    func minimumMatches(_ fixture: PolyfitFixture) throws {
        let expected = try #require(fixture.r_e_angstrom)
        let analysis = try DiatomicAnalysis.analyse(
            rAngstrom: fixture.r_angstrom, energyHartree: fixture.energy_hartree, model: .polynomial(degree: fixture.degree))
        #expect(TestSupport.isClose(analysis.rEquilibriumAngstrom, expected, relative: 1e-9))
        if let energy = fixture.energy_at_r_e_hartree {
            #expect(TestSupport.isClose(analysis.energyHartree, energy, relative: 1e-9, absolute: 1e-12))
        }
    }
}
