import Foundation
import PESEngines

/// Runs a point's program in a fresh container (`podman run --rm` or `docker run --rm`) with only its work directory mounted.
public struct ContainerLauncher: ProcessLauncher {
    /// The container runtime executable (podman or docker).
    public var runtime: URL
    /// Image every point runs in.
    public var imageName: String
    /// Network mode, `none` unless the zone says otherwise.
    public var network: String
    /// Path of pesscan inside the image, for engines that run pesscan itself.
    public var pesscanPath: String
    /// Runs the runtime command.
    var runner = ProcessRunner(graceSeconds: 5)

    public init(runtime: URL, image: String, network: String = "none", pesscanPath: String = "/usr/local/bin/pesscan") {
        self.runtime = runtime
        self.imageName = image
        self.network = network
        self.pesscanPath = pesscanPath
    }

    public var image: String? { imageName }

    /// The runtime's argv for one point: the work directory mounted at /work and nothing else.
    public func arguments(for command: ProcessCommand, workDirectory: URL, label: String) -> [String] {
        [
            "run", "--rm", "--name", label, "--network=\(network)",
            "--volume", "\(workDirectory.path):/work", "--workdir", "/work",
            imageName, command.isPesscan ? pesscanPath : command.executable.path,
        ] + command.arguments
    }

    public func launch(_ command: ProcessCommand, workDirectory: URL, label: String) async -> ProcessResult {
        let name = Self.containerName(label)
        var result: ProcessResult
        do {
            result = try await runner.run(
                executable: runtime, arguments: arguments(for: command, workDirectory: workDirectory, label: name),
                workDirectory: workDirectory)
        } catch {
            return .launchFailed("could not start \(runtime.path): \(error.localizedDescription)")
        }
        if result.cancelled {
            // A signalled client may leave its container behind; remove it by name.
            _ = try? await ProcessRunner(graceSeconds: 2).run(
                executable: runtime, arguments: ["rm", "--force", "--ignore", name], workDirectory: workDirectory)
        }
        result.launchFailure = launchFailure(of: result, runtimeName: runtime.lastPathComponent)
        return result
    }

    /// Why the runtime could not run the container, when its exit status says so; nil when the program ran.
    ///
    /// podman and docker exit 125 when they cannot run the container, 126/127 when the command cannot be run in it.
    func launchFailure(of result: ProcessResult, runtimeName: String) -> String? {
        guard !result.signalled, !result.cancelled, [125, 126, 127].contains(result.status) else { return result.launchFailure }
        let tail = result.standardErrorTail.split(separator: "\n").last.map(String.init) ?? ""
        return "\(runtimeName) could not run image \(imageName) (exit \(result.status)): \(tail)"
    }

    /// A valid, unique container name from a label.
    static func containerName(_ label: String) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")
        let cleaned = String(label.map { allowed.contains($0) ? $0 : "_" }.prefix(200))
        return cleaned + "-" + String(UInt32.random(in: 0...UInt32.max), radix: 36)
    }
}
