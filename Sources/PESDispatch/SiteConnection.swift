import Foundation
import PESEngines

/// One SSH site's connection: a single multiplexed OpenSSH master, a cap on open channels, and the remote script's operations.
///
/// The master is opened once (`ControlMaster=yes`, `ControlPersist`) and
/// every operation is a channel on it (`ControlMaster=no`), so a site sees
/// one connection per `collect` however many points run there. Openings
/// are serialised and counted; a master that died is reopened on the next
/// operation. At most ``SiteSettings/maxChannels`` operations are open at once.
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
    /// `serve` channels waiting for their next point; each holds a place under the channel cap.
    private var idleChannels: [SiteChannel] = []
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

    init(settings: SiteSettings, ssh: URL, socketFolder: URL, persistSeconds: Int = 60) {
        self.settings = settings
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

    /// Runs one point (its folder's `header` and tar) on a long-lived `serve` channel, opening one when none is idle.
    ///
    /// The reply is as ``call(_:input:scratch:label:waitSeconds:timeoutSeconds:)``'s:
    /// the script's status and the folder's tar. A channel that breaks throws
    /// `unreachable`, as an operation whose link failed does.
    func run(header: Data, archive: Data) async throws(Failure) -> Reply {
        try await openMaster()
        var reusable: SiteChannel?
        // An idle channel whose ssh ended meanwhile (the site restarted its sshd, say) is dropped, not handed a point.
        while reusable == nil, let idle = idleChannels.popLast() {
            if idle.isUsable { reusable = idle } else { retire(idle) }
        }
        let channel: SiteChannel
        if let reusable {
            channel = reusable
        } else {
            await takeChannel()
            do {
                channel = try SiteChannel(
                    ssh: ssh,
                    arguments: arguments(["-o", "ControlMaster=no", "-T"], remoteCommand: SiteScript.command(.serve)),
                    errorFile: URL(fileURLWithPath: NSTemporaryDirectory())
                        .appendingPathComponent("pesscan-channel-\(settings.connectionKey)-\(UInt32.random(in: 0...UInt32.max)).err"))
            } catch {
                giveBackChannel()
                throw .local("could not start \(ssh.path): \(error)")
            }
        }
        do {
            let reply = try await channel.exchange(header + TaskFiles.nulTerminated([String(archive.count)]) + archive)
            if channel.isUsable && !Task.isCancelled {
                idleChannels.append(channel)
            } else {
                retire(channel)
            }
            return reply
        } catch {
            retire(channel)
            masterUp = false
            if Task.isCancelled { throw .unreachable("stopped") }
            throw .unreachable("\(settings.host): \(error.why)")
        }
    }

    /// Closes a channel for good and frees its place under the cap.
    private func retire(_ channel: SiteChannel) {
        channel.close()
        giveBackChannel()
    }

    /// Closes every idle `serve` channel (at the end of a collect): the site's loops end.
    func closeIdleChannels() {
        let idle = idleChannels
        idleChannels = []
        for channel in idle { retire(channel) }
    }

    /// Notes a remote folder to delete; it goes with the next point's request, or with ``removeQueued(scratch:)``.
    func queueRemoval(_ name: String) { pendingRemovals.append(name) }

    /// Takes the folders waiting to be deleted, for an operation that deletes them.
    func takeRemovals() -> [String] {
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
