import Foundation
import PESCore
import PESStore
import PESTestSupport
import Testing

/// A database with one planned 5-point H2 scan, its writer closed; returns the file's path.
private func plannedDatabase() throws -> String {
    let path: String
    do {
        let store = try makeStore()
        try store.createScan(try h2Spec())
        path = store.path
    }
    return path
}

@Suite("The SQLite store opened read-only")
struct ReadOnlyStoreTests {
    @Test("a read-only store reads what a writer wrote and leaves the file's bytes as they were")
    func reads() throws {
        let path = try plannedDatabase()
        let before = try FileDigest.sha256(path)
        let store = try ScanStore(path: path, access: .readOnly)
        #expect(store.access == .readOnly)
        let scan = try store.scan(named: "h2")
        #expect(try store.points(ofScan: scan.id).count == 5)
        #expect(try store.stateCounts(ofScan: scan.id).pending == 5)
        #expect(try store.integrityCheck() == "ok")
        #expect(store.uuid.count == 36)
        #expect(try FileDigest.sha256(path) == before)
    }

    @Test("an attempted write throws readOnly and changes nothing")
    func refusesWrites() throws {
        let path = try plannedDatabase()
        let before = try FileDigest.sha256(path)
        let store = try ScanStore(path: path, access: .readOnly)
        let scan = try store.scan(named: "h2")
        #expect(throws: StoreError.readOnly(path)) { try store.createScan(try h2Spec(name: "second")) }
        #expect(throws: StoreError.readOnly(path)) { try store.addPoints(toScan: scan.id, rAngstrom: [0.9]) }
        #expect(throws: StoreError.readOnly(path)) {
            try store.recordFit(
                StoredFit(
                    degree: 4, model: "polynomial", pointsUsed: 5, pointsExcluded: 0, rEquilibriumAngstrom: 0.74,
                    energyHartree: -1, rmsResidualHartree: 1e-7, resultJSON: "{}"),
                scanID: scan.id)
        }
        #expect(try store.scans().count == 1)
        #expect(try store.fits(ofScan: scan.id).isEmpty)
        #expect(try FileDigest.sha256(path) == before)
    }

    @Test("a schema from an older pesscan is refused read-only, says to run a writing command, and is not upgraded")
    func refusesOlderSchema() throws {
        let path = try plannedDatabase()
        try sqlite(path, "DELETE FROM grdb_migrations WHERE identifier = 'v4-never-reused-ids-and-claims'")
        let before = try FileDigest.sha256(path)
        #expect(throws: StoreError.olderSchema(path)) { try ScanStore(path: path, access: .readOnly) }
        #expect(StoreError.olderSchema(path).description.contains("pesscan collect"))
        #expect(try FileDigest.sha256(path) == before)
    }

    @Test("a schema from a newer pesscan is refused read-only with the newer-schema message, the file untouched")
    func refusesNewerSchema() throws {
        let path = try plannedDatabase()
        try sqlite(path, "INSERT INTO grdb_migrations (identifier) VALUES ('v99-from-the-future')")
        let before = try FileDigest.sha256(path)
        #expect(throws: StoreError.newerSchema(path)) { try ScanStore(path: path, access: .readOnly) }
        #expect(try FileDigest.sha256(path) == before)
    }

    @Test("an empty file has no scans yet, and another program's SQLite file is not a pesscan database; neither is changed")
    func refusesEmptyAndForeign() throws {
        let folder = try TestSupport.temporaryFolder()
        let empty = folder.appendingPathComponent("empty.sqlite").path
        #expect(FileManager.default.createFile(atPath: empty, contents: nil))
        #expect(throws: StoreError.noScans(empty)) { try ScanStore(path: empty, access: .readOnly) }
        #expect(FileDigest.size(empty) == 0)
        let foreign = folder.appendingPathComponent("foreign.sqlite").path
        try sqlite(foreign, "CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES ('hello')")
        let before = try FileDigest.sha256(foreign)
        #expect(throws: StoreError.notADatabase(foreign)) { try ScanStore(path: foreign, access: .readOnly) }
        #expect(try FileDigest.sha256(foreign) == before)
    }

    @Test("a missing database is refused read-only and not created")
    func refusesMissing() throws {
        let path = try TestSupport.temporaryFolder().appendingPathComponent("none.sqlite").path
        #expect(throws: StoreError.missingDatabase(path)) { try ScanStore(path: path, access: .readOnly) }
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test("a read-only open of a closed database makes no -wal or -shm beside it")
    func createsNoFiles() throws {
        let path = try plannedDatabase()
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        let listing = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        do {
            let store = try ScanStore(path: path, access: .readOnly)
            #expect(try store.scans().count == 1)
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == listing)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == listing)
    }

    @Test("a writer that starts after a read-only open is seen by the next read, over the writers' locking")
    func seesLaterWriter() throws {
        let path = try plannedDatabase()
        let reader = try ScanStore(path: path, access: .readOnly)
        #expect(try reader.scans().count == 1)
        let writer = try ScanStore(path: path, create: false)
        try writer.createScan(try h2Spec(name: "second"))
        #expect(try reader.scans().map(\.spec.name.rawValue).sorted() == ["h2", "second"])
    }
}
