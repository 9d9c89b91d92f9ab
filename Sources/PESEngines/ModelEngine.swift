import Foundation
import PESCore

/// The built-in Morse model evaluated in this process; for demos, tests and benchmarks.
///
/// Option `delay_seconds` makes every point take that long, to stand in for
/// a real program's cost when showing parallelism and interruption.
public struct ModelEngine: Engine {
    public let name = "model"
    public let usesWorkDirectory = false
    /// The curve evaluated.
    public let model: MorseModel
    /// Simulated cost of one point in seconds.
    public let delaySeconds: Double

    public init(model: MorseModel, delaySeconds: Double = 0) {
        self.model = model
        self.delaySeconds = delaySeconds
    }

    public func run(_ job: EngineJob) async -> EngineOutcome {
        if delaySeconds > 0 {
            do {
                try await Task.sleep(nanoseconds: UInt64(delaySeconds * 1e9))
            } catch {
                return .cancelled
            }
        }
        if Task.isCancelled { return .cancelled }
        return .energy(
            hartree: model.energyHartree(atAngstrom: job.rAngstrom), converged: true,
            details: RunDetails(engineVersion: "pesscan-morse-1"))
    }
}

/// The built-in Morse model run as a child process (`pesscan model-energy …`), so it travels through every real zone.
public struct ModelProcessEngine: Engine {
    public let name = "model-process"
    public let usesWorkDirectory = true
    /// The curve evaluated.
    public let model: MorseModel
    /// Simulated cost of one point in seconds, slept by the child.
    public let delaySeconds: Double
    /// The pesscan executable that provides the `model-energy` command.
    public let executable: URL
    let runner = ProcessRunner(graceSeconds: 2)

    public init(model: MorseModel, delaySeconds: Double, executable: URL) {
        self.model = model
        self.delaySeconds = delaySeconds
        self.executable = executable
    }

    /// The argv that computes one point, without the executable.
    public func arguments(forAngstrom r: Double) -> [String] {
        [
            "model-energy",
            "--r-angstrom", String(r),
            "--r-e-angstrom", String(model.rEquilibriumAngstrom),
            "--well-depth-hartree", String(model.wellDepthHartree),
            "--range-per-angstrom", String(model.rangePerAngstrom),
            "--delay-seconds", String(delaySeconds),
        ]
    }

    public func run(_ job: EngineJob) async -> EngineOutcome {
        let result: ProcessResult
        do {
            result = try await runner.run(
                executable: executable, arguments: arguments(forAngstrom: job.rAngstrom),
                workDirectory: job.workDirectory)
        } catch {
            return .failed(
                reason: "could not start \(executable.path): \(error.localizedDescription)", details: RunDetails())
        }
        if result.cancelled { return .cancelled }
        let details = RunDetails(
            exitStatus: result.signalled ? nil : result.status,
            stderrTail: result.standardErrorTail.isEmpty ? nil : result.standardErrorTail,
            engineVersion: "pesscan-morse-1")
        guard !result.signalled else {
            return .failed(reason: "model-energy was killed by signal \(result.status)", details: details)
        }
        guard result.status == 0 else {
            return .failed(reason: "model-energy exited with status \(result.status)", details: details)
        }
        do {
            let energy = try ModelEnergyOutput.parse(result.standardOutput)
            return .energy(hartree: energy, converged: true, details: details)
        } catch {
            return .failed(reason: "\(error) (file stdout.txt in \(job.workDirectory.path))", details: details)
        }
    }
}

/// The one-line output of `pesscan model-energy`: `energy_hartree = <value>`.
public enum ModelEnergyOutput {
    /// The line the child prints for an energy in hartree.
    public static func line(energyHartree: Double) -> String {
        "energy_hartree = \(String(format: "%.17g", energyHartree))"
    }

    /// Reads the energy from the last `energy_hartree = …` line.
    public static func parse(_ output: String) throws(EngineParseError) -> Double {
        for line in output.split(separator: "\n").reversed() {
            let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, parts[0] == "energy_hartree" else { continue }
            guard let value = Double(parts[1]), value.isFinite else {
                throw .notANumber(String(line))
            }
            return value
        }
        throw .missingEnergy(expected: "a line \"energy_hartree = <number>\"")
    }
}
