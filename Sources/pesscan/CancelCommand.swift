import ArgumentParser
import Foundation
import PESDispatch
import PESStore

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
            let record: ScanRecord
            let submitted: [SubmittedPoint]
            do {
                record = try database.scan(named: scan)
                submitted = try database.submittedPoints(ofScans: [record.id])
            } catch {
                throw Failure.report(error.description, status: ExitStatus.unavailableOrData(error))
            }
            let jobs = submitted.map(\.jobID)
            do {
                try await SlurmClient(scratch: store.resultsFolder).cancel(jobs)
            } catch {
                throw Failure.report("Could not cancel the jobs: \(error). Nothing was changed.", status: .unavailable)
            }
            let released: Int
            do {
                released = try database.releaseSubmittedPoints(submitted, reason: "cancelled with pesscan cancel")
            } catch {
                throw Failure.report(error.description, status: ExitStatus.unavailableOrData(error))
            }
            if json {
                try Output.json(["scan": record.spec.name.rawValue, "cancelled_jobs": jobs.joined(separator: ","), "points_returned": String(released)])
            } else {
                print("Cancelled \(jobs.count) job\(jobs.count == 1 ? "" : "s") of \(record.spec.name); \(released) point\(released == 1 ? "" : "s") back to pending.")
            }
        }
    }
}
