import PESCore
import PESDispatch
import PESEngines
import PESExport
import PESStore

/// Why a use case could not be carried out; the data says what, the command line words it in terms of its flags.
public enum WorkflowError: Error, Sendable {
    /// The database could not be used or refused the change.
    case store(StoreError)
    /// The molecule library could not be read or does not know the molecule.
    case molecule(MoleculeLibraryError)
    /// A molecule could not be built from the atoms, charge and masses given.
    case invalidMolecule(String)
    /// The scan specification is invalid (too few points, a reversed range, a bad name).
    case scan(ScanSpecError)
    /// The scan's engine cannot run (program missing, bad option, unreadable template).
    case engineSetup(scan: String, EngineSetupError)
    /// The collect could not run (zones, work folders, the store during dispatch).
    case dispatch(DispatchError)
    /// A file to read could not be read.
    case unreadableFile(path: String, reason: String)
    /// A file to read is malformed; nothing was written.
    case malformedFile(path: String, detail: String)
    /// A file to write could not be written.
    case unwritableFile(path: String, reason: String)
    /// The batch scheduler refused to cancel jobs; nothing was changed.
    case schedulerRefused(String)
}
