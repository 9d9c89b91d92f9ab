import ArgumentParser
import Foundation
import PESDispatch
import PESStore
import PESWorkflow

extension Pesscan {
    /// `pesscan cancel`: removes a scan's queued and running batch jobs and returns their points to pending.
    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Cancel a scan's Slurm jobs (scancel) and return their points to pending.",
            discussion: """
                Jobs of an ssh zone with run: slurm are cancelled on that site's login node \
                (the zone is read from the zone file); any other job with this machine's scancel.

                Example:
                  pesscan cancel --scan AuOg+
                  pesscan cancel --scan AuOg+ --zones sites.yaml
                """)

        @OptionGroup var store: StoreOptions

        @Option(help: "Scan whose jobs to cancel (default: the most recently planned).")
        var scan: String?

        @Option(help: ArgumentHelp("Zone file the jobs were submitted with (default: as collect finds it).", valueName: "path"))
        var zones: String?

        @Flag(help: "Print what was cancelled as JSON.")
        var json = false

        func run() async throws {
            let database = try store.open(create: false)
            let config = try store.configuration()
            let specs = try ZoneOptions.parse(zones.map { ["--zones", $0] } ?? []).specs(config: config)
            let result = try await Workflow.run { () async throws(WorkflowError) in
                try await CancelUseCase.run(scan: scan, store: database, resultsFolder: store.resultsFolder, zones: specs)
            }
            if json { return try Output.json(result) }
            let jobs = result.cancelledJobs.count, points = result.pointsReturned
            print("Cancelled \(jobs) job\(jobs == 1 ? "" : "s") of \(result.scan); \(points) point\(points == 1 ? "" : "s") back to pending.")
        }
    }
}
