import ArgumentParser
import Foundation
import PESCore
import PESWorkflow

extension Pesscan {
    /// `pesscan plot`: the scan as an SVG figure (and a PNG when rsvg-convert is installed).
    struct Plot: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Draw a scan: computed energies, the fitted curve and its minimum, as SVG (and PNG).",
            discussion: """
                Red dots are the computed energies, hollow orange circles unconverged ones, grey crosses on the \
                bond-length axis failed points; the line is the curve fitted as `fit` fits it (--model, \
                --degree, as for fit) and the blue triangle its minimum, labelled with r_e and E(r_e). Energies are relative to the minimum in --energy-unit. \
                The SVG is self-contained; a PNG beside it is made with rsvg-convert (Debian librsvg2-bin) when \
                that is installed.

                A polyatomic scan varying two coordinates (plan --vary r,theta) is drawn as a contour map: the \
                first coordinate across, the second up, the contours of its surface fitted as `fit` fits it \
                (total degree --degree, or the highest lower one its points support) at round energies above \
                its minimum in --energy-unit, every point at its coordinates and the stationary point as the \
                blue triangle, its coordinates in the legend. That map is SVG (and PNG) only, not --terminal. \
                A scan varying one coordinate is drawn as a curve along it; one varying more is refused.

                Examples:
                  pesscan plot
                  pesscan plot --scan AuOg+ --energy-unit kcal/mol --residuals
                  pesscan plot --scan H2 --degree 6 --output h2.svg --json
                  pesscan plot --model morse
                  pesscan plot --terminal
                  pesscan plot --scan water --degree 4 --energy-unit cm-1
                """)

        @OptionGroup var store: StoreOptions

        @Option(help: "Scan to draw (default: the most recently planned).")
        var scan: String?

        @Option(help: ArgumentHelp("SVG file to write (default: Results/plots/<scan>.svg beside the database).", valueName: "file.svg"))
        var output: String?

        @OptionGroup var curve: CurveOptions

        @Option(help: "Unit of the energy axis: \(EnergyUnit.allValueStrings.joined(separator: ", ")).")
        var energyUnit: EnergyUnit = .kilocaloriePerMole

        @Flag(help: "Add a panel of residuals (energy minus fitted curve).")
        var residuals = false

        @Flag(help: "Fit points whose engine reported no convergence too.")
        var includeUnconverged = false

        @Flag(help: "Do not make the PNG even when rsvg-convert is installed.")
        var noPng = false

        @Flag(help: "Draw the plot in the terminal (braille characters, width $COLUMNS or 80) instead of writing files; no colour when NO_COLOR is set or stdout is not a terminal.")
        var terminal = false

        @Flag(help: "Print what was written as JSON.")
        var json = false

        func validate() throws {
            _ = try curve.curveModel()
            if terminal, output != nil || residuals || json {
                throw ValidationError("--terminal prints the plot and writes no file; it takes neither --output, --residuals nor --json.")
            }
            if let output, !output.lowercased().hasSuffix(".svg") {
                throw ValidationError("--output must name an .svg file; got \(output).")
            }
        }

        func run() throws {
            let database = try store.openReadOnly()
            let folder = store.resultsFolder.appendingPathComponent("plots", isDirectory: true)
            let destination: PlotRequest.Destination =
                terminal ? TerminalSize.current.destination
                : output.map { .file(path: OutputFile.display(store.outputURL(given: $0, folder: "plots", file: $0))) }
                    ?? .folder(path: OutputFile.display(folder))
            let request = PlotRequest(
                scan: scan, model: try curve.curveModel(), includeUnconverged: includeUnconverged, unit: energyUnit,
                showResiduals: residuals, destination: destination, makePNG: !noPng)
            let outcome: PlotOutcome
            do {
                outcome = try PlotUseCase(store: database).run(request)
            } catch {
                throw error.reported
            }
            ScanChoiceNote.report(verb: "Plotting", scan: outcome.scan, chosenByDefault: outcome.scanChosenByDefault)
            let isContour = outcome.coordinates?.count == 2
            if let problem = outcome.fitProblem {
                let what = isContour ? "no contours drawn" : "no fitted curve drawn"
                Output.diagnostic("Warning: \(what): \(problem.commandLineMessage(remedy: outcome.fitRemedy))")
            }
            if let problem = outcome.requestedDegreeProblem, let degree = outcome.degree {
                Output.diagnostic(
                    "Warning: the contours are of total degree \(degree), as --degree \(curve.degree) could not be fitted: "
                        + problem.commandLineMessage(remedy: nil))
            }
            if let problem = outcome.stationaryPointProblem {
                Output.diagnostic("Warning: no stationary point marked: \(problem.commandLineMessage(remedy: nil))")
            }
            if isContour, residuals { Output.diagnostic("Note: --residuals applies to curves; the contour plot has no residual panel.") }
            if let problem = outcome.pngProblem { Output.diagnostic("Warning: \(problem)") }
            if outcome.pngConverterMissing {
                Output.diagnostic("Note: no PNG made; install rsvg-convert (apt-get install librsvg2-bin) for one.")
            }
            if let text = outcome.terminalText {
                print(text, terminator: "")
            } else if json {
                try Output.json(outcome)
            } else if let svg = outcome.svg {
                print("Wrote \(svg)" + (outcome.png.map { " and \($0)" } ?? ""))
            }
        }
    }
}
