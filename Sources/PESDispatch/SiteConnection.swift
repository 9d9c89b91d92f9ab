import Foundation
import PESEngines

/// One SSH site's connection: a single multiplexed OpenSSH master, a cap on open channels, and the remote script's operations.
///
/// The master is opened once (`ControlMaster=yes`, `ControlPersist`) and
/// every operation is a channel on it (`ControlMaster=no`), so a site sees
/// one connection per `collect` however many points run there. Openings
/// are serialised and counted; a master that died is reopened on the next
/// operation. At most ``SiteSettings/maxChannels`` operations are open at once,
/// and points go down ``runningSlots`` long-lived channels, several to a request.
actor SiteConnection {
    /// The site.
    let settings: SiteSettings
    /// The OpenSSH client.
    let ssh: URL
    /// The master's socket (`ControlPath`), in a folder only this user can enter.
    let controlPath: String
    /// Seconds an idle master stays open after its last channel closed.
    let persistSeconds: Int
    /// Connections (masters) this process opened to the site.
    private(set) var connectionsOpened = 0
    /// Whether a master is believed to be up.
    private var masterUp = false
    /// The opening under way, which concurrent operations wait on instead of opening their own.
    private var opening: Task<Result<Void, Failure>, Never>?
    /// Channels open now.
    private var channelsOpen = 0
    /// Operations waiting for a channel.
    private var channelWaiters: [CheckedContinuation<Void, Never>] = []
    /// The open `serve` channels, at most ``runningSlots``, each with the requests it carries now; each holds a place under the channel cap.
    private var serveChannels: [(channel: SiteChannel, requests: Int)] = []
    /// Remote folders (relative to the remote root) whose files came back, to delete with the next operation.
    private var pendingRemovals: [String] = []
    /// Runs ssh.
    private let runner = ProcessRunner(graceSeconds: 2, stderrTailLines: 12, stderrTailBytes: 2048)

    /// Why the site could not be used.
    enum Failure: Error, Sendable, Equatable {
        /// No connection could be opened, so nothing was sent; the site may come back.
        case notConnected(String)
        /// The connection failed during the operation (it may or may not have done its work); the site may come back.
        case unreachable(String)
        /// The site refused us for a reason that will not go away by waiting (host key, login).
        case refused(String)
        /// A local file of the exchange could not be written or read.
        case local(String)
    }

    /// What one operation returned.
    struct Reply: Sendable {
        /// The remote script's exit status.
        var status: Int32
        /// Everything it wrote to stdout (a tar stream for a point's run and for `wait`).
        var output: Data
        /// The last lines it wrote to stderr.
        var errorText: String
    }

    /// Requests that run on the site at once, each on a channel of its own: the zone's slots.
    let runningSlots: Int
    /// Points one request holds at most; they run one after another.
    let pointsPerRequest: Int
    /// Requests one channel carries at once: the site starts the next as soon as it has answered one.
    let requestsPerChannel: Int

    init(settings: SiteSettings, ssh: URL, socketFolder: URL, runningSlots: Int = 1, persistSeconds: Int = 60) {
        self.settings = settings
        self.runningSlots = max(1, runningSlots)
        self.pointsPerRequest = min(max(1, settings.pointsPerRequest), SiteScript.maximumPointsPerRequest)
        self.requestsPerChannel = settings.requestsPerChannel
        self.ssh = ssh
        self.controlPath = socketFolder.appendingPathComponent(settings.connectionKey).path
        self.persistSeconds = persistSeconds
    }

    /// The argv of an ssh command to the site: options, `--`, host, then the remote command if any.
    func arguments(_ extra: [String], remoteCommand: String?) -> [String] {
        settings.sshOptions(controlPath: controlPath) + extra + ["--", settings.host] + (remoteCommand.map { [$0] } ?? [])
    }

    /// Runs one operation of the site script with `input` (its header, then any tar) on stdin; files of the exchange go in `scratch` under `label`.
    ///
    /// With `timeoutSeconds`, an operation that has not answered by then (a
    /// stalled site keeps a channel open without a word) is stopped and counts
    /// as unreachable.
    func call(
        _ operation: SiteScript.Operation, input: Data, scratch: URL, label: String, waitSeconds: Int = 30,
        timeoutSeconds: Double? = nil
    ) async throws(Failure) -> Reply {
        try await openMaster()
        await takeChannel()
        defer { giveBackChannel() }
        let inputURL = scratch.appendingPathComponent(".\(label).\(operation.rawValue).in")
        let outputName = ".\(label).\(operation.rawValue).out"
        let errorName = ".\(label).\(operation.rawValue).err"
        defer {
            for name in [inputURL.lastPathComponent, outputName, errorName] {
                try? FileManager.default.removeItem(at: scratch.appendingPathComponent(name))
            }
        }
        do {
            try input.write(to: inputURL)
        } catch {
            throw .local("cannot write \(inputURL.path): \(error)")
        }
        let argv = arguments(["-o", "ControlMaster=no", "-T"], remoteCommand: SiteScript.command(operation, waitSeconds: waitSeconds))
        let (runner, ssh) = (runner, ssh)
        let run = { @Sendable () async throws -> ProcessResult in
            try await runner.run(
                executable: ssh, arguments: argv, workDirectory: scratch, standardInput: inputURL, outputFolder: scratch,
                outputNames: (outputName, errorName), readsOutput: false)
        }
        let finished: Result<ProcessResult, any Error>?
        if let timeoutSeconds {
            finished = await withTaskGroup(of: Result<ProcessResult, any Error>?.self) { group in
                group.addTask {
                    do { return .success(try await run()) } catch { return .failure(error) }
                }
                group.addTask {
                    try? await Task.sleep(for: .seconds(timeoutSeconds))
                    return nil
                }
                let first = await group.next() ?? nil
                group.cancelAll()
                return first
            }
        } else {
            do { finished = .success(try await run()) } catch { finished = .failure(error) }
        }
        let result: ProcessResult
        switch finished {
        case .none:
            if Task.isCancelled { throw .unreachable("stopped") }
            throw .unreachable("\(settings.host) did not answer within \(Int(timeoutSeconds ?? 0)) s")
        case .failure(let error)?:
            throw .local("could not start \(ssh.path): \(error)")
        case .success(let value)?:
            result = value
        }
        if result.cancelled { throw .unreachable("stopped") }
        if result.status == 255 || result.signalled {
            masterUp = false
            throw Self.classify(result.standardErrorTail, host: settings.host)
        }
        let output = (try? Data(contentsOf: scratch.appendingPathComponent(outputName))) ?? Data()
        return Reply(status: Int32(result.status), output: output, errorText: result.standardErrorTail)
    }

    /// One point as the launcher hands it over: its folder's name below the remote root and its files.
    struct PointRequest: Sendable {
        /// The point's folder below the remote root.
        var name: String
        /// The point's files, each named after `name` (`<name>/input.txt`).
        var files: TarArchive
    }

    /// What came back for one point of a request.
    struct PointReply: Sendable {
        /// 0 when the point ran (its folder is in `folder`), else the site script's reason it did not.
        var status: Int32
        /// The point's folder as it came back, names relative to it.
        var folder: TarArchive
        /// The site script's messages about the point.
        var errorText: String

        init(status: Int32, folder: TarArchive, errorText: String) {
            self.status = status
            self.folder = folder
            self.errorText = errorText
        }

        /// A `wait` operation's reply for one point: its folder's tar read when it ran.
        init(_ reply: Reply) throws(TarArchive.Failure) {
            self.init(status: reply.status, folder: reply.status == 0 ? try TarArchive.decode(reply.output) : TarArchive(), errorText: reply.errorText)
        }
    }

    /// A point waiting for its request, and the caller waiting for its reply.
    private struct WaitingPoint {
        var id: Int
        var request: PointRequest
        var continuation: CheckedContinuation<Result<PointReply, Failure>, Never>
    }

    /// Points waiting to go to the site, oldest first.
    private var waiting: [WaitingPoint] = []
    /// The channel each sent point's request is on, by the point's id, so a cancelled point can stop it.
    private var sentOn: [Int: SiteChannel] = [:]
    /// The id of the next point handed over.
    private var nextPointID = 0
    /// `serve` channels being opened, each for a request; they count toward ``runningSlots``.
    private var serveChannelsOpening = 0
    /// Whether a short wait for more points to fill a request is under way.
    private var gathering = false
    /// Seconds a request that is not full waits for more points.
    static let gatherSeconds = 0.02

    /// Runs one point on a long-lived `serve` channel, in a request with up to ``pointsPerRequest`` points.
    ///
    /// A request goes out as soon as it is full and a channel is free; one
    /// that is not full waits up to ``gatherSeconds`` for the points that are
    /// on their way (the dispatcher hands them over one by one). Its points
    /// run one after another on the site, and their folders come back in one
    /// tar. A channel that breaks throws `unreachable` to every point of its
    /// request, as an operation whose link failed does; a cancelled caller
    /// whose request is out stops it the same way.
    func run(_ request: PointRequest) async throws(Failure) -> PointReply {
        try await openMaster()
        if Task.isCancelled { throw .unreachable("stopped") }
        let id = nextPointID
        nextPointID += 1
        let outcome = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<PointReply, Failure>, Never>) in
                waiting.append(WaitingPoint(id: id, request: request, continuation: continuation))
                sendWaiting()
            }
        } onCancel: {
            Task { await self.stopPoint(id) }
        }
        return try outcome.get()
    }

    /// Sends requests of waiting points while a channel has room: ``runningSlots`` channels of ``requestsPerChannel`` requests each.
    private func sendWaiting(gathered: Bool = false) {
        var mayTakeShort = gathered
        while !waiting.isEmpty, let target = channelWithRoom() {
            if waiting.count < pointsPerRequest, !mayTakeShort {
                gatherMore()
                return
            }
            mayTakeShort = false
            let points = Array(waiting.prefix(pointsPerRequest))
            waiting.removeFirst(points.count)
            let channel: SiteChannel?
            switch target {
            case .open(let index):
                serveChannels[index].requests += 1
                channel = serveChannels[index].channel
            case .new:
                serveChannelsOpening += 1
                channel = nil
            }
            Task { await self.send(points, on: channel) }
        }
    }

    /// Where a request may go now.
    private enum ChannelChoice {
        /// The open channel at this index of ``serveChannels``.
        case open(Int)
        /// A channel to open.
        case new
    }

    /// The channel for the next request: an open one with none, a new one while fewer than ``runningSlots`` are open or opening, else one with room; nil when all are full.
    ///
    /// An idle channel whose ssh ended meanwhile (the site restarted its sshd,
    /// say) is dropped, not handed a request.
    private func channelWithRoom() -> ChannelChoice? {
        serveChannels.removeAll { entry in
            guard entry.requests == 0, !entry.channel.isUsable else { return false }
            retire(entry.channel)
            return true
        }
        if let idle = serveChannels.firstIndex(where: { $0.requests == 0 }) { return .open(idle) }
        if serveChannels.count + serveChannelsOpening < runningSlots { return .new }
        let roomy = serveChannels.indices.filter { serveChannels[$0].requests < requestsPerChannel && serveChannels[$0].channel.isUsable }
        return roomy.min { serveChannels[$0].requests < serveChannels[$1].requests }.map { .open($0) }
    }

    /// Waits ``gatherSeconds`` for more points, then sends what waits.
    private func gatherMore() {
        guard !gathering else { return }
        gathering = true
        Task {
            try? await Task.sleep(for: .seconds(Self.gatherSeconds))
            self.gathered()
        }
    }

    /// Ends a gathering wait: a request goes out even if not full.
    private func gathered() {
        gathering = false
        sendWaiting(gathered: true)
    }

    /// A cancelled caller's point: taken out if still waiting, its request's channel closed if sent.
    private func stopPoint(_ id: Int) {
        if let index = waiting.firstIndex(where: { $0.id == id }) {
            waiting.remove(at: index).continuation.resume(returning: .failure(.unreachable("stopped")))
        } else {
            sentOn[id]?.close()
        }
    }

    /// Opens a `serve` channel under the channel cap, carrying the request that asked for it.
    private func openServeChannel() async -> Result<SiteChannel, Failure> {
        await takeChannel()
        defer { serveChannelsOpening -= 1 }
        do {
            let channel = try SiteChannel(
                ssh: ssh,
                arguments: arguments(["-o", "ControlMaster=no", "-T"], remoteCommand: SiteScript.command(.serve)),
                errorFile: URL(fileURLWithPath: NSTemporaryDirectory())
                    .appendingPathComponent("pesscan-channel-\(settings.connectionKey)-\(UInt32.random(in: 0...UInt32.max)).err"))
            serveChannels.append((channel, 1))
            return .success(channel)
        } catch {
            giveBackChannel()
            return .failure(.local("could not start \(ssh.path): \(error)"))
        }
    }

    /// Sends one request on `chosen` (or on a new channel when nil) and hands each point its reply.
    private func send(_ points: [WaitingPoint], on chosen: SiteChannel?) async {
        defer { sendWaiting() }
        func answerAll(_ failure: Failure) {
            for point in points { point.continuation.resume(returning: .failure(failure)) }
        }
        let channel: SiteChannel
        if let chosen {
            channel = chosen
        } else {
            switch await openServeChannel() {
            case .success(let opened):
                channel = opened
                // Requests may now queue on it behind this one.
                sendWaiting()
            case .failure(let failure):
                return answerAll(failure)
            }
        }
        defer { requestEnded(on: channel) }
        var files = TarArchive()
        for point in points { files.members += point.request.files.members }
        let stream: Data
        do {
            stream = try files.encoded()
        } catch {
            return answerAll(.local("could not pack the points' files for \(settings.host): \(error)"))
        }
        // Folders of earlier points whose files came back are deleted by this same request, a few at a time.
        let removals = settings.keepRemote ? [] : takeRemovals(atLeast: Self.removalsPerRequest)
        let request = SiteScript.serveRequest(
            root: settings.remoteRoot, removals: removals, names: points.map(\.request.name), archive: stream)
        for point in points { sentOn[point.id] = channel }
        defer { for point in points { sentOn[point.id] = nil } }
        let answer: SiteChannel.Answer
        do {
            answer = try await channel.exchange(request, points: points.count)
        } catch {
            restoreRemovals(removals)
            masterUp = false
            return answerAll(.unreachable("\(settings.host): \(error.why)"))
        }
        let folders: TarArchive
        do {
            folders = answer.archive.isEmpty ? TarArchive() : try TarArchive.decode(answer.archive)
        } catch {
            return answerAll(.local("the points' files came back from \(settings.host) unusable: \(error)"))
        }
        for (index, point) in points.enumerated() {
            point.continuation.resume(returning: .success(PointReply(
                status: answer.statuses[index], folder: folders.folder(named: point.request.name), errorText: answer.messages[index])))
        }
    }

    /// A request on `channel` is over: the channel waits for the next, or is retired if it broke.
    private func requestEnded(on channel: SiteChannel) {
        guard let index = serveChannels.firstIndex(where: { $0.channel === channel }) else { return }
        serveChannels[index].requests -= 1
        if !channel.isUsable, serveChannels[index].requests == 0 {
            serveChannels.remove(at: index)
            retire(channel)
        }
    }

    /// Closes a channel for good and frees its place under the cap.
    private func retire(_ channel: SiteChannel) {
        channel.close()
        giveBackChannel()
    }

    /// Closes every idle `serve` channel (at the end of a collect): the site's loops end.
    func closeIdleChannels() {
        let idle = serveChannels.filter { $0.requests == 0 }
        serveChannels.removeAll { $0.requests == 0 }
        for entry in idle { retire(entry.channel) }
    }

    /// Notes a remote folder to delete; it goes with the next point's request, or with ``removeQueued(scratch:)``.
    func queueRemoval(_ name: String) { pendingRemovals.append(name) }

    /// Folders gathered before a point's request takes them: one `rm` on the site then deletes them all.
    static let removalsPerRequest = 16

    /// Takes the folders waiting to be deleted, for an operation that deletes them; none while fewer than `atLeast` wait.
    func takeRemovals(atLeast minimum: Int = 1) -> [String] {
        guard pendingRemovals.count >= minimum else { return [] }
        defer { pendingRemovals = [] }
        return pendingRemovals
    }

    /// Puts back folders whose deleting operation failed.
    func restoreRemovals(_ names: [String]) { pendingRemovals += names }

    /// Deletes every queued remote folder in one operation (at the end of a collect); failures leave them on the site.
    func removeQueued(scratch: URL) async {
        closeIdleChannels()
        let names = takeRemovals()
        guard !names.isEmpty else { return }
        let header = SiteScript.header(root: settings.remoteRoot, name: "", list: names)
        _ = try? await call(.remove, input: header, scratch: scratch, label: "pesscan-remove-\(UInt32.random(in: 0...UInt32.max))")
    }

    /// Opens the master unless one is up; concurrent callers share one opening.
    private func openMaster() async throws(Failure) {
        if masterUp { return }
        if let opening {
            try await opening.value.get()
            return
        }
        let task = Task { await self.startMaster() }
        opening = task
        let outcome = await task.value
        opening = nil
        try outcome.get()
    }

    /// Starts a master connection that backgrounds itself once logged in, and counts it.
    private func startMaster() async -> Result<Void, Failure> {
        let scratch = URL(fileURLWithPath: NSTemporaryDirectory())
        let label = "pesscan-master-\(settings.connectionKey)-\(UInt32.random(in: 0...UInt32.max))"
        defer {
            for suffix in [".out", ".err"] { try? FileManager.default.removeItem(at: scratch.appendingPathComponent(label + suffix)) }
        }
        // A master left by an earlier collect with the same settings is used as it is.
        if let check = try? await runner.run(
            executable: ssh, arguments: arguments(["-O", "check"], remoteCommand: nil), workDirectory: scratch,
            outputFolder: scratch, outputNames: (label + ".out", label + ".err"), readsOutput: false),
            check.status == 0
        {
            masterUp = true
            return .success(())
        }
        // No master answers on the socket: a socket left by a master that was killed would make the new one run without multiplexing.
        try? FileManager.default.removeItem(atPath: controlPath)
        let result: ProcessResult
        do {
            result = try await runner.run(
                executable: ssh,
                arguments: arguments(
                    ["-o", "ControlMaster=yes", "-o", "ControlPersist=\(persistSeconds)", "-N", "-f"], remoteCommand: nil),
                workDirectory: scratch, outputFolder: scratch, outputNames: (label + ".out", label + ".err"), readsOutput: false)
        } catch {
            return .failure(.local("could not start \(ssh.path): \(error)"))
        }
        connectionsOpened += 1
        guard result.status == 0, !result.signalled else {
            switch Self.classify(result.standardErrorTail, host: settings.host) {
            case .unreachable(let why): return .failure(.notConnected(why))
            case let other: return .failure(other)
            }
        }
        masterUp = true
        return .success(())
    }

    /// Waits for a free channel.
    private func takeChannel() async {
        if channelsOpen < settings.maxChannels {
            channelsOpen += 1
            return
        }
        await withCheckedContinuation { channelWaiters.append($0) }
    }

    /// Frees a channel, handing it straight to the next waiter if there is one.
    private func giveBackChannel() {
        if channelWaiters.isEmpty {
            channelsOpen -= 1
        } else {
            channelWaiters.removeFirst().resume()
        }
    }

    /// What an ssh failure means, from its stderr: refused for good, or unreachable for now.
    static func classify(_ stderr: String, host: String) -> Failure {
        let said = stderr.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").suffix(3).joined(separator: " ")
        if stderr.contains("REMOTE HOST IDENTIFICATION HAS CHANGED") || stderr.contains("Host key verification failed")
            || stderr.contains("No matching host key") || stderr.contains("host key for")
        {
            return .refused(
                "the host key of \(host) is unknown or has changed (ssh: \(said)); pesscan never accepts a key it cannot verify: check the key with the site's administrators, then update known_hosts (ssh-keygen -R, then one ssh by hand)")
        }
        if stderr.contains("Permission denied") || stderr.contains("Too many authentication failures") {
            return .refused("\(host) refused the login (ssh: \(said)); check user and identity_file, or the key in the site's authorized_keys")
        }
        return .unreachable("\(host) is unreachable (ssh: \(said.isEmpty ? "connection failed" : said))")
    }
}
