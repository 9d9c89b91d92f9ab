import ArgumentParser
import Foundation
import PESEngines

extension Pesscan {
    /// `pesscan exec-with-limits`: sets resource limits, then becomes the engine's program (how local points get BERTHA's stack).
    struct ExecWithLimits: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: LimitedExec.subcommand,
            abstract: "Set resource limits, then run a program in this process (collect starts engines with limits this way).",
            discussion: """
                Example:
                  pesscan exec-with-limits --limit stack=unlimited -- /opt/bertha/bertha.serial
                """,
            shouldDisplay: false)

        @Argument(parsing: .allUnrecognized, help: "--limit KIND=VALUE … -- PROGRAM [ARGUMENTS…]")
        var arguments: [String] = []

        /// Never returns when the program starts; exits 126 with the reason on stderr when it cannot.
        func run() throws {
            Self.runOrExit(arguments)
        }

        /// Sets the limits and execs; on failure prints `pesscan: …` and exits 126.
        static func runOrExit(_ arguments: [String]) -> Never {
            let problem = LimitedExec.run(arguments)
            StandardStreams.standardError("pesscan \(LimitedExec.subcommand): \(problem)\n")
            Foundation.exit(126)
        }
    }
}
