import ArgumentParser
import Foundation
import PESDispatch

extension Pesscan {
    /// `pesscan zones`: the zones a collect would use, each checked.
    struct Zones: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the zones from the zone file and check that each can run points.",
            discussion: """
                Checks: slots above zero, the container runtime on PATH, the image present \
                locally, and in each container zone's image the programs of the database's scans \
                (every scan, or those named with --scan), looked up with the runtime the way a \
                point runs them; for an ssh zone, over its connection: the site answers, \
                remote_root is writable, tar and pesscan (or the runtime and image, or \
                Slurm's commands) are there. Exits 69 when a zone fails a check.

                Examples:
                  pesscan zones
                  pesscan zones --zones Inputs/zones.example.yaml --json
                """)

        @Option(help: ArgumentHelp("Zone file (default: $PESSCAN_ZONES, else Inputs/zones.yaml, else one local zone).", valueName: "path"))
        var zones: String?

        @Option(name: .customLong("zone"), help: "Check only this zone; repeatable.")
        var onlyZones: [String] = []

        @Option(help: ArgumentHelp("Database whose scans' programs are looked for in the images (default: $PESSCAN_DB, else Results/pesscan.sqlite; skipped when there is none).", valueName: "path"))
        var db: String?

        @Option(help: "Check only the programs of this scan; repeatable (default: every scan in the database).")
        var scan: [String] = []

        @Flag(help: "Print as JSON.")
        var json = false

        func run() async throws {
            // Only the zone-file options of collect apply here; they are read the way collect reads them.
            let zoneOptions = try ZoneOptions.parse((zones.map { ["--zones", $0] } ?? []) + onlyZones.flatMap { ["--zone", $0] })
            let databasePath = StoreOptions.databasePath(option: db).path
            let config = try Configuration.load(databasePath: databasePath)
            let specs = try zoneOptions.specs(config: config)
            let programs = try ScanPrograms.named(databasePath: databasePath, scans: scan, engines: config.engineCatalog)
            var reports: [ZoneCheck.Report] = []
            for spec in specs {
                let own = programs.map { $0 ?? spec.pesscanPath }
                let looksFor = spec.kind == .container || spec.kind == .ssh
                reports.append(await ZoneCheck.check(spec, programs: looksFor ? Array(Set(own)).sorted() : []))
            }
            if json {
                try Output.json(reports)
            } else {
                print("Zones from \(zoneOptions.zoneFile(config: config)?.value.path ?? "the default (one local zone)"):")
                for report in reports {
                    var place = report.image.map { " image \($0) via \(report.runtime ?? "?")" } ?? ""
                    if let site = report.site {
                        place += ", site \(site.host)" + (site.remoteRootWritable ? ", remote_root writable" : "")
                            + site.programs.sorted { $0.key < $1.key }.compactMap { $0.value.map { path in ", \(path)" } }.joined()
                    }
                    print(
                        "  \(report.name): \(report.kind), \(report.slots) slot\(report.slots == 1 ? "" : "s")"
                            + (report.prefer ? ", preferred" : "") + place + " — "
                            + (report.problems.isEmpty ? "ok" : report.problems.joined(separator: "; ")))
                }
            }
            if reports.contains(where: { !$0.problems.isEmpty }) { throw ExitCode(ExitStatus.unavailable.rawValue) }
        }
    }
}
