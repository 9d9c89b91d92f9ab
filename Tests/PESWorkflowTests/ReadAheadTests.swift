import Foundation
@testable import PESWorkflow
import Testing

/// What a read on another thread did, as its caller saw it.
private struct Seen: Equatable {
    var rows: [Int] = []
    var restarts: [Int] = []
}

/// A read's failure.
private struct ReadFailed: Error, Equatable {
    var afterRows: Int
}

@Suite("Read-ahead: a read on a thread of its own, its rows handed over in order")
struct ReadAheadTests {
    @Test("every row and restart reaches the caller in the read's order, across chunk boundaries and in chunks of 1")
    func rowsAndRestartsInOrder() throws {
        for chunkRows in [1, 7, ReadAhead.chunkRows] {
            var seen = Seen()
            try ReadAhead.run({ (restart: () -> Void, each: (Int) -> Bool) throws(ReadFailed) in
                restart()
                for row in 0..<5_000 { guard each(row) else { return } }
                restart()
                for row in 0..<(3 * ReadAhead.chunkRows + 1) { guard each(row) else { return } }
            }, handingOver: chunkRows, restart: { seen.restarts.append(seen.rows.count) }, each: { row in
                seen.rows.append(row)
                return true
            })
            #expect(seen.restarts == [0, 5_000], "chunks of \(chunkRows)")
            #expect(seen.rows == Array(0..<5_000) + Array(0..<(3 * ReadAhead.chunkRows + 1)), "chunks of \(chunkRows)")
        }
    }

    @Test("a caller that stops sees no row after, and the read, told to stop, ends instead of waiting")
    func stopping() throws {
        var seen: [Int] = []
        let reads = Counter()
        try ReadAhead.run({ (_: () -> Void, each: (Int) -> Bool) throws(ReadFailed) in
            for row in 0..<1_000_000 {
                reads.add()
                guard each(row) else { return }
            }
        }, restart: {}, each: { row in
            seen.append(row)
            return row < 10
        })
        #expect(seen == Array(0...10))
        // Ahead of the caller by at most the chunks that wait and the one being filled.
        #expect(reads.value <= (ReadAhead.chunksAhead + 3) * ReadAhead.chunkRows)
    }

    @Test("what the read throws is thrown to the caller, after the rows it gave")
    func failure() {
        var seen = 0
        #expect(throws: ReadFailed(afterRows: 3_000)) {
            try ReadAhead.run({ (_: () -> Void, each: (Int) -> Bool) throws(ReadFailed) in
                for row in 0..<3_000 { guard each(row) else { return } }
                throw ReadFailed(afterRows: 3_000)
            }, restart: {}, each: { _ in
                seen += 1
                return true
            })
        }
        #expect(seen == 3_000)
    }
}

/// A count shared with the read's thread.
private final class Counter: @unchecked Sendable {
    // @unchecked Sendable: `count` is read and written only under `lock`.
    private let lock = NSLock()
    private var count = 0

    func add() {
        lock.lock()
        count += 1
        lock.unlock()
    }

    var value: Int {
        lock.lock()
        defer { lock.unlock() }
        return count
    }
}
