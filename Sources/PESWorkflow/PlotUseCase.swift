import Foundation
import PESCore
import PESFit
import PESReport
import PESStore

/// What `plot` is asked to draw: which scan, which curve, where the figure goes.
public struct PlotRequest: Sendable {
    /// Scan to draw (nil: the most recently planned).
    public var scan: String?
    /// The curve fitted and drawn, as `fit` would fit it.
    public var model: CurveModel
    /// Whether points whose engine reported no convergence are fitted too.
    public var includeUnconverged: Bool
    /// Unit of the energy axis.
    public var unit: EnergyUnit
    /// Whether to add the residuals panel.
    public var showResiduals: Bool
    /// Where the SVG goes; the PNG goes beside it with the extension `.png`.
    public var destination: Destination
    /// Whether to make the PNG when a converter is installed.
    public var makePNG: Bool

    /// Where the figure is written.
    public enum Destination: Sendable {
        /// This SVG file.
        case file(path: String)
        /// `<scan name>.svg` in this folder.
        case folder(path: String)
        /// No file: braille text `columns` characters wide with `rows` rows of plotting area, ANSI-coloured when `colour`.
        case terminal(columns: Int, rows: Int, colour: Bool)
    }

    public init(
        scan: String?, model: CurveModel, includeUnconverged: Bool, unit: EnergyUnit, showResiduals: Bool,
        destination: Destination, makePNG: Bool
    ) {
        self.scan = scan
        self.model = model
        self.includeUnconverged = includeUnconverged
        self.unit = unit
        self.showResiduals = showResiduals
        self.destination = destination
        self.makePNG = makePNG
    }
}

/// What `plot` wrote and the fit it drew.
public struct PlotOutcome: Sendable, Codable {
    /// The scan drawn.
    public var scan: String
    /// Path of the SVG written; nil for a terminal drawing.
    public var svg: String?
    /// The terminal drawing, for the terminal destination.
    public var terminalText: String?
    /// Path of the PNG written, when one was.
    public var png: String?
    /// Unit of the energy axis.
    public var energyUnit: String
    /// Model name of the curve drawn.
    public var model: String
    /// Polynomial degree of the curve drawn, for polynomial models.
    public var degree: Int?
    /// r_e of the drawn fit in ångström, when a fit could be made.
    public var rEAngstrom: Double?
    /// Fitted energy at r_e in hartree.
    public var energyHartree: Double?
    /// Why no curve is drawn, when the fit failed.
    public var fitProblem: FitError?
    /// What would fix the fit, given the scan's points not computed yet.
    public var fitRemedy: FitRemedy?
    /// Whether no scan was named and the most recently planned was taken from among several.
    public var scanChosenByDefault: Bool
    /// Why the PNG could not be made, when the converter failed.
    public var pngProblem: String?
    /// Whether no PNG converter (rsvg-convert) is installed although a PNG was asked for.
    public var pngConverterMissing: Bool
    /// A polyatomic scan's varied coordinates drawn, in axis order; nil for a diatomic.
    public var coordinates: [String]? = nil
    /// A polyatomic's drawn stationary point (or, along one coordinate, minimum) by coordinate name, Å and degrees.
    public var stationaryPoint: [String: Double]? = nil
    /// Whether that stationary point is a minimum (not a saddle point or maximum).
    public var stationaryPointIsMinimum: Bool? = nil
    /// Why a contour plot's asked total degree could not be fitted, when a lower one is drawn.
    public var requestedDegreeProblem: FitError? = nil
    /// Why a contour plot's surface has no stationary point marked, when it was fitted but the search failed.
    public var stationaryPointProblem: FitError? = nil
}

/// `plot`: fits the scan as `fit` does, draws the points and that fit as SVG, and converts it to PNG when it can.
///
/// A diatomic's scan, or a polyatomic's along its one varied coordinate, is
/// drawn as E against that coordinate (SVG or terminal); a polyatomic's in two
/// varied coordinates as a contour map of its surface (SVG only, see
/// ``ContourPlot``); a scan varying more coordinates is refused.
public struct PlotUseCase: Sendable {
    /// The database.
    public var store: ScanStore

    public init(store: ScanStore) {
        self.store = store
    }

    /// Draws the figure the request describes and writes it.
    public func run(_ request: PlotRequest) throws(WorkflowError) -> PlotOutcome {
        let record = try ScanSelection.record(named: request.scan, in: store)
        let chosenByDefault = try ScanSelection.chosenByDefault(request.scan, in: store)
        let name = record.spec.name.rawValue
        let varied = record.spec.geometry?.varied
        if let varied, varied.count != 1 {
            guard varied.count == 2 else { throw .plotCoordinates(scan: name, coordinates: varied) }
            if case .terminal = request.destination { throw .contourNotInTerminal(scan: name) }
            guard case .polynomial(let degree) = request.model else { throw .surfaceModel(scan: name, model: request.model.name) }
            var (scan, points) = try ScanSelection.everyPoint(store: store, record: record, includeUnconverged: request.includeUnconverged)
            scan.chosenByDefault = chosenByDefault
            guard points.contains(where: { $0.energyHartree != nil }) else { throw .noEnergies(scan: name) }
            return try contour(request, scan: scan, points: points, degree: degree)
        }
        // A curve plot keeps only what it draws of each point (``PlotPoint``), read in the same pass as the fit's selection.
        var points: [PlotPoint] = []
        var scan = try ScanSelection(store: store, record: record, includeUnconverged: request.includeUnconverged) { points.append($0) }
        scan.chosenByDefault = chosenByDefault
        let spec = scan.record.spec
        guard points.contains(where: { $0.energyHartree != nil }) else { throw .noEnergies(scan: name) }
        // The figure draws no degree bias: the fit one degree higher that `fit` adds for it (a sixth of a 10⁶-point plot) is left out.
        let fit = Result { () throws(FitError) in try scan.selection.analyse(model: request.model, estimateDegreeBias: false) }
        let coordinate = PlotCoordinate.of(spec)
        let plot = ScanPlot(
            spec: spec, points: points, selection: scan.selection, fit: fit, unit: request.unit,
            showResiduals: request.showResiduals, coordinate: coordinate)
        // A polyatomic's one coordinate may be an angle: no r_e in ångström, and no remedy worded in bond lengths.
        var outcome = PlotOutcome(
            scan: name, svg: nil, terminalText: nil, energyUnit: request.unit.rawValue, model: request.model.name,
            degree: plot.analysis?.degree, rEAngstrom: varied == nil ? plot.analysis?.rEquilibriumAngstrom : nil,
            energyHartree: plot.analysis?.energyHartree, fitProblem: plot.fitProblem,
            fitRemedy: varied == nil ? plot.fitProblem.flatMap(scan.remedy(for:)) : nil, scanChosenByDefault: scan.chosenByDefault,
            pngProblem: nil, pngConverterMissing: false)
        if let varied {
            outcome.coordinates = varied
            outcome.stationaryPoint = plot.analysis.map { [coordinate.name: $0.rEquilibriumAngstrom] }
            outcome.stationaryPointIsMinimum = plot.analysis == nil ? nil : true
        }
        if case .terminal(let columns, let rows, let colour) = request.destination {
            outcome.terminalText = TerminalPlot(plot: plot, columns: columns, rows: rows, colour: colour).text()
            return outcome
        }
        return try write(plot.svg(), request: request, outcome: outcome)
    }

    /// The contour plot of a scan in two varied coordinates, its surface of total degree `degree` or the highest lower one that fits.
    private func contour(_ request: PlotRequest, scan: ScanSelection, points: [ScanPoint], degree: Int) throws(WorkflowError) -> PlotOutcome {
        let spec = scan.record.spec
        let surface = ContourSurface(selection: scan.selection, coordinateNames: spec.geometry?.varied ?? [], degree: degree)
        guard let plot = ContourPlot(
            spec: spec, points: points, selection: scan.selection, fit: surface.fit, requestedDegree: degree,
            requestedDegreeProblem: surface.requestedDegreeProblem, unit: request.unit)
        else { throw .plotCoordinates(scan: spec.name.rawValue, coordinates: spec.geometry?.varied ?? []) }
        var outcome = PlotOutcome(
            scan: spec.name.rawValue, svg: nil, terminalText: nil, energyUnit: request.unit.rawValue, model: request.model.name,
            degree: plot.surface?.totalDegree, rEAngstrom: nil, energyHartree: plot.stationary?.energyHartree,
            fitProblem: plot.fitProblem,
            fitRemedy: nil, scanChosenByDefault: scan.chosenByDefault, pngProblem: nil, pngConverterMissing: false)
        outcome.coordinates = plot.coordinateNames
        outcome.stationaryPoint = plot.stationary.flatMap { point in spec.geometry?.named(point.coordinates) }
        outcome.stationaryPointIsMinimum = plot.stationary?.isMinimum
        outcome.requestedDegreeProblem = plot.surface == nil ? nil : surface.requestedDegreeProblem
        if case .failure(let problem) = plot.stationaryPoint { outcome.stationaryPointProblem = problem }
        return try write(plot.svg(), request: request, outcome: outcome)
    }

    /// Writes `svg` where the request says, and the PNG beside it when asked and possible.
    private func write(_ svg: String, request: PlotRequest, outcome: PlotOutcome) throws(WorkflowError) -> PlotOutcome {
        var outcome = outcome
        let svgPath: String
        switch request.destination {
        case .file(let path): svgPath = path
        case .folder(let path): svgPath = (path as NSString).appendingPathComponent("\(outcome.scan).svg")
        case .terminal: return outcome
        }
        let svgURL = URL(fileURLWithPath: svgPath)
        try ResultFile.write(svg, to: svgURL, shownAs: svgPath)
        outcome.svg = svgPath
        guard request.makePNG else { return outcome }
        guard let converter = PNGConverter.executable() else {
            outcome.pngConverterMissing = true
            return outcome
        }
        let pngPath = (svgPath as NSString).deletingPathExtension + ".png"
        do {
            try PNGConverter.convert(svg: svgURL, to: URL(fileURLWithPath: pngPath), executable: converter)
            outcome.png = pngPath
        } catch {
            outcome.pngProblem = String(describing: error)
        }
        return outcome
    }
}
