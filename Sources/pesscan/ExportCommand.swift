import ArgumentParser
import Foundation
import PESCore
import PESExport
import PESStore

extension Pesscan {
    /// `pesscan export`: a scan's data in a format other programs read.
    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Export a scan as CSV, JSON, an extended-XYZ trajectory or QCSchema results.",
            discussion: """
                csv: one row per point with state, energy and provenance (zone, host, attempts, error). \
                json: the scan, its points, every attempt and every fit. xyz: one extended-XYZ frame per \
                point with an energy, atoms on the z axis, energy in eV (ASE's unit) and in hartree on the \
                comment line. qcschema: one QCSchema AtomicResult file per point with an energy, in a folder. \
                Without --output files go under the results folder, in exports/; --output - writes csv, json \
                or xyz to stdout. --energy-unit adds energies in that unit to csv and json; xyz and qcschema \
                have the units their readers expect.

                Examples:
                  pesscan export --format csv
                  pesscan export --scan AuOg+ --format xyz --output auog.xyz
                  pesscan export --format qcschema --json
                """)

        /// The file formats of an export.
        enum Format: String, CaseIterable, ExpressibleByArgument {
            case csv, json, xyz, qcschema
        }

        @OptionGroup var store: StoreOptions

        @Option(help: "Scan to export (default: the most recently planned).")
        var scan: String?

        @Option(help: "Format: csv, json, xyz or qcschema.")
        var format: Format

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
            let loaded = try store.loadScan(named: scan)
            let spec = loaded.record.spec
            var files: [URL] = []
            let destination: URL
            switch format {
            case .csv, .json, .xyz:
                destination = store.outputURL(given: output, folder: "exports", file: "\(spec.name).\(format.rawValue)")
                let text = try fileText(loaded)
                if output == "-" {
                    print(text, terminator: "")
                    return
                }
                try OutputFile.write(text, to: destination)
                files = [destination]
            case .qcschema:
                destination = store.outputURL(given: output, folder: "exports", file: "\(spec.name)-qcschema")
                for point in loaded.points {
                    guard let result = QCSchemaResult(spec: spec, point: point, creatorVersion: Pesscan.version) else { continue }
                    let url = destination.appendingPathComponent(QCSchemaResult.fileName(scan: spec.name, index: point.index))
                    try OutputFile.write(try result.jsonText(), to: url)
                    files.append(url)
                }
            }
            let written = ExportWritten(
                scan: spec.name.rawValue, format: format.rawValue, path: OutputFile.display(destination),
                files: files.count, points: loaded.points.count,
                points_with_energy: loaded.points.filter { $0.energyHartree != nil }.count)
            if json {
                try Output.json(written)
            } else {
                let what = format == .qcschema ? "\(files.count) QCSchema result\(files.count == 1 ? "" : "s") in" : "\(format.rawValue) of \(written.points) points to"
                print("Wrote \(what) \(written.path)")
            }
        }

        private func fileText(_ loaded: LoadedScan) throws -> String {
            let spec = loaded.record.spec
            switch format {
            case .csv:
                return PointsCSV.text(scan: spec.name, points: loaded.points, unit: energyUnit)
            case .xyz:
                return ExtendedXYZ.text(molecule: spec.molecule, scan: spec.name, points: loaded.points)
            case .json, .qcschema:
                let attempts: [AttemptRecord]
                let fits: [StoredFit]
                do {
                    attempts = try loaded.database.attempts(ofScan: loaded.record.id)
                    fits = try loaded.database.fits(ofScan: loaded.record.id)
                } catch {
                    throw Failure.report(error.description, status: ExitStatus.unavailableOrData(error))
                }
                return try ScanDocument(record: loaded.record, points: loaded.points, attempts: attempts, fits: fits, unit: energyUnit)
                    .jsonText()
            }
        }
    }
}

/// The JSON printed by `export --json`.
struct ExportWritten: Encodable {
    var scan: String
    var format: String
    var path: String
    var files: Int
    var points: Int
    var points_with_energy: Int
}
