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

                Examples:
                  pesscan collect
                  pesscan collect --scan AuOg+ --slots 4
                  pesscan collect --retry-failed
                """)

        @OptionGroup var store: StoreOptions

        @Option(help: "Scan to collect; repeatable (default: every scan in the database).")
        var scan: [String] = []

        @Option(help: "Points run at once in the local zone (default: the number of cores).")
        var slots: Int?

        @Flag(help: "Put failed points back to pending first, so they are tried again.")
        var retryFailed = false

        @Flag(help: "Print only the summary.")
        var quiet = false

        @Flag(help: "Print the summary as JSON.")
        var json = false

        func validate() throws {
            if let slots, slots < 1 || slots > 4096 {
                throw ValidationError("--slots must be between 1 and 4096; got \(slots).")
            }
        }

        func run() async throws {
            let database = try store.open(create: false)
            let zone: LocalZone
            let scans: [ScanRecord]
            var engines: [Int64: any Engine] = [:]
            do {
                zone = try LocalZone(slots: slots)
                scans = try scan.isEmpty ? database.scans() : scan.map { try database.scan(named: $0) }
                if scans.isEmpty { throw StoreError.noScans(database.path) }
                let catalog = EngineCatalog(pesscanExecutable: SelfExecutable.url)
                for record in scans where record.spec.engine.name != ScanStore.importedProvenance {
                    do {
                        engines[record.id] = try catalog.engine(for: record.spec)
                    } catch {
                        throw DispatchError.engineSetup(scan: record.spec.name.rawValue, error)
                    }
                    if retryFailed { try database.resetFailedPoints(ofScan: record.id) }
                }
            } catch let error as StoreError {
                throw Failure.report(error.description, status: ExitStatus.unavailableOrData(error))
            } catch {
                throw Failure.report(String(describing: error), status: .unavailable)
            }
            let collector = Collector(
                store: database, zone: zone, resultsFolder: store.resultsFolder, engines: engines,
                holder: Collector.currentProcessHolder())
            let printer = ProgressPrinter(quiet: quiet)
            let work = Task { try await collector.run(scans: scans) { printer.show($0) } }
            let signals = InterruptTrap { work.cancel() }
            let summary: CollectSummary
            do {
                summary = try await work.value
            } catch {
                signals.restore()
                throw Failure.report(String(describing: error), status: .unavailable)
            }
            signals.restore()
            if json {
                try Output.json(summary)
            } else {
                var line = "Collected: \(summary.done) done, \(summary.failed) failed"
                if summary.reclaimed > 0 { line += ", \(summary.reclaimed) taken over from a stopped collect" }
                if summary.returnedToPending > 0 { line += ", \(summary.returnedToPending) returned to pending" }
                line += " in \(Output.fixed(summary.wallSeconds, 2)) s."
                print(line)
                for record in scans {
                    let counts = try database.stateCounts(ofScan: record.id)
                    print("  \(record.spec.name): \(counts.done)/\(counts.total) done, \(counts.failed) failed, \(counts.pending) pending")
                }
            }
            if summary.interrupted {
                Output.diagnostic("Interrupted: run `pesscan collect` again to finish the remaining points.")
                throw ExitCode(ExitStatus.interrupted.rawValue)
            }
        }
    }
}

/// Prints one line per finished point to stderr, or a line a second for large scans.
final class ProgressPrinter: @unchecked Sendable {
    // @unchecked Sendable: the collector calls `show` from its one loop, never concurrently; the lock guards the rest.
    private let quiet: Bool
    private let lock = NSLock()
    private var lastLine = Date.distantPast
    private var pendingAtStart = 0

    init(quiet: Bool) { self.quiet = quiet }

    func show(_ event: CollectEvent) {
        guard !quiet else { return }
        lock.lock()
        defer { lock.unlock() }
        switch event {
        case .started(let pending, let reclaimed, let slots):
            pendingAtStart = pending
            var line = "Running \(pending) pending point\(pending == 1 ? "" : "s") in zone local (\(slots) slot\(slots == 1 ? "" : "s"))"
            if reclaimed > 0 { line += "; \(reclaimed) taken over from a collect that stopped" }
            Output.diagnostic(line)
        case .pointFinished(let point, let done, let failed, let total):
            let finished = done + failed
            let verbose = pendingAtStart <= 200
            guard verbose || Date().timeIntervalSince(lastLine) >= 1 || finished == total else { return }
            lastLine = Date()
            let counter = "[\(finished)/\(total)]"
            if !verbose {
                Output.diagnostic("\(counter) \(done) done, \(failed) failed")
            } else if let energy = point.energyHartree {
                Output.diagnostic(
                    "\(counter) \(point.scanName) #\(point.index)  r = \(Output.fixed(point.rAngstrom, 5)) Å  "
                        + "E = \(String(format: "%.10f", energy)) Eh  (\(point.zone), \(Output.fixed(point.wallSeconds, 2)) s)")
            } else {
                Output.diagnostic(
                    "\(counter) \(point.scanName) #\(point.index)  r = \(Output.fixed(point.rAngstrom, 5)) Å  FAILED: \(point.failure ?? "")")
            }
        case .stopping:
            Output.diagnostic("Stopping: waiting for running engines to end and returning their points to pending…")
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
