import Foundation
import PESCore
import PESFit

/// A polyatomic scan in two varied coordinates drawn as an SVG contour map of its fitted surface, with its points and stationary point.
///
/// The first varied coordinate runs across, the second up, each in its unit
/// (Å or degrees). The contour lines follow the fitted surface at evenly
/// spaced, round energies above its minimum (the stationary point when it is
/// a minimum inside the data, else the lowest fitted energy in the data's
/// box), in ``unit``; they are traced by ``MarchingSquares`` on a grid of
/// ``gridCells`` × ``gridCells`` cells over the box of the fitted points. The
/// points are drawn as the curve plot draws them: computed energies as red
/// dots, unconverged ones as hollow orange circles, failed points as grey
/// crosses, points not computed yet as hollow grey circles, each at its
/// coordinates. The stationary point is a blue triangle, its coordinates and
/// energy in the legend. Without a fit only the points are drawn, with the
/// reason. The plot never fits on its own: the caller gives the fit, as
/// `fit` makes it.
public struct ContourPlot: Sendable {
    /// The scan as planned: molecule, engine, name, geometry.
    public var spec: ScanSpec
    /// The two varied coordinates: across, then up.
    public let coordinateNames: [String]
    /// Every point of the scan in any state.
    public var points: [ScanPoint]
    /// Unit of the contour levels.
    public var unit: EnergyUnit
    /// The points the fit used and those it left out.
    public let selection: FitSelection
    /// The surface drawn, or why there is none.
    public let fit: Result<SurfaceFit, FitError>
    /// The total degree asked for; the fit's own degree is lower when the points do not support this one.
    public let requestedDegree: Int
    /// Why the asked degree could not be fitted, when a lower one is drawn.
    public let requestedDegreeProblem: FitError?
    /// The fit's stationary point nearest its lowest point, or why none was found; nil without a fit.
    public let stationaryPoint: Result<SurfaceStationaryPoint, FitError>?
    /// The energy the levels are counted from, in hartree.
    public let referenceEnergyHartree: Double
    /// Spacing of the contour levels in ``unit``; nil without a fit.
    public let levelStep: Double?
    /// The contour levels drawn, in ``unit`` above ``referenceEnergyHartree``, ascending; empty without a fit.
    public let levels: [Double]
    /// The contour lines, their levels in ``unit`` relative to ``referenceEnergyHartree``, in the coordinates' units.
    public let contours: [ContourLine]

    /// Cells of the contouring grid along each coordinate.
    public static let gridCells = 80
    /// About how many contour levels are drawn.
    public static let levelCount = 10

    /// Pixel geometry of the figure.
    public enum Geometry {
        public static let width = 880.0
        public static let height = 576.0
        public static let plotLeft = 92.0
        public static let plotRight = 512.0
        public static let plotTop = 88.0
        public static let plotBottom = 508.0
        public static let legendLeft = 540.0
    }

    /// Colours of the lines and the pending points; the points' markers take ``ScanPlot/Colour``'s.
    public enum Colour {
        /// The lowest level's colour, as red, green and blue from 0 to 255; higher levels fade towards ``highLevel``.
        public static let lowLevel = (red: 8.0, green: 48.0, blue: 107.0)
        /// The highest level's colour, as red, green and blue from 0 to 255.
        public static let highLevel = (red: 107.0, green: 174.0, blue: 214.0)
        /// The outline of a point not computed yet.
        public static let pending = "#7f7f7f"
    }

    /// Prepares the figure of `points` of a scan in two varied coordinates with the surface `fit` made elsewhere from `selection`.
    ///
    /// Returns nil when the scan does not vary exactly two coordinates.
    public init?(
        spec: ScanSpec, points: [ScanPoint], selection: FitSelection, fit: Result<SurfaceFit, FitError>, requestedDegree: Int,
        requestedDegreeProblem: FitError? = nil, unit: EnergyUnit
    ) {
        guard let names = spec.geometry?.varied, names.count == 2 else { return nil }
        self.spec = spec
        coordinateNames = names
        self.points = points
        self.unit = unit
        self.selection = selection
        self.fit = fit
        self.requestedDegree = requestedDegree
        self.requestedDegreeProblem = requestedDegreeProblem
        guard case .success(let surface) = fit else {
            stationaryPoint = nil
            referenceEnergyHartree = points.compactMap(\.energyHartree).min() ?? 0
            levelStep = nil
            levels = []
            contours = []
            return
        }
        let stationary = Result { () throws(FitError) in try surface.stationaryPoint() }
        stationaryPoint = stationary
        let grid = Self.grid(of: surface)
        let lowest = grid.energies.joined().filter(\.isFinite).min() ?? 0
        let minimum = (try? stationary.get()).flatMap { $0.isMinimum && !$0.liesOutsideData ? $0.energyHartree : nil }
        let reference = min(minimum ?? lowest, lowest)
        referenceEnergyHartree = reference
        let relative = grid.energies.map { row in row.map { unit.fromHartree($0 - reference) } }
        let top = relative.joined().filter(\.isFinite).max() ?? 0
        guard top > 0 else {
            levelStep = nil
            levels = []
            contours = []
            return
        }
        let step = AxisScale(lower: 0, upper: top, pixelLower: 0, pixelUpper: 1).tickStep(count: Self.levelCount)
        levelStep = step
        let levels = (1...max(1, Int((top / step).rounded(.down)))).map { Double($0) * step }.filter { $0 < top }
        self.levels = levels
        contours = levels.flatMap { MarchingSquares.lines(values: relative, xs: grid.xs, ys: grid.ys, level: $0) }
    }

    /// The fitted energy in hartree on the grid over the box of the fitted points: `energies[j][i]` at (`xs[i]`, `ys[j]`).
    private static func grid(of surface: SurfaceFit) -> (xs: [Double], ys: [Double], energies: [[Double]]) {
        let axes = (0..<2).map { axis in
            (0...gridCells).map { step in
                surface.centres[axis] + surface.halfWidths[axis] * (2 * Double(step) / Double(gridCells) - 1)
            }
        }
        let energies = axes[1].map { y in axes[0].map { x in surface.energyHartree(at: [x, y]) } }
        return (axes[0], axes[1], energies)
    }

    /// The surface drawn, when one was fitted.
    public var surface: SurfaceFit? { try? fit.get() }

    /// The stationary point marked, when one was found.
    public var stationary: SurfaceStationaryPoint? { try? stationaryPoint?.get() }

    /// Why no contours are drawn, when the fit failed.
    public var fitProblem: FitError? {
        if case .failure(let problem) = fit { return problem }
        return nil
    }

    /// Axis of the first coordinate: every point, the fitted box and the stationary point when inside it, 4 % padding.
    public var xScale: AxisScale { scale(axis: 0, pixels: Geometry.plotLeft...Geometry.plotRight, flipped: false) }

    /// Axis of the second coordinate, growing upwards.
    public var yScale: AxisScale { scale(axis: 1, pixels: Geometry.plotTop...Geometry.plotBottom, flipped: true) }

    private func scale(axis: Int, pixels: ClosedRange<Double>, flipped: Bool) -> AxisScale {
        var values = points.compactMap { $0.coordinates.flatMap { $0.indices.contains(axis) ? $0[axis] : nil } }
        if let surface { values += [surface.centres[axis] - surface.halfWidths[axis], surface.centres[axis] + surface.halfWidths[axis]] }
        if let stationary, !stationary.liesOutsideData { values.append(stationary.coordinates[axis]) }
        return AxisScale.covering(values, padding: 0.04, pixels: pixels, flipped: flipped)
    }

    /// A coordinate's axis title with its unit, e.g. `theta (°)`.
    public func axisLabel(_ axis: Int) -> String {
        "\(coordinateNames[axis]) (\(spec.geometry?.unitSymbol(of: coordinateNames[axis]) ?? ""))"
    }

    /// A coordinate's value with its unit: 4 decimals of ångström, 2 of a degree.
    public func valueText(_ value: Double, axis: Int) -> String {
        spec.geometry?.isLength(coordinateNames[axis]) == false ? String(format: "%.2f°", value) : String(format: "%.4f Å", value)
    }

    /// The figure's first line: molecule, coordinates, engine and its options.
    public var title: String {
        let engine = PlotMarks.engineText(spec.engine)
        return "\(spec.molecule.name): potential-energy surface in \(coordinateNames.joined(separator: ", ")), engine \(engine)"
    }

    /// The figure's second line: scan name, fit and what was left out.
    public var subtitle: String {
        var parts = ["scan \(spec.name)"]
        if let surface {
            var degree = "polynomial of total degree \(surface.totalDegree)"
            if surface.totalDegree != requestedDegree { degree += " (\(requestedDegree) could not be fitted)" }
            parts.append("\(degree) through \(surface.pointCount) points")
            parts.append("RMS residual \(String(format: "%.2e", unit.fromHartree(surface.rmsResidualHartree))) \(unit.symbol)")
        } else {
            parts.append("no fitted surface")
        }
        return (parts + PlotMarks.leftOut(selection)).joined(separator: " · ")
    }

    /// The whole figure as a self-contained SVG document.
    public func svg() -> String {
        var svg = SVGWriter(width: Geometry.width, height: Geometry.height)
        let x = xScale, y = yScale
        svg.text(title, x: Geometry.plotLeft, y: 28, size: 16, extra: [("font-weight", "bold")])
        for (row, line) in Self.wrapped(subtitle, width: 112).enumerated() {
            svg.text(line, x: Geometry.plotLeft, y: 50 + 16 * Double(row), size: 12, extra: [("fill", "#444444")])
        }
        drawAxes(&svg, x: x, y: y)
        drawContours(&svg, x: x, y: y)
        drawPoints(&svg, x: x, y: y)
        if let stationary { drawStationary(&svg, stationary, x: x, y: y) }
        var notes: [String] = []
        if let fitProblem { notes.append("No fitted surface: \(fitProblem.problem)") }
        if case .failure(let problem) = stationaryPoint { notes.append("No stationary point: \(problem.problem)") }
        for (row, note) in notes.enumerated() {
            svg.text(note, x: Geometry.plotLeft + 8, y: Geometry.plotTop + 18 + 16 * Double(row), size: 11, extra: [("class", "fit-problem"), ("fill", "#a00000")])
        }
        drawLegend(&svg)
        return svg.document(title: title)
    }

    /// `text`'s parts (split at ` · `) in lines of at most `width` characters, a longer part on a line of its own.
    static func wrapped(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        for part in text.components(separatedBy: " · ") {
            if let last = lines.last, last.count + 3 + part.count <= width {
                lines[lines.count - 1] = last + " · " + part
            } else {
                lines.append(part)
            }
        }
        return lines
    }

    private func drawAxes(_ svg: inout SVGWriter, x: AxisScale, y: AxisScale) {
        let top = Geometry.plotTop, bottom = Geometry.plotBottom, left = Geometry.plotLeft, right = Geometry.plotRight
        PlotMarks.frame(&svg, x: x, y: y, left: left, right: right, top: top, bottom: bottom)
        svg.text(axisLabel(0), x: (left + right) / 2, y: bottom + 44, size: 13, anchor: "middle", extra: [("id", "x-label")])
        let middle = (top + bottom) / 2
        svg.text(axisLabel(1), x: 22, y: middle, size: 13, anchor: "middle", extra: [
            ("id", "y-label"), ("transform", "rotate(-90 22 \(SVGWriter.number(middle)))"),
        ])
    }

    /// The colour of a level: dark for the lowest, lighter upwards.
    private func colour(of level: Double) -> String {
        let highest = levels.last ?? level
        let fraction = highest > 0 ? min(max(level / highest, 0), 1) : 0
        let low = Colour.lowLevel, high = Colour.highLevel
        let channels = [(low.red, high.red), (low.green, high.green), (low.blue, high.blue)].map { Int(($0 + ($1 - $0) * fraction).rounded()) }
        return "#" + channels.map { String(format: "%02x", $0) }.joined()
    }

    private func drawContours(_ svg: inout SVGWriter, x: AxisScale, y: AxisScale) {
        guard !contours.isEmpty else { return }
        let labelled = Set(stride(from: 0, to: levels.count, by: max(1, levels.count / 4)).map { levels[$0] })
        svg.beginGroup([("id", "contours")])
        for line in contours {
            let pixels = line.vertices.map { (x: x.pixel($0.x), y: y.pixel($0.y)) }
            svg.path(pixels, closed: line.isClosed, stroke: colour(of: line.level), width: 1.3, extra: [
                ("class", line.isClosed ? "contour closed" : "contour open"), ("data-level", String(line.level)),
            ])
        }
        svg.endGroup()
        svg.beginGroup([("id", "contour-labels")])
        for level in levels where labelled.contains(level) {
            guard let line = contours.filter({ $0.level == level }).max(by: { $0.vertices.count < $1.vertices.count }), !line.vertices.isEmpty
            else { continue }
            let vertex = line.vertices[line.vertices.count / 2]
            let text = Self.levelText(level, step: levelStep ?? level)
            let px = x.pixel(vertex.x), py = y.pixel(vertex.y)
            // A white box under the label cuts the line it names, as hand-drawn contour maps do.
            let width = 6.0 * Double(text.count) + 4
            svg.raw("rect", [
                ("x", SVGWriter.number(px - width / 2)), ("y", SVGWriter.number(py - 6)), ("width", SVGWriter.number(width)),
                ("height", "12"), ("fill", "#ffffff"),
            ])
            svg.text(text, x: px, y: py + 3.5, size: 10, anchor: "middle", extra: [
                ("class", "contour-label"), ("data-level", String(level)), ("fill", colour(of: level)),
            ])
        }
        svg.endGroup()
    }

    /// A level with as many decimals as its spacing needs.
    static func levelText(_ level: Double, step: Double) -> String {
        AxisScale(lower: 0, upper: step * Double(levelCount), pixelLower: 0, pixelUpper: 1).label(level, count: levelCount)
    }

    private func drawPoints(_ svg: inout SVGWriter, x: AxisScale, y: AxisScale) {
        var drawn = PixelThinning(count: points.count)
        svg.beginGroup([("id", "points")])
        for point in points {
            guard let coordinates = point.coordinates, coordinates.count >= 2 else { continue }
            let px = x.pixel(coordinates[0]), py = y.pixel(coordinates[1])
            guard drawn.isNew(x: px, y: py, kind: PlotMarks.markerKind(state: point.state, converged: point.converged)) else { continue }
            let data = [("data-index", "\(point.index)"), ("data-x", String(coordinates[0])), ("data-y", String(coordinates[1]))]
            switch point.state {
            case .done where point.energyHartree == nil:
                continue
            case .done where point.converged == false:
                svg.circle(cx: px, cy: py, r: 4.5, fill: "#ffffff", stroke: ScanPlot.Colour.unconverged, extra: [("stroke-width", "2"), ("class", "unconverged")] + data)
            case .done:
                svg.circle(cx: px, cy: py, r: 4.5, fill: ScanPlot.Colour.computed, extra: [("class", selection.uses(point) ? "computed" : "computed unused")] + data)
            case .failed:
                PlotMarks.cross(&svg, x: px, y: py, half: 4.5, extra: [("class", "failed")] + data)
            case .pending, .running:
                svg.circle(cx: px, cy: py, r: 4.5, fill: "none", stroke: Colour.pending, extra: [("stroke-width", "1.5"), ("class", "pending")] + data)
            }
        }
        svg.endGroup()
    }

    /// What the stationary point is: a minimum, or a saddle point with its number of falling directions.
    private func kind(of stationary: SurfaceStationaryPoint) -> String {
        stationary.isMinimum ? "fitted minimum" : stationary.negativeDirectionCount == 1 ? "fitted saddle point" : "fitted maximum"
    }

    private func drawStationary(_ svg: inout SVGWriter, _ stationary: SurfaceStationaryPoint, x: AxisScale, y: AxisScale) {
        let px = x.pixel(stationary.coordinates[0]), py = y.pixel(stationary.coordinates[1])
        let inside = (min(x.pixelLower, x.pixelUpper)...max(x.pixelLower, x.pixelUpper)).contains(px)
            && (min(y.pixelLower, y.pixelUpper)...max(y.pixelLower, y.pixelUpper)).contains(py)
        guard inside else { return }
        svg.polygon(PlotMarks.triangle(x: px, y: py, size: 8), fill: ScanPlot.Colour.minimum, extra: [
            ("id", "minimum"), ("class", stationary.isMinimum ? "minimum" : "saddle"),
            ("data-x", String(stationary.coordinates[0])), ("data-y", String(stationary.coordinates[1])),
            ("data-energy-hartree", String(stationary.energyHartree)),
            ("data-cx", SVGWriter.number(px)), ("data-cy", SVGWriter.number(py)),
            ("stroke", "#ffffff"), ("stroke-width", "1"),
        ])
    }

    private func drawLegend(_ svg: inout SVGWriter) {
        let left = Geometry.legendLeft
        var rowY = Geometry.plotTop + 12
        svg.beginGroup([("id", "legend")])
        svg.circle(cx: left + 8, cy: rowY - 4, r: 4.5, fill: ScanPlot.Colour.computed)
        svg.text("computed energy", x: left + 22, y: rowY, size: 12)
        if points.contains(where: { $0.state == .done && $0.converged == false }) {
            rowY += 22
            svg.circle(cx: left + 8, cy: rowY - 4, r: 4.5, fill: "#ffffff", stroke: ScanPlot.Colour.unconverged, extra: [("stroke-width", "2")])
            svg.text("not converged", x: left + 22, y: rowY, size: 12)
        }
        if selection.failedCount > 0 {
            rowY += 22
            PlotMarks.cross(&svg, x: left + 8, y: rowY - 4, half: 4.5, extra: [])
            svg.text("failed (no energy)", x: left + 22, y: rowY, size: 12)
        }
        if selection.notComputedCount > 0 {
            rowY += 22
            svg.circle(cx: left + 8, cy: rowY - 4, r: 4.5, fill: "none", stroke: Colour.pending, extra: [("stroke-width", "1.5")])
            svg.text("not computed yet", x: left + 22, y: rowY, size: 12)
        }
        if let levelStep, let highest = levels.last {
            rowY += 22
            svg.line(x1: left, y1: rowY - 4, x2: left + 16, y2: rowY - 4, stroke: colour(of: highest / 2), width: 1.3)
            svg.text("contours every \(Self.levelText(levelStep, step: levelStep)) \(unit.symbol)", x: left + 22, y: rowY, size: 12, extra: [("id", "level-step")])
            rowY += 16
            let minimumIsReference = stationary?.energyHartree == referenceEnergyHartree
            svg.text(minimumIsReference ? "above the fitted minimum" : "above the lowest fitted energy", x: left + 22, y: rowY, size: 12)
        }
        if let stationary {
            rowY += 22
            svg.polygon(PlotMarks.triangle(x: left + 8, y: rowY - 4, size: 7), fill: ScanPlot.Colour.minimum)
            svg.text(kind(of: stationary) + (stationary.liesOutsideData ? ", outside the data" : ""), x: left + 22, y: rowY, size: 12)
            var lines = coordinateNames.indices.map { "\(coordinateNames[$0]) = \(valueText(stationary.coordinates[$0], axis: $0))" }
            lines.append("E = \(String(format: "%.8f", stationary.energyHartree)) Eh")
            svg.beginGroup([("id", "minimum-label"), ("fill", ScanPlot.Colour.minimum)])
            for line in lines {
                rowY += 16
                svg.text(line, x: left + 22, y: rowY, size: 12)
            }
            svg.endGroup()
        }
        svg.endGroup()
    }
}
