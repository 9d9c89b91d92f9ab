import ArgumentParser
import Foundation
import PESCore
import PESFit
import PESReport

extension Pesscan {
    /// `pesscan plot`: the scan as an SVG figure (and a PNG when rsvg-convert is installed).
    struct Plot: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Draw a scan: computed energies, the fitted curve and its minimum, as SVG (and PNG).",
            discussion: """
                Red dots are the computed energies, hollow orange circles unconverged ones, grey crosses on the \
                bond-length axis failed points; the line is the least-squares polynomial and the blue triangle \
                its minimum, labelled with r_e and E(r_e). Energies are relative to the minimum in --energy-unit. \
                The SVG is self-contained; a PNG beside it is made with rsvg-convert (Debian librsvg2-bin) when \
                that is installed.

                Examples:
                  pesscan plot
                  pesscan plot --scan AuOg+ --energy-unit kcal/mol --residuals
                  pesscan plot --scan H2 --degree 6 --output h2.svg --json
                """)

        @OptionGroup var store: StoreOptions

        @Option(help: "Scan to draw (default: the most recently planned).")
        var scan: String?

        @Option(help: ArgumentHelp("SVG file to write (default: Results/plots/<scan>.svg beside the database).", valueName: "file.svg"))
        var output: String?

        @Option(help: "Polynomial degree of the fitted curve, 2 or more.")
        var degree: Int = 4

        @Option(help: "Unit of the energy axis: \(EnergyUnit.allValueStrings.joined(separator: ", ")).")
        var energyUnit: EnergyUnit = .kilocaloriePerMole

        @Flag(help: "Add a panel of residuals (energy minus fitted curve).")
        var residuals = false

        @Flag(help: "Fit points whose engine reported no convergence too.")
        var includeUnconverged = false

        @Flag(help: "Do not make the PNG even when rsvg-convert is installed.")
        var noPng = false

        @Flag(help: "Print what was written as JSON.")
        var json = false

        func validate() throws {
            guard degree >= 2, degree <= 20 else { throw ValidationError("--degree must be between 2 and 20; got \(degree).") }
            if let output, !output.lowercased().hasSuffix(".svg") {
                throw ValidationError("--output must name an .svg file; got \(output).")
            }
        }

        func run() throws {
            let loaded = try store.loadScan(named: scan)
            let spec = loaded.record.spec
            guard loaded.points.contains(where: { $0.energyHartree != nil }) else {
                throw Failure.report(
                    "The scan \(spec.name) has no computed energies to draw yet; run pesscan collect first.", status: .data)
            }
            let selection = FitSelection(points: loaded.points, includeUnconverged: includeUnconverged)
            let fit = Result { () throws(FitError) in try selection.analyse(model: .polynomial(degree: degree)) }
            let plot = ScanPlot(
                spec: spec, points: loaded.points, selection: selection, fit: fit, unit: energyUnit, showResiduals: residuals)
            if let problem = plot.fitProblem { Output.diagnostic("Warning: no fitted curve drawn: \(problem)") }
            let svgURL = store.outputURL(given: output, folder: "plots", file: "\(spec.name).svg")
            try OutputFile.write(plot.svg(), to: svgURL)
            var pngURL: URL?
            if !noPng {
                if let converter = PNGConverter.executable() {
                    let png = svgURL.deletingPathExtension().appendingPathExtension("png")
                    do {
                        try PNGConverter.convert(svg: svgURL, to: png, executable: converter)
                        pngURL = png
                    } catch {
                        Output.diagnostic("Warning: \(error)")
                    }
                } else {
                    Output.diagnostic("Note: no PNG made; install rsvg-convert (apt-get install librsvg2-bin) for one.")
                }
            }
            let written = PlotWritten(
                scan: spec.name.rawValue, svg: OutputFile.display(svgURL), png: pngURL.map(OutputFile.display),
                energy_unit: energyUnit.rawValue, r_e_angstrom: plot.analysis?.rEquilibriumAngstrom,
                energy_hartree: plot.analysis?.energyHartree)
            if json {
                try Output.json(written)
            } else {
                print("Wrote \(written.svg)" + (written.png.map { " and \($0)" } ?? ""))
            }
        }
    }
}

/// The JSON printed by `plot --json`.
struct PlotWritten: Encodable {
    var scan: String
    var svg: String
    var png: String?
    var energy_unit: String
    var r_e_angstrom: Double?
    var energy_hartree: Double?
}
