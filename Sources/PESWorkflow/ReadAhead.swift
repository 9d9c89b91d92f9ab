import Foundation

/// A read run on a thread of its own, its rows handed to the calling thread in chunks, so that reading and writing overlap.
///
/// A CSV export of 10⁶ points spent about half its time stepping SQLite and
/// making the points, half formatting and writing them; on one thread the
/// halves add up, here they share two cores. At most ``chunksAhead`` chunks
/// of ``chunkRows`` rows wait at a time, so memory stays bounded whatever the
/// read's size. The caller sees every row and every restart in the order
/// the read made them, as if it had read them itself.
enum ReadAhead {
    /// Rows in one chunk handed over, unless the caller says otherwise.
    static let chunkRows = 2048
    /// Chunks read ahead of the caller at most.
    static let chunksAhead = 4

    /// Runs `read` on a new thread, handing each row it gives to `each` on this one, and `restart` here when the read starts over; returns when the read has ended.
    ///
    /// The rows go over `chunkRows` at a time (1 for a read that gives chunks
    /// of its own). `each` returns false to stop: the read is told to stop and
    /// no further row or restart is handed over. What `read` throws is thrown
    /// here.
    static func run<Element: Sendable, Failure: Error>(
        _ read: @escaping @Sendable (_ restart: () -> Void, _ each: (Element) -> Bool) throws(Failure) -> Void,
        handingOver chunkRows: Int = chunkRows, restart: () -> Void, each: (Element) -> Bool
    ) throws(Failure) {
        let handover = Handover<Element, Failure>(capacity: chunksAhead)
        let thread = Thread {
            var chunk: [Element] = []
            chunk.reserveCapacity(chunkRows)
            let outcome = Result { () throws(Failure) in
                try read({
                    if !chunk.isEmpty { _ = handover.put(.rows(chunk)) }
                    chunk.removeAll(keepingCapacity: true)
                    _ = handover.put(.restart)
                }, { row in
                    chunk.append(row)
                    guard chunk.count == chunkRows else { return true }
                    defer { chunk = []; chunk.reserveCapacity(chunkRows) }
                    return handover.put(.rows(chunk))
                })
            }
            // The rows read before the read ended, even by a failure, go over before how it ended.
            if !chunk.isEmpty { _ = handover.put(.rows(chunk)) }
            handover.put(ending: outcome)
        }
        thread.name = "pesscan read-ahead"
        thread.start()
        var stopped = false
        while true {
            switch handover.take() {
            case .restart:
                if !stopped { restart() }
            case .rows(let rows):
                for row in rows where !stopped {
                    guard each(row) else {
                        stopped = true
                        handover.stop()
                        break
                    }
                }
            case .end(let outcome):
                return try outcome.get()
            }
        }
    }
}

/// The messages between a ``ReadAhead`` read's thread and its caller, at most `capacity` waiting, under one lock.
private final class Handover<Element: Sendable, Failure: Error>: @unchecked Sendable {
    // @unchecked Sendable: `waiting` and `stopped` are read and written only while `condition` is locked.
    enum Message {
        case rows([Element])
        case restart
        case end(Result<Void, Failure>)
    }

    private let condition = NSCondition()
    private let capacity: Int
    private var waiting: [Message] = []
    private var stopped = false

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// Queues `message`, waiting while `capacity` messages wait; false (and nothing queued) once the caller stopped the read.
    func put(_ message: Message) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while waiting.count >= capacity, !stopped { condition.wait() }
        guard !stopped else { return false }
        waiting.append(message)
        condition.broadcast()
        return true
    }

    /// Queues the read's last message, how it ended, whatever waits and even after a stop.
    func put(ending outcome: Result<Void, Failure>) {
        condition.lock()
        defer { condition.unlock() }
        while waiting.count >= capacity, !stopped { condition.wait() }
        waiting.append(.end(outcome))
        condition.broadcast()
    }

    /// The oldest message, waiting for one.
    func take() -> Message {
        condition.lock()
        defer { condition.unlock() }
        while waiting.isEmpty { condition.wait() }
        let message = waiting.removeFirst()
        condition.broadcast()
        return message
    }

    /// Tells the read to stop: what it puts from now on is dropped, and it is never kept waiting.
    func stop() {
        condition.lock()
        defer { condition.unlock() }
        stopped = true
        waiting.removeAll { if case .end = $0 { false } else { true } }
        condition.broadcast()
    }
}
