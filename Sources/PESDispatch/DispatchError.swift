import PESCore
import PESEngines
import PESStore

/// Why `collect` could not run.
public enum DispatchError: Error, Sendable, CustomStringConvertible {
    case invalidSlots(Int)
    case engineSetup(scan: String, EngineSetupError)
    case store(StoreError)
    case workDirectory(String, String)
    case zoneUnavailable(zone: String, reason: String)
    case noZoneCanRun(scan: String, engine: String)
    /// No container zone is there to run an engine whose program is not on this machine.
    case programOnlyInImages(scan: String, program: String)
    case zoneFile(ZoneFileError)
    case geometry(scan: String, index: Int, ZMatrixError)

    public var description: String {
        switch self {
        case .invalidSlots(let slots):
            return "A zone needs between 1 and 4096 slots; got \(slots)."
        case .engineSetup(let scan, let error):
            return "Scan \(scan) cannot run: \(error)"
        case .store(let error):
            return error.description
        case .zoneUnavailable(let zone, let reason):
            return "Zone \(zone) cannot be used: \(reason)."
        case .noZoneCanRun(let scan, let engine):
            return "No zone can run scan \(scan): engine \(engine) runs inside pesscan, so it needs a local zone; add one, or use engine model-process in container zones."
        case .programOnlyInImages(let scan, let program):
            return "No zone can run scan \(scan): its program \(program) is not on this machine, so only a container zone whose image has it can; "
                + "add one to the zone file (kind: container), or install the program here."
        case .geometry(let scan, let index, let error):
            return "Point \(index) of \(scan) has no geometry: \(error) Plan the scan again with other values (pesscan plan --replace)."
        case .zoneFile(let error):
            return error.description
        case .workDirectory(let path, let reason):
            return "Cannot create the work directory \(path): \(reason). Check that the results folder is writable."
        }
    }
}
