import Foundation
import PESEngines

/// Runs a point's program on an SSH site: its folder sent in one tar stream, the program started there detached, the folder fetched back.
///
/// Nothing is shared with the site but the connection. One request on a
/// long-lived channel (``SiteChannel``) does the whole point when the link
/// holds (unpack, start, wait, send back);
/// the program runs detached from the connection, so when the link drops
/// the point is not lost: pesscan reconnects with back-off and fetches the
/// finished folder, for up to ``SiteSettings/unreachableSeconds``. Then the
/// point is given up as a launch failure and retried elsewhere. The files
/// that come back are parsed here exactly like a local point's.
public struct SiteLauncher: ProcessLauncher {
    /// The site's connection, shared by the zone's points.
    let connection: SiteConnection
    /// The site.
    public var settings: SiteSettings
    /// For `run: container`: how the site's runtime is called (its argv after the runtime).
    public var container: ContainerLauncher?
    /// For `run: container`: the runtime's name or path on the site (podman by default).
    public var runtime: String
    /// Path of pesscan on the site (or in the site's image), for engines that run pesscan itself.
    public var pesscanPath: String
    /// The zone's resource limits, set over each point's own (by bash's `ulimit` on the site, `--ulimit` in its containers).
    public var zoneLimits: ResourceLimits = .none

    init(connection: SiteConnection, settings: SiteSettings, container: ContainerLauncher?, runtime: String, pesscanPath: String) {
        self.connection = connection
        self.settings = settings
        self.container = container
        self.runtime = runtime
        self.pesscanPath = pesscanPath
    }

    public var image: String? { container?.imageName }

    /// The point's folder on the site: the remote root, then its local work folder's path below `runs/`.
    func remoteFolder(for workDirectory: URL) -> (name: String, path: String) {
        let name = Self.nameBelowRuns(workDirectory)
        return (name, settings.remoteRoot + "/" + name)
    }

    /// A work folder's path below the results folder's `runs/` (`<database>/<scan>/<index>/<attempt>`), the same on every site.
    static func nameBelowRuns(_ folder: URL) -> String {
        let components = folder.standardizedFileURL.pathComponents
        guard let runs = components.lastIndex(of: "runs"), runs + 1 < components.count else {
            return components.suffix(4).joined(separator: "/")
        }
        return components[(runs + 1)...].joined(separator: "/")
    }

    /// The argv of a command as the site runs it directly: pesscan mapped to its path there, other programs as the engine names them.
    func siteArgv(_ command: ProcessCommand) -> [String] {
        [command.isPesscan ? pesscanPath : command.program] + command.arguments
    }

    /// The command as the site runs it directly, with its environment and limits kept.
    func siteCommand(_ command: ProcessCommand) -> ProcessCommand {
        var remote = command
        let argv = siteArgv(command)
        remote.executable = URL(fileURLWithPath: argv[0])
        remote.arguments = Array(argv.dropFirst())
        return remote
    }

    /// The argv run on the site, and the argv that cleans up after a stopped run (removing its container).
    func remoteCommand(_ command: ProcessCommand, remoteFolder: String, label: String) -> (argv: [String], cleanup: [String]) {
        guard let container else { return (siteArgv(command), []) }
        let name = ContainerLauncher.containerName(label)
        return (
            [runtime] + container.arguments(for: command, workDirectory: URL(fileURLWithPath: remoteFolder), label: name),
            [runtime, "rm", "--force", "--ignore", name]
        )
    }

    /// The engine's own variables (threads, profile, `env.NAME`): what crosses to the site, as to a container; the rest is the site's.
    static func engineEnvironment(_ command: ProcessCommand) -> [String] {
        command.engineEnvironment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
    }


    /// The header of an operation on the point's folder `name`, with no list.
    func header(_ name: String) -> Data { SiteScript.header(root: settings.remoteRoot, name: name) }

    public func launch(_ command: ProcessCommand, workDirectory: URL, label: String) async -> ProcessResult {
        let (name, folder) = remoteFolder(for: workDirectory)
        let scratch = workDirectory.deletingLastPathComponent()
        let tag = workDirectory.lastPathComponent
        let (argv, cleanup) = remoteCommand(command, remoteFolder: folder, label: label)
        var files = TarArchive()
        do {
            // Members are named after the folder below the remote root, so the site's tar makes every folder.
            try files.addFolder(workDirectory, prefix: name)
        } catch {
            return .launchFailed("could not pack the point's files for \(settings.host): \(error)")
        }
        // A direct run sets its limits with bash's `ulimit` on the site, as Slurm tasks do; a container gets `--ulimit`.
        let limits = container == nil ? TaskFiles.ulimitLines(command.limits.overridden(by: zoneLimits)) : ""
        let bookkeepingFiles = [
            ("argv", TaskFiles.nulTerminated(argv)), ("env", TaskFiles.nulTerminated(Self.engineEnvironment(command))),
            ("limits", Data(limits.utf8)), ("cleanup", TaskFiles.nulTerminated(cleanup)),
        ]
        // Only files with something in them are sent: every file is an inode made, and later deleted, on the site.
        for (file, contents) in bookkeepingFiles where !contents.isEmpty {
            files.addFile("\(name)/\(Self.bookkeeping)/\(file)", contents: contents)
        }
        let reply: SiteConnection.PointReply
        do {
            reply = try await connection.run(SiteConnection.PointRequest(name: name, files: files))
        } catch {
            if Task.isCancelled { return await stop(name: name, folder: folder, scratch: scratch, tag: tag) }
            switch error {
            case .refused(let why):
                return Self.refused(why)
            case .local(let why), .notConnected(let why):
                return .launchFailed(why)
            case .unreachable:
                // The link failed: before the program started (the site has no folder) or while it ran.
                return await recover(name: name, folder: folder, scratch: scratch, tag: tag, workDirectory: workDirectory, argv: argv)
            }
        }
        if Task.isCancelled { return await stop(name: name, folder: folder, scratch: scratch, tag: tag) }
        return await finish(reply, name: name, folder: folder, scratch: scratch, tag: tag, workDirectory: workDirectory, argv: argv)
    }

    /// Turns a point's reply into its result: its folder written back here, or why it could not run.
    private func finish(
        _ reply: SiteConnection.PointReply, name: String, folder: String, scratch: URL, tag: String, workDirectory: URL,
        argv: [String]
    ) async -> ProcessResult {
        switch reply.status {
        case 0:
            do {
                try reply.folder.outputs.write(into: workDirectory)
            } catch {
                return unusableFiles(of: folder, error)
            }
            var result = Self.result(of: reply.folder, in: workDirectory, argv: argv)
            if let container { result.launchFailure = container.launchFailure(of: result, runtimeName: runtime) }
            if !settings.keepRemote { await connection.queueRemoval(name) }
            return result
        case SiteScript.stillRunning:
            return await recover(name: name, folder: folder, scratch: scratch, tag: tag, workDirectory: workDirectory, argv: argv)
        case SiteScript.unknownPoint:
            return .launchFailed("\(settings.host) did not start the point: \(ErrorLine.meaningful(in: reply.errorText) ?? "its folder is gone")")
        case SiteScript.stagingFailed where reply.errorText.contains("No space left on device"):
            var result = ProcessResult.launchFailed(
                "no space left on device in \(folder) on \(settings.host); free space there and run collect again")
            result.fullDiskFolder = "\(settings.host):\(settings.remoteRoot)"
            return result
        default:
            return .launchFailed(
                "\(settings.host) could not run the point (exit \(reply.status)): \(ErrorLine.meaningful(in: reply.errorText) ?? "exit \(reply.status)")")
        }
    }

    /// A point whose folder came back but could not be read or written here.
    private func unusableFiles(of folder: String, _ error: TarArchive.Failure) -> ProcessResult {
        .launchFailed("the files of \(folder) came back from \(settings.host) unusable: \(error)")
    }

    /// Waits for a site whose link failed, with back-off, until the point's folder comes back or the site is given up.
    private func recover(name: String, folder: String, scratch: URL, tag: String, workDirectory: URL, argv: [String]) async -> ProcessResult {
        let deadline = ContinuousClock.now + .seconds(settings.unreachableSeconds)
        var pause = 1.0
        var lastWhy = "\(settings.host) stopped answering"
        while ContinuousClock.now < deadline {
            if Task.isCancelled { return await stop(name: name, folder: folder, scratch: scratch, tag: tag) }
            try? await Task.sleep(for: .seconds(pause))
            if Task.isCancelled { return await stop(name: name, folder: folder, scratch: scratch, tag: tag) }
            do {
                // Each look waits on the site at most until the give-up time, and is stopped if the site stalls.
                let remaining = deadline - ContinuousClock.now
                let waitSeconds = max(1, min(20, Int(remaining.components.seconds)))
                let reply = try await connection.call(
                    .wait, input: header(name), scratch: scratch, label: tag, waitSeconds: waitSeconds,
                    timeoutSeconds: Double(waitSeconds + settings.connectTimeoutSeconds + 5))
                pause = 1
                switch reply.status {
                case SiteScript.stillRunning: continue
                case SiteScript.unknownPoint:
                    // The program never started: the link failed while the files were on their way.
                    return .launchFailed("the connection to \(settings.host) failed before the point started: \(lastWhy)")
                default:
                    let pointReply: SiteConnection.PointReply
                    do {
                        pointReply = try SiteConnection.PointReply(reply)
                    } catch {
                        return unusableFiles(of: folder, error)
                    }
                    return await finish(
                        pointReply, name: name, folder: folder, scratch: scratch, tag: tag, workDirectory: workDirectory, argv: argv)
                }
            } catch {
                switch error {
                case .refused(let why):
                    return Self.refused(why)
                case .unreachable(let why), .notConnected(let why), .local(let why): lastWhy = why
                }
                pause = min(pause * 2, 15)
            }
        }
        return .launchFailed(
            "\(settings.host) was unreachable for \(Int(settings.unreachableSeconds)) s while the point ran (\(lastWhy)); its folder \(folder) stays on the site")
    }

    /// Stops a started point on the site (its process group, and its container), then reports the run cancelled.
    private func stop(name: String, folder: String, scratch: URL, tag: String) async -> ProcessResult {
        let connection = connection
        let request = header(name)
        // The calling task is cancelled; the stop runs in its own task so its ssh is not stopped too.
        await Task.detached {
            _ = try? await connection.call(.kill, input: request, scratch: scratch, label: tag)
        }.value
        return ProcessResult(status: -1, signalled: false, cancelled: true, standardOutput: "", standardErrorTail: "")
    }

    /// A launch failure that waiting will not cure (a refused host key or login): the zone stops for the run.
    static func refused(_ why: String) -> ProcessResult {
        var result = ProcessResult.launchFailed(why)
        result.launchFailureStopsZone = true
        return result
    }

    /// Deletes the remote folders still queued, in one operation; called when a collect ends.
    public func finish() async {
        await connection.removeQueued(scratch: URL(fileURLWithPath: NSTemporaryDirectory()))
    }

    /// The folder below a point's folder where the site script keeps its files (argv, claim, status).
    static let bookkeeping = ".pesscan"

    /// The result of a finished run from what came back: exit status, host and process id from the script's files, output from the folder.
    ///
    /// The script's `status` file holds the exit status, the end time, the
    /// host name and the start time, a line each; its `claim` file says
    /// `started`, then the process id.
    static func result(of archive: TarArchive, in workDirectory: URL, argv: [String]) -> ProcessResult {
        func text(_ file: String, line: Int) -> String {
            let contents = archive.member("\(bookkeeping)/\(file)")?.contents ?? Data()
            let lines = String(decoding: contents, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            return line < lines.count ? lines[line].trimmingCharacters(in: .whitespaces) : ""
        }
        let statusText = text("status", line: 0)
        let host = text("status", line: 2)
        let pid = text("claim", line: 1)
        var result: ProcessResult
        if let status = Int(statusText) {
            result = TaskFiles.finished(status: status, in: workDirectory)
            if !result.signalled, status == 127 || status == 126 {
                result.launchFailure =
                    "\(argv.first ?? "the program") \(status == 127 ? "was not found" : "cannot be run") on \(host.isEmpty ? "the site" : host) (exit \(status)): \(result.standardErrorTail.split(separator: "\n").last.map(String.init) ?? "")"
            }
        } else {
            result = .launchFailed("the site stopped the program before it finished (\(statusText.isEmpty ? "no status" : statusText))")
        }
        result.host = host.isEmpty ? nil : host
        result.jobID = pid.isEmpty ? nil : "pid \(pid)"
        return result
    }
}

/// What `pesscan zones` found on an SSH site.
public struct SiteFacts: Sendable, Codable, Equatable {
    /// The site's host name, as it reports it.
    public var host: String
    /// Whether pesscan can create folders under the remote root.
    public var remoteRootWritable: Bool
    /// Each program looked for and where it is on the site's PATH (nil when absent).
    public var programs: [String: String?]
    /// Each image asked for and whether the site's runtime has it.
    public var images: [String: Bool]
}

extension SiteLauncher {
    /// Asks the site for its host name, a writable remote root, the programs points need there, and the image for containers.
    func check(programs: [String] = []) async throws(SiteConnection.Failure) -> SiteFacts {
        var list = ["tar"] + programs.filter { !$0.contains("\t") }
        if let container {
            list += [runtime, runtime + "\t" + container.imageName]
        } else {
            list.append(pesscanPath)
        }
        if settings.run == .slurm { list += ["bash", "sbatch", "squeue", "scontrol", "scancel"] }
        let scratch = URL(fileURLWithPath: NSTemporaryDirectory())
        let reply = try await connection.call(
            .check, input: SiteScript.header(root: settings.remoteRoot, name: "", list: list), scratch: scratch,
            label: "pesscan-check-\(UInt32.random(in: 0...UInt32.max))")
        guard reply.status == 0 else {
            throw .unreachable(
                "\(settings.host) could not run pesscan's site script (exit \(reply.status)): \(reply.errorText.split(separator: "\n").last.map(String.init) ?? ""); the site needs bash 4.4 or later")
        }
        var facts = SiteFacts(host: "", remoteRootWritable: false, programs: [:], images: [:])
        for line in String(decoding: reply.output, as: UTF8.self).split(separator: "\n") {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            switch fields.first {
            case "host": facts.host = fields.dropFirst().joined(separator: "\t")
            case "root": facts.remoteRootWritable = fields.count > 1 && fields[1] == "writable"
            case "program" where fields.count >= 3: facts.programs[fields[1]] = fields[2].isEmpty ? String?.none : fields[2]
            case "image" where fields.count >= 3: facts.images[fields[1]] = fields[2] == "present"
            default: continue
            }
        }
        return facts
    }
}

extension TarArchive {
    /// The members a point's program left in its folder, without the site script's own files.
    var outputs: TarArchive {
        var kept = self
        kept.members.removeAll { $0.path == SiteLauncher.bookkeeping || $0.path.hasPrefix(SiteLauncher.bookkeeping + "/") }
        return kept
    }
}
