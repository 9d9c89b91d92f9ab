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
    /// The zone's resource limits, set over each command's own.
    public var zoneLimits: ResourceLimits
    /// The runtime's configured default ulimits (`nofile=20000:20000`, from containers.conf), repeated whenever a limit is set.
    public var configuredLimits: [String]
    /// Runs the runtime command.
    var runner = ProcessRunner(graceSeconds: 5)

    public init(
        runtime: URL, image: String, network: String = "none", pesscanPath: String = "/usr/local/bin/pesscan",
        zoneLimits: ResourceLimits = .none, configuredLimits: [String] = []
    ) {
        self.runtime = runtime
        self.imageName = image
        self.network = network
        self.pesscanPath = pesscanPath
        self.zoneLimits = zoneLimits
        self.configuredLimits = configuredLimits
    }

    public var image: String? { imageName }

    /// Where a point's work directory is mounted and run in the container: a path no installation uses
    /// (a program under the host's `/work` keeps its path in an image built by `scripts/build-engine-image`).
    public static let mountPoint = "/pesscan-work"

    /// The runtime's argv for one point: the work directory mounted at ``mountPoint`` and nothing else.
    ///
    /// The engine's own variables cross with `--env NAME=value` (the host's
    /// environment does not: the image keeps its own PATH and libraries); its
    /// limits, with the zone's over them, with `--ulimit KIND=SOFT:HARD`, and
    /// then the configured default ulimits are repeated, since one `--ulimit`
    /// makes Podman drop them. The program is the one the user named, looked up
    /// in the image (pesscan's own path in the image for engines that run pesscan).
    public func arguments(for command: ProcessCommand, workDirectory: URL, label: String) -> [String] {
        var argv = [
            "run", "--rm", "--name", label, "--network=\(network)",
            "--volume", "\(workDirectory.path):\(Self.mountPoint)", "--workdir", Self.mountPoint,
        ]
        for (name, value) in command.engineEnvironment.sorted(by: { $0.key < $1.key }) {
            argv += ["--env", "\(name)=\(value)"]
        }
        let limits = command.limits.overridden(by: zoneLimits)
        for (kind, value) in limits.ordered {
            let number: String
            switch value {
            case .unlimited: number = "-1"
            case .finite(let finite): number = String(finite)
            }
            argv += ["--ulimit", "\(kind.rawValue)=\(number):\(number)"]
        }
        if !limits.isEmpty {
            for entry in configuredLimits {
                let kind = entry.split(separator: "=", maxSplits: 1).first.map(String.init) ?? entry
                if ResourceKind(rawValue: kind).map({ limits.values[$0] != nil }) ?? false { continue }
                argv += ["--ulimit", entry]
            }
        }
        return argv + [imageName, command.isPesscan ? pesscanPath : command.program] + command.arguments
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
        var failure = "\(runtimeName) could not run image \(imageName) (exit \(result.status)): \(tail)"
        if tail.contains("error setting rlimit") {
            // The runtime cannot raise a limit above the hard limit collect itself runs under.
            failure += "; a resource limit asked for (the engine's, e.g. BERTHA's unlimited stack, or the zone's limits:) "
                + "is above the hard limit of the shell that started collect (see ulimit -H -a); raise it there, or ask for less"
        }
        return failure
    }

    /// A valid, unique container name from a label.
    static func containerName(_ label: String) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")
        let cleaned = String(label.map { allowed.contains($0) ? $0 : "_" }.prefix(200))
        return cleaned + "-" + String(UInt32.random(in: 0...UInt32.max), radix: 36)
    }
}
