import Foundation

/// One long-lived channel to a site running the script's `serve` loop: requests of points go down it one after another.
///
/// A point on a fresh channel costs an ssh client, an sshd session and a
/// bash start; on this one it costs a few bytes of framing. The channel is
/// a child `ssh` on the site's master with pipes for stdin and stdout;
/// blocking reads and writes happen on a thread of their own, never on the
/// concurrency pool or Dispatch's (whose few threads also reap children:
/// a read blocked there for a whole point would leave every finished
/// process of the collect unreaped). A request that meets a closed or broken
/// channel throws, and the channel is not used again.
final class SiteChannel: @unchecked Sendable {
    // @unchecked Sendable: `child`'s input is written by one exchange at a time and its output read by one at a time,
    // in the order the exchanges began (their turns); every other property is read and written under `turns`.
    private let child: SpawnedChild
    private let errorFile: URL
    private let turns = NSCondition()
    private var isClosed = false
    private var reaped = false
    private var finished = false
    /// Exchanges begun and not yet over.
    private var exchangesUnderWay = 0
    /// The turn the next exchange to begin takes.
    private var nextTurn = 0
    /// The turn whose request is written next.
    private var writeTurn = 0
    /// The turn whose answer is read next.
    private var readTurn = 0

    /// Why a request could not be answered.
    struct Broken: Error, Sendable {
        /// What happened, for the point's error text.
        var why: String
    }

    /// Starts `ssh` with `arguments` (ending in the `serve` command); its stderr goes to `errorFile`.
    init(ssh: URL, arguments: [String], errorFile: URL) throws {
        Self.ignoreBrokenPipes
        self.errorFile = errorFile
        child = try SpawnedChild(executable: ssh.path, arguments: arguments, errorFile: errorFile.path)
    }

    /// A write to a channel whose ssh ended must fail with EPIPE, not end pesscan with SIGPIPE.
    private static let ignoreBrokenPipes: Void = { signal(SIGPIPE, SIG_IGN) }()

    /// Whether the channel can take a request: not closed, and its ssh still running.
    var isUsable: Bool {
        turns.lock()
        defer { turns.unlock() }
        if !isClosed, !reaped, child.hasEnded() { reaped = true }
        return !isClosed && !reaped
    }

    /// What the site answered to one request: the tar of the folders of the points that ran, and each point's status and messages.
    struct Answer: Sendable {
        /// One tar stream holding, under each folder's name below the remote root, the folders of the points whose status is 0.
        var archive: Data
        /// Each point's status, in the request's order: 0 when it ran (its exit status is in its folder), else why it did not.
        var statuses: [Int32]
        /// Each point's messages from the site script (the last 2,048 bytes).
        var messages: [String]
    }

    /// Sends one framed request of `points` points and waits for the answer; a cancelled caller closes the channel, which ends the wait.
    ///
    /// A second exchange begun while one is under way writes its request as
    /// soon as the site has said it took the first's (it reads it when it has
    /// answered the first) and reads its answer after the first's: answers
    /// come back in the order the exchanges began. A broken exchange closes
    /// the channel, and every exchange on it fails.
    func exchange(_ request: Data, points: Int) async throws(Broken) -> Answer {
        guard let turn = beginExchange() else { throw Broken(why: "the channel is closed") }
        let outcome: Result<Answer, Broken> = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let thread = Thread {
                    let outcome = self.blockingExchange(request, points: points, turn: turn)
                    // A broken answer leaves the stream anywhere: the channel closes before the next exchange may read.
                    if case .failure = outcome { self.close() }
                    self.pass(\.readTurn)
                    self.exchangeEnded()
                    continuation.resume(returning: outcome)
                }
                thread.name = "pesscan site channel"
                thread.start()
            }
        } onCancel: {
            close()
        }
        return try outcome.get()
    }

    /// Takes the next turn for an exchange, or nil when the channel is closed.
    private func beginExchange() -> Int? {
        turns.lock()
        defer { turns.unlock() }
        guard !isClosed, !reaped else { return nil }
        exchangesUnderWay += 1
        nextTurn += 1
        return nextTurn - 1
    }

    /// Ends the channel: its ssh is killed (the site's loop ends with it); the descriptors go once no exchange uses them.
    func close() {
        turns.lock()
        isClosed = true
        if !reaped { child.kill() }
        turns.broadcast()
        turns.unlock()
        finishIfIdle()
    }

    /// Marks an exchange as over, and finishes a channel closed meanwhile.
    private func exchangeEnded() {
        turns.lock()
        exchangesUnderWay -= 1
        turns.unlock()
        finishIfIdle()
    }

    /// Waits until `turn` is the one `current` names; false when the channel closed first.
    private func waitFor(_ current: KeyPath<SiteChannel, Int>, toBe turn: Int) -> Bool {
        turns.lock()
        defer { turns.unlock() }
        while !isClosed, self[keyPath: current] != turn { turns.wait() }
        return !isClosed
    }

    /// Hands the writing (or reading) to the next turn.
    private func pass(_ current: ReferenceWritableKeyPath<SiteChannel, Int>) {
        turns.lock()
        self[keyPath: current] += 1
        turns.broadcast()
        turns.unlock()
    }

    /// Once closed and no exchange uses it: the descriptors closed, the ssh reaped, its messages' file deleted (once).
    private func finishIfIdle() {
        turns.lock()
        let finishNow = isClosed && exchangesUnderWay == 0 && !finished
        if finishNow { finished = true }
        let wasReaped = reaped
        turns.unlock()
        guard finishNow else { return }
        child.finish(reaped: wasReaped)
        try? FileManager.default.removeItem(at: errorFile)
    }

    /// In its turn, the request's bytes written; in its turn, the answer read: the site's word that it took them, a tar, a block with every point's status, each point's messages.
    ///
    /// The tar is read member by member, so no length is sent ahead of it:
    /// zero blocks (its end and any padding) are kept, and the first block
    /// that starts with ``SiteScript/replyMarker`` ends it.
    private func blockingExchange(_ request: Data, points: Int, turn: Int) -> Result<Answer, Broken> {
        guard waitFor(\.writeTurn, toBe: turn) else { return .failure(Broken(why: "the channel is closed")) }
        guard DescriptorIO.writeAll(request, to: child.inputDescriptor) else {
            return .failure(Broken(why: "the channel closed while the points' files were sent\(stderrTail)"))
        }
        guard waitFor(\.readTurn, toBe: turn) else { return .failure(Broken(why: "the channel closed before the site answered\(stderrTail)")) }
        let reader = child.outputDescriptor
        // The next request is written only once the site has read all of this one.
        guard let taken = DescriptorIO.readExactly(TarArchive.blockBytes, from: reader) else {
            return .failure(Broken(why: "the channel closed before the site took the points\(stderrTail)"))
        }
        guard taken.starts(with: Data(SiteScript.takenMarker.utf8)) else {
            return .failure(Broken(why: "the site's answer was malformed (no word that it took the points)\(stderrTail)"))
        }
        pass(\.writeTurn)
        let marker = Data(SiteScript.replyMarker.utf8)
        var archive = Data()
        while true {
            guard let block = DescriptorIO.readExactly(TarArchive.blockBytes, from: reader) else {
                return .failure(Broken(why: "the channel closed before the site answered\(stderrTail)"))
            }
            if block.starts(with: marker) {
                let statuses = String(decoding: block.dropFirst(marker.count), as: UTF8.self).split(separator: " ").compactMap { Int32($0) }
                guard statuses.count == points else { break }
                var messages: [String] = []
                for _ in 0..<points {
                    guard let said = DescriptorIO.readUntilZero(from: reader, atMost: 1 << 20) else {
                        return .failure(Broken(why: "the site's answer was cut short\(stderrTail)"))
                    }
                    messages.append(String(decoding: said.suffix(2048), as: UTF8.self))
                }
                return .success(Answer(archive: archive, statuses: statuses, messages: messages))
            }
            archive.append(block)
            if block.allSatisfy({ $0 == 0 }) { continue }
            guard let length = try? TarArchive.dataBytes(afterHeader: block), let data = DescriptorIO.readExactly(length, from: reader)
            else { break }
            archive.append(data)
        }
        return .failure(Broken(why: "the site's answer was cut short or malformed\(stderrTail)"))
    }

    /// The last line ssh wrote to stderr, as `: <line>`, or nothing.
    private var stderrTail: String {
        let text = (try? String(contentsOf: errorFile, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").last.map { ": ssh: \($0)" } ?? ""
    }
}
