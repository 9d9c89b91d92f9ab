import PESCore
import PESDispatch
import PESExport
import PESFit
import PESStore

/// Why a fit, plot or refinement could not be made; the cases carry data, and a command words them with its flags.
public enum WorkflowError: Error, Sendable, CustomStringConvertible {
    /// The database could not be read or written.
    case store(StoreError)
    /// The points could not be fitted; `notComputed` points of the scan were still pending or running.
    case fit(FitError, notComputed: Int)
    /// The scan has no computed energy at all.
    case noEnergies(scan: String)
    /// A file could not be read.
    case unreadable(path: String, reason: String)
    /// A file could not be written.
    case unwritable(path: String, reason: String)
    /// An energy table could not be parsed.
    case energyTable(path: String, EnergyTableError)
    /// Isotopic masses given for another number of atoms than the molecule has.
    case massCount(expected: Int, given: Int)
    /// An isotope label or mass is not usable for its element.
    case molecule(MoleculeError)
    /// A result could not be written as JSON (a value is not a finite number).
    case encoding(reason: String)
    /// Collecting the points of a refinement round failed.
    case collect(DispatchError)

    public var description: String {
        switch self {
        case .store(let error): return error.description
        case .fit(let error, let notComputed):
            guard notComputed > 0 else { return error.description }
            return error.description + " (\(notComputed) point\(notComputed == 1 ? " is" : "s are") not computed yet.)"
        case .noEnergies(let scan): return "The scan \(scan) has no computed energies yet."
        case .unreadable(let path, let reason): return "Cannot read \(path): \(reason)."
        case .unwritable(let path, let reason): return "Cannot write \(path): \(reason)."
        case .energyTable(let path, let error): return "\(path), \(error.description)"
        case .massCount(let expected, let given): return "Got \(given) isotopic masses for a molecule of \(expected) atoms; give one per atom."
        case .molecule(let error): return error.description
        case .encoding(let reason): return "The result cannot be written as JSON: \(reason)."
        case .collect(let error): return error.description
        }
    }
}
