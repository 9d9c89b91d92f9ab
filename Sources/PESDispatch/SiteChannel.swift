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
    // @unchecked Sendable: `child` is used by one exchange's thread at a time (the connection hands a channel to
    // one point at a time); `isClosed`, `isBusy`, `reaped` and `finished` are read and written under `lock`.
    private let child: SpawnedChild
    private let errorFile: URL
    private let lock = NSLock()
    private var isClosed = false
    private var isBusy = false
    private var reaped = false
    private var finished = false

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
        lock.lock()
        defer { lock.unlock() }
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
    func exchange(_ request: Data, points: Int) async throws(Broken) -> Answer {
        let outcome: Result<Answer, Broken> = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let thread = Thread {
                    let outcome = self.blockingExchange(request, points: points)
                    self.exchangeEnded()
                    continuation.resume(returning: outcome)
                }
                thread.name = "pesscan site channel"
                thread.start()
            }
        } onCancel: {
            close()
        }
        if case .failure = outcome { close() }
        return try outcome.get()
    }

    /// Ends the channel: its ssh is killed (the site's loop ends with it); the descriptors go once no exchange uses them.
    func close() {
        lock.lock()
        isClosed = true
        if !reaped { child.kill() }
        lock.unlock()
        finishIfIdle()
    }

    /// Marks the exchange under way as over, and finishes a channel closed meanwhile.
    private func exchangeEnded() {
        lock.lock()
        isBusy = false
        lock.unlock()
        finishIfIdle()
    }

    /// Once closed and no exchange uses it: the descriptors closed, the ssh reaped, its messages' file deleted (once).
    private func finishIfIdle() {
        lock.lock()
        let finishNow = isClosed && !isBusy && !finished
        if finishNow { finished = true }
        let wasReaped = reaped
        lock.unlock()
        guard finishNow else { return }
        child.finish(reaped: wasReaped)
        try? FileManager.default.removeItem(at: errorFile)
    }

    /// The request's bytes written, then the answer read: a tar, a block with every point's status, each point's messages.
    ///
    /// The tar is read member by member, so no length is sent ahead of it:
    /// zero blocks (its end and any padding) are kept, and the first block
    /// that starts with ``SiteScript/replyMarker`` ends it.
    private func blockingExchange(_ request: Data, points: Int) -> Result<Answer, Broken> {
        lock.lock()
        let usable = !isClosed && !reaped
        if usable { isBusy = true }
        lock.unlock()
        guard usable else { return .failure(Broken(why: "the channel is closed")) }
        let written = DescriptorIO.writeAll(request, to: child.inputDescriptor)
        guard written else { return .failure(Broken(why: "the channel closed while the points' files were sent\(stderrTail)")) }
        let reader = child.outputDescriptor
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
