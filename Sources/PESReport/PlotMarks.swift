import PESCore
import PESFit

/// What the curve and contour plots draw alike: the plotting frame with its ticks and grid, the cross of a failed point, the minimum's triangle.
enum PlotMarks {
    /// The engine as a title names it: its name, then its options sorted by key in parentheses.
    static func engineText(_ engine: EngineSettings) -> String {
        let options = engine.options.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        return options.isEmpty ? engine.name : "\(engine.name) (\(options.joined(separator: ", ")))"
    }

    /// The subtitle's parts for the points a fit left out: failed, unconverged, not computed, each when there are any.
    static func leftOut(_ selection: FitSelection) -> [String] {
        [(selection.failedCount, "failed"), (selection.unconvergedCount, "unconverged"), (selection.notComputedCount, "not computed")]
            .filter { $0.0 > 0 }.map { "\($0.0) \($0.1)" }
    }

    /// The frame of the plotting area from `left` to `right` and `top` to `bottom`, with ticks, tick labels and grid lines of both axes.
    static func frame(_ svg: inout SVGWriter, x: AxisScale, y: AxisScale, left: Double, right: Double, top: Double, bottom: Double) {
        svg.raw("rect", [
            ("x", SVGWriter.number(left)), ("y", SVGWriter.number(top)),
            ("width", SVGWriter.number(right - left)), ("height", SVGWriter.number(bottom - top)),
            ("fill", "none"), ("stroke", "#000000"), ("stroke-width", "1"),
        ])
        for tick in x.ticks() {
            let px = x.pixel(tick)
            svg.line(x1: px, y1: bottom, x2: px, y2: bottom + 5, stroke: "#000000", extra: [("class", "x-tick")])
            svg.line(x1: px, y1: top, x2: px, y2: bottom, stroke: "#e6e6e6")
            svg.text(x.label(tick), x: px, y: bottom + 19, size: 11, anchor: "middle")
        }
        for tick in y.ticks() {
            let py = y.pixel(tick)
            svg.line(x1: left - 5, y1: py, x2: left, y2: py, stroke: "#000000", extra: [("class", "y-tick")])
            svg.line(x1: left, y1: py, x2: right, y2: py, stroke: "#e6e6e6")
            svg.text(y.label(tick), x: left - 8, y: py + 4, size: 11, anchor: "end")
        }
    }

    /// The marker a point in `state` gets, for thinning: computed, unconverged, failed, or not computed yet.
    static func markerKind(state: PointState, converged: Bool?) -> Int {
        switch state {
        case .done: return converged == false ? 1 : 0
        case .failed: return 2
        case .pending, .running: return 3
        }
    }

    /// The grey cross of a failed point at (`x`, `y`), `half` pixels each way, in a group with `extra` attributes.
    static func cross(_ svg: inout SVGWriter, x: Double, y: Double, half: Double = 5, extra: [(String, String)]) {
        svg.beginGroup(extra)
        svg.line(x1: x - half, y1: y - half, x2: x + half, y2: y + half, stroke: ScanPlot.Colour.failed, width: 2.5)
        svg.line(x1: x - half, y1: y + half, x2: x + half, y2: y - half, stroke: ScanPlot.Colour.failed, width: 2.5)
        svg.endGroup()
    }

    /// The corners of the minimum's upward triangle centred at (`x`, `y`).
    static func triangle(x: Double, y: Double, size: Double) -> [(x: Double, y: Double)] {
        [(x, y - size), (x - size * 0.9, y + size * 0.6), (x + size * 0.9, y + size * 0.6)]
    }
}
