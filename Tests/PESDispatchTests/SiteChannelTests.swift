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

    /// A framed `serve` request for the folders `names`, each running `argv`, deleting `removals` first.
    func request(root: URL, names: [String], argv: [String], removals: [String] = []) throws -> Data {
        var archive = TarArchive()
        for name in names {
            archive.addFile("\(name)/input.txt", contents: Data("$(id) `id`; x\n".utf8))
            archive.addFile("\(name)/.pesscan/argv", contents: TaskFiles.nulTerminated(argv))
        }
        return SiteScript.serveRequest(root: root.path, removals: removals, names: names, archive: try archive.encoded())
    }

    /// A request of one point.
    func request(root: URL, name: String, argv: [String], removals: [String] = []) throws -> Data {
        try request(root: root, names: [name], argv: argv, removals: removals)
    }

    /// The folder of point `name` in an answer.
    func pointFolder(_ name: String, in answer: SiteChannel.Answer) throws -> TarArchive {
        try TarArchive.decode(answer.archive).folder(named: name)
    }

    /// The script's `wait` operation (one second at most) on point `name`, its header written to `input`.
    func waitOperation(root: URL, name: String, input: URL) async throws -> ProcessResult {
        try SiteScript.header(root: root.path, name: name).write(to: input)
        return try await ProcessRunner().run(
            executable: URL(fileURLWithPath: "/bin/bash"), arguments: ["-c", SiteScript.source, "pesscan-site", "wait", "1"],
            workDirectory: root, standardInput: input)
    }

    /// The first line of a member's text.
    func firstLine(of path: String, in archive: TarArchive) -> String? {
        archive.member(path)?.contents.flatMap { String(decoding: $0, as: UTF8.self).split(separator: "\n").first.map(String.init) }
    }

    @Test("three requests on one channel: each answer holds its folder, exit status and all, and removals happen")
    func pointAfterPoint() async throws {
        let (channel, root) = try channel()
        defer { channel.close() }
        let hostile = "a b'c\"$(touch pwned);`id`\nnext"
        let first = try await channel.exchange(request(
            root: root, name: "db/s/0/1", argv: ["/bin/sh", "-c", "cat input.txt; printf '%s' \"$1\"", "sh", hostile]), points: 1)
        #expect(first.statuses == [0], "\(first.messages)")
        let folder = try pointFolder("db/s/0/1", in: first)
        #expect(folder.member("stdout.txt")?.contents == Data("$(id) `id`; x\n\(hostile)".utf8))
        #expect(SiteLauncher.result(of: folder, in: root, argv: []).status == 0)
        #expect(SiteLauncher.result(of: folder, in: root, argv: []).host?.isEmpty == false, "the host name, without the start time")
        #expect(SiteLauncher.result(of: folder, in: root, argv: []).host?.contains("\n") == false)

        let second = try await channel.exchange(
            request(root: root, name: "db/s/1/2", argv: ["/bin/sh", "-c", "exit 7"], removals: ["db/s/0/1", "db/s/9/9"]), points: 1)
        #expect(second.statuses == [0])
        #expect(try firstLine(of: ".pesscan/status", in: pointFolder("db/s/1/2", in: second)) == "7")
        #expect(try pointFolder("db/s/1/2", in: second).outputs.member(".pesscan/status") == nil, "only the program's files are kept")
        // The listed folder is deleted beside the request's points, which do not wait for it.
        let deleted = root.appendingPathComponent("db/s/0/1").path
        let deadline = Date().addingTimeInterval(10)
        while FileManager.default.fileExists(atPath: deleted), Date() < deadline { try await Task.sleep(nanoseconds: 10_000_000) }
        #expect(!FileManager.default.fileExists(atPath: deleted), "the listed folder was deleted")

        // A refused request is answered with its status and message, and the loop goes on.
        let refused = try await channel.exchange(request(root: root, name: "db/s/1/2", argv: ["/bin/true"]), points: 1)
        #expect(refused.statuses == [93])
        #expect(refused.messages.first?.contains("exists already") == true)
        // Binary output over several blocks comes back whole: the answer is read member by member.
        let third = try await channel.exchange(request(
            root: root, name: "db/s/2/3", argv: ["/bin/sh", "-c", "head -c 5000 /dev/urandom > blob.bin"]), points: 1)
        #expect(third.statuses == [0])
        #expect(try pointFolder("db/s/2/3", in: third).member("blob.bin")?.contents?.count == 5000)
        #expect(channel.isUsable)
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("db/s/0/1/pwned").path))
        #expect(!FileManager.default.fileExists(atPath: "pwned"))
    }

    @Test("one request of three points: they run one after another and their folders come back in one answer, each its own")
    func severalPointsInOneRequest() async throws {
        let (channel, root) = try channel()
        defer { channel.close() }
        let names = ["db/s/0/1", "db/s/1/1", "db/s/2/1"]
        // Each point appends to one file outside its folder, so the order they ran in shows.
        let log = root.appendingPathComponent("order.log").path
        let answer = try await channel.exchange(
            request(root: root, names: names, argv: ["/bin/sh", "-c", "basename \"$(dirname \"$PWD\")\" >> \"$1\"; pwd", "sh", log]),
            points: 3)
        #expect(answer.statuses == [0, 0, 0], "\(answer.messages)")
        for name in names {
            let stdout = try pointFolder(name, in: answer).member("stdout.txt")?.contents.map { String(decoding: $0, as: UTF8.self) }
            #expect(stdout == root.appendingPathComponent(name).path + "\n", "each point ran in its own folder")
        }
        #expect(try String(contentsOfFile: log, encoding: .utf8) == "0\n1\n2\n", "one after another, in the request's order")
        // One folder that exists already refuses the whole request, and nothing of it is unpacked.
        let refused = try await channel.exchange(request(root: root, names: ["db/s/3/1", "db/s/0/1"], argv: ["/bin/true"]), points: 2)
        #expect(refused.statuses == [93, 93])
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("db/s/3/1").path))
    }

    @Test("two requests in flight on one channel: the second waits on the site behind the first, and each answer holds its own points")
    func twoRequestsInFlight() async throws {
        let (channel, root) = try channel()
        defer { channel.close() }
        let log = root.appendingPathComponent("order.log").path
        let argv = ["/bin/sh", "-c", "basename \"$(dirname \"$PWD\")\" >> \"$1\"; sleep 0.2; pwd", "sh", log]
        let firstNames = ["db/s/0/1", "db/s/1/1"]
        let secondNames = ["db/s/2/1", "db/s/3/1"]
        let first = Task { try await channel.exchange(request(root: root, names: firstNames, argv: argv), points: 2) }
        // The second begins once the first's points run, so it is written while the first is under way.
        let claim = root.appendingPathComponent("db/s/0/1/.pesscan/claim").path
        let deadline = Date().addingTimeInterval(30)
        while !FileManager.default.fileExists(atPath: claim), Date() < deadline { try await Task.sleep(nanoseconds: 10_000_000) }
        let second = try await channel.exchange(request(root: root, names: secondNames, argv: argv), points: 2)
        let firstAnswer = try await first.value
        for (names, answer) in [(firstNames, firstAnswer), (secondNames, second)] {
            #expect(answer.statuses == [0, 0], "\(answer.messages)")
            for name in names {
                let stdout = try pointFolder(name, in: answer).member("stdout.txt")?.contents.map { String(decoding: $0, as: UTF8.self) }
                #expect(stdout == root.appendingPathComponent(name).path + "\n", "\(name) came back in its own request's answer")
            }
        }
        #expect(try String(contentsOfFile: log, encoding: .utf8) == "0\n1\n2\n3\n", "one point at a time, the second request after the first")
        #expect(channel.isUsable)
    }

    @Test("a point given up before its request reached the site (still queued behind another) is refused when the request comes")
    func pointGivenUpBeforeItsRequestCame() async throws {
        let (channel, root) = try channel()
        defer { channel.close() }
        let wait = try await waitOperation(root: root, name: "db/s/0/1", input: root.appendingPathComponent("../wait.in"))
        #expect(wait.status == Int(SiteScript.unknownPoint), "\(wait.standardErrorTail)")
        let claim = root.appendingPathComponent("db/s/0/1/.pesscan/claim")
        #expect(try String(contentsOf: claim, encoding: .utf8) == "given up\n")
        let marker = root.appendingPathComponent("ran").path
        let late = try await channel.exchange(
            request(root: root, names: ["db/s/1/1", "db/s/0/1"], argv: ["/bin/sh", "-c", "touch \"$1\"", "sh", marker]), points: 2)
        #expect(late.statuses == [93, 93], "\(late.messages)")
        #expect(!FileManager.default.fileExists(atPath: marker), "no point of the late request ran")
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("db/s/1/1").path))
    }

    @Test("a point unpacked but not started is given up by a wait, and a serve loop then never starts it")
    func givenUpPointNeverStarts() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("serve-\(UUID().uuidString)")
        let folder = root.appendingPathComponent("db/s/0/1/.pesscan")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try TaskFiles.nulTerminated(["/bin/true"]).write(to: folder.appendingPathComponent("argv"))
        let wait = try await waitOperation(root: root, name: "db/s/0/1", input: root.appendingPathComponent("wait.in"))
        #expect(wait.status == Int(SiteScript.unknownPoint), "\(wait.standardErrorTail)")
        #expect(try String(contentsOf: folder.appendingPathComponent("claim"), encoding: .utf8) == "given up\n")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("status").path), "never started")
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
        let reply = try await channel.exchange(request(root: root, name: "db/s/0/1", argv: ["/bin/true"]), points: 1)
        #expect(reply.statuses == [0], "\(reply.messages)")
        let started = Date()
        let other = try await ProcessRunner().run(executable: URL(fileURLWithPath: "/bin/true"), arguments: [], workDirectory: root)
        #expect(other.status == 0)
        #expect(Date().timeIntervalSince(started) < 30, "a short child beside a live channel was reaped (not left waiting for the channel)")
    }

    @Test("a channel whose far end died throws, and is not used again")
    func brokenChannel() async throws {
        let (channel, root) = try channel()
        _ = try await channel.exchange(request(root: root, name: "db/s/0/1", argv: ["/bin/true"]), points: 1)
        channel.close()
        await #expect(throws: SiteChannel.Broken.self) {
            try await channel.exchange(request(root: root, name: "db/s/1/1", argv: ["/bin/true"]), points: 1)
        }
        #expect(!channel.isUsable)
    }

    @Test("cancelling the caller ends the wait at once; the program runs on, detached, for a later stop")
    func cancelledWait() async throws {
        let (channel, root) = try channel()
        let task = Task { try await channel.exchange(request(root: root, name: "db/s/0/1", argv: ["/bin/sleep", "90"]), points: 1) }
        let claimFile = root.appendingPathComponent("db/s/0/1/.pesscan/claim")
        func claimedPID() -> Int32? {
            let lines = ((try? String(contentsOf: claimFile, encoding: .utf8)) ?? "").split(separator: "\n")
            return lines.count > 1 ? Int32(lines[1]) : nil
        }
        let deadline = Date().addingTimeInterval(30)
        while claimedPID() == nil, Date() < deadline { try await Task.sleep(nanoseconds: 20_000_000) }
        let started = Date()
        task.cancel()
        await #expect(throws: SiteChannel.Broken.self) { try await task.value }
        #expect(Date().timeIntervalSince(started) < 45, "the wait ended long before the program (90 s) did")
        #expect(!channel.isUsable)
        let pid = try #require(claimedPID())
        #expect(kill(pid, 0) == 0, "the point's program outlives its channel, as it outlives a dropped link")
        kill(-pid, SIGKILL)
    }
}
