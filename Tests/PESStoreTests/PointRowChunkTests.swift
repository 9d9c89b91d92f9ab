import Foundation
import PESCore
import PESStore
import PESTestSupport
import Testing

@Suite("Point rows in chunks: the points of a read, a chunk of rows at a time")
struct PointRowChunkTests {
    @Test("forEachPointChunk hands over full chunks then the rest, whose points are points(ofScan:)'s, text and NULLs included, and stops when asked")
    func chunksHoldThePoints() throws {
        let store = try makeStore()
        let count = 2 * PointRowChunk.capacity + 5
        let scan = try store.createScan(try h2Spec(name: "chunks", points: count))
        try sqlite(store.path, """
            UPDATE point SET state = 'done', energy_hartree = -1.125, converged = 0, zone = 'z,1', host = 'hé', wall_seconds = 2.5,
                exit_status = -9, error = 'bad "x"', attempt_count = 3, coordinates = '1.5,104.25' WHERE scan_id = \(scan.id) AND idx % 3 = 1;
            UPDATE point SET state = 'failed', error = 'SCF diverged', attempt_count = 1, exit_status = 1
                WHERE scan_id = \(scan.id) AND idx = \(PointRowChunk.capacity);
            """)
        var chunks: [PointRowChunk] = []
        var passes = 0
        try store.forEachPointChunk(ofScan: scan.id, restart: { passes += 1 }) { chunk in
            chunks.append(chunk)
            return true
        }
        #expect(passes == 1)
        #expect(chunks.map(\.count) == [PointRowChunk.capacity, PointRowChunk.capacity, 5])
        let points = try chunks.flatMap { chunk in try (0..<chunk.count).map { try chunk.point(at: $0) } }
        let expected = try store.points(ofScan: scan.id)
        #expect(points == expected)
        #expect(points.map(\.index) == Array(0..<count))
        #expect(points[1].zone == "z,1" && points[1].host == "hé" && points[1].error == "bad \"x\"" && points[1].coordinates == [1.5, 104.25])
        #expect(points[1].converged == false && points[1].wallSeconds == 2.5 && points[1].exitStatus == -9 && points[1].attemptCount == 3)
        #expect(points[0].zone == nil && points[0].energyHartree == nil && points[0].converged == nil && points[0].coordinates == nil)
        #expect(points[PointRowChunk.capacity].state == .failed && points[PointRowChunk.capacity].error == "SCF diverged")
        var handed = 0
        try store.forEachPointChunk(ofScan: scan.id, restart: { handed = 0 }) { _ in
            handed += 1
            return false
        }
        #expect(handed == 1)
    }

    @Test("a stored state that only begins like one of pesscan's is a corrupt record naming the point", arguments: ["dune", "done ", "pend", "runningx", "f", ""])
    func nearStatesAreCorrupt(state: String) throws {
        let store = try makeStore()
        let scan = try store.createScan(try h2Spec(name: "states", points: 2))
        let id = try store.points(ofScan: scan.id)[1].id
        try sqlite(store.path, "PRAGMA ignore_check_constraints = ON; UPDATE point SET state = '\(state)' WHERE id = \(id);")
        #expect(throws: StoreError.corruptRecord("point \(id) has state \(state)")) { try store.points(ofScan: scan.id) }
        #expect(throws: StoreError.corruptRecord("point \(id) has state \(state)")) {
            try store.forEachPointForFitting(ofScan: scan.id) { _, _, _, _, _, _ in }
        }
    }
}

@Suite("Point rows read in row-id order, checked against their indices")
struct RowOrderTests {
    /// A scan of `count` points whose rows the test then reorders or thins with `statement` (`SCAN` for its id).
    private func scan(count: Int, _ statement: String) throws -> (ScanStore, ScanRecord) {
        let store = try makeStore()
        _ = try store.createScan(try h2Spec(name: "before", points: 3))
        let scan = try store.createScan(try h2Spec(name: "rows", points: count))
        _ = try store.createScan(try h2Spec(name: "after", points: 3))
        if !statement.isEmpty { try sqlite(store.path, statement.replacingOccurrences(of: "SCAN", with: "\(scan.id)")) }
        return (store, scan)
    }

    @Test("rows whose ids are not in index order, or whose indices have a gap, are read again through the index: every point once, in index order")
    func outOfOrderRowsAreReadAgain() throws {
        let cases: [(statement: String, indices: [Int], passes: Int)] = [
            ("", Array(0..<5000), 1),
            // Points 0 and 1 swap indices (through -1, for UNIQUE(scan_id, idx)): the first row by id is index 1.
            ("UPDATE point SET idx = -1 WHERE scan_id = SCAN AND idx = 0; UPDATE point SET idx = 0 WHERE scan_id = SCAN AND idx = 1;"
                + " UPDATE point SET idx = 1 WHERE scan_id = SCAN AND idx = -1;", Array(0..<5000), 2),
            // The last point moves to the front: in row-id order it comes last, after index 4998.
            ("UPDATE point SET idx = -1 WHERE scan_id = SCAN AND idx = 4999;", Array(-1..<4999), 2),
            // A gap at 3000: the rows by id are in order but one short of the last index.
            ("DELETE FROM point WHERE scan_id = SCAN AND idx = 3000;", Array(0..<3000) + Array(3001..<5000), 2),
        ]
        for (statement, indices, passes) in cases {
            let (store, scan) = try scan(count: 5000, statement)
            let points = try store.points(ofScan: scan.id)
            #expect(points.map(\.index) == indices, "\(statement)")
            #expect(points.allSatisfy { $0.rAngstrom > 0 }, "\(statement)")
            var streamed: [Int] = []
            var seenPasses = 0
            try store.forEachPointChunk(ofScan: scan.id, restart: { seenPasses += 1; streamed = [] }) { chunk in
                streamed += (0..<chunk.count).compactMap { try? chunk.point(at: $0).index }
                return true
            }
            #expect(streamed == indices, "\(statement)")
            #expect(seenPasses == passes, "one restart before the read, one more when it is read again: \(statement)")
            #expect(try store.points(ofScan: scan.id).map(\.id) == (try store.points(ofScan: scan.id, inState: .pending)).map(\.id))
        }
    }
}
