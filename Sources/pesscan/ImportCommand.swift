import ArgumentParser
import Foundation
import PESCore
import PESExport
import PESStore
import PESWorkflow

extension Pesscan {
    /// `pesscan import`: energies computed elsewhere join a scan as done points.
    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract: "Add energies computed elsewhere to a scan, from a CSV file with r_angstrom and energy_hartree columns.",
            discussion: """
                The first line names the columns (r_angstrom and energy_hartree, in any order; other columns \
                are ignored, so a file from pesscan export --format csv reads back). Each row becomes a done \
                point with provenance "imported" (zone and host "imported", job id file:line). A row at the \
                bond length of a pending or failed point fills that point, so collect will not run it; other \
                rows become new points. The scan is created with engine "imported" when it does not exist. \
                Any bad row rejects the whole file with its line number, and nothing is written. The file is \
                checked first, then written in short transactions, so collects on the same database keep \
                running; a row an earlier import already stored with the identical energy is skipped, so \
                running the same file again finishes an interrupted import.

                Examples:
                  pesscan import --scan AuOg+-old --molecule AuOg+ old-energies.csv
                  pesscan import --scan AuOg+ --molecule AuOg+ cluster-results.csv --json
                  pesscan import --scan hf-anion --atoms H,F --charge -1 --masses 1.00782503223,18.99840316 hf-.csv
                """)

        @OptionGroup var store: StoreOptions

        @Option(help: "Scan the energies join; created when missing.")
        var scan: String

        @OptionGroup var molecule: MoleculeOptions

        @Argument(help: ArgumentHelp("CSV file with a header naming r_angstrom and energy_hartree.", valueName: "file.csv"))
        var file: String

        @Flag(help: "Print what was imported as JSON.")
        var json = false

        func validate() throws {
            guard molecule.isGiven else { throw ValidationError("Give either --molecule NAME or --atoms A,B (with --charge, --masses as needed).") }
            do {
                _ = try ScanName(scan)
            } catch {
                throw ValidationError(error.description)
            }
        }

        func run() throws {
            let name: ScanName
            do {
                name = try ScanName(scan)
            } catch {
                throw ValidationError(error.description)
            }
            let request = ImportRequest(scan: name, molecule: try molecule.resolvedMolecule(), file: URL(fileURLWithPath: file))
            let energies = try Workflow.run { () throws(WorkflowError) in try ImportUseCase.energies(in: request.file) }
            let database = try store.open(create: true)
            let summary = try Workflow.run { () throws(WorkflowError) in try ImportUseCase.run(request, energies: energies, store: database) }
            if json { return try Output.json(summary) }
            print(
                "Imported \(Plural.count(energies.count, "energy", plural: "energies")) into "
                    + "\(summary.createdScan ? "the new scan" : "scan") \(summary.scan): "
                    + "\(Plural.count(summary.filledPoints, "planned point")) filled, \(Plural.count(summary.addedPoints, "point")) added, "
                    + "\(summary.alreadyPresent) already present.")
        }
    }
}
