import Foundation
import PESEngines

/// A zone whose points' programs run away from pesscan (a fresh container, an SSH site); engines that run inside pesscan cannot.
struct ContainerBackend: ZoneBackend {
    /// Starts the program elsewhere (``ContainerLauncher`` or ``SiteLauncher`` in a real zone).
    var launcher: any ProcessLauncher

    func canRun(_ engine: any Engine) -> Bool { engine.runsAsProcess }
    var image: String? { launcher.image }

    func run(_ job: EngineJob, engine: any Engine) async -> EngineOutcome {
        await engine.run(job, launcher: launcher)
    }

    func finish() async { await launcher.finish() }
}
