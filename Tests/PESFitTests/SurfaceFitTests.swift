import Foundation
import PESCore
import PESEngines
import PESFit
import PESTestSupport
import Testing

@Suite("Total-degree polynomial surfaces in n coordinates")
struct SurfaceFitTests {
    /// A quartic E(r, θ) in hartree (r in Å, θ in degrees) whose minimum is exactly at (0.99 Å, 104.2°), E = −76 Eh.
    static func quartic(_ x: [Double]) -> Double {
        let u = x[0] - 0.99, v = x[1] - 104.2
        return -76 + 0.3 * u * u + 2e-5 * v * v + 1e-4 * u * v - 0.4 * u * u * u + 1e-6 * u * u * v + 0.2 * u * u * u * u
            + 1e-9 * v * v * v * v + 1e-7 * u * v * v * v
    }

    /// Every pair of `first` and `second` values.
    static func grid(_ first: [Double], _ second: [Double]) -> [[Double]] {
        first.flatMap { a in second.map { [a, $0] } }
    }

    static let names = ["r", "theta"]

    @Test("a 2-D quartic sampled on a 5 × 5 grid is recovered to 1e-10 Eh and its minimum to 1e-10")
    func quarticRecovered() throws {
        let points = Self.grid((0..<5).map { 0.90 + 0.05 * Double($0) }, (0..<5).map { 100 + 2.5 * Double($0) })
        let fit = try SurfaceFit.fit(coordinateNames: Self.names, points: points, energyHartree: points.map(Self.quartic), totalDegree: 4)
        #expect(fit.termCount == 15)
        #expect(fit.exponents.prefix(6) == [[0, 0], [1, 0], [0, 1], [2, 0], [1, 1], [0, 2]])
        #expect(fit.rmsResidualHartree < 1e-12)
        for (ours, truth) in zip(fit.centres + fit.halfWidths, [1.0, 105, 0.1, 5]) {
            #expect(TestSupport.isClose(ours, truth, relative: 1e-14))
        }
        for x in Self.grid((0..<6).map { 0.905 + 0.037 * Double($0) }, (0..<6).map { 100.3 + 1.9 * Double($0) }) {
            #expect(abs(fit.energyHartree(at: x) - Self.quartic(x)) < 1e-10)
        }
        let minimum = try fit.stationaryPoint()
        #expect(abs(minimum.coordinates[0] - 0.99) < 1e-10)
        #expect(abs(minimum.coordinates[1] - 104.2) < 1e-10, "\(minimum.coordinates[1] - 104.2)")
        #expect(abs(minimum.energyHartree + 76) < 1e-10)
        // ∂²E/∂r² = 0.6 Eh/Å², ∂²E/∂r∂θ = 1e-4 Eh/(Å·°), ∂²E/∂θ² = 4e-5 Eh/°².
        for (ours, truth) in zip(minimum.hessianHartreePerUnit2, [0.6, 1e-4, 1e-4, 4e-5]) {
            #expect(TestSupport.isClose(ours, truth, relative: 1e-8))
        }
        #expect(minimum.isMinimum && minimum.negativeDirectionCount == 0 && !minimum.liesOutsideData)
        #expect(fit.gradientHartreePerUnit(at: minimum.coordinates).allSatisfy { abs($0) < 1e-11 })
        #expect(minimum.iterations < 20)
        // An exact fit leaves only rounding in its residuals, so the errors it propagates are at the rounding level.
        for (error, value) in zip(try #require(minimum.standardErrors), minimum.coordinates) { #expect(error < 1e-10 * value) }
    }

    /// E = ½u² − 0.3v² + 0.1u²v for u = (x − 1.5)/0.2, v = (y − 120)/10: its one stationary point is a saddle at (1.5, 120).
    static func saddle(_ x: [Double]) -> Double {
        let u = (x[0] - 1.5) / 0.2, v = (x[1] - 120) / 10
        return 0.5 * u * u - 0.3 * v * v + 0.1 * u * u * v
    }

    @Test("a saddle is found from the lowest point and from elsewhere: one negative direction, not a minimum", arguments: [nil, [1.64, 126.0]])
    func saddle(start: [Double]?) throws {
        let points = Self.grid((0..<5).map { 1.3 + 0.1 * Double($0) }, (0..<5).map { 110 + 5 * Double($0) })
        let fit = try SurfaceFit.fit(coordinateNames: ["x", "y"], points: points, energyHartree: points.map(Self.saddle), totalDegree: 3)
        let point = try fit.stationaryPoint(start: start)
        #expect(abs(point.coordinates[0] - 1.5) < 1e-10 && abs(point.coordinates[1] - 120) < 1e-9)
        #expect(point.negativeDirectionCount == 1)
        #expect(!point.isMinimum)
        // d²E/dx² = 1/0.2² = 25, d²E/dy² = −0.6/10² = −0.006; the falling direction is y.
        #expect(TestSupport.isClose(point.hessianEigenvalues[0], -0.006, relative: 1e-9))
        #expect(TestSupport.isClose(point.hessianEigenvalues[1], 25, relative: 1e-9))
        #expect(abs(abs(point.hessianEigenvectors[0][1]) - 1) < 1e-12)
    }

    @Test("fewer points than terms is refused")
    func tooFewPoints() {
        let points = [[0.0, 0], [1, 0], [0, 1], [1, 1], [0.5, 0.3]]
        #expect(throws: FitError.tooFewPointsForSurface(have: 5, terms: 6, degree: 2)) {
            try SurfaceFit.fit(coordinateNames: ["x", "y"], points: points, energyHartree: [1, 2, 3, 4, 5], totalDegree: 2)
        }
    }

    @Test("a coordinate with fewer than d + 1 distinct values is refused, naming it")
    func tooFewDistinctValues() {
        let points = Self.grid([0.9, 1.0, 1.1, 1.2], [100, 105, 110])
        #expect(throws: FitError.tooFewDistinctValues(coordinate: "theta", have: 3, degree: 3)) {
            try SurfaceFit.fit(coordinateNames: Self.names, points: points, energyHartree: points.map(Self.quartic), totalDegree: 3)
        }
    }

    @Test("points on a circle cannot determine a quadratic (x² + y² = 1): rank 5 of 6 is refused")
    func rankDeficient() throws {
        let points = (0..<12).map { k -> [Double] in
            let angle = 2 * Double.pi * Double(k) / 12
            return [cos(angle), sin(angle)]
        }
        let error = FitError.surfaceRankDeficient(coordinates: ["x", "y"], degree: 2, terms: 6, rank: 5)
        #expect(throws: error) {
            try SurfaceFit.fit(coordinateNames: ["x", "y"], points: points, energyHartree: points.map { $0[0] + $0[1] * $0[1] }, totalDegree: 2)
        }
        #expect(error.description == "The points do not determine a total-degree-2 polynomial in x, y: 6 terms, rank 5. Lower the degree or collect more points.")
    }

    @Test("points within 1e-13 of a circle leave a design conditioned worse than 1e12: refused as badly conditioned")
    func illConditioned() throws {
        let points = (0..<12).map { k -> [Double] in
            let angle = 2 * Double.pi * Double(k) / 12, radius = 1 + (k % 2 == 0 ? 1e-13 : -1e-13)
            return [radius * cos(angle), radius * sin(angle)]
        }
        let error = #expect(throws: FitError.self) {
            try SurfaceFit.fit(coordinateNames: ["x", "y"], points: points, energyHartree: points.map { $0[0] }, totalDegree: 2)
        }
        guard case .illConditioned(let condition) = error else {
            Issue.record("expected a badly conditioned design, got \(String(describing: error))")
            return
        }
        #expect(condition > PolynomialFit.refusedConditionNumber && condition < 1e14)
    }

    @Test("non-finite data, points of the wrong length, repeated names and degree 1 are refused")
    func badInput() {
        let points = Self.grid([0.9, 1.0, 1.1], [100, 105, 110])
        var energies = points.map(Self.quartic)
        energies[3] = .nan
        #expect(throws: FitError.nonFinitePoint(index: 3)) {
            try SurfaceFit.fit(coordinateNames: Self.names, points: points, energyHartree: energies, totalDegree: 2)
        }
        #expect(throws: FitError.mismatchedDimensions(what: "coordinate values in point 2", have: 3, expected: 2)) {
            try SurfaceFit.fit(coordinateNames: Self.names, points: [[1, 2], [1, 2, 3]], energyHartree: [0, 0], totalDegree: 2)
        }
        #expect(throws: FitError.duplicateCoordinate("r")) {
            try SurfaceFit.fit(coordinateNames: ["r", "r"], points: points, energyHartree: points.map(Self.quartic), totalDegree: 2)
        }
        #expect(throws: FitError.degreeTooLow(1)) {
            try SurfaceFit.fit(coordinateNames: Self.names, points: points, energyHartree: points.map(Self.quartic), totalDegree: 1)
        }
    }

    /// The quartic on a 7 × 7 grid plus seeded Gaussian noise of `sigma` hartree.
    static func noisyFit(sigma: Double, generator: inout SeededGenerator) throws -> SurfaceFit {
        let points = grid((0..<7).map { 0.90 + 0.03 * Double($0) }, (0..<7).map { 98 + 2 * Double($0) })
        let energies = points.map { quartic($0) + sigma * generator.nextGaussian() }
        return try SurfaceFit.fit(coordinateNames: names, points: points, energyHartree: energies, totalDegree: 4)
    }

    @Test("standard errors are positive, scale with the noise, and match the scatter of 400 seeded refits within 10%")
    func standardErrors() throws {
        var first = SeededGenerator(seed: 7), second = SeededGenerator(seed: 7)
        let noisy = try Self.noisyFit(sigma: 1e-5, generator: &first).stationaryPoint()
        let quiet = try Self.noisyFit(sigma: 1e-7, generator: &second).stationaryPoint()
        let noisyErrors = try #require(noisy.standardErrors), quietErrors = try #require(quiet.standardErrors)
        let noisyEnergy = try #require(noisy.energyStandardErrorHartree), quietEnergy = try #require(quiet.energyStandardErrorHartree)
        #expect(noisyErrors.allSatisfy { $0 > 0 } && quietErrors.allSatisfy { $0 > 0 } && quietEnergy > 0)
        // The same noise 100 times smaller: the errors shrink 100 times, to first order (the noisier fit's own
        // curvature in θ, which the errors divide by, is off by a few per cent).
        for (small, large) in zip(quietErrors + [quietEnergy], noisyErrors + [noisyEnergy]) {
            #expect(TestSupport.isClose(small / large, 0.01, relative: 0.1), "\(small) vs \(large)")
        }

        var generator = SeededGenerator(seed: 11)
        var found: [[Double]] = [], predicted: [[Double]] = []
        for _ in 0..<400 {
            let point = try Self.noisyFit(sigma: 1e-5, generator: &generator).stationaryPoint()
            found.append(point.coordinates + [point.energyHartree])
            predicted.append((point.standardErrors ?? []) + [point.energyStandardErrorHartree ?? 0])
        }
        for k in 0..<3 {
            let values = found.map { $0[k] }, mean = values.reduce(0, +) / Double(values.count)
            let scatter = (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)).squareRoot()
            let typical = predicted.map { $0[k] }.reduce(0, +) / Double(predicted.count)
            #expect(TestSupport.isClose(typical, scatter, relative: 0.1), "quantity \(k): predicted \(typical), scatter \(scatter)")
        }
    }

    @Test("one coordinate: the minimum, curvature and σ(r_e) (to 1e-6) equal DiatomicAnalysis's degree-4 polynomial", arguments: ["HF", "N2", "AuH"])
    func oneCoordinateAgrees(_ name: String) throws {
        let entry = try MoleculeLibrary.load(from: TestSupport.moleculeLibrary).molecule(named: name)
        let model = MorseModel(constants: entry.constants, reducedMassDalton: entry.molecule.reducedMassDalton)
        let r = try BondLengthRange.evenlySpaced(entry.defaultRangeAngstrom, count: 11)
        let e = r.map(model.energyHartree(atAngstrom:))
        let analysis = try DiatomicAnalysis.analyse(rAngstrom: r, energyHartree: e, model: .polynomial(degree: 4))
        let fit = try SurfaceFit.fit(coordinateNames: ["r"], points: r.map { [$0] }, energyHartree: e, totalDegree: 4)
        let polynomial = try #require(analysis.polynomial)
        for (ours, theirs) in zip(fit.scaledCoefficientsHartree, polynomial.scaledPolynomial.coefficients) {
            #expect(TestSupport.isClose(ours, theirs, relative: 1e-9, absolute: 1e-13))
        }
        #expect(TestSupport.isClose(fit.conditionNumber, polynomial.conditionNumber, relative: 1e-9))
        let minimum = try fit.stationaryPoint()
        #expect(minimum.isMinimum)
        #expect(abs(minimum.coordinates[0] - analysis.rEquilibriumAngstrom) < 1e-10)
        #expect(abs(minimum.energyHartree - analysis.energyHartree) < 1e-12)
        #expect(TestSupport.isClose(minimum.hessianHartreePerUnit2[0], analysis.secondDerivativeHartreePerAngstrom2, relative: 1e-9))
        let ours = try #require(minimum.standardErrors?.first), theirs = try #require(analysis.standardErrorReAngstrom)
        #expect(TestSupport.isClose(ours, theirs, relative: 1e-6), "σ(r_e) \(ours) vs \(theirs)")
    }
}
