import Foundation
@testable import PESFit
import PESTestSupport
import Testing

@Suite("Harmonic wavenumbers by Wilson's GF method")
struct HarmonicAnalysisTests {
    static let names = ["r1", "r2", "theta"]

    /// The GF modes of `model` at the Z-matrix point `q`: internal Hessian and Jacobian by central differences.
    func internalModes(_ model: TriatomicModel, at q: [Double], angleUnitRadian: Double) throws -> [NormalMode] {
        let angleStep = 1e-2 * Double.pi / 180 / angleUnitRadian
        let f = TriatomicModel.hessian(model.internalEnergy(angleUnitRadian: angleUnitRadian), at: q, steps: [1e-4, 1e-4, angleStep])
        let j = TriatomicModel.jacobian(at: q, angleUnitRadian: angleUnitRadian, steps: [1e-5, 1e-5, angleStep / 100])
        return try HarmonicAnalysis.normalModes(
            coordinateNames: Self.names, hessianHartreePerUnit2: f, jacobianAngstromPerUnit: j,
            cartesianAngstrom: TriatomicModel.cartesian(q, angleUnitRadian: angleUnitRadian), massesDalton: model.massesDalton)
    }

    @Test("bent H–O–H: the three GF wavenumbers equal the Cartesian Hessian's to 0.01 cm⁻¹, with θ in degrees or radians",
          arguments: [Double.pi / 180, 1])
    func water(angleUnitRadian: Double) throws {
        let model = TriatomicModel.water()
        let q = [0.9578, 0.9578, 104.48 * Double.pi / 180 / angleUnitRadian]
        let reference = try model.cartesianWavenumbers(at: TriatomicModel.cartesian(q, angleUnitRadian: angleUnitRadian), count: 3)
        let modes = try internalModes(model, at: q, angleUnitRadian: angleUnitRadian)
        #expect(modes.count == 3)
        for (mode, expected) in zip(modes, reference) {
            #expect(abs(mode.wavenumberPerCentimetre - expected) < 0.01, "\(mode.wavenumberPerCentimetre) vs \(expected)")
        }
        // A water-like spread: bend near 1600, stretches near 3800–3900 cm⁻¹.
        #expect(reference[0] > 1000 && reference[0] < 2500 && reference[1] > 3000 && reference[2] < 5000)
        for mode in modes {
            #expect(abs(mode.composition.values.reduce(0, +) - 1) < 1e-12)
            #expect(mode.composition.values.allSatisfy { $0 >= 0 && $0 <= 1 })
        }
        // The bend is mostly θ; both stretches share r1 and r2 equally by symmetry.
        #expect((modes[0].composition["theta"] ?? 0) > 0.9)
        for stretch in modes[1...] {
            #expect(abs((stretch.composition["r1"] ?? 0) - (stretch.composition["r2"] ?? 0)) < 1e-6)
        }
    }

    @Test("linear H–C–N, θ through 180° as a signed bend: stretches and in-plane bend equal the Cartesian (doubly degenerate bend) to 0.01 cm⁻¹")
    func linearTriatomic() throws {
        let model = TriatomicModel.linear()
        let q = [1.066, 1.153, 180.0]
        // Four vibrations: the bend twice (in and out of plane), then the two stretches.
        let reference = try model.cartesianWavenumbers(at: TriatomicModel.cartesian(q, angleUnitRadian: Double.pi / 180), count: 4)
        #expect(abs(reference[0] - reference[1]) < 0.01)
        let modes = try internalModes(model, at: q, angleUnitRadian: Double.pi / 180)
        #expect(modes.count == 3)
        for (mode, expected) in zip(modes, [reference[0], reference[2], reference[3]]) {
            #expect(abs(mode.wavenumberPerCentimetre - expected) < 0.01, "\(mode.wavenumberPerCentimetre) vs \(expected)")
        }
        #expect((modes[0].composition["theta"] ?? 0) > 0.999)
        // A linear molecule has two rotations: the one about its axis moves no atom and is dropped.
        #expect(HarmonicAnalysis.rigidMotions(cartesianAngstrom: TriatomicModel.cartesian(q, angleUnitRadian: Double.pi / 180), massesDalton: model.massesDalton).count == 5)
    }

    @Test("a diatomic with one bond length gives VibrationalConstants.harmonicWavenumber to 1e-7, and a negative curvature a negative wavenumber",
          arguments: [0.6, 2.5, -0.3])
    func diatomic(secondDerivative k: Double) throws {
        let masses = [1.00782503, 18.99840316], mu = masses[0] * masses[1] / (masses[0] + masses[1])
        let modes = try HarmonicAnalysis.normalModes(
            coordinateNames: ["r"], hessianHartreePerUnit2: [k], jacobianAngstromPerUnit: [0, 0, 0, 0, 0, 1],
            cartesianAngstrom: [0, 0, 0, 0, 0, 0.917], massesDalton: masses)
        let expected = VibrationalConstants.harmonicWavenumber(secondDerivativeHartreePerAngstrom2: abs(k), reducedMassDalton: mu)
        #expect(TestSupport.isClose(abs(modes[0].wavenumberPerCentimetre), expected, relative: 1e-7))
        #expect(modes[0].isImaginary == (k < 0))
        #expect(modes[0].composition == ["r": 1])
        // The displacement is T-normalised: T = μ, so c = 1/√μ.
        #expect(TestSupport.isClose(abs(modes[0].displacements[0]), 1 / mu.squareRoot(), relative: 1e-12))
    }

    @Test("the modes at a fitted surface's minimum equal the Cartesian reference to 0.01 cm⁻¹")
    func fromSurfaceFit() throws {
        let model = TriatomicModel.water()
        let energy = model.internalEnergy(angleUnitRadian: Double.pi / 180)
        var points: [[Double]] = []
        let r = (0..<5).map { 0.90 + 0.03 * Double($0) }, theta = (0..<5).map { 98 + 3 * Double($0) }
        for r1 in r { for r2 in r { for angle in theta { points.append([r1, r2, angle]) } } }
        let fit = try SurfaceFit.fit(coordinateNames: Self.names, points: points, energyHartree: points.map(energy), totalDegree: 4)
        let minimum = try fit.stationaryPoint()
        #expect(minimum.isMinimum)
        #expect(abs(minimum.coordinates[0] - 0.9578) < 1e-6 && abs(minimum.coordinates[2] - 104.48) < 1e-4)
        let q = minimum.coordinates
        let modes = try HarmonicAnalysis.normalModes(
            at: minimum, jacobianAngstromPerUnit: TriatomicModel.jacobian(at: q, angleUnitRadian: Double.pi / 180, steps: [1e-5, 1e-5, 1e-4]),
            cartesianAngstrom: TriatomicModel.cartesian(q, angleUnitRadian: Double.pi / 180), massesDalton: model.massesDalton)
        let reference = try model.cartesianWavenumbers(at: TriatomicModel.cartesian([0.9578, 0.9578, 104.48], angleUnitRadian: Double.pi / 180), count: 3)
        for (mode, expected) in zip(modes, reference) {
            #expect(abs(mode.wavenumberPerCentimetre - expected) < 0.01, "\(mode.wavenumberPerCentimetre) vs \(expected)")
        }
    }

    @Test("two names for one bond are refused as dependent coordinates")
    func dependentCoordinates() {
        #expect(throws: FitError.dependentCoordinates(rank: 1, count: 2)) {
            try HarmonicAnalysis.normalModes(
                coordinateNames: ["r", "same r"], hessianHartreePerUnit2: [1, 0, 0, 1],
                jacobianAngstromPerUnit: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1],
                cartesianAngstrom: [0, 0, 0, 0, 0, 1], massesDalton: [1, 19])
        }
    }

    @Test("inputs of the wrong size and non-positive masses are refused")
    func badInputs() {
        #expect(throws: FitError.mismatchedDimensions(what: "Hessian entries (n × n)", have: 3, expected: 4)) {
            try HarmonicAnalysis.normalModes(
                coordinateNames: ["a", "b"], hessianHartreePerUnit2: [1, 0, 1], jacobianAngstromPerUnit: [],
                cartesianAngstrom: [], massesDalton: [])
        }
        #expect(throws: FitError.nonPositiveMass(atom: 1)) {
            try HarmonicAnalysis.normalModes(
                coordinateNames: ["r"], hessianHartreePerUnit2: [1], jacobianAngstromPerUnit: [0, 0, 0, 0, 0, 1],
                cartesianAngstrom: [0, 0, 0, 0, 0, 1], massesDalton: [1, 0])
        }
    }
}
