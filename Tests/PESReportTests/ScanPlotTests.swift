import Foundation
import PESCore
import PESEngines
import PESFit
import PESReport
import PESTestSupport
import Testing

/// An H2 scan on the Morse model with one failed and one unconverged point.
func morseScan(points count: Int = 11, failed: Set<Int> = [3], unconverged: Set<Int> = [8]) throws -> (ScanSpec, [ScanPoint]) {
    let spec = try TestSupport.librarySpec(molecule: "H2", name: "h2", points: count)
    let entry = try MoleculeLibrary.load(from: TestSupport.moleculeLibrary).molecule(named: "H2")
    let model = MorseModel(constants: entry.constants, reducedMassDalton: entry.molecule.reducedMassDalton)
    let points = spec.bondLengthsAngstrom.enumerated().map { index, r in
        failed.contains(index)
            ? ScanPoint(id: Int64(index + 1), index: index, rAngstrom: r, state: .failed, error: "no SCF convergence", attemptCount: 2)
            : ScanPoint(
                id: Int64(index + 1), index: index, rAngstrom: r, state: .done, energyHartree: model.energyHartree(atAngstrom: r),
                converged: !unconverged.contains(index), zone: "local", host: "h", wallSeconds: 0.1, attemptCount: 1)
    }
    return (spec, points)
}

extension ScanPlot {
    /// The figure with a degree-`degree` polynomial through the converged points, as `pesscan plot --degree` draws it.
    static func polynomial(spec: ScanSpec, points: [ScanPoint], degree: Int, unit: PESCore.EnergyUnit, showResiduals: Bool) -> ScanPlot {
        let selection = FitSelection(points: points, includeUnconverged: false)
        let fit = Result { () throws(FitError) in try selection.analyse(model: .polynomial(degree: degree)) }
        return ScanPlot(spec: spec, points: points, selection: selection, fit: fit, unit: unit, showResiduals: showResiduals)
    }
}

@Suite("The scan plot's SVG")
struct ScanPlotTests {
    @Test("markers: a red dot per converged energy, a hollow circle per unconverged one, a cross per failure, one curve")
    func markerCounts() throws {
        let (spec, points) = try morseScan()
        let plot = ScanPlot.polynomial(spec: spec, points: points, degree: 6, unit: .kilocaloriePerMole, showResiduals: false)
        let svg = try #require(SVGElements(plot.svg()))
        #expect(svg.named("circle", class: "computed").count == 9)
        #expect(svg.named("circle", class: "unconverged").count == 1)
        #expect(svg.named("g", class: "failed").count == 1)
        #expect(svg.withID("fit-curve").count == 1)
        #expect(svg.withID("minimum").count == 1)
        #expect(svg.named("circle", class: "residual").isEmpty)
        #expect(svg.named("line", class: "x-tick").count >= 3)
        #expect(svg.named("line", class: "y-tick").count >= 3)
        let root = try #require(svg.elements.first)
        #expect(root.name == "svg")
        #expect(root.attributes["xmlns"] == "http://www.w3.org/2000/svg")
        #expect(svg.elements.allSatisfy { $0.attributes["href"] == nil && $0.attributes["xlink:href"] == nil })
    }

    @Test("the minimum marker sits at r_e on the bond-length axis, inside the data, at or below every point")
    func minimumPosition() throws {
        let (spec, points) = try morseScan()
        let plot = ScanPlot.polynomial(spec: spec, points: points, degree: 6, unit: .electronvolt, showResiduals: false)
        let minimum = try #require(plot.analysis)
        #expect(TestSupport.isClose(minimum.rEquilibriumAngstrom, 0.74144, absolute: 2e-3))
        let svg = try #require(SVGElements(plot.svg()))
        let marker = try #require(svg.withID("minimum").first)
        let dots = svg.named("circle", class: "computed")
        let first = try #require(dots.first), last = try #require(dots.last)
        let (x0, r0) = (try #require(first.number("cx")), try #require(first.number("data-r-angstrom")))
        let (x1, r1) = (try #require(last.number("cx")), try #require(last.number("data-r-angstrom")))
        let x = try #require(marker.number("data-cx")), y = try #require(marker.number("data-cy"))
        #expect(x > x0 && x < x1)
        #expect(TestSupport.isClose(x, x0 + (minimum.rEquilibriumAngstrom - r0) / (r1 - r0) * (x1 - x0), absolute: 0.02))
        #expect(TestSupport.isClose(try #require(marker.number("data-r-angstrom")), minimum.rEquilibriumAngstrom, relative: 1e-12))
        for dot in dots { #expect(try #require(dot.number("cy")) <= y + 0.5) }
        #expect(svg.withID("minimum-label").count == 1)
    }

    @Test("the residuals panel has one dot per fitted point")
    func residuals() throws {
        let (spec, points) = try morseScan()
        let plot = ScanPlot.polynomial(spec: spec, points: points, degree: 4, unit: .hartree, showResiduals: true)
        let svg = try #require(SVGElements(plot.svg()))
        #expect(svg.named("circle", class: "residual").count == 9)
        #expect(plot.height > 600)
    }

    @Test("without a minimum in the data the points are still drawn, and the figure says why there is no curve")
    func noFit() throws {
        let (spec, all) = try morseScan(failed: [], unconverged: [])
        let plot = ScanPlot.polynomial(spec: spec, points: Array(all.prefix(2)), degree: 4, unit: .hartree, showResiduals: true)
        #expect(plot.analysis == nil)
        let text = plot.svg()
        let svg = try #require(SVGElements(text))
        #expect(svg.named("circle", class: "computed").count == 2)
        #expect(svg.withID("minimum").isEmpty)
        #expect(text.contains("No fitted curve"))
    }

    @Test("titles name the molecule, the engine and its options, escaped for XML")
    func titleEscaped() throws {
        var (spec, points) = try morseScan()
        spec.engine = EngineSettings(name: "pyscf", options: ["method": "b3lyp", "basis": "<def2>&"])
        let plot = ScanPlot.polynomial(spec: spec, points: points, degree: 4, unit: .hartree, showResiduals: false)
        #expect(plot.title.contains("H2"))
        #expect(plot.title.contains("pyscf (basis=<def2>&, method=b3lyp)"))
        #expect(plot.svg().contains("basis=&lt;def2&gt;&amp;"))
        #expect(SVGElements(plot.svg()) != nil)
    }
}

@Suite("Axis scales")
struct AxisScaleTests {
    @Test(
        "ticks are round numbers inside the axis",
        arguments: [(0.0, 1.0, 0.2), (2.7, 3.0, 0.05), (-0.00012, 0.0001, 0.00005), (0, 2300, 500)])
    func ticks(_ lower: Double, _ upper: Double, _ step: Double) {
        let scale = AxisScale(lower: lower, upper: upper, pixelLower: 0, pixelUpper: 100)
        #expect(TestSupport.isClose(scale.tickStep(), step, relative: 1e-12))
        let ticks = scale.ticks()
        #expect(ticks.count >= 3)
        #expect(ticks.allSatisfy { $0 >= lower - 1e-12 && $0 <= upper + 1e-12 })
        #expect(ticks.allSatisfy { TestSupport.isClose(($0 / step).rounded(), $0 / step, absolute: 1e-9) })
    }

    @Test("data map linearly onto pixels, flipped for the energy axis")
    func mapping() {
        let scale = AxisScale.covering([1, 3], padding: 0, pixels: 100...300, flipped: true)
        #expect(scale.pixel(1) == 300)
        #expect(scale.pixel(3) == 100)
        #expect(scale.pixel(2) == 200)
        #expect(scale.label(0.25) == "0.2" || scale.label(0.25) == "0.3")
    }
}

@Suite("The terminal plot")
struct TerminalPlotTests {
    /// Column and dot row (0 at the top) of the lowest braille dot of the drawing, the middle of the run when several columns share it.
    static func lowestCurveColumn(_ text: String) -> Int? {
        var lowest: (row: Int, columns: [Int])?
        for (row, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where line.contains("│") || line.contains("┤") {
            for (column, character) in line.enumerated() {
                guard let scalar = character.unicodeScalars.first, (0x2801...0x28FF).contains(scalar.value) else { continue }
                let bits = scalar.value - 0x2800
                let masks: [(bits: UInt32, dy: Int)] = [(0xC0, 3), (0x24, 2), (0x12, 1), (0x09, 0)]
                let dy = masks.first(where: { bits & $0.bits != 0 }).map(\.dy) ?? 0
                let dotRow = row * 4 + dy
                if let current = lowest, dotRow <= current.row {
                    if dotRow == current.row { lowest = (dotRow, current.columns + [column]) }
                } else {
                    lowest = (dotRow, [column])
                }
            }
        }
        guard let columns = lowest?.columns, let first = columns.min(), let last = columns.max() else { return nil }
        return (first + last) / 2
    }

    @Test("the lowest cell of the curve of a Morse scan is at the column of r_e, within one cell", arguments: [60, 80, 132])
    func minimumColumn(_ width: Int) throws {
        let (spec, points) = try morseScan(points: 11, failed: [], unconverged: [])
        let plot = ScanPlot.polynomial(spec: spec, points: points, degree: 6, unit: .kilocaloriePerMole, showResiduals: false)
        let terminal = TerminalPlot(plot: plot, columns: width, rows: 20, colour: false)
        let text = terminal.text()
        let trueRE = try #require(spec.modelConstants).rEquilibriumAngstrom
        let column = try #require(Self.lowestCurveColumn(text))
        #expect(abs(column - terminal.column(ofAngstrom: trueRE)) <= 1, "\(text)")
        let area = text.split(separator: "\n").filter { $0.contains("│") || $0.contains("┤") }
        #expect(area.count == 20)
        #expect(area.allSatisfy { $0.count == width - 1 })
        #expect(text.contains("▲"))
        #expect(text.filter { $0 == "●" }.count >= 9)
    }

    @Test("colour only when asked: no ANSI escapes without it; failed points are crosses on the axis")
    func colour() throws {
        let (spec, points) = try morseScan()
        let plot = ScanPlot.polynomial(spec: spec, points: points, degree: 6, unit: .kilocaloriePerMole, showResiduals: false)
        let plain = TerminalPlot(plot: plot, columns: 80, colour: false).text()
        let coloured = TerminalPlot(plot: plot, columns: 80, colour: true).text()
        #expect(!plain.contains("\u{1B}["))
        #expect(coloured.contains("\u{1B}[31m●\u{1B}[0m"))
        #expect(plain.contains("×") && plain.contains("○"))
    }
}
