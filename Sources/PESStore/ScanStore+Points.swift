import Foundation
import GRDB

extension ScanStore {
    /// Adds pending points at new bond lengths in ångström to a scan, numbered after its last point.
    @discardableResult
    public func addPoints(toScan scanID: Int64, rAngstrom: [Double]) throws(StoreError) -> [Int] {
        try write { db in
            let last = try Int.fetchOne(db, sql: "SELECT MAX(idx) FROM point WHERE scan_id = ?", arguments: [scanID]) ?? -1
            try Self.insertPoints(rAngstrom: rAngstrom, scanID: scanID, firstIndex: last + 1, db: db)
            return Array((last + 1)..<(last + 1 + rAngstrom.count))
        }
    }

    /// Adds pending points of a polyatomic scan at new coordinates (values of its varied variables), numbered after its last point.
    @discardableResult
    public func addPoints(toScan scanID: Int64, coordinates: [[Double]]) throws(StoreError) -> [Int] {
        try write { db in
            let last = try Int.fetchOne(db, sql: "SELECT MAX(idx) FROM point WHERE scan_id = ?", arguments: [scanID]) ?? -1
            try Self.insertPoints(coordinates, scanID: scanID, firstIndex: last + 1, db: db)
            return Array((last + 1)..<(last + 1 + coordinates.count))
        }
    }

    /// Inserts pending polyatomic points numbered from `firstIndex`; each point's first coordinate fills r_angstrom for orderings.
    static func insertPoints(_ coordinates: [[Double]], scanID: Int64, firstIndex: Int, db: Database) throws {
        var insert = BulkInsert(db, table: "point", columns: ["scan_id", "idx", "r_angstrom", "coordinates"])
        for (offset, point) in coordinates.enumerated() {
            guard let first = point.first else {
                throw StoreError.corruptRecord("a polyatomic point needs at least one coordinate")
            }
            try insert.append(
                scanID.databaseValue, (firstIndex + offset).databaseValue, first.databaseValue,
                CoordinateText.text(point).databaseValue)
        }
        try insert.finish()
    }

    /// Inserts pending diatomic points at bond lengths in ångström, numbered from `firstIndex`.
    static func insertPoints(rAngstrom: [Double], scanID: Int64, firstIndex: Int, db: Database) throws {
        var insert = BulkInsert(db, table: "point", columns: ["scan_id", "idx", "r_angstrom"])
        for (offset, r) in rAngstrom.enumerated() {
            try insert.append(scanID.databaseValue, (firstIndex + offset).databaseValue, r.databaseValue)
        }
        try insert.finish()
    }

    /// The coordinates stored on a point row (nil for a diatomic's point), or a corrupt-record error naming the point.
    static func storedCoordinates(_ row: Row) throws -> [Double]? {
        try storedCoordinates(row["coordinates"], pointID: row["id"])
    }

    /// The coordinates stored as `text` on point `pointID` (nil for a diatomic's point), or a corrupt-record error naming the point.
    static func storedCoordinates(_ text: String?, pointID: Int64) throws(StoreError) -> [Double]? {
        guard let text else { return nil }
        guard let coordinates = CoordinateText.coordinates(text) else {
            throw StoreError.corruptRecord("point \(pointID) has coordinates \"\(text)\"")
        }
        return coordinates
    }
}
