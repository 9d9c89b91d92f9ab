import Foundation

/// Where an engine's program may be found: on this machine only, or also in a container zone's image.
public enum ProgramLookup: Sendable, Hashable {
    /// The program must be on this machine (local and Slurm zones run it from here).
    case hostOnly
    /// Container zones are configured: a program missing here is looked up in their images when a point runs.
    case hostOrImage
}

/// How an engine's program starts: the executable found, the environment, the variables a container is given, the limits.
public struct ProgramLaunch: Sendable, Hashable {
    /// The executable on this machine; the program's name as a path when it is not here.
    public var executable: URL
    /// The program as the user named it, which a container looks up in its image.
    public var program: String
    /// The child's whole environment for a local process.
    public var environment: [String: String]
    /// The variables the engine sets itself (threads, profile, `env.NAME`), which cross into containers.
    public var engineEnvironment: [String: String]
    /// Resource limits set before the program starts.
    public var limits: ResourceLimits
    /// Whether the program is not on this machine, so only container zones whose image has it can run the engine.
    public var missingOnHost: Bool

    /// Finds `program` and puts together its environment and limits from the resolved options.
    ///
    /// The engine's variables are the thread variables (`threads`, default 1),
    /// then `profileEnvironment`, then the user's `env.NAME`; its limits are
    /// `defaultLimits` with the user's `stack=`/`limit.KIND=` over them. A
    /// program that is not here is an error with ``ProgramLookup/hostOnly``.
    public static func find(
        _ program: String, resolved: ResolvedOptions, base: [String: String], profileEnvironment: [String: String] = [:],
        defaultLimits: ResourceLimits = .none, lookup: ProgramLookup
    ) throws(EngineSetupError) -> ProgramLaunch {
        var own: [String: String] = [:]
        for key in ["OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"] { own[key] = resolved.values["threads"] ?? "1" }
        own.merge(profileEnvironment) { _, new in new }
        own.merge(resolved.environment) { _, new in new }
        let environment = base.merging(own) { _, new in new }
        let found = ExecutableLookup.find(program, environment: environment)
        guard found != nil || lookup == .hostOrImage else { throw .programMissing(program) }
        return ProgramLaunch(
            executable: found ?? URL(fileURLWithPath: program), program: program, environment: environment, engineEnvironment: own,
            limits: defaultLimits.overridden(by: resolved.limits), missingOnHost: found == nil)
    }

    /// The command that runs the program with `arguments`.
    public func command(arguments: [String]) -> ProcessCommand {
        ProcessCommand(
            executable: executable, arguments: arguments, environment: environment, engineEnvironment: engineEnvironment,
            program: program, limits: limits)
    }
}
