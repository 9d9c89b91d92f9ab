import Foundation

/// A named pool of capacity that runs points: here, processes or tasks on this machine.
public struct LocalZone: Sendable, Hashable {
    /// Zone name recorded with every attempt.
    public var name: String
    /// How many points may run at once.
    public var slots: Int

    /// One local zone with `slots` parallel points (default: the number of cores).
    public init(name: String = "local", slots: Int? = nil) throws(DispatchError) {
        let resolved = slots ?? LocalZone.coreCount
        guard resolved > 0, resolved <= 4096 else { throw .invalidSlots(resolved) }
        self.name = name
        self.slots = resolved
    }

    /// Active processor cores of this machine.
    public static var coreCount: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }
}
