import Foundation
import Testing

@testable import PESDispatch

/// The pieces of the SSH-site exchange that need no site: tar streams, the script's header, the ssh argv, zone entries.
@Suite("SSH sites: tar streams, header, argv and zone entries")
struct SiteProtocolTests {
    @Test("a tar stream written here reads back byte for byte, long names and binary contents included")
    func tarRoundTrip() throws {
        var archive = TarArchive()
        let binary = Data((0...255).map { UInt8($0) } + [0, 0, 10])
        let longName = String(repeating: "d", count: 90) + "/" + String(repeating: "f", count: 80) + ".out"
        archive.addFile("input.inp", contents: Data("H 0 0 0\n".utf8))
        archive.addFile(".pesscan/argv", contents: binary, mode: 0o600)
        archive.addFile(longName, contents: Data(repeating: 7, count: 1025))
        let decoded = try TarArchive.decode(archive.encoded())
        #expect(decoded.member("input.inp")?.contents == Data("H 0 0 0\n".utf8))
        #expect(decoded.member(".pesscan/argv")?.contents == binary)
        #expect(decoded.member(longName)?.contents?.count == 1025)
    }

    @Test("GNU tar's output is read, and what it wrote lands in the folder")
    func readsGNUTar() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tar-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("a/b"), withIntermediateDirectories: true)
        try Data("x y\n".utf8).write(to: folder.appendingPathComponent("a/b/with space.txt"))
        let tarFile = try gnuTar(of: "./a", in: folder)
        let archive = try TarArchive.decode(Data(contentsOf: tarFile))
        #expect(archive.member("a/b/with space.txt")?.contents == Data("x y\n".utf8))
        let target = folder.appendingPathComponent("copy")
        try archive.write(into: target)
        #expect(try String(contentsOf: target.appendingPathComponent("a/b/with space.txt"), encoding: .utf8) == "x y\n")
    }

    @Test("members that climb out, are absolute or are links are refused", arguments: ["../escape", "/etc/passwd", "a/../../b"])
    func refusesEscapes(_ path: String) throws {
        var archive = TarArchive()
        archive.addFile(path, contents: Data("x".utf8))
        #expect(throws: TarArchive.Failure.self) { try TarArchive.decode(archive.encoded()) }
    }

    @Test("a symbolic link in a stream is refused")
    func refusesLinks() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tar-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("link").path, withDestinationPath: "/etc")
        let tarFile = try gnuTar(of: "link", in: folder)
        #expect(throws: TarArchive.Failure.self) { try TarArchive.decode(Data(contentsOf: tarFile)) }
    }

    @Test("the header is NUL-terminated fields and the remote command holds no value")
    func headerAndCommand() {
        let header = SiteScript.header(root: "/r o'ot", name: "db/s/0/1", list: ["a;b", "$(x)"])
        #expect(header == Data("/r o'ot\u{0}db/s/0/1\u{0}2\u{0}a;b\u{0}$(x)\u{0}".utf8))
        let command = SiteScript.command(.serve, waitSeconds: 30)
        #expect(command.hasPrefix("exec bash -c '") && command.hasSuffix("' pesscan-site serve 30"))
    }

    @Test("ssh argv: strict host keys, batch mode, the control socket, -- before the host")
    func sshArguments() {
        let settings = SiteSettings(host: "hpc", port: 2222, user: "me", proxyJump: "bastion", remoteRoot: "/scratch")
        let argv = settings.sshOptions(controlPath: "/tmp/pesscan-ssh-0/x")
        #expect(argv.contains("StrictHostKeyChecking=yes") && argv.contains("BatchMode=yes"))
        #expect(argv.contains("ControlPath=/tmp/pesscan-ssh-0/x"))
        #expect(argv.contains("-J") && argv.contains("bastion") && argv.contains("2222"))
        let other = SiteSettings(host: "hpc", port: 2222, user: "me", knownHostsFile: "/k", remoteRoot: "/scratch")
        #expect(settings.connectionKey != other.connectionKey)
    }

    @Test("zone entries: a site needs host and remote_root; values that could be options or span lines are refused")
    func zoneEntries() throws {
        let good = try ZoneFile.parse(
            "zones:\n  - name: s\n    kind: ssh\n    host: hpc\n    remote_root: /scratch/me\n    run: slurm\n    partition: debug\n",
            path: "z.yaml")
        #expect(good.first?.site?.run == .slurm && good.first?.slurm?.partition == "debug")
        #expect(good.first?.resolvedSlots == 100)
        for (entry, field) in [
            ("    host: -oProxyCommand=x\n    remote_root: /r\n", "host"),
            ("    remote_root: /r\n", "host"),
            ("    host: h\n", "remote_root"),
            ("    host: h\n    remote_root: /r\n    run: teleport\n", "run"),
            ("    host: h\n    remote_root: /r\n    partition: debug\n", "partition"),
            ("    host: h\n    remote_root: /r\n    run: container\n", "image"),
            ("    host: h\n    remote_root: /r\n    points_per_request: 65\n", "points_per_request"),
            ("    host: h\n    remote_root: /r\n    run: slurm\n    points_per_request: 4\n", "points_per_request"),
        ] {
            #expect(throws: ZoneFileError.self, "\(field)") {
                try ZoneFile.parse("zones:\n  - name: s\n    kind: ssh\n" + entry, path: "z.yaml")
            }
        }
        #expect(throws: ZoneFileError.self) {
            try ZoneFile.parse("zones:\n  - name: l\n    kind: local\n    host: h\n", path: "z.yaml")
        }
        let tooMany = try ZoneFile.parse(
            "zones:\n  - name: s\n    kind: ssh\n    host: h\n    remote_root: /r\n    slots: 12\n", path: "z.yaml")
        #expect(throws: DispatchError.self) { try tooMany[0].makeZone() }
        let batched = try ZoneFile.parse(
            "zones:\n  - name: s\n    kind: ssh\n    host: h\n    remote_root: /r\n    slots: 2\n    points_per_request: 8\n",
            path: "z.yaml")
        #expect(batched[0].site?.pointsPerRequest == 8)
        let zone = try batched[0].makeZone()
        #expect(zone.slots == 2 && zone.heldPoints == 32, "the zone holds slots × points_per_request points, two requests a channel, 2 running")
        #expect(good.first?.site?.pointsPerRequest == 1)
    }

    @Test("the three-site example in Inputs reads: a local zone, a container site and a Slurm login node")
    func threeSiteExample() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Inputs/sites.example.yaml")
        let zones = try ZoneFile.load(from: url)
        #expect(zones.map(\.name) == ["workstation", "lab-server", "cluster"])
        #expect(zones[1].site?.run == .container && zones[1].image == "localhost/pesscan-model:test")
        #expect(zones[2].site?.run == .slurm && zones[2].slurm?.partition == "compute" && zones[2].resolvedSlots == 100)
    }

    /// `member` of `folder` packed by GNU tar into `folder/out.tar`.
    func gnuTar(of member: String, in folder: URL) throws -> URL {
        let tarFile = folder.appendingPathComponent("out.tar")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/tar")
        process.arguments = ["-C", folder.path, "-cf", tarFile.path, member]
        try process.run()
        process.waitUntilExit()
        return tarFile
    }
}
