import Foundation
import PESCore
import PESExport
import PESStore

/// What `import` is asked for: a file of energies computed elsewhere, the scan they join and its molecule.
public struct ImportRequest: Sendable, Hashable {
    public var scan: ScanName
    /// The scan's molecule (from the library or given by its atoms), used when the scan is created.
    public var molecule: Molecule
    /// The CSV file with `r_angstrom` and `energy_hartree` columns.
    public var file: URL

    public init(scan: ScanName, molecule: Molecule, file: URL) {
        self.scan = scan
        self.molecule = molecule
        self.file = file
    }
}

/// `import`: energies computed elsewhere join a scan as done points with provenance `imported`.
public enum ImportUseCase {
    /// Reads the request's file into energies, before any database is opened, so a bad file changes nothing.
    public static func energies(in file: URL) throws(WorkflowError) -> [ImportedEnergy] {
        let text: String
        do {
            text = try String(contentsOf: file, encoding: .utf8)
        } catch {
            throw .unreadable(path: file.path, reason: error.localizedDescription)
        }
        do {
            return try EnergyTableReader.parse(text)
        } catch {
            throw .energyTable(path: file.path, error)
        }
    }

    /// Checks the energies against the scan, then writes them in short transactions; what changed is the result.
    public static func run(_ request: ImportRequest, energies: [ImportedEnergy], store: ScanStore) throws(WorkflowError) -> ImportSummary {
        let spec = ScanSpec(
            name: request.scan, molecule: request.molecule,
            engine: EngineSettings(name: ScanStore.importedProvenance), modelConstants: nil,
            bondLengthsAngstrom: energies.map(\.rAngstrom).sorted())
        do {
            return try store.importPoints(energies, into: spec, source: request.file.path)
        } catch {
            throw .store(error)
        }
    }
}
