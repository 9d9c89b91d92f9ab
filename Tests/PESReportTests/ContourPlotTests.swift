import Foundation
import PESCore
import PESFit
import PESReport
import PESTestSupport
import Testing

/// A water scan on a 7 × 7 grid of r ± 0.05 Å and θ ± 5° with the model surface; `failed`, `unconverged` and `pending` by index.
private func waterScan(
    failed: Set<Int> = [3], unconverged: Set<Int> = [10], pending: Set<Int> = [20, 40]
) throws -> (ScanSpec, [ScanPoint]) {
    let r = (0...6).map { 0.91 + Double($0) * 0.1 / 6 }, theta = (0...6).map { 99.5 + Double($0) * 10 / 6 }
    let coordinates = TestSupport.grid(r, theta)
    let spec = try TestSupport.waterSpec(points: coordinates)
    let points = TestSupport.waterPoints(coordinates).map { point in
        var point = point
        if failed.contains(point.index) {
            point.state = .failed
            point.energyHartree = nil
            point.converged = nil
            point.error = "no SCF convergence"
        } else if pending.contains(point.index) {
            point.state = .pending
            point.energyHartree = nil
            point.converged = nil
        } else if unconverged.contains(point.index) {
            point.converged = false
        }
        return point
    }
    return (spec, points)
}

extension ContourPlot {
    /// The figure with a total-degree-`degree` surface through the converged points, as `pesscan plot --degree` draws it.
    static func surface(spec: ScanSpec, points: [ScanPoint], degree: Int = 4, unit: PESCore.EnergyUnit = .kilocaloriePerMole) throws -> ContourPlot {
        let selection = FitSelection(points: points, includeUnconverged: false)
        let fit = Result { () throws(FitError) in
            try SurfaceFit.fit(
                coordinateNames: spec.geometry?.varied ?? [], points: selection.surfaceData.points,
                energyHartree: selection.surfaceData.energyHartree, totalDegree: degree)
        }
        return try #require(ContourPlot(spec: spec, points: points, selection: selection, fit: fit, requestedDegree: degree, unit: unit))
    }
}

/// The vertices of an SVG path's `d` (`M x,y L x,y … [Z]`) in pixels.
private func vertices(_ d: String) -> [(x: Double, y: Double)] {
    d.split(separator: " ").compactMap { token in
        let numbers = token.drop(while: { $0.isLetter }).split(separator: ",").compactMap { Double($0) }
        return numbers.count == 2 ? (numbers[0], numbers[1]) : nil
    }
}

@Suite("The contour plot of a scan in two coordinates")
struct ContourPlotTests {
    @Test("markers: a red dot per converged energy, a hollow circle per unconverged and pending point, a cross per failure, each at its coordinates")
    func markers() throws {
        let (spec, points) = try waterScan()
        let plot = try ContourPlot.surface(spec: spec, points: points)
        let svg = try #require(SVGElements(plot.svg()))
        #expect(svg.named("circle", class: "computed").count == 45)
        #expect(svg.named("circle", class: "unconverged").count == 1)
        #expect(svg.named("circle", class: "pending").count == 2)
        #expect(svg.named("g", class: "failed").count == 1)
        let markers = svg.named("circle", class: "computed") + svg.named("circle", class: "unconverged") + svg.named("circle", class: "pending")
        for marker in markers {
            let index = try #require(marker.number("data-index").map { Int($0) })
            let coordinates = try #require(points[index].coordinates)
            #expect(marker.number("data-x") == coordinates[0] && marker.number("data-y") == coordinates[1])
            #expect(TestSupport.isClose(try #require(marker.number("cx")), plot.xScale.pixel(coordinates[0]), absolute: 0.006))
            #expect(TestSupport.isClose(try #require(marker.number("cy")), plot.yScale.pixel(coordinates[1]), absolute: 0.006))
        }
        let cross = try #require(svg.named("g", class: "failed").first)
        #expect(cross.number("data-x") == points[3].coordinates?[0] && cross.number("data-y") == points[3].coordinates?[1])
        #expect(svg.named("line", class: "x-tick").count >= 3 && svg.named("line", class: "y-tick").count >= 3)
    }

    @Test("axis labels name the coordinates with their units, the title the molecule and both coordinates")
    func labels() throws {
        let (spec, points) = try waterScan()
        let plot = try ContourPlot.surface(spec: spec, points: points)
        let text = plot.svg()
        #expect(text.contains(">r (Å)</text>"))
        #expect(text.contains(">theta (°)</text>"))
        #expect(plot.title.contains("H2O") && plot.title.contains("r, theta"))
        #expect(plot.subtitle.contains("total degree 4 through 45 points"))
        #expect(plot.subtitle.contains("1 failed") && plot.subtitle.contains("2 not computed"))
    }

    @Test("every sampled vertex of every contour lies on its level, closed paths end in Z, open ones on the grid's edge")
    func verticesOnLevels() throws {
        let (spec, points) = try waterScan()
        let plot = try ContourPlot.surface(spec: spec, points: points)
        let fit = try #require(plot.surface)
        let step = try #require(plot.levelStep)
        let svg = try #require(SVGElements(plot.svg()))
        let paths = svg.named("path", class: "contour")
        let closed = paths.filter { $0.classes.contains("closed") }, open = paths.filter { $0.classes.contains("open") }
        #expect(closed.count >= 1 && open.count >= 1)
        #expect(plot.levels.count >= 5 && plot.levels.count <= 20)
        let (x, y) = (plot.xScale, plot.yScale)
        let box = (0..<2).map { (fit.centres[$0] - fit.halfWidths[$0])...(fit.centres[$0] + fit.halfWidths[$0]) }
        var sampled = 0
        for path in paths {
            let d = try #require(path.attributes["d"])
            #expect(d.hasSuffix(" Z") == path.classes.contains("closed"))
            let level = try #require(path.number("data-level"))
            #expect(plot.levels.contains(level))
            let points = vertices(d)
            #expect(points.count >= 2)
            for vertex in stride(from: 0, to: points.count, by: max(1, points.count / 7)).map({ points[$0] }) {
                let coordinates = [x.value(atPixel: vertex.x), y.value(atPixel: vertex.y)]
                let energy = plot.unit.fromHartree(fit.energyHartree(at: coordinates) - plot.referenceEnergyHartree)
                #expect(abs(energy - level) < 0.02 * step, "vertex \(coordinates) of level \(level): E = \(energy)")
                sampled += 1
            }
            if path.classes.contains("open"), let first = points.first, let last = points.last {
                for end in [first, last] {
                    let onEdge = [x.value(atPixel: end.x), y.value(atPixel: end.y)].enumerated().contains { axis, value in
                        abs(value - box[axis].lowerBound) < 1e-4 * fit.halfWidths[axis] || abs(value - box[axis].upperBound) < 1e-4 * fit.halfWidths[axis]
                    }
                    #expect(onEdge)
                }
            }
        }
        #expect(sampled >= 50)
        #expect(!svg.named("text", class: "contour-label").isEmpty)
    }

    @Test("the minimum marker sits at the fit's stationary point, which the legend gives with its units")
    func minimumMarker() throws {
        let (spec, points) = try waterScan()
        let plot = try ContourPlot.surface(spec: spec, points: points)
        let stationary = try #require(plot.surface).stationaryPoint()
        #expect(stationary.isMinimum && !stationary.liesOutsideData)
        #expect(plot.referenceEnergyHartree == stationary.energyHartree)
        let svg = try #require(SVGElements(plot.svg()))
        let marker = try #require(svg.withID("minimum").first)
        #expect(marker.number("data-x") == stationary.coordinates[0])
        #expect(marker.number("data-y") == stationary.coordinates[1])
        #expect(marker.number("data-energy-hartree") == stationary.energyHartree)
        #expect(TestSupport.isClose(try #require(marker.number("data-cx")), plot.xScale.pixel(stationary.coordinates[0]), absolute: 0.006))
        #expect(TestSupport.isClose(try #require(marker.number("data-cy")), plot.yScale.pixel(stationary.coordinates[1]), absolute: 0.006))
        #expect(abs(stationary.coordinates[0] - 0.96) < 0.01 && abs(stationary.coordinates[1] - 104.5) < 2)
        let text = plot.svg()
        #expect(text.contains(String(format: "r = %.4f Å", stationary.coordinates[0])))
        #expect(text.contains(String(format: "theta = %.2f°", stationary.coordinates[1])))
        #expect(text.contains("fitted minimum"))
    }

    @Test("without a fit the points are still drawn, and the figure says why there are no contours")
    func noFit() throws {
        let (spec, all) = try waterScan(failed: [], unconverged: [], pending: [])
        let plot = try ContourPlot.surface(spec: spec, points: Array(all.prefix(5)), degree: 2)
        #expect(plot.surface == nil && plot.contours.isEmpty && plot.stationaryPoint == nil)
        let text = plot.svg()
        let svg = try #require(SVGElements(text))
        #expect(svg.named("circle", class: "computed").count == 5)
        #expect(svg.named("path", class: "contour").isEmpty)
        #expect(svg.withID("minimum").isEmpty)
        #expect(text.contains("No fitted surface"))
    }

    @Test("a fit of lower degree than asked says so in the subtitle")
    func lowerDegree() throws {
        let (spec, points) = try waterScan()
        let selection = FitSelection(points: points, includeUnconverged: false)
        let fit = Result { () throws(FitError) in
            try SurfaceFit.fit(
                coordinateNames: ["r", "theta"], points: selection.surfaceData.points,
                energyHartree: selection.surfaceData.energyHartree, totalDegree: 3)
        }
        let plot = try #require(ContourPlot(
            spec: spec, points: points, selection: selection, fit: fit, requestedDegree: 9,
            requestedDegreeProblem: .tooFewPointsForSurface(have: 45, terms: 55, degree: 9), unit: .electronvolt))
        #expect(plot.subtitle.contains("total degree 3 (9 could not be fitted)"))
    }

    @Test("only a scan varying exactly two coordinates is drawn as contours")
    func twoCoordinatesOnly() throws {
        let (_, points) = try waterScan()
        let selection = FitSelection(points: points, includeUnconverged: false)
        let none = Result<SurfaceFit, FitError>.failure(.noCoordinates)
        let diatomic = try TestSupport.librarySpec(molecule: "H2", name: "h2", points: 5)
        let bend = try TestSupport.waterSpec(varied: ["theta"], points: [[100], [105]])
        for spec in [diatomic, bend] {
            #expect(ContourPlot(spec: spec, points: points, selection: selection, fit: none, requestedDegree: 4, unit: .hartree) == nil)
        }
    }
}

@Suite("Marching squares")
struct MarchingSquaresTests {
    /// x² + y² on a 41 × 41 grid over [−1, 1]².
    static func bowl() -> (values: [[Double]], xs: [Double]) {
        let xs = (0...40).map { -1 + Double($0) / 20 }
        return (xs.map { y in xs.map { x in x * x + y * y } }, xs)
    }

    @Test("a level inside a bowl is one closed loop on its circle; a level only the corners reach is four open arcs")
    func bowlLevels() {
        let (values, xs) = Self.bowl()
        let inner = MarchingSquares.lines(values: values, xs: xs, ys: xs, level: 0.25)
        #expect(inner.count == 1 && inner.allSatisfy(\.isClosed))
        for vertex in inner.flatMap(\.vertices) {
            #expect(abs((vertex.x * vertex.x + vertex.y * vertex.y).squareRoot() - 0.5) < 2e-3)
        }
        #expect((inner.first?.vertices.count ?? 0) > 20)
        let corners = MarchingSquares.lines(values: values, xs: xs, ys: xs, level: 1.5)
        #expect(corners.count == 4 && corners.allSatisfy { !$0.isClosed })
        for line in corners {
            for end in [line.vertices.first, line.vertices.last].compactMap({ $0 }) {
                #expect(abs(abs(end.x) - 1) < 1e-12 || abs(abs(end.y) - 1) < 1e-12)
            }
        }
        #expect(MarchingSquares.lines(values: values, xs: xs, ys: xs, level: 3).isEmpty)
    }

    @Test("a grid too small or with rows of the wrong length gives no lines")
    func badGrid() {
        #expect(MarchingSquares.lines(values: [[0]], xs: [0], ys: [0], level: 0).isEmpty)
        #expect(MarchingSquares.lines(values: [[0, 1], [1]], xs: [0, 1], ys: [0, 1], level: 0.5).isEmpty)
    }
}

@Suite("The curve plot of a scan in one coordinate")
struct OneCoordinatePlotTests {
    @Test("a bend scan is drawn against theta in degrees, its minimum named theta_e")
    func bend() throws {
        let theta = (0...8).map { 96.5 + Double($0) * 2 }
        let spec = try TestSupport.waterSpec(name: "bend", varied: ["theta"], points: theta.map { [$0] })
        let points = theta.enumerated().map { index, value in
            ScanPoint(
                id: Int64(index + 1), index: index, rAngstrom: value, state: .done,
                energyHartree: TestSupport.waterEnergyHartree([0.96, value]), converged: true, coordinates: [value])
        }
        let selection = FitSelection(points: points, includeUnconverged: false)
        let fit = Result { () throws(FitError) in try selection.analyse(model: .polynomial(degree: 4)) }
        let coordinate = PlotCoordinate.of(spec)
        #expect(coordinate == PlotCoordinate(name: "theta", unitSymbol: "°"))
        let plot = ScanPlot(spec: spec, points: points, selection: selection, fit: fit, unit: .kilocaloriePerMole, showResiduals: false, coordinate: coordinate)
        let text = plot.svg()
        #expect(text.contains(">theta (°)</text>"))
        #expect(text.contains("theta_e = ") && text.contains("E − E(theta_e) (kcal/mol)"))
        #expect(!text.contains("r (Å)"))
        #expect(TerminalPlot(plot: plot).text().contains("theta (°)"))
        #expect(PlotCoordinate.of(try TestSupport.librarySpec(molecule: "H2", name: "h2", points: 5)) == .bondLength)
    }
}
