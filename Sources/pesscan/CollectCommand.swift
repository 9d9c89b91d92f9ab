import ArgumentParser
import Foundation
import PESCore
import PESDispatch
import PESEngines
import PESStore

extension Pesscan {
    /// `pesscan collect`: runs every pending point and stores the energies.
    struct Collect: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run every pending point of the scans and store each energy as it arrives.",
            discussion: """
                Idempotent and resumable: points already done are never run again, and points \
                left running by a collect that was killed are taken up again. Ctrl-C stops the \
                engines, returns their points to pending and exits with status 130.

                Exits 0 when every point is done, 65 when points are left failed for good, and 74 \
                when a full disk under the work folders stopped a zone with points left to run.

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
            let scans: [ScanRecord]
            do {
                scans = try scan.isEmpty ? database.scans() : scan.map { try database.scan(named: $0) }
                if scans.isEmpty { throw StoreError.noScans(database.path) }
                if retryFailed { for record in scans { try database.resetFailedPoints(ofScan: record.id) } }
            } catch let error as StoreError {
                throw Failure.report(error.description, status: ExitStatus.unavailableOrData(error))
            }
            let collector = try CollectorSetup.collector(
                database: database, scans: scans, zones: zoneOptions, resultsFolder: store.resultsFolder)
            let printer = ProgressPrinter(quiet: quiet)
            let summary = try await CollectorSetup.interruptible { try await collector.run(scans: scans) { printer.show($0) } }
            let counts = try scans.map { try database.stateCounts(ofScan: $0.id) }
            if json {
                try Output.json(summary)
            } else {
                var line = "Collected: \(summary.done) done, \(summary.failed) failed"
                if summary.retried > 0 { line += ", \(summary.retried) failed attempts retried" }
                if summary.reclaimed > 0 { line += ", \(summary.reclaimed) taken over from a stopped collect" }
                if summary.staleResults > 0 { line += ", \(summary.staleResults) late results kept as abandoned attempts" }
                if summary.returnedToPending > 0 { line += ", \(summary.returnedToPending) returned to pending" }
                line += " in \(Output.fixed(summary.wallSeconds, 2)) s."
                print(line)
                for (record, counts) in zip(scans, counts) {
                    print("  \(record.spec.name): \(counts.done)/\(counts.total) done, \(counts.failed) failed, \(counts.pending) pending")
                }
                for batch in summary.batchSubmissions {
                    print("  submitted \(batch.tasks) point\(batch.tasks == 1 ? "" : "s") to \(batch.zone) as array job \(batch.arrayJob)")
                }
                for zone in summary.zones where zone.done + zone.failed > 0 || zone.down {
                    print("  zone \(zone.name) (\(zone.kind), \(zone.slots) slots): \(zone.done) done, \(zone.failed) failed attempts" + (zone.down ? ", down" : ""))
                }
            }
            if summary.interrupted {
                Output.diagnostic("Interrupted: run `pesscan collect` again to finish the remaining points.")
                throw ExitCode(ExitStatus.interrupted.rawValue)
            }
            try Self.exitUnlessFinished(summary, counts: counts.reduce(into: StateCounts()) { $0.add($1) })
        }

        /// Leaves with 74 when a full disk stopped a zone and points remain, with 65 when points failed for good; returns when all is done.
        ///
        /// Points left submitted to a batch zone (`--no-wait`) are the batch zone's to finish, so they count as done here.
        static func exitUnlessFinished(_ summary: CollectSummary, counts: StateCounts) throws {
            if let stop = summary.fullDisks.first, counts.pending > 0 {
                throw Failure.report(
                    "the disk holding \(stop.folder) is full, so zone \(stop.zone) stopped with \(counts.pending) point\(counts.pending == 1 ? "" : "s") "
                        + "not run. Free space there, then run `pesscan collect` again.",
                    status: .ioError)
            }
            if counts.failed > 0 {
                throw Failure.report(
                    "\(counts.failed) point\(counts.failed == 1 ? "" : "s") failed for good; see `pesscan status` for the reasons, "
                        + "and run `pesscan collect --retry-failed` to try \(counts.failed == 1 ? "it" : "them") again.",
                    status: .data)
            }
        }
    }
}

/// Building a collector for some scans and running work that Ctrl-C can stop; shared by `collect` and `refine`.
enum CollectorSetup {
    /// A collector for `scans` over the chosen zones, every engine and zone checked before anything runs.
    static func collector(database: ScanStore, scans: [ScanRecord], zones options: ZoneOptions, resultsFolder: URL) throws -> Collector {
        var engines: [Int64: any Engine] = [:]
        do {
            let zones = try options.runnableZones()
            let catalog = EngineCatalog(pesscanExecutable: SelfExecutable.url)
            // Imported scans have no engine: their points came from elsewhere.
            for record in scans where record.spec.engine.name != ScanStore.importedProvenance {
                do {
                    engines[record.id] = try catalog.engine(for: record.spec)
                } catch {
                    throw DispatchError.engineSetup(scan: record.spec.name.rawValue, error)
                }
            }
            let collector = Collector(
                store: database, zones: zones, resultsFolder: resultsFolder, engines: engines,
                holder: Collector.currentProcessHolder(), policy: options.policy)
            try collector.validate(scans: scans)
            return collector
        } catch let error as ValidationError {
            throw error
        } catch {
            throw Failure.report(String(describing: error), status: .unavailable)
        }
    }

    /// Runs `work` in a task that SIGINT or SIGTERM cancels; errors are reported with exit status 69.
    static func interruptible<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) async throws -> T {
        let task = Task { try await work() }
        let signals = InterruptTrap { task.cancel() }
        defer { signals.restore() }
        do {
            return try await task.value
        } catch {
            throw Failure.report(String(describing: error), status: .unavailable)
        }
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
