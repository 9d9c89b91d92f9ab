import Foundation
import PESWorkflow

/// The size and colour of a terminal drawing: width from `$COLUMNS` (else 80), colour only on a TTY without `NO_COLOR`.
struct TerminalSize {
    /// Characters across.
    var columns: Int
    /// Rows of plotting area.
    var rows: Int
    /// Whether ANSI colours may be used.
    var colour: Bool

    /// The size of the terminal this process writes to, read from the environment once.
    static var current: TerminalSize {
        let environment = ProcessInfo.processInfo.environment
        let columns = environment["COLUMNS"].flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }.flatMap { $0 > 0 ? $0 : nil } ?? 80
        // https://no-color.org: any non-empty NO_COLOR turns colour off.
        let noColour = !(environment["NO_COLOR"] ?? "").isEmpty
        return TerminalSize(columns: columns, rows: 20, colour: !noColour && isatty(STDOUT_FILENO) == 1)
    }

    /// The plot destination drawing at this size.
    var destination: PlotRequest.Destination { .terminal(columns: columns, rows: rows, colour: colour) }
}
