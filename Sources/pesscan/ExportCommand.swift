import ArgumentParser
import Foundation
import PESCore
import PESExport
import PESStore
import PESWorkflow

extension Pesscan {
    /// `pesscan export`: a scan's data in a format other programs read.
    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Export a scan as CSV, JSON, an extended-XYZ trajectory or QCSchema results.",
            discussion: """
                csv: one row per point with state, energy and provenance (zone, host, attempts, error). \
                json: the scan, its points, every attempt and every fit. xyz: one extended-XYZ frame per \
                point with an energy, a diatomic's atoms on the z axis, energy in eV (ASE's unit) and in hartree on the \
                comment line. qcschema: one QCSchema AtomicResult file per point with an energy, in a folder. \
                A polyatomic scan's varied coordinates become columns <name>_angstrom or <name>_degree after index \
                (csv, in place of r_angstrom and r_bohr) and fields of each point (json, xyz, qcschema), and every atom \
                is where its Z-matrix puts it at the point. \
                Without --output files go under the results folder, in exports/; --output - writes csv, json \
                or xyz to stdout. --energy-unit adds energies in that unit to csv and json; xyz and qcschema \
                have the units their readers expect.

                Examples:
                  pesscan export --format csv
                  pesscan export --scan AuOg+ --format xyz --output auog.xyz
                  pesscan export --format qcschema --json
                """)

        @OptionGroup var store: StoreOptions

        @Option(help: "Scan to export (default: the most recently planned).")
        var scan: String?

        @Option(help: "Format: csv, json, xyz or qcschema.")
        var format: ExportFormat

        @Option(help: ArgumentHelp(
            "File to write (a folder for qcschema; - for stdout). Default: exports/<scan>.<format> beside the database.",
            valueName: "path"))
        var output: String?

        @Option(help: "Also give energies in this unit (csv, json): \(EnergyUnit.allValueStrings.joined(separator: ", ")).")
        var energyUnit: EnergyUnit = .hartree

        @Flag(help: "Print what was written as JSON.")
        var json = false

        func validate() throws {
            if energyUnit != .hartree, format == .xyz || format == .qcschema {
                throw ValidationError(
                    "--energy-unit applies to csv and json; \(format.rawValue) files keep the units their readers expect (eV for xyz, hartree for qcschema).")
            }
            if output == "-", format == .qcschema {
                throw ValidationError("qcschema writes one file per point into a folder; give --output FOLDER, not -.")
            }
        }

        func run() throws {
            let destination: ExportDestination
            switch output {
            case "-": destination = .standardOutput
            case let path? where !path.isEmpty: destination = .path(URL(fileURLWithPath: path).standardizedFileURL)
            default: destination = .folder(store.resultsFolder.appendingPathComponent("exports", isDirectory: true))
            }
            let request = ExportRequest(
                scan: scan, format: format, destination: destination, energyUnit: energyUnit, creatorVersion: Pesscan.version)
            let database = try store.openReadOnly()
            let result = try Workflow.run { () throws(WorkflowError) in try ExportUseCase.run(request, store: database) }
            if let printed = result.printed { return print(printed, terminator: "") }
            let shown = result.path.map(OutputFile.display) ?? ""
            if json { return try Output.json(ExportWritten(result, path: shown)) }
            let what = format == .qcschema ? "\(result.files) QCSchema result\(result.files == 1 ? "" : "s") in" : "\(format.rawValue) of \(result.points) points to"
            print("Wrote \(what) \(shown)")
        }
    }
}

extension ExportFormat: ExpressibleByArgument {}

/// The JSON printed by `export --json`: what was written, its path as the user gave it or relative to the current folder.
struct ExportWritten: Encodable {
    var scan: String
    var format: ExportFormat
    var path: String
    var files: Int
    var points: Int
    var pointsWithEnergy: Int

    init(_ result: ExportResult, path: String) {
        scan = result.scan
        format = result.format
        self.path = path
        files = result.files
        points = result.points
        pointsWithEnergy = result.pointsWithEnergy
    }
}
