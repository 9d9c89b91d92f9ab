import Foundation
import PESEngines

/// A container zone: each point's program runs in a fresh container; engines that run inside pesscan cannot.
struct ContainerBackend: ZoneBackend {
    /// Starts the program in a container (``ContainerLauncher`` in a real zone).
    var launcher: any ProcessLauncher

    func canRun(_ engine: any Engine) -> Bool { engine.runsAsProcess }
    var image: String? { launcher.image }

    func run(_ job: EngineJob, engine: any Engine) async -> EngineOutcome {
        await engine.run(job, launcher: launcher)
    }
}
