import Foundation
import PESCore
import PESFit

/// A scan drawn in a terminal with Unicode braille: the fitted curve as dots, the points as `●`, r_e as `▲` on the axis.
///
/// It draws the fit of the ``ScanPlot`` it is given (the same axes,
/// reference energy and curve as the SVG, so the same r_e), for people on an
/// SSH session without an image viewer. Each character cell holds 2 × 4
/// braille dots. Converged energies are `●`, unconverged ones `○`, failed
/// points `×` on the bond-length axis. With ``colour`` the markers get ANSI
/// colours (red points, blue minimum, grey failures); without it the text is
/// plain.
public struct TerminalPlot: Sendable {
    /// The figure to draw: points, fit and units.
    public var plot: ScanPlot
    /// Width of the whole drawing in characters, labels included.
    public var columns: Int
    /// Height of the plotting area in character rows.
    public var rows: Int
    /// Whether to colour the markers with ANSI escapes.
    public var colour: Bool

    /// Characters left of the plotting area for the energy labels and the axis line.
    public static let labelWidth = 11

    /// Draws `plot` in `columns` characters (at least 40) and `rows` rows of plotting area (at least 8).
    public init(plot: ScanPlot, columns: Int = 80, rows: Int = 20, colour: Bool = false) {
        self.plot = plot
        self.columns = max(columns, 40)
        self.rows = max(rows, 8)
        self.colour = colour
    }

    /// Character cells of the plotting area across.
    public var plotColumns: Int { columns - Self.labelWidth - 1 }

    /// The bond-length axis in braille dots, two per cell.
    var xScale: AxisScale { plot.xScale(pixels: 0...Double(plotColumns * 2 - 1)) }

    /// The energy axis in braille dots, four per cell, the lowest energy at the bottom.
    var yScale: AxisScale { plot.yScale(pixels: 0...Double(rows * 4 - 1)) }

    /// Column of the drawing (0-based, labels included) in which the bond length `r` ångström falls.
    public func column(ofAngstrom r: Double) -> Int {
        Self.labelWidth + Int(xScale.pixel(r).rounded()) / 2
    }

    /// One cell of the plotting area.
    enum Cell {
        case empty
        case dots(UInt8)
        case marker(Character, colour: String)
    }

    /// ANSI colours of the markers.
    enum ANSI {
        static let point = "\u{1B}[31m", minimum = "\u{1B}[34m", unconverged = "\u{1B}[33m", failed = "\u{1B}[90m", reset = "\u{1B}[0m"
    }

    /// The bit of braille dot (`dx` 0–1 across, `dy` 0–3 down) in a cell's pattern (Unicode U+2800 block).
    static func brailleBit(dx: Int, dy: Int) -> UInt8 {
        let bits: [[UInt8]] = [[0x01, 0x02, 0x04, 0x40], [0x08, 0x10, 0x20, 0x80]]
        return bits[dx][dy]
    }

    /// The whole drawing: title, subtitle, plotting area with energy labels, bond-length axis, legend; lines end with a newline.
    public func text() -> String {
        let x = xScale, y = yScale
        var grid = [[Cell]](repeating: [Cell](repeating: .empty, count: plotColumns), count: rows)
        drawCurve(&grid, x: x, y: y)
        drawPoints(&grid, x: x, y: y)
        var lines = [plot.title] + wrapped(plot.subtitle.components(separatedBy: " · "), separator: " · ")
        if let problem = plot.fitProblem { lines.append("No fitted curve: \(problem.problem)") }
        let labels = energyLabels(y)
        for (row, cells) in grid.enumerated() {
            let label = labels[row].map { String(repeating: " ", count: max(0, Self.labelWidth - 2 - $0.count)) + $0 + " ┤" }
            lines.append((label ?? String(repeating: " ", count: Self.labelWidth - 1) + "│") + cells.map(render).joined())
        }
        lines += bondLengthAxis(x)
        lines += legend
        return lines.joined(separator: "\n") + "\n"
    }

    /// Sets the dots of the fitted curve, one sample per dot column across the fitted points, joined vertically.
    private func drawCurve(_ grid: inout [[Cell]], x: AxisScale, y: AxisScale) {
        guard let analysis = plot.analysis else { return }
        let range = analysis.dataRangeAngstrom
        let first = max(0, Int(x.pixel(range.lowerBound).rounded())), last = min(plotColumns * 2 - 1, Int(x.pixel(range.upperBound).rounded()))
        guard first <= last else { return }
        var previous: Int?
        for dotX in first...last {
            let r = min(max(x.value(atPixel: Double(dotX)), range.lowerBound), range.upperBound)
            let energy = plot.relative(analysis.energyHartree(atAngstrom: r))
            guard energy.isFinite else { previous = nil; continue }
            let dotY = Int(y.pixel(energy).rounded())
            let from = previous ?? dotY
            for yy in min(from, dotY)...max(from, dotY) { setDot(&grid, dotX, yy) }
            previous = dotY
        }
    }

    private func setDot(_ grid: inout [[Cell]], _ dotX: Int, _ dotY: Int) {
        guard dotX >= 0, dotY >= 0, dotX < plotColumns * 2, dotY < rows * 4 else { return }
        let bit = Self.brailleBit(dx: dotX % 2, dy: dotY % 4)
        switch grid[dotY / 4][dotX / 2] {
        case .empty: grid[dotY / 4][dotX / 2] = .dots(bit)
        case .dots(let bits): grid[dotY / 4][dotX / 2] = .dots(bits | bit)
        case .marker: break
        }
    }

    /// Puts a marker on every computed energy; failed points go on the axis line instead.
    private func drawPoints(_ grid: inout [[Cell]], x: AxisScale, y: AxisScale) {
        for point in plot.points where point.state == .done {
            guard let energy = point.energyHartree else { continue }
            let column = Int(x.pixel(point.rAngstrom).rounded()) / 2, row = Int(y.pixel(plot.relative(energy)).rounded()) / 4
            guard (0..<plotColumns).contains(column), (0..<rows).contains(row) else { continue }
            grid[row][column] = point.converged == false ? .marker("○", colour: ANSI.unconverged) : .marker("●", colour: ANSI.point)
        }
    }

    private func render(_ cell: Cell) -> String {
        switch cell {
        case .empty: return " "
        case .dots(let bits): return String(Character(Unicode.Scalar(0x2800 + UInt32(bits)) ?? " "))
        case .marker(let character, let code): return painted(String(character), code)
        }
    }

    /// Characters of `text` a terminal shows, ANSI colour escapes left out.
    static func visibleLength(_ text: String) -> Int {
        text.replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression).count
    }

    private func painted(_ text: String, _ code: String) -> String {
        colour ? code + text + ANSI.reset : text
    }

    /// Energy tick labels by row of the plotting area.
    private func energyLabels(_ y: AxisScale) -> [String?] {
        var labels = [String?](repeating: nil, count: rows)
        let ticks = y.ticks(count: max(2, rows / 4))
        for tick in ticks {
            let row = Int(y.pixel(tick).rounded()) / 4
            if (0..<rows).contains(row), labels[row] == nil { labels[row] = y.label(tick, count: max(2, rows / 4)) }
        }
        return labels
    }

    /// The axis line with ticks, `▲` at r_e and `×` at failed points, then the tick labels and the axis title.
    private func bondLengthAxis(_ x: AxisScale) -> [String] {
        var axis = [String](repeating: "─", count: plotColumns)
        var labels = [Character](repeating: " ", count: plotColumns + 8)
        let ticks = x.ticks(count: max(2, plotColumns / 12))
        for tick in ticks {
            let column = Int(x.pixel(tick).rounded()) / 2
            guard (0..<plotColumns).contains(column) else { continue }
            axis[column] = "┬"
            let text = Array(x.label(tick, count: max(2, plotColumns / 12)))
            let start = max(0, column - text.count / 2)
            guard start + text.count <= labels.count, labels[max(0, start - 1)..<min(labels.count, start + text.count + 1)].allSatisfy({ $0 == " " })
            else { continue }
            labels.replaceSubrange(start..<start + text.count, with: text)
        }
        for point in plot.points where point.state == .failed {
            let column = Int(x.pixel(point.rAngstrom).rounded()) / 2
            if (0..<plotColumns).contains(column) { axis[column] = painted("×", ANSI.failed) }
        }
        if let analysis = plot.analysis {
            let column = Int(x.pixel(analysis.rEquilibriumAngstrom).rounded()) / 2
            if (0..<plotColumns).contains(column) { axis[column] = painted("▲", ANSI.minimum) }
        }
        let margin = String(repeating: " ", count: Self.labelWidth - 1)
        let labelLine = margin + " " + String(labels).replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        return [margin + "└" + axis.joined(), labelLine, margin + " " + String(repeating: " ", count: max(0, plotColumns / 2 - 3)) + plot.coordinate.axisLabel]
    }

    /// What the markers mean, the energy axis's unit and r_e, wrapped to ``columns``.
    private var legend: [String] {
        var parts = ["\(painted("●", ANSI.point)) energy"]
        if plot.analysis != nil { parts.append("⠉ fitted curve") }
        if plot.points.contains(where: { $0.state == .done && $0.converged == false }) { parts.append("\(painted("○", ANSI.unconverged)) unconverged") }
        if plot.selection.failedCount > 0 { parts.append("\(painted("×", ANSI.failed)) failed") }
        if let analysis = plot.analysis {
            let value = plot.coordinate.valueText(analysis.rEquilibriumAngstrom)
            parts.append("\(painted("▲", ANSI.minimum)) \(plot.coordinate.equilibriumName) = \(value)")
        }
        parts.append("energies E − E(\(plot.coordinate.equilibriumName)) in \(plot.unit.symbol)")
        return wrapped(parts, separator: "   ")
    }

    /// `parts` joined by `separator` into lines of at most ``columns`` visible characters (a part longer than that gets its own line).
    private func wrapped(_ parts: [String], separator: String) -> [String] {
        var lines = [""]
        for part in parts {
            let current = lines[lines.count - 1]
            if current.isEmpty {
                lines[lines.count - 1] = part
            } else if Self.visibleLength(current) + separator.count + Self.visibleLength(part) <= columns {
                lines[lines.count - 1] = current + separator + part
            } else {
                lines.append(part)
            }
        }
        return lines
    }
}
