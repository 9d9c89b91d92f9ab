import Foundation
import PESEngines

/// What kind of capacity a zone is.
public enum ZoneKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// Processes (or in-process tasks) on this machine.
    case local
    /// A container per point, run by podman or docker on this machine.
    case container
    /// Slurm job arrays; `collect` submits and later harvests.
    case slurm
    /// Another machine reached with OpenSSH: its points' files sent there and fetched back, no shared filesystem.
    case ssh
}

/// A named pool of capacity that runs points, like an availability zone of a multi-site cloud.
public struct Zone: Sendable {
    /// Zone name recorded with every attempt.
    public var name: String
    /// Kind of capacity.
    public var kind: ZoneKind { didSet { backend = Self.backend(kind: kind, launcher: launcher, slurm: slurm) } }
    /// How many of its points run at once.
    public var slots: Int
    /// Points the zone holds for each slot: 1, or for an SSH site with several points a request, the points its requests carry.
    public var pointsHeldPerSlot: Int
    /// How many points the zone holds at once: its slots × ``pointsHeldPerSlot``.
    public var heldPoints: Int { slots * pointsHeldPerSlot }
    /// Whether this zone takes work before zones that are not preferred (keep traffic local first).
    public var prefer: Bool
    /// How the zone starts a point's program (local and container zones).
    public var launcher: any ProcessLauncher { didSet { backend = Self.backend(kind: kind, launcher: launcher, slurm: slurm) } }
    /// How the zone submits batch jobs (Slurm zones).
    public var slurm: SlurmSettings? { didSet { backend = Self.backend(kind: kind, launcher: launcher, slurm: slurm) } }
    /// What the zone's kind does with points, built from its launcher or Slurm settings (or given directly, in tests).
    private(set) var backend: any ZoneBackend

    public init(
        name: String, kind: ZoneKind, slots: Int, pointsHeldPerSlot: Int = 1, prefer: Bool = false, launcher: any ProcessLauncher,
        slurm: SlurmSettings? = nil
    ) throws(DispatchError) {
        guard slots > 0, slots <= 4096 else { throw .invalidSlots(slots) }
        self.name = name
        self.kind = kind
        self.slots = slots
        self.pointsHeldPerSlot = max(1, pointsHeldPerSlot)
        self.prefer = prefer
        self.launcher = launcher
        self.slurm = slurm
        self.backend = Self.backend(kind: kind, launcher: launcher, slurm: slurm)
    }

    /// The back-end of a zone kind: one type per kind, in its own file.
    private static func backend(kind: ZoneKind, launcher: any ProcessLauncher, slurm: SlurmSettings?) -> any ZoneBackend {
        switch kind {
        case .local: return LocalBackend(launcher: launcher)
        case .container: return ContainerBackend(launcher: launcher)
        case .ssh:
            if let site = launcher as? SiteLauncher, site.settings.run == .slurm {
                return SiteSlurmBackend(site: site, settings: slurm ?? SlurmSettings())
            }
            return ContainerBackend(launcher: launcher)
        case .slurm: return SlurmBackend(settings: slurm ?? SlurmSettings())
        }
    }

    /// A zone driven by `backend` directly, for tests that run the loop without processes.
    init(name: String, kind: ZoneKind, slots: Int, backend: any ZoneBackend) throws(DispatchError) {
        try self.init(name: name, kind: kind, slots: slots, launcher: ProcessRunner())
        self.backend = backend
    }

    /// Whether the zone runs points as batch jobs that outlive `collect`.
    public var isBatch: Bool { backend.batchQueue != nil }

    /// A local zone with `slots` parallel points (default: the number of cores); `limitHelper` as for ``LocalLauncher``.
    public static func local(
        name: String = "local", slots: Int? = nil, prefer: Bool = false, limitHelper: URL? = nil
    ) throws(DispatchError) -> Zone {
        try Zone(
            name: name, kind: .local, slots: slots ?? coreCount, prefer: prefer, launcher: LocalLauncher(limitHelper: limitHelper))
    }

    /// Active processor cores of this machine.
    public static var coreCount: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

    /// Tidies up when a collect ends (an SSH site deletes the remote folders it still holds).
    public func finish() async { await backend.finish() }

    /// Whether this zone can run `engine`: containers run only separate programs, batch zones only prepared ones.
    public func canRun(_ engine: any Engine) -> Bool { backend.canRun(engine) }

    /// The engine as an ``ImmediateEngine`` when this zone computes its points in batches at once: a local zone and an engine computing without waiting.
    func immediateEngine(_ engine: any Engine) -> (any ImmediateEngine)? {
        guard backend is LocalBackend, let immediate = engine as? any ImmediateEngine, immediate.computesImmediately else { return nil }
        return immediate
    }
}
