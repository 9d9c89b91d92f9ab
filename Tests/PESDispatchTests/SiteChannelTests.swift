import Foundation
import PESEngines
import Testing

@testable import PESDispatch

/// The site script's `serve` loop driven through a ``SiteChannel`` whose "ssh" is a local bash: framing, values, breaks.
@Suite("SSH sites: one long-lived channel runs point after point")
struct SiteChannelTests {
    /// A channel to the script running here, and its remote root.
    func channel() throws -> (SiteChannel, root: URL) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("serve-\(UUID().uuidString)/root o'ot")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let channel = try SiteChannel(
            ssh: URL(fileURLWithPath: "/bin/bash"), arguments: ["-c", SiteScript.source, "pesscan-site", "serve", "30"],
            errorFile: root.deletingLastPathComponent().appendingPathComponent("channel.err"))
        return (channel, root)
    }

    /// A framed `run` request for folder `name` running `argv`, deleting `removals` first.
    func request(root: URL, name: String, argv: [String], removals: [String] = []) throws -> Data {
        var archive = TarArchive()
        archive.addFile("input.txt", contents: Data("$(id) `id`; x\n".utf8))
        archive.addFile(".pesscan/argv", contents: TaskFiles.nulTerminated(argv))
        archive.addFile(".pesscan/env", contents: Data())
        archive.addFile(".pesscan/limits", contents: Data())
        archive.addFile(".pesscan/cleanup", contents: Data())
        let stream = try archive.encoded()
        return SiteScript.header(root: root.path, name: name, list: removals) + TaskFiles.nulTerminated([String(stream.count)]) + stream
    }

    @Test("three runs on one channel: each reply is its own folder, exit status and all, and removals happen")
    func pointAfterPoint() async throws {
        let (channel, root) = try channel()
        defer { channel.close() }
        let hostile = "a b'c\"$(touch pwned);`id`\nnext"
        let first = try await channel.exchange(request(
            root: root, name: "db/s/0/1", argv: ["/bin/sh", "-c", "cat input.txt; printf '%s' \"$1\"", "sh", hostile]))
        #expect(first.status == 0, "\(first.errorText)")
        let folder = try TarArchive.decode(first.output)
        #expect(folder.member("stdout.txt")?.contents == Data("$(id) `id`; x\n\(hostile)".utf8))
        #expect(folder.member(".pesscan/status")?.contents == Data("0\n".utf8))

        let second = try await channel.exchange(request(root: root, name: "db/s/1/2", argv: ["/bin/sh", "-c", "exit 7"], removals: ["db/s/0/1"]))
        #expect(second.status == 0)
        #expect(try TarArchive.decode(second.output).member(".pesscan/status")?.contents == Data("7\n".utf8))
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("db/s/0/1").path), "the listed folder was deleted")

        // A refused request is answered with its status and message, and the loop goes on.
        let refused = try await channel.exchange(request(root: root, name: "db/s/1/2", argv: ["/bin/true"]))
        #expect(refused.status == 93)
        #expect(refused.errorText.contains("exists already"))
        let third = try await channel.exchange(request(root: root, name: "db/s/2/3", argv: ["/bin/true"]))
        #expect(third.status == 0)
        #expect(channel.isUsable)
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("db/s/0/1/pwned").path))
        #expect(!FileManager.default.fileExists(atPath: "pwned"))
    }

    @Test("a channel whose client closes the descriptors it inherited (as ssh does) does not stop other children being reaped")
    func otherChildrenReaped() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("serve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let closeInherited = #"for fd in /proc/$$/fd/*; do fd=${fd##*/}; [ "$fd" -gt 2 ] && eval "exec $fd>&-"; done; exec bash -c "$0" pesscan-site serve 30"#
        let channel = try SiteChannel(
            ssh: URL(fileURLWithPath: "/bin/bash"), arguments: ["-c", closeInherited, SiteScript.source],
            errorFile: root.appendingPathComponent("channel.err"))
        defer { channel.close() }
        let reply = try await channel.exchange(request(root: root, name: "db/s/0/1", argv: ["/bin/true"]))
        #expect(reply.status == 0, "\(reply.errorText)")
        let started = Date()
        let other = try await ProcessRunner().run(executable: URL(fileURLWithPath: "/bin/true"), arguments: [], workDirectory: root)
        #expect(other.status == 0)
        #expect(Date().timeIntervalSince(started) < 10, "a short child beside a live channel ended in time")
    }

    @Test("a channel whose far end died throws, and is not used again")
    func brokenChannel() async throws {
        let (channel, root) = try channel()
        _ = try await channel.exchange(request(root: root, name: "db/s/0/1", argv: ["/bin/true"]))
        channel.close()
        await #expect(throws: SiteChannel.Broken.self) {
            try await channel.exchange(request(root: root, name: "db/s/1/1", argv: ["/bin/true"]))
        }
        #expect(!channel.isUsable)
    }

    @Test("cancelling the caller ends the wait at once; the program runs on, detached, for a later stop")
    func cancelledWait() async throws {
        let (channel, root) = try channel()
        let task = Task { try await channel.exchange(request(root: root, name: "db/s/0/1", argv: ["/bin/sleep", "20"])) }
        let pidFile = root.appendingPathComponent("db/s/0/1/.pesscan/pid")
        let deadline = Date().addingTimeInterval(10)
        while !FileManager.default.fileExists(atPath: pidFile.path), Date() < deadline { try await Task.sleep(nanoseconds: 20_000_000) }
        let started = Date()
        task.cancel()
        await #expect(throws: SiteChannel.Broken.self) { try await task.value }
        #expect(Date().timeIntervalSince(started) < 5)
        #expect(!channel.isUsable)
        let pid = try #require(Int32(String(contentsOf: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(kill(pid, 0) == 0, "the point's program outlives its channel, as it outlives a dropped link")
        kill(-pid, SIGKILL)
    }
}
