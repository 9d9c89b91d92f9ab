import Foundation
import GRDB
import PESCore

/// One energy computed outside pesscan, as read from a row of an import file.
public struct ImportedEnergy: Sendable, Hashable {
    /// Line of the file the value came from, 1-based (the header is line 1).
    public var line: Int
    /// Bond length in ångström.
    public var rAngstrom: Double
    /// Total energy in hartree.
    public var energyHartree: Double

    public init(line: Int, rAngstrom: Double, energyHartree: Double) {
        self.line = line
        self.rAngstrom = rAngstrom
        self.energyHartree = energyHartree
    }
}

/// What an import changed.
public struct ImportSummary: Sendable, Hashable, Codable {
    /// The scan the energies joined.
    public var scan: String
    /// Whether the scan was created by this import.
    public var createdScan: Bool
    /// Planned points (pending or failed) that now have an imported energy.
    public var filledPoints: Int
    /// Points added to the scan.
    public var addedPoints: Int
    /// Rows an earlier import had already stored (same bond length, identical energy), skipped.
    public var alreadyPresent: Int
    /// Write transactions the import committed.
    public var writeTransactions: Int
    /// Longest time one of them held the write lock, in seconds.
    public var longestWriteSeconds: Double
}

extension ScanStore {
    /// Engine name and zone of scans and points whose energies were computed elsewhere and imported.
    public static let importedProvenance = "imported"

    /// Two bond lengths closer than this, in ångström, are the same point.
    public static let sameBondLengthAngstrom = 1e-6

    /// Adds energies computed elsewhere as done points with provenance `imported`, checking the whole file first and then writing it in short transactions.
    ///
    /// The scan named in `spec` is created (with `spec`) when missing. An
    /// energy at the bond length of a pending or failed point fills that point;
    /// any other becomes a new point after the existing ones. A row at the bond
    /// length of a done point that an earlier import gave the identical energy
    /// is skipped as already present, so running the same file again finishes
    /// an interrupted import. Nothing is written when a row repeats a bond
    /// length, meets a point that is running or done with another energy, or
    /// the scan is of another molecule: all of this is checked under a read,
    /// without the write lock. The rows are then written in immediate
    /// transactions of at most `batching` rows or seconds, with a pause between
    /// them, so a `collect` waiting for the lock gets it well within
    /// ``busyTimeoutSeconds``. Should the scan change meanwhile (a point claimed,
    /// points added), the import stops with ``StoreError/importInterrupted(written:total:_:)``
    /// and the transactions already committed stay. `source` names the file in
    /// each attempt's job id as `source:line`.
    @discardableResult
    public func importPoints(
        _ energies: [ImportedEnergy], into spec: ScanSpec, source: String, batching: ImportBatching = .standard
    ) throws(StoreError) -> ImportSummary {
        let name = spec.name.rawValue
        let scan = try read { db in try Self.importTargets(db, scan: name) }
        let plan = try ImportPlan(energies, scan: name, molecule: spec.molecule.name, existing: scan.map { ($0.molecule, $0.points) })
        let work = plan.steps.filter { $0.action != .present }
        var summary = ImportSummary(
            scan: name, createdScan: false, filledPoints: plan.filled, addedPoints: plan.added, alreadyPresent: plan.present,
            writeTransactions: 0, longestWriteSeconds: 0)
        var writer = ImportWriter(
            spec: spec, scanID: scan?.id, pointCount: scan?.points.count ?? 0, job: URL(fileURLWithPath: source).lastPathComponent,
            now: Date().timeIntervalSince1970)
        let clock = ContinuousClock()
        var cursor = 0
        while cursor < work.count {
            if cursor > 0 { Thread.sleep(forTimeInterval: batching.pauseSeconds) }
            var opened = clock.now
            do {
                cursor = try write { db in
                    opened = clock.now
                    try writer.prepare(db, written: cursor, total: work.count)
                    var next = cursor
                    while next < work.count, next - cursor < batching.rowsPerTransaction,
                        (clock.now - opened).seconds < batching.secondsPerTransaction
                    {
                        try writer.record(work[next].energy, work[next].action, in: db, written: cursor, total: work.count)
                        next += 1
                    }
                    return next
                }
            } catch {
                switch error {
                case .importInterrupted, .diskFull, .readOnly: throw error
                default: throw cursor == 0 ? error : .importInterrupted(written: cursor, total: work.count, error.description)
                }
            }
            summary.writeTransactions += 1
            summary.longestWriteSeconds = max(summary.longestWriteSeconds, (clock.now - opened).seconds)
            summary.createdScan = summary.createdScan || writer.createdScan
        }
        return summary
    }

    /// The scan named `scan` (id, molecule and points as an import checks them), nil when there is none.
    private static func importTargets(_ db: Database, scan name: String) throws -> (id: Int64, molecule: String, points: [ImportedTarget])? {
        guard let row = try Row.fetchOne(db, sql: "SELECT id, molecule FROM scan WHERE name = ?", arguments: [name]) else {
            return nil
        }
        let id: Int64 = row["id"]
        if try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM point WHERE scan_id = ? AND coordinates IS NOT NULL)", arguments: [id]) == true {
            throw StoreError.importRejected(
                line: nil, "the scan \(name) is a polyatomic scan (points in several coordinates); import takes bond-length tables into diatomic scans. Give another --scan")
        }
        let points = try Row.fetchAll(
            db, sql: "SELECT id, idx, r_angstrom, state, energy_hartree, zone FROM point WHERE scan_id = ?", arguments: [id]
        ).map { point in
            ImportedTarget(
                id: point["id"], index: point["idx"], rAngstrom: point["r_angstrom"], state: point["state"],
                energyHartree: point["energy_hartree"], imported: (point["zone"] as String?) == importedProvenance)
        }
        return (id, row["molecule"], points)
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
