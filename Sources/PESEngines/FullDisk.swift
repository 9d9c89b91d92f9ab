import Foundation
import PESCore

extension EngineOutcome {
    /// This outcome, or, when it is a failure and the disk holding `folder` is full, a launch failure that says so.
    ///
    /// A program whose files cannot be written fails in many ways (no
    /// energy in an empty stdout, an exit status, a trap); when the work
    /// folder's file system has less than ``VolumeSpace/nearlyFullBytes``
    /// free, the zone's disk is to blame, not the calculation.
    public func blamingFullDisk(in folder: URL) -> EngineOutcome {
        guard case .failed(let reason, var details) = self, details.fullDiskFolder == nil,
            VolumeSpace.isNearlyFull(holding: folder.path)
        else { return self }
        details.launchFailure = true
        details.fullDiskFolder = folder.path
        return .failed(reason: Self.fullDiskReason(folder: folder.path, failure: reason), details: details)
    }

    /// The failure text of a run stopped by a full disk: the folder, the engine's own failure, and what to do.
    public static func fullDiskReason(folder: String, failure: String) -> String {
        "no space left on device in \(folder) (\(failure)); free space there and run collect again"
    }
}
