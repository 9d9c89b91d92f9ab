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
                Example:
                  pesscan cancel --scan AuOg+
                """)

        @OptionGroup var store: StoreOptions

        @Option(help: "Scan whose jobs to cancel (default: the most recently planned).")
        var scan: String?

        @Flag(help: "Print what was cancelled as JSON.")
        var json = false

        func run() async throws {
            let database = try store.open(create: false)
            let result = try await Workflow.run { () async throws(WorkflowError) in
                try await CancelUseCase.run(scan: scan, store: database, resultsFolder: store.resultsFolder)
            }
            if json { return try Output.json(result) }
            let jobs = result.cancelledJobs.count, points = result.pointsReturned
            print("Cancelled \(jobs) job\(jobs == 1 ? "" : "s") of \(result.scan); \(points) point\(points == 1 ? "" : "s") back to pending.")
        }
    }
}
