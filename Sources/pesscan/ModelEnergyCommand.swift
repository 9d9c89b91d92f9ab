import ArgumentParser
import Foundation
import PESEngines

extension Pesscan {
    /// `pesscan model-energy`: one Morse energy, the child process of the `model-process` engine.
    struct ModelEnergy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "model-energy",
            abstract: "Print one energy of the built-in Morse model (the model-process engine runs this).",
            discussion: """
                Prints `energy_hartree = <value>` on stdout. Lets the model travel through every \
                zone as a real process, without a quantum-chemistry program.

                Example:
                  pesscan model-energy --r-angstrom 2.8 --r-e-angstrom 2.862 --well-depth-hartree 0.0328 --range-per-angstrom 1.87
                """)

        @Option(help: "Bond length in ångström.")
        var rAngstrom: Double

        @Option(help: "Equilibrium bond length r_e in ångström.")
        var rEAngstrom: Double

        @Option(help: "Well depth D_e in hartree.")
        var wellDepthHartree: Double

        @Option(help: "Morse range parameter a in 1/ångström.")
        var rangePerAngstrom: Double

        @Option(help: "Seconds to sleep first, standing in for a real program's cost.")
        var delaySeconds: Double = 0

        @Option(help: "Fail on purpose with this message (exit status 3), to exercise retries.")
        var failWith: String?

        @Option(help: "Append one line (the --marker-tag, r and this process's id) to this file when the energy is ready, before printing it.")
        var markerFile: String?

        @Option(help: "Text that opens the --marker-file line, e.g. point=3 attempt=1.")
        var markerTag: String = ""

        /// Ignores SIGTERM and SIGINT for the rest of this process (all its threads): the run ends by itself in moments.
        static func ignoreStopSignals() {
            signal(SIGTERM, SIG_IGN)
            signal(SIGINT, SIG_IGN)
        }

        func validate() throws {
            for (name, value) in [("--r-angstrom", rAngstrom), ("--r-e-angstrom", rEAngstrom),
                                  ("--well-depth-hartree", wellDepthHartree), ("--range-per-angstrom", rangePerAngstrom)]
            where !(value.isFinite && value > 0) {
                throw ValidationError("\(name) must be a positive number; got \(value).")
            }
            guard delaySeconds.isFinite, delaySeconds >= 0 else {
                throw ValidationError("--delay-seconds must be zero or positive; got \(delaySeconds).")
            }
        }

        func run() async throws {
            if delaySeconds > 0 { try await Task.sleep(nanoseconds: UInt64(delaySeconds * 1e9)) }
            if let failWith {
                Output.diagnostic("model-energy: \(failWith)")
                throw ExitCode(3)
            }
            let model = MorseModel(
                rEquilibriumAngstrom: rEAngstrom, wellDepthHartree: wellDepthHartree, rangePerAngstrom: rangePerAngstrom)
            let energy = model.energyHartree(atAngstrom: rAngstrom)
            // From here a stop (SIGTERM, SIGINT) is ignored, and the process ends by itself: a run that wrote its marker
            // also prints its energy and exits 0, so its collect records it instead of running it again.
            Self.ignoreStopSignals()
            // A write that fails (a full disk under the work folder) exits 74 with the reason, never a trap.
            do {
                if let markerFile {
                    try RunMarker.append("\(markerTag) r_angstrom=\(rAngstrom) pid=\(ProcessInfo.processInfo.processIdentifier)\n", to: markerFile)
                }
                try StandardStreams.standardOutput(ModelEnergyOutput.line(energyHartree: energy) + "\n")
            } catch {
                Output.diagnostic("model-energy: \(error)")
                throw ExitCode(ExitStatus.ioError.rawValue)
            }
        }
    }
}
