import Foundation
import PESCore
import PESFit

/// A scan drawn as an SVG figure: computed energies as red dots, the fitted curve, the minimum as a blue triangle.
///
/// Energies are drawn relative to the fitted minimum (or to the lowest
/// computed energy when no fit could be made) in ``unit``; bond lengths in
/// ångström. Unconverged points are hollow orange circles, failed points grey
/// crosses on the bond-length axis. Points are drawn over the minimum marker
/// so that no computed energy is hidden. With ``showResiduals`` a second panel
/// shows each fitted energy minus the curve. The curve is whichever model the
/// caller fitted (polynomial, localised or Morse), so the figure and `fit`
/// agree. A polyatomic scan varying one coordinate is drawn the same way
/// along that coordinate (``coordinate``), in its unit.
public struct ScanPlot: Sendable {
    /// The scan as planned: molecule, engine, name.
    public var spec: ScanSpec
    /// Every point of the scan in any state, with what the figure draws of it.
    public let points: [PlotPoint]
    /// Unit of the energy axis.
    public var unit: EnergyUnit
    /// Whether to draw the residuals panel.
    public var showResiduals: Bool
    /// The points the fit used and those it left out.
    public let selection: FitSelection
    /// The fit drawn, or why there is none; the plot never fits on its own.
    public let fit: Result<DiatomicAnalysis, FitError>
    /// The coordinate across: the bond length, or a polyatomic's one varied coordinate (whose values the points' r holds).
    public var coordinate: PlotCoordinate

    /// Prepares the figure of `points` with a fit made elsewhere from `selection` (the same one `fit` reports).
    public init(
        spec: ScanSpec, points: [ScanPoint], selection: FitSelection, fit: Result<DiatomicAnalysis, FitError>,
        unit: EnergyUnit, showResiduals: Bool, coordinate: PlotCoordinate = .bondLength
    ) {
        self.init(
            spec: spec, points: points.map(PlotPoint.init), selection: selection, fit: fit, unit: unit, showResiduals: showResiduals,
            coordinate: coordinate)
    }

    /// Prepares the figure of `points`, read without their provenance, with a fit made elsewhere from `selection`.
    public init(
        spec: ScanSpec, points: [PlotPoint], selection: FitSelection, fit: Result<DiatomicAnalysis, FitError>,
        unit: EnergyUnit, showResiduals: Bool, coordinate: PlotCoordinate = .bondLength
    ) {
        self.coordinate = coordinate
        self.spec = spec
        self.points = points
        self.unit = unit
        self.showResiduals = showResiduals
        self.selection = selection
        self.fit = fit
        referenceEnergyHartree = (try? fit.get())?.energyHartree ?? points.compactMap(\.energyHartree).min() ?? 0
    }

    /// The fit and its minimum, when one could be made.
    public var analysis: DiatomicAnalysis? { try? fit.get() }

    /// Why no curve is drawn, when the fit failed.
    public var fitProblem: FitError? {
        if case .failure(let problem) = fit { return problem }
        return nil
    }

    /// Colours of the markers, as SVG hex colours.
    public enum Colour {
        public static let computed = "#d62728"
        public static let minimum = "#1f3fd6"
        public static let unconverged = "#ff8c00"
        public static let failed = "#7f7f7f"
        public static let curve = "#222222"
    }

    /// Pixel geometry of the figure.
    public enum Geometry {
        public static let width = 820.0
        public static let plotLeft = 92.0
        public static let plotRight = 620.0
        public static let plotTop = 72.0
        public static let plotBottom = 400.0
        public static let residualTop = 450.0
        public static let residualBottom = 580.0
    }

    /// Total height of the figure in pixels.
    public var height: Double { showResiduals ? 650 : 470 }

    /// The energy all others are drawn relative to, in hartree: the fitted minimum, else the lowest computed energy.
    ///
    /// Found once: ``relative(_:)`` uses it for every point drawn.
    public let referenceEnergyHartree: Double

    /// Bond-length axis: every point and the fitted range, 4 % padding.
    public var xScale: AxisScale { xScale(pixels: Geometry.plotLeft...Geometry.plotRight) }

    /// Energy axis in ``unit`` relative to the reference: every drawn energy and the curve, more room below for the label.
    public var yScale: AxisScale { yScale(pixels: Geometry.plotTop...Geometry.plotBottom) }

    /// The bond-length axis over `pixels` (left to right), for this figure or another drawing of it.
    public func xScale(pixels: ClosedRange<Double>) -> AxisScale {
        AxisScale.covering(points.map(\.rAngstrom), padding: 0.04, pixels: pixels, flipped: false)
    }

    /// The energy axis over `pixels` (top to bottom, the lowest energy at the bottom), for this figure or another drawing of it.
    public func yScale(pixels: ClosedRange<Double>) -> AxisScale {
        let values = points.compactMap(\.energyHartree).map(relative) + curve.map(\.energy) + [0]
        var scale = AxisScale.covering(values, padding: 0.08, pixels: pixels, flipped: true)
        scale.lower -= (scale.upper - scale.lower) * 0.1
        return scale
    }

    /// The fitted curve sampled at 241 bond lengths across the fitted data, energies relative in ``unit``.
    public var curve: [(r: Double, energy: Double)] {
        guard let analysis else { return [] }
        let range = analysis.dataRangeAngstrom
        return (0...240).map { step in
            let r = range.lowerBound + (range.upperBound - range.lowerBound) * Double(step) / 240
            return (r, relative(analysis.energyHartree(atAngstrom: r)))
        }
    }

    /// An energy in hartree converted to ``unit`` relative to the reference energy.
    public func relative(_ energyHartree: Double) -> Double {
        unit.fromHartree(energyHartree - referenceEnergyHartree)
    }

    /// The figure's first line: molecule, engine and its options.
    public var title: String {
        let engine = PlotMarks.engineText(spec.engine)
        return "\(spec.molecule.name): potential-energy curve, engine \(engine)"
    }

    /// The figure's second line: scan name, fit and what was left out.
    public var subtitle: String {
        var parts = ["scan \(spec.name)"]
        if let analysis {
            parts.append("\(analysis.curveDescription) through \(analysis.pointCount) points")
            parts.append("RMS residual \(String(format: "%.2e", unit.fromHartree(analysis.rmsResidualHartree))) \(unit.symbol)")
        } else {
            parts.append("no fitted curve")
        }
        return (parts + PlotMarks.leftOut(selection)).joined(separator: " · ")
    }

    /// The whole figure as a self-contained SVG document.
    public func svg() -> String {
        var svg = SVGWriter(width: Geometry.width, height: height)
        let x = xScale, y = yScale
        svg.text(title, x: Geometry.plotLeft, y: 28, size: 16, extra: [("font-weight", "bold")])
        svg.text(subtitle, x: Geometry.plotLeft, y: 50, size: 12, extra: [("fill", "#444444")])
        drawAxes(&svg, x: x, y: y, top: Geometry.plotTop, bottom: Geometry.plotBottom, yLabel: "E − E(\(coordinate.equilibriumName)) (\(unit.symbol))")
        let bottomLabelY = (showResiduals ? Geometry.residualBottom : Geometry.plotBottom) + 44
        svg.text(coordinate.axisLabel, x: (Geometry.plotLeft + Geometry.plotRight) / 2, y: bottomLabelY, size: 13, anchor: "middle")
        let curvePoints = curve.map { (x: x.pixel($0.r), y: y.pixel($0.energy)) }
        if !curvePoints.isEmpty { svg.polyline(curvePoints, stroke: Colour.curve, width: 1.6, id: "fit-curve") }
        if let analysis { drawMinimum(&svg, rAngstrom: analysis.rEquilibriumAngstrom, energyHartree: analysis.energyHartree, x: x, y: y) }
        drawPoints(&svg, x: x, y: y)
        if let fitProblem {
            svg.text("No fitted curve: \(fitProblem.problem)", x: Geometry.plotLeft + 8, y: Geometry.plotTop + 18, size: 11, extra: [("fill", "#a00000")])
        }
        if showResiduals { drawResiduals(&svg, x: x) }
        drawLegend(&svg)
        return svg.document(title: title)
    }

    private func drawAxes(_ svg: inout SVGWriter, x: AxisScale, y: AxisScale, top: Double, bottom: Double, yLabel: String) {
        PlotMarks.frame(&svg, x: x, y: y, left: Geometry.plotLeft, right: Geometry.plotRight, top: top, bottom: bottom)
        let middle = (top + bottom) / 2
        svg.text(yLabel, x: 22, y: middle, size: 13, anchor: "middle", extra: [("transform", "rotate(-90 22 \(SVGWriter.number(middle)))")])
    }

    private func drawPoints(_ svg: inout SVGWriter, x: AxisScale, y: AxisScale) {
        var drawn = PixelThinning(count: points.count)
        svg.beginGroup([("id", "points")])
        for point in points {
            let px = x.pixel(point.rAngstrom)
            let py = point.energyHartree.map { y.pixel(relative($0)) } ?? Geometry.plotBottom
            guard drawn.isNew(x: px, y: py, kind: PlotMarks.markerKind(state: point.state, converged: point.converged)) else { continue }
            let data = [("data-index", "\(point.index)"), ("data-r-angstrom", String(point.rAngstrom))]
            switch point.state {
            case .done:
                guard point.energyHartree != nil else { continue }
                if point.converged == false {
                    svg.circle(cx: px, cy: py, r: 5, fill: "#ffffff", stroke: Colour.unconverged, extra: [("stroke-width", "2"), ("class", "unconverged")] + data)
                } else {
                    svg.circle(cx: px, cy: py, r: 5, fill: Colour.computed, extra: [("class", selection.uses(state: point.state, energyHartree: point.energyHartree, converged: point.converged) ? "computed" : "computed unused")] + data)
                }
            case .failed:
                PlotMarks.cross(&svg, x: px, y: Geometry.plotBottom, extra: [("class", "failed")] + data)
            case .pending, .running:
                continue
            }
        }
        svg.endGroup()
    }

    private func drawMinimum(_ svg: inout SVGWriter, rAngstrom: Double, energyHartree: Double, x: AxisScale, y: AxisScale) {
        let px = x.pixel(rAngstrom), py = y.pixel(0)
        svg.polygon(PlotMarks.triangle(x: px, y: py, size: 9), fill: Colour.minimum, extra: [
            ("id", "minimum"), ("data-r-angstrom", String(rAngstrom)), ("data-energy-hartree", String(energyHartree)),
            ("data-cx", SVGWriter.number(px)), ("data-cy", SVGWriter.number(py)),
        ])
        let e = coordinate.equilibriumName
        let label = "\(e) = \(coordinate.valueText(rAngstrom)), E(\(e)) = \(String(format: "%.8f", energyHartree)) Eh"
        let labelX = min(max(px, Geometry.plotLeft + 150), Geometry.plotRight - 150)
        svg.text(label, x: labelX, y: py + 24, size: 12, anchor: "middle", extra: [("id", "minimum-label"), ("fill", Colour.minimum)])
    }

    private func drawResiduals(_ svg: inout SVGWriter, x: AxisScale) {
        guard let analysis else { return }
        let residuals = zip(analysis.rAngstrom, analysis.residualsHartree).map { (r: $0, value: unit.fromHartree($1)) }
        let largest = max(residuals.map { abs($0.value) }.max() ?? 0, unit.fromHartree(1e-12))
        let y = AxisScale.covering([-largest, largest], padding: 0.15, pixels: Geometry.residualTop...Geometry.residualBottom, flipped: true)
        drawAxes(&svg, x: x, y: y, top: Geometry.residualTop, bottom: Geometry.residualBottom, yLabel: "residual (\(unit.symbol))")
        svg.line(x1: Geometry.plotLeft, y1: y.pixel(0), x2: Geometry.plotRight, y2: y.pixel(0), stroke: Colour.curve, width: 1)
        var drawn = PixelThinning(count: residuals.count)
        svg.beginGroup([("id", "residuals")])
        for residual in residuals {
            let px = x.pixel(residual.r), py = y.pixel(residual.value)
            guard drawn.isNew(x: px, y: py, kind: 0) else { continue }
            svg.line(x1: px, y1: y.pixel(0), x2: px, y2: py, stroke: Colour.computed, width: 1)
            svg.circle(cx: px, cy: py, r: 3.5, fill: Colour.computed, extra: [("class", "residual")])
        }
        svg.endGroup()
    }

    private func drawLegend(_ svg: inout SVGWriter) {
        let left = Geometry.plotRight + 24
        var rowY = Geometry.plotTop + 12
        svg.beginGroup([("id", "legend")])
        svg.circle(cx: left + 8, cy: rowY - 4, r: 5, fill: Colour.computed)
        svg.text("computed energy", x: left + 22, y: rowY, size: 12)
        if analysis != nil {
            rowY += 22
            svg.line(x1: left, y1: rowY - 4, x2: left + 16, y2: rowY - 4, stroke: Colour.curve, width: 1.6)
            svg.text(analysis?.morse == nil ? "fitted polynomial" : "fitted Morse curve", x: left + 22, y: rowY, size: 12)
            rowY += 22
            svg.polygon(PlotMarks.triangle(x: left + 8, y: rowY - 4, size: 7), fill: Colour.minimum)
            svg.text("fitted minimum \(coordinate.equilibriumName)", x: left + 22, y: rowY, size: 12)
        }
        if points.contains(where: { $0.state == .done && $0.converged == false }) {
            rowY += 22
            svg.circle(cx: left + 8, cy: rowY - 4, r: 5, fill: "#ffffff", stroke: Colour.unconverged, extra: [("stroke-width", "2")])
            svg.text("not converged", x: left + 22, y: rowY, size: 12)
        }
        if selection.failedCount > 0 {
            rowY += 22
            PlotMarks.cross(&svg, x: left + 8, y: rowY - 4, extra: [])
            svg.text("failed (no energy)", x: left + 22, y: rowY, size: 12)
        }
        svg.endGroup()
    }
}
