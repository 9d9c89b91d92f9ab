import Foundation
import PESEngines

/// An SSH site that is a cluster's login node: points go out as Slurm job arrays submitted there, and come back over SSH.
///
/// No filesystem is shared: a batch's job files and every task's folder go
/// to the site in one tar stream, `sbatch` runs there, one `squeue` per
/// look asks after all of the zone's batches, and the folders of finished
/// tasks come back in one tar stream per look. A later `collect` harvests
/// what an earlier one submitted (`collect --no-wait`).
struct SiteSlurmBackend: BatchBackend {
    /// The site: its connection, remote root and pesscan path.
    var site: SiteLauncher
    /// Partition, account, limits and polling of the site's Slurm.
    var settings: SlurmSettings

    func finish() async { await site.finish() }

    var pollSeconds: Double { settings.pollSeconds }
    var missingGraceSeconds: Double { settings.missingGraceSeconds }

    /// Slurm's commands run on the site.
    var client: SlurmClient {
        SlurmClient(scratch: URL(fileURLWithPath: site.settings.remoteRoot), commands: SiteSlurmCommands(site: site))
    }

    func submit(_ tasks: [(ProcessCommand, workDirectory: URL)], in folder: URL) async throws(SlurmClient.Failure) -> String {
        let root = site.settings.remoteRoot
        let batchName = SiteLauncher.nameBelowRuns(folder)
        var archive = TarArchive()
        var names = [batchName]
        do {
            // The job files name the site's paths; they are written here, then sent.
            let commands = tasks.map { task in
                (site.siteCommand(task.0), workDirectory: URL(fileURLWithPath: root + "/" + SiteLauncher.nameBelowRuns(task.workDirectory)))
            }
            _ = try SlurmBatch.write(commands: commands, zoneLimits: settings.limits, to: folder)
            try archive.addFolder(folder, prefix: "0")
            for (index, task) in tasks.enumerated() {
                try archive.addFolder(task.workDirectory, prefix: String(index + 1))
                names.append(SiteLauncher.nameBelowRuns(task.workDirectory))
            }
        } catch {
            throw SlurmClient.Failure(command: "sbatch", message: "cannot write the job files in \(folder.path): \(error)")
        }
        let stream: Data
        do {
            stream = try archive.encoded()
        } catch {
            throw SlurmClient.Failure(command: "sbatch", message: "cannot pack the batch for \(site.settings.host): \(error)")
        }
        let reply: SiteConnection.Reply
        do {
            reply = try await site.connection.call(
                .stage, input: SiteScript.header(root: root, name: "", list: names) + stream, scratch: folder,
                label: "pesscan-stage-\(folder.lastPathComponent)")
        } catch {
            throw SlurmClient.Failure(command: "sbatch", message: "cannot send the batch to \(site.settings.host): \(error)")
        }
        guard reply.status == 0 else {
            throw SlurmClient.Failure(
                command: "sbatch",
                message: "\(site.settings.host) could not take the batch's files (exit \(reply.status)): \(reply.errorText.split(separator: "\n").last.map(String.init) ?? "")")
        }
        let remoteBatch = URL(fileURLWithPath: root + "/" + batchName)
        return try await client.submitArray(
            script: remoteBatch.appendingPathComponent("pesscan-array.sh"), taskCount: tasks.count, settings: settings,
            jobName: "pesscan", workDirectory: remoteBatch)
    }

    func queuedTasks(batches: [String], in folder: URL) async throws(SlurmClient.Failure) -> [String: String] {
        try await client.queuedTasks(arrayJobs: batches)
    }

    func finalState(task: String, in folder: URL) async throws(SlurmClient.Failure) -> SlurmClient.FinalState? {
        try await client.finalState(task: task)
    }

    /// Fetches the folders of every finished task among these in one tar stream; only the asked-for folders are written.
    func fetchFinished(workDirectories: [URL]) async {
        guard let first = workDirectories.first else { return }
        let byName = Dictionary(workDirectories.map { (SiteLauncher.nameBelowRuns($0), $0) }, uniquingKeysWith: { one, _ in one })
        let names = byName.keys.sorted()
        let scratch = first.deletingLastPathComponent()
        guard let reply = try? await site.connection.call(
            .fetch, input: SiteScript.header(root: site.settings.remoteRoot, name: "", list: names), scratch: scratch,
            label: "pesscan-fetch-\(UInt32.random(in: 0...UInt32.max))"),
            reply.status == 0, !reply.output.isEmpty, let archive = try? TarArchive.decode(reply.output)
        else { return }
        var fetched = Set<String>()
        for name in names {
            guard let folder = byName[name] else { continue }
            var own = archive.folder(named: name)
            guard !own.members.isEmpty else { continue }
            // The exit status is written last, so a folder is harvested only once all its files are here.
            own.members.sort { ($0.path == SlurmBatch.exitFile ? 1 : 0) < ($1.path == SlurmBatch.exitFile ? 1 : 0) }
            if (try? own.write(into: folder)) != nil { fetched.insert(name) }
        }
        if !site.settings.keepRemote {
            for name in fetched.sorted() { await site.connection.queueRemoval(name) }
        }
    }

    func harvest(workDirectory: URL) -> ProcessResult? {
        SlurmBatch.harvest(workDirectory: workDirectory)
    }
}

/// Slurm's commands run on an SSH site through its connection.
struct SiteSlurmCommands: SlurmCommands {
    let site: SiteLauncher

    func run(_ command: String, _ arguments: [String], scratch: URL) async throws(SlurmClient.Failure) -> ProcessResult {
        let folder = URL(fileURLWithPath: NSTemporaryDirectory())
        let reply: SiteConnection.Reply
        do {
            reply = try await site.connection.call(
                .exec, input: SiteScript.header(root: site.settings.remoteRoot, name: "", list: [command] + arguments),
                scratch: folder, label: "pesscan-\(command)-\(UInt32.random(in: 0...UInt32.max))", timeoutSeconds: 120)
        } catch {
            throw SlurmClient.Failure(command: command, message: "on \(site.settings.host): \(error)")
        }
        return ProcessResult(
            status: Int(reply.status), signalled: false, cancelled: false,
            standardOutput: String(decoding: reply.output, as: UTF8.self), standardErrorTail: reply.errorText)
    }
}
