import Foundation
import PESCore
import PESEngines
import PESFit
import PESReport
import PESStore
import PESTestSupport
import PESWorkflow
import Testing

/// A database holding one H2 scan of Morse energies bent by a cubic term, so that every model finds a different r_e.
private func bentMorseStore(points: Int = 13) throws -> (ScanStore, URL) {
    let folder = try TestSupport.temporaryFolder("pesscan-workflow")
    let store = try ScanStore(path: folder.appendingPathComponent("test.sqlite").path, create: true)
    var spec = try TestSupport.librarySpec(molecule: "H2", name: "h2", points: points)
    spec.engine = EngineSettings(name: ScanStore.importedProvenance)
    let entry = try MoleculeLibrary.load(from: TestSupport.moleculeLibrary).molecule(named: "H2")
    let model = MorseModel(constants: entry.constants, reducedMassDalton: entry.molecule.reducedMassDalton)
    let energies = spec.bondLengthsAngstrom.enumerated().map { index, r in
        ImportedEnergy(
            line: index + 2, rAngstrom: r,
            energyHartree: model.energyHartree(atAngstrom: r) + 0.02 * pow(r - model.rEquilibriumAngstrom, 3))
    }
    try store.importPoints(energies, into: spec, source: "bent-morse.csv")
    return (store, folder)
}

@Suite("fit and plot use one analysis")
struct PlotFitAgreementTests {
    static let models: [CurveModel] = [
        .polynomial(degree: 4), .polynomialAutomaticDegree(maximumDegree: 10), .localized(degree: 4, weighted: true), .morse,
    ]

    @Test("the drawn fit's r_e is fit's r_e, for every model", arguments: models)
    func plotDrawsFitsMinimum(_ model: CurveModel) throws {
        let (store, folder) = try bentMorseStore()
        let fit = try FitUseCase().run(FitRequest(source: .scan(store: store, name: "h2"), model: model))
        let plot = try PlotUseCase(store: store).run(PlotRequest(
            scan: "h2", model: model, includeUnconverged: false, unit: .hartree, showResiduals: true,
            destination: .folder(path: folder.path), makePNG: false))
        #expect(plot.model == fit.record.model && plot.degree == fit.record.degree)
        #expect(plot.rEAngstrom == fit.record.rEAngstrom)
        #expect(plot.energyHartree == fit.record.energyHartree)
        let svgPath = try #require(plot.svg)
        let svg = try #require(SVGElements(try String(contentsOfFile: svgPath, encoding: .utf8)))
        let marker = try #require(svg.withID("minimum").first)
        #expect(TestSupport.isClose(try #require(marker.number("data-r-angstrom")), fit.record.rEAngstrom, relative: 1e-15))
        #expect(try store.fits(ofScan: try store.scan(named: "h2").id).count == 1)
    }

    @Test("plot's figure, from the points read with the fit's selection and without a degree bias, is the figure of every stored point and fit's analysis", arguments: [13, 3000])
    func compactPointsDrawTheSameFigure(_ count: Int) throws {
        let (store, folder) = try bentMorseStore(points: count)
        let plot = try PlotUseCase(store: store).run(PlotRequest(
            scan: "h2", model: .polynomial(degree: 4), includeUnconverged: false, unit: .kilocaloriePerMole, showResiduals: true,
            destination: .folder(path: folder.path), makePNG: false))
        let written = try String(contentsOfFile: try #require(plot.svg), encoding: .utf8)
        let record = try store.scan(named: "h2", withPoints: false)
        let points = try store.points(ofScan: record.id)
        let selection = FitSelection(points: points, includeUnconverged: false)
        let whole = ScanPlot(
            spec: record.spec, points: points, selection: selection, fit: Result { () throws(FitError) in try selection.analyse(model: .polynomial(degree: 4)) },
            unit: .kilocaloriePerMole, showResiduals: true)
        #expect(whole.analysis?.degreeBias != nil, "the figure compared with is drawn from fit's analysis, degree bias and all")
        #expect(written == whole.svg())
        // Above 2,000 points the markers are thinned: fewer drawn than points, in both.
        let markers = written.components(separatedBy: "class=\"computed\"").count - 1
        #expect(count > 2000 ? markers < count && markers > 100 : markers == count, "\(markers) markers")
    }

    @Test("the models differ on these energies, so agreement above is not a coincidence")
    func modelsDiffer() throws {
        let (store, _) = try bentMorseStore()
        let minima = try Self.models.map { model in
            try FitUseCase().run(FitRequest(source: .scan(store: store, name: "h2"), model: model)).record.rEAngstrom
        }
        #expect(Set(minima).count == minima.count, "\(minima)")
        #expect(try store.fits(ofScan: try store.scan(named: "h2").id).count == Self.models.count)
    }

    @Test("the stored fit record is snake_case JSON with a schema version, and reads back")
    func storedRecord() throws {
        let (store, _) = try bentMorseStore()
        let outcome = try FitUseCase().run(FitRequest(source: .scan(store: store, name: "h2"), model: .localized(degree: 4, weighted: true)))
        let stored = try #require(try store.fits(ofScan: try store.scan(named: "h2").id).first)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(stored.resultJSON.utf8)) as? [String: Any])
        for key in [
            "schema_version", "r_e_angstrom", "r0_angstrom", "energy_hartree", "omega_e_cm1", "omega_e_xe_cm1", "nu_cm1",
            "zpve_cm1", "zpve_harmonic_cm1", "b_e_cm1", "b0_cm1", "alpha_e_cm1", "d_e_cm1", "f2_attojoule_per_angstrom2",
            "r_e_standard_error_angstrom", "omega_e_standard_error_cm1", "degree", "rms_residual_hartree", "coefficients",
            "residuals", "warnings", "points_used", "residual_gradient_hartree_per_angstrom",
        ] {
            #expect(object[key] != nil, "\(key) missing")
        }
        #expect(object["schema_version"] as? Int == FitRecord.currentSchemaVersion)
        #expect(object.keys.allSatisfy { $0 == $0.lowercased() })
        let decoded = try JSONConvention.decoder().decode(FitRecord.self, from: Data(stored.resultJSON.utf8))
        #expect(decoded == outcome.record)
    }

    @Test("a fit that cannot be made is a typed error with the data, and plot still draws the points")
    func fitFailure() throws {
        let (store, folder) = try bentMorseStore()
        #expect(throws: WorkflowError.self) {
            try FitUseCase().run(FitRequest(source: .scan(store: store, name: "nosuch"), model: .morse))
        }
        // 13 points cannot determine a degree-20 polynomial.
        let plot = try PlotUseCase(store: store).run(PlotRequest(
            scan: "h2", model: .polynomial(degree: 20), includeUnconverged: false, unit: .hartree, showResiduals: false,
            destination: .folder(path: folder.path), makePNG: false))
        #expect(plot.fitProblem == .tooFewPoints(have: 13, degree: 20) && plot.rEAngstrom == nil)
    }
}
