import Foundation
import PESCore

/// The built-in Morse model evaluated in this process; for demos, tests and benchmarks.
///
/// Option `delay_seconds` makes every point take that long, to stand in for
/// a real program's cost when showing parallelism and interruption.
public struct ModelEngine: ImmediateEngine {
    public let name = "model"
    public let usesWorkDirectory = false
    public let runsAsProcess = false
    /// The curve evaluated.
    public let model: MorseModel
    /// Simulated cost of one point in seconds.
    public let delaySeconds: Double
    /// Failures injected on purpose, for demonstrating and testing retries.
    public let failures: InjectedFailures

    public init(model: MorseModel, delaySeconds: Double = 0, failures: InjectedFailures = .none) {
        self.model = model
        self.delaySeconds = delaySeconds
        self.failures = failures
    }

    public func run(_ job: EngineJob, launcher: any ProcessLauncher) async -> EngineOutcome {
        if delaySeconds > 0 {
            do {
                try await Task.sleep(nanoseconds: UInt64(delaySeconds * 1e9))
            } catch {
                return .cancelled
            }
        }
        if Task.isCancelled { return .cancelled }
        return computeImmediately(job)
    }

    /// Without a simulated delay the model computes a point in well under a microsecond.
    public var computesImmediately: Bool { delaySeconds == 0 }

    /// The point's Morse energy, or the injected failure for its attempt.
    public func computeImmediately(_ job: EngineJob) -> EngineOutcome {
        if let failure = failures.failure(point: job.pointIndex, attempt: job.attemptNumber) {
            return .failed(reason: failure, details: RunDetails(engineVersion: "pesscan-morse-1"))
        }
        let energy = model.energyHartree(atAngstrom: job.rAngstrom)
        guard energy.isFinite else {
            return .failed(
                reason: "the model energy at r = \(job.rAngstrom) Å is \(energy): the molecule's constants or masses are out of range",
                details: RunDetails(engineVersion: "pesscan-morse-1"))
        }
        return .energy(hartree: energy, converged: true, details: RunDetails(engineVersion: "pesscan-morse-1"))
    }
}

/// The built-in Morse model run as a child process (`pesscan model-energy …`), so it travels through every real zone.
public struct ModelProcessEngine: ProcessEngine {
    public let name = "model-process"
    public let usesWorkDirectory = true
    /// The curve evaluated.
    public let model: MorseModel
    /// Simulated cost of one point in seconds, slept by the child.
    public let delaySeconds: Double
    /// The pesscan executable that provides the `model-energy` command.
    public let executable: URL
    /// Failures injected on purpose, for demonstrating and testing retries.
    public let failures: InjectedFailures
    /// File in the work directory to which the child appends one line per completed run (`point=… attempt=…`), if any.
    ///
    /// Lets tests count runs on the engine side, independently of the database.
    public let markerFile: String?

    public init(
        model: MorseModel, delaySeconds: Double, executable: URL, failures: InjectedFailures = .none, markerFile: String? = nil
    ) {
        self.model = model
        self.delaySeconds = delaySeconds
        self.executable = executable
        self.failures = failures
        self.markerFile = markerFile
    }

    public func prepare(_ job: EngineJob) -> Result<ProcessCommand, PreparationFailure> {
        .success(command(for: job))
    }

    /// The command that computes one point.
    public func command(for job: EngineJob) -> ProcessCommand {
        var arguments = [
            "model-energy",
            "--r-angstrom", String(job.rAngstrom),
            "--r-e-angstrom", String(model.rEquilibriumAngstrom),
            "--well-depth-hartree", String(model.wellDepthHartree),
            "--range-per-angstrom", String(model.rangePerAngstrom),
            "--delay-seconds", String(delaySeconds),
        ]
        if let failure = failures.failure(point: job.pointIndex, attempt: job.attemptNumber) {
            arguments += ["--fail-with", failure]
        }
        if let markerFile {
            arguments += ["--marker-file", markerFile, "--marker-tag", "point=\(job.pointIndex) attempt=\(job.attemptNumber)"]
        }
        return ProcessCommand(executable: executable, arguments: arguments, isPesscan: true)
    }

    public func interpret(_ job: EngineJob, _ result: ProcessResult) -> EngineOutcome {
        let details = RunDetails(
            exitStatus: result.signalled ? nil : result.status,
            stderrTail: result.standardErrorTail.isEmpty ? nil : result.standardErrorTail,
            engineVersion: "pesscan-morse-1")
        guard !result.signalled else {
            return .failed(reason: "model-energy was killed by signal \(result.status)", details: details)
        }
        guard result.status == 0 else {
            let lastLine = ErrorLine.meaningful(in: result.standardErrorTail).map { ": \($0)" } ?? ""
            return .failed(reason: "model-energy exited with status \(result.status)\(lastLine)", details: details)
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
