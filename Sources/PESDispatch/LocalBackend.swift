import Foundation
import PESEngines

/// A local zone: each point's engine runs here, its program (if any) as a process on this machine.
struct LocalBackend: ZoneBackend {
    /// Starts the engine's program.
    var launcher: any ProcessLauncher

    func canRun(_ engine: any Engine) -> Bool { engine.programMissingOnHost == nil }
    var image: String? { launcher.image }

    func run(_ job: EngineJob, engine: any Engine) async -> EngineOutcome {
        await engine.run(job, launcher: launcher)
    }
}
