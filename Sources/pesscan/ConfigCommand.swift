import ArgumentParser
import Foundation

extension Pesscan {
    /// `pesscan config`: the defaults in effect for a database and where each came from.
    struct Config: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the effective settings and where each came from (option, environment, config file, default).",
            discussion: """
                Config files, the first that sets a value winning: pesscan.yaml beside the \
                database, then ~/.config/pesscan/config.yaml ($XDG_CONFIG_HOME/pesscan/config.yaml \
                when that is set). They take engine, method, basis (added to scans of that engine), \
                python, slots and zones; command-line options and environment variables win over them.

                Examples:
                  pesscan config
                  pesscan config --db Results/h2.sqlite --json
                """)

        @OptionGroup var store: StoreOptions

        @Flag(help: "Print as JSON.")
        var json = false

        func run() throws {
            let report = try EffectiveSettings.report(store: store)
            if json { return try Output.json(report) }
            print("Config files (the first that sets a value wins):")
            for file in report.configFiles { print("  \(file.path)" + (file.exists ? "" : "  (none)")) }
            print("Data folders (molecule library and engine templates, first that has the file):")
            for folder in report.dataFolders { print("  \(folder)") }
            print("Settings:")
            let nameWidth = report.settings.map(\.name.count).max() ?? 0
            let valueWidth = report.settings.map { ($0.value ?? "(not set)").count }.max() ?? 0
            for setting in report.settings {
                let name = setting.name.padding(toLength: nameWidth, withPad: " ", startingAt: 0)
                let value = (setting.value ?? "(not set)").padding(toLength: valueWidth, withPad: " ", startingAt: 0)
                print("  \(name)  \(value)  from \(setting.source)")
            }
        }
    }
}
