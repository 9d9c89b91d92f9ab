import ArgumentParser
import Foundation
import PESCore
import PESDispatch
import PESEngines
import PESStore
import PESWorkflow

extension Pesscan {
    /// `pesscan collect`: runs every pending point and stores the energies.
    struct Collect: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run every pending point of the scans and store each energy as it arrives.",
            discussion: """
                Idempotent and resumable: points already done are never run again, and points \
                left running by a collect that was killed are taken up again. Ctrl-C stops the \
                engines, returns their points to pending and exits with status 130.

                Exits 0 when every point is done and converged, 65 when points are left failed for \
                good or did not converge (after every other point has run), and 74 when a full disk \
                under the work folders stopped a zone with points left to run.

                Examples:
                  pesscan collect
                  pesscan collect --scan AuOg+ --slots 4
                  pesscan collect --retry-failed
                """)

        @OptionGroup var store: StoreOptions

        @Option(help: "Scan to collect; repeatable (default: every scan in the database).")
        var scan: [String] = []

        @OptionGroup var zoneOptions: ZoneOptions

        @Flag(help: "Put failed points back to pending first, so they are tried again.")
        var retryFailed = false

        @Flag(help: "Print only the summary.")
        var quiet = false

        @Flag(help: "Print the summary as JSON.")
        var json = false


        func run() async throws {
            let database = try store.open(create: false)
            let config = try store.configuration()
            let request = CollectRequest(
                scans: scan, zones: try zoneOptions.runnableZones(config: config), policy: zoneOptions.policy, retryFailed: retryFailed,
                resultsFolder: store.resultsFolder)
            let prepared = try Workflow.run { () throws(WorkflowError) in
                try CollectUseCase.prepare(request, store: database, engines: config.engineCatalog)
            }
            let printer = ProgressPrinter(quiet: quiet)
            let result: CollectResult
            do {
                result = try await CollectorSetup.interruptible { () async throws(WorkflowError) in
                    try await CollectUseCase.run(prepared) { printer.show($0) }
                }
            } catch {
                printer.finish()
                throw error
            }
            printer.finish()
            if json { try Output.json(result) } else { Self.printSummary(result) }
            try Self.exit(for: result.outcome)
        }

        /// Prints what the run did: totals, each scan's counts, batch submissions and the zones that ran points.
        static func printSummary(_ result: CollectResult) {
            let summary = result.summary
            var line = "Collected: \(summary.done) done, \(summary.failed) failed"
            if summary.retried > 0 { line += ", \(Plural.count(summary.retried, "failed attempt")) retried" }
            if summary.reclaimed > 0 { line += ", \(summary.reclaimed) taken over from a stopped collect" }
            if summary.staleResults > 0 { line += ", \(summary.staleResults) late results kept as abandoned attempts" }
            if summary.returnedToPending > 0 { line += ", \(summary.returnedToPending) returned to pending" }
            print(line + " in \(Output.fixed(summary.wallSeconds, 2)) s.")
            for scan in result.scans {
                print(
                    "  \(scan.scan): \(scan.counts.done)/\(scan.counts.total) done"
                        + (scan.counts.unconverged > 0 ? " (\(scan.counts.unconverged) unconverged)" : "")
                        + ", \(scan.counts.failed) failed, \(scan.counts.pending) pending")
            }
            for batch in summary.batchSubmissions {
                print("  submitted \(batch.tasks) point\(batch.tasks == 1 ? "" : "s") to \(batch.zone) as array job \(batch.arrayJob)")
            }
            for zone in summary.zones where zone.done + zone.failed > 0 || zone.down {
                print(
                    "  zone \(zone.name) (\(zone.capacity)): \(zone.done) done, "
                        + "\(Plural.count(zone.failed, "failed attempt"))" + (zone.down ? ", down" : ""))
            }
        }

        /// Leaves with 130 when interrupted, 74 when a full disk stopped a zone with points left, 65 when points failed for good or did not converge.
        static func exit(for outcome: CollectOutcome) throws {
            switch outcome {
            case .finished:
                return
            case .interrupted:
                Output.diagnostic("Interrupted: run `pesscan collect` again to finish the remaining points.")
                throw ExitCode(ExitStatus.interrupted.rawValue)
            case .diskFull(let zone, let folder, let pending):
                throw Failure.report(
                    "the disk holding \(folder) is full, so zone \(zone) stopped with \(pending) point\(pending == 1 ? "" : "s") "
                        + "not run. Free space there, then run `pesscan collect` again.",
                    status: .ioError)
            case .pointsFailed(let count):
                throw Failure.report(
                    "\(count) point\(count == 1 ? "" : "s") failed for good; see `pesscan status` for the reasons, "
                        + "and run `pesscan collect --retry-failed` to try \(count == 1 ? "it" : "them") again.",
                    status: .data)
            case .pointsUnconverged(let count):
                throw Failure.report(
                    "\(count) point\(count == 1 ? "" : "s") did not converge, so `pesscan fit` leaves \(count == 1 ? "it" : "them") out "
                        + "(--include-unconverged takes \(count == 1 ? "it" : "them")); see `pesscan status --scan NAME`, "
                        + "and raise the engine's iteration limit (e.g. --option maxit=…) in a new scan.",
                    status: .data)
            }
        }
    }
}

/// Running use cases that Ctrl-C can stop; shared by `collect` and `refine`.
enum CollectorSetup {
    /// Runs a use case in a task that SIGINT or SIGTERM cancels; its error is worded for the command line.
    ///
    /// The signal handlers are in place before the work starts, so a signal
    /// that arrives as the first points are claimed cancels it instead of
    /// killing the process with its points left running.
    static func interruptible<T: Sendable>(_ work: @escaping @Sendable () async throws(WorkflowError) -> T) async throws -> T {
        let cancellation = PendingCancellation()
        let signals = InterruptTrap { cancellation.cancel() }
        defer { signals.restore() }
        let task = Task { try await work() }
        cancellation.attach { task.cancel() }
        do {
            return try await task.value
        } catch let error as WorkflowError {
            throw error.reported
        }
    }
}

/// A cancellation that may be asked for before there is anything to cancel: it is then carried out on attaching.
final class PendingCancellation: @unchecked Sendable {
    // @unchecked Sendable: both fields are read and written only under `lock`.
    private let lock = NSLock()
    private var requested = false
    private var action: (@Sendable () -> Void)?

    /// Cancels what is attached, or remembers to cancel what will be.
    func cancel() {
        lock.lock()
        requested = true
        let attached = action
        lock.unlock()
        attached?()
    }

    /// Attaches the cancelling action, running it at once when a cancellation was already asked for.
    func attach(_ action: @escaping @Sendable () -> Void) {
        lock.lock()
        self.action = action
        let already = requested
        lock.unlock()
        if already { action() }
    }
}

/// Turns SIGINT and SIGTERM into a call of `onSignal` instead of ending the process.
final class InterruptTrap: @unchecked Sendable {
    // @unchecked Sendable: the sources are created once and only cancelled afterwards.
    private var sources: [DispatchSourceSignal] = []

    init(onSignal: @escaping @Sendable () -> Void) {
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { onSignal() }
            source.resume()
            sources.append(source)
        }
    }

    /// Gives the signals their default action back.
    func restore() {
        for source in sources { source.cancel() }
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}
