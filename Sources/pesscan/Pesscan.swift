import ArgumentParser

/// The `pesscan` command: plan a bond-length scan, collect its energies, fit the curve.
@main
struct Pesscan: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pesscan",
        abstract: "Embarrassingly parallel potential-energy-surface scans of diatomic molecules.",
        discussion: """
            A scan is planned into a SQLite database, its points are run by an engine \
            (the built-in model by default), and the energies are fitted to find the \
            equilibrium bond length.

            Example, the AuOg+ scan of the paper pesscan comes from:
              pesscan plan --molecule AuOg+ --points 11
              pesscan collect
              pesscan fit --degree 4
            """,
        version: version,
        subcommands: [
            Plan.self, Collect.self, Cancel.self, Fit.self, Refine.self, Optimize.self, Status.self, Zones.self, Plot.self, Export.self, Import.self,
            Molecules.self, ModelEnergy.self, Show.self, Fits.self, Remove.self, Rename.self,
            Config.self, ExecWithLimits.self,
        ]
    )

    /// Runs the command line; `model-energy` and `exec-with-limits`, started once per point, are parsed on their own.
    ///
    /// Building the whole command tree costs a child a fifth of its start-up
    /// (every subcommand's configuration and name), for nothing: the child
    /// only ever runs `model-energy`. Help and errors keep the full tree.
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        // The limit launcher sits between collect and every engine with limits: it sets them and execs, parsing nothing else.
        if arguments.first == ExecWithLimits.configuration.commandName, arguments.count > 1, arguments[1] != "--help" {
            ExecWithLimits.runOrExit(Array(arguments.dropFirst()))
        }
        guard arguments.first == ModelEnergy.configuration.commandName,
            !arguments.contains(where: { ["-h", "--help", "-help", "--version", "--experimental-dump-help"].contains($0) })
        else { return await main(arguments) }
        let command: ModelEnergy
        do {
            command = try ModelEnergy.parse(Array(arguments.dropFirst()))
        } catch {
            return await main(arguments)
        }
        do {
            try await command.run()
        } catch {
            ModelEnergy.exit(withError: error)
        }
    }

    /// pesscan's version, printed by `--version` and written into exported provenance.
    static let version = "0.1.0"
}
