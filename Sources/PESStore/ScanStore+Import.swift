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
}

extension ScanStore {
    /// Engine name and zone of scans and points whose energies were computed elsewhere and imported.
    public static let importedProvenance = "imported"

    /// Two bond lengths closer than this, in ångström, are the same point.
    public static let sameBondLengthAngstrom = 1e-6

    /// Adds energies computed elsewhere as done points with provenance `imported`, all in one transaction.
    ///
    /// The scan named in `spec` is created (with `spec`) when missing. An
    /// energy at the bond length of a pending or failed point fills that point;
    /// any other becomes a new point after the existing ones. Nothing is
    /// written when a row repeats a bond length, meets a point that is done or
    /// running, or the scan is of another molecule. `source` names the file in
    /// each attempt's job id as `source:line`.
    @discardableResult
    public func importPoints(_ energies: [ImportedEnergy], into spec: ScanSpec, source: String) throws(StoreError) -> ImportSummary {
        for (position, energy) in energies.enumerated() {
            if let earlier = energies[..<position].first(where: { abs($0.rAngstrom - energy.rAngstrom) < Self.sameBondLengthAngstrom }) {
                throw .importRejected(line: energy.line, "repeats the bond length \(energy.rAngstrom) Å of line \(earlier.line)")
            }
        }
        let now = Date().timeIntervalSince1970
        let name = spec.name.rawValue
        return try write { db in
            var created = false
            if try Row.fetchOne(db, sql: "SELECT id FROM scan WHERE name = ?", arguments: [name]) == nil {
                try db.execute(
                    sql: "INSERT INTO scan (name, molecule, engine, spec_json, created_at) VALUES (?, ?, ?, ?, ?)",
                    arguments: [name, spec.molecule.name, spec.engine.name, try Self.encode(spec), now])
                created = true
            }
            guard let scanRow = try Row.fetchOne(db, sql: "SELECT id, molecule FROM scan WHERE name = ?", arguments: [name]) else {
                throw StoreError.sqlite("the scan \(name) vanished during the import")
            }
            let scanID: Int64 = scanRow["id"]
            let molecule: String = scanRow["molecule"]
            guard molecule == spec.molecule.name else {
                throw StoreError.importRejected(
                    line: nil, "the scan \(name) is of \(molecule), not \(spec.molecule.name); give --molecule \(molecule) or another --scan")
            }
            let existing = try Row.fetchAll(
                db, sql: "SELECT id, idx, r_angstrom, state FROM point WHERE scan_id = ? ORDER BY idx", arguments: [scanID])
            var nextIndex = ((existing.last?["idx"] as Int?) ?? -1) + 1
            var filled = 0, added = 0
            let jobPrefix = URL(fileURLWithPath: source).lastPathComponent
            for energy in energies {
                let pointID: Int64
                if let match = existing.first(where: { abs(($0["r_angstrom"] as Double) - energy.rAngstrom) < Self.sameBondLengthAngstrom }) {
                    let state: String = match["state"]
                    guard state == PointState.pending.rawValue || state == PointState.failed.rawValue else {
                        throw StoreError.importRejected(
                            line: energy.line,
                            "point \(match["idx"] as Int) of \(name) at r = \(energy.rAngstrom) Å is \(state) already; remove the row or import into another --scan")
                    }
                    pointID = match["id"]
                    filled += 1
                } else {
                    try db.execute(
                        sql: "INSERT INTO point (scan_id, idx, r_angstrom) VALUES (?, ?, ?)",
                        arguments: [scanID, nextIndex, energy.rAngstrom])
                    pointID = db.lastInsertedRowID
                    nextIndex += 1
                    added += 1
                }
                let job = "\(jobPrefix):\(energy.line)"
                try db.execute(
                    sql: """
                        INSERT INTO attempt (point_id, number, owner, zone, host, job_id, engine, started_at, finished_at,
                                             wall_seconds, outcome, energy_hartree, converged)
                        SELECT id, attempt_count + 1, ?, ?, ?, ?, ?, ?, ?, 0, 'done', ?, 1 FROM point WHERE id = ?
                        """,
                    arguments: [
                        Self.importedProvenance, Self.importedProvenance, Self.importedProvenance, job,
                        Self.importedProvenance, now, now, energy.energyHartree, pointID,
                    ])
                try db.execute(
                    sql: """
                        UPDATE point SET state = 'done', energy_hartree = ?, converged = 1, zone = ?, host = ?, job_id = ?,
                            started_at = ?, finished_at = ?, wall_seconds = 0, exit_status = NULL, error = NULL,
                            attempt_count = attempt_count + 1
                        WHERE id = ?
                        """,
                    arguments: [energy.energyHartree, Self.importedProvenance, Self.importedProvenance, job, now, now, pointID])
            }
            return ImportSummary(scan: name, createdScan: created, filledPoints: filled, addedPoints: added)
        }
    }
}
