import PESCore
import PESDispatch
import PESEngines
import PESExport
import PESFit
import PESStore

/// Why a use case could not be carried out; the cases carry data, and a command words them with its flags.
public enum WorkflowError: Error, Sendable, CustomStringConvertible {
    /// The database could not be used or refused the change.
    case store(StoreError)
    /// The molecule library could not be read or does not know the molecule.
    case library(MoleculeLibraryError)
    /// No molecule was named: neither a library name nor atoms.
    case noMolecule
    /// An atom, isotope label or mass is not usable for its element, or the molecule cannot be built.
    case molecule(MoleculeError)
    /// Isotopic masses given for another number of atoms than the molecule has.
    case massCount(expected: Int, given: Int)
    /// The scan specification is invalid (too few points, a reversed range, a bad name).
    case scan(ScanSpecError)
    /// The scan's engine cannot run (program missing, bad option, unreadable template).
    case engineSetup(scan: String, EngineSetupError)
    /// The collect could not run (zones, work folders, the store during dispatch).
    case dispatch(DispatchError)
    /// The points could not be fitted; `notComputed` points of the scan were still pending or running, and `remedy` is what would fix it given them.
    case fit(FitError, notComputed: Int, remedy: FitRemedy?)
    /// The scan has no computed energy at all.
    case noEnergies(scan: String)
    /// A file could not be read.
    case unreadable(path: String, reason: String)
    /// A file could not be written.
    case unwritable(path: String, reason: String)
    /// An energy table could not be parsed; nothing was written.
    case energyTable(path: String, EnergyTableError)
    /// A result could not be written as JSON (a value is not a finite number).
    case encoding(reason: String)
    /// The batch scheduler refused to cancel jobs; nothing was changed.
    case schedulerRefused(String)
    /// The Z-matrix cannot be read or gives no geometry at the values asked for.
    case geometry(ZMatrixError)
    /// A polyatomic request is not consistent with its Z-matrix (an unknown or repeated coordinate, a missing value).
    case coordinates(String)
    /// The scan is a diatomic's bond-length scan, and the command needs a polyatomic one (a Z-matrix).
    case notPolyatomic(scan: String)
    /// A point an optimisation round needs has no energy (its engine failed): `index` is the point, `error` its last error.
    case optimizationPointMissing(scan: String, index: Int?, error: String?)
    /// A plot was asked of a polyatomic scan varying other than one or two coordinates (`coordinates`, in order): a contour needs two.
    case plotCoordinates(scan: String, coordinates: [String])
    /// A terminal drawing was asked of a scan in two coordinates, whose contour plot is SVG only.
    case contourNotInTerminal(scan: String)
    /// A curve model (`model`) was asked for a scan in two coordinates, which is fitted by a polynomial of total degree.
    case surfaceModel(scan: String, model: String)

    public var description: String {
        switch self {
        case .store(let error): return error.description
        case .library(let error): return error.description
        case .noMolecule: return "No molecule was named: give a library molecule or the atoms of one."
        case .molecule(let error): return error.description
        case .massCount(let expected, let given): return "Got \(given) isotopic masses for a molecule of \(expected) atoms; give one per atom."
        case .scan(let error): return error.description
        case .engineSetup(let scan, let error): return "Scan \(scan) cannot run: \(error)"
        case .dispatch(let error): return error.description
        case .fit(let error, let notComputed, let remedy):
            let text = [error.problem, remedy?.description].compactMap { $0 }.joined(separator: " ")
            guard notComputed > 0, !remedy.isCollectPending else { return text }
            return text + " (\(notComputed) point\(notComputed == 1 ? " is" : "s are") not computed yet.)"
        case .noEnergies(let scan): return "The scan \(scan) has no computed energies yet."
        case .unreadable(let path, let reason): return "Cannot read \(path): \(reason)."
        case .unwritable(let path, let reason): return "Cannot write \(path): \(reason)."
        case .energyTable(let path, let error): return "\(path), \(error.description)"
        case .encoding(let reason): return "The result cannot be written as JSON: \(reason)."
        case .schedulerRefused(let reason): return "The scheduler refused to cancel the jobs: \(reason). Nothing was changed."
        case .geometry(let error): return error.description
        case .coordinates(let reason): return reason
        case .notPolyatomic(let scan):
            return "The scan \(scan) is a bond-length scan of a diatomic; this needs a polyatomic scan planned from a Z-matrix."
        case .optimizationPointMissing(let scan, let index, let error):
            let point = index.map { "point \($0) of \(scan)" } ?? "a point of \(scan)"
            return "The optimisation stopped: \(point) has no energy" + (error.map { " (\($0))" } ?? "")
                + ". Fix the engine's problem, then run the same optimisation again: finished points are kept."
        case .plotCoordinates(let scan, let coordinates):
            return "The scan \(scan) varies \(Plural.count(coordinates.count, "coordinate")) (\(coordinates.joined(separator: ", "))); "
                + "its contour plot needs exactly two. Plan a scan varying two of them to draw one."
        case .contourNotInTerminal(let scan):
            return "The scan \(scan) varies two coordinates: its contour plot is drawn as SVG only, not as text."
        case .surfaceModel(let scan, let model):
            return "The scan \(scan) varies two coordinates and is fitted with a polynomial of total degree; the \(model) model is for a curve in one."
        }
    }
}

extension Optional where Wrapped == FitRemedy {
    /// Whether the remedy is to compute pending points first (which already says that points are not computed).
    public var isCollectPending: Bool {
        if case .collectPending = self { return true }
        return false
    }
}
