import ArgumentParser
import Foundation
import PESCore
import PESStore
import PESWorkflow

extension Pesscan {
    /// `pesscan rm`: deletes a scan with its points, attempts and fits.
    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rm",
            abstract: "Delete a scan with its points, attempts and fits (refused while points of it run).",
            discussion: """
                A scan with running points is refused (exit 69) and nothing changes.

                Example:
                  pesscan rm --scan h2-wide
                """)

        @OptionGroup var store: StoreOptions

        @Option(help: "The scan to delete.")
        var scan: String

        @Flag(help: "Print what was deleted as JSON.")
        var json = false

        func run() throws {
            let database = try store.open(create: false)
            let removed = try ScanChange.run { () throws(WorkflowError) in try ScanManagementUseCase.remove(scan: scan, store: database) }
            if json { return try Output.json(removed) }
            print("Deleted scan \(removed.scan) with its \(Plural.count(removed.points, "point")), their attempts and its fits.")
        }
    }

    /// `pesscan rename`: gives a scan another name.
    struct Rename: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Rename a scan (refused while points of it run, or when the new name is taken).",
            discussion: """
                Example:
                  pesscan rename --scan AuOg+ --to AuOg+-dyall
                """)

        @OptionGroup var store: StoreOptions

        @Option(help: "The scan to rename.")
        var scan: String

        @Option(help: "Its new name: letters, digits and . _ + -.")
        var to: String

        @Flag(help: "Print the change as JSON.")
        var json = false

        func validate() throws {
            do {
                _ = try ScanName(to)
            } catch {
                throw ValidationError(error.description)
            }
        }

        func run() throws {
            let database = try store.open(create: false)
            let renamed = try ScanChange.run { () throws(WorkflowError) in
                try ScanManagementUseCase.rename(scan: scan, to: to, store: database)
            }
            if json { return try Output.json(renamed) }
            print("Renamed scan \(renamed.scan) to \(renamed.renamedTo).")
        }
    }
}

/// Running `rm` or `rename`: a scan with running points is refused with advice that fits them (they take no --force).
enum ScanChange {
    static func run<T>(_ body: () throws(WorkflowError) -> T) throws -> T {
        do {
            return try body()
        } catch {
            if case .store(let stored) = error, case .scanRunning = stored {
                throw Failure.report(
                    stored.description + " Wait for that collect to finish or stop it (pesscan cancel for Slurm jobs), then run this again.",
                    status: .unavailable)
            }
            throw error.reported
        }
    }
}
