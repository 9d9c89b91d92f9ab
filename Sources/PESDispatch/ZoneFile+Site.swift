import Foundation
import PESEngines
import Yams

extension ZoneFile {
    /// Keys that only SSH zones take.
    static let siteKeys: Set<String> = [
        "host", "port", "user", "identity_file", "proxy_jump", "ssh_config", "known_hosts", "remote_root", "run",
        "max_channels", "keep_remote", "unreachable_seconds", "connect_timeout_seconds", "points_per_request",
    ]

    /// The site settings of an SSH zone entry, validated: no value may start an option or break a line.
    static func siteSettings(_ fields: [String: Node], zone: String, line: Int?, path: String) throws(ZoneFileError) -> SiteSettings {
        func fail(_ key: String, _ message: String) -> ZoneFileError {
            ZoneFileError(path: path, line: fields[key]?.mark?.line ?? line, message: "zone \"\(zone)\", field \"\(key)\": \(message)")
        }
        func text(_ key: String) throws(ZoneFileError) -> String? {
            guard let node = fields[key] else { return nil }
            guard let value = node.scalar?.string, !value.isEmpty else { throw fail(key, "must be text") }
            guard !value.contains(where: \.isNewline), !value.contains("\u{0}") else { throw fail(key, "must be on one line") }
            return value
        }
        func word(_ key: String) throws(ZoneFileError) -> String? {
            guard let value = try text(key) else { return nil }
            guard !value.hasPrefix("-"), !value.contains(where: \.isWhitespace) else {
                throw fail(key, "\"\(value)\" must be one word that does not start with '-'")
            }
            return value
        }
        func number(_ key: String, _ range: ClosedRange<Double>) throws(ZoneFileError) -> Double? {
            try ZoneFile.number(fields, key, range, fail: fail)
        }
        guard let host = try word("host") else { throw fail("host", "an ssh zone needs the host (a name or an alias from ~/.ssh/config)") }
        guard let remoteRoot = try text("remote_root") else {
            throw fail("remote_root", "an ssh zone needs the folder on the site its points' folders go under, e.g. /scratch/you/pesscan")
        }
        guard !remoteRoot.hasPrefix("-"), !remoteRoot.hasPrefix("~") else {
            throw fail("remote_root", "must be an absolute path, or a path relative to the login folder (no ~)")
        }
        var run = SiteRun.direct
        if let runText = try word("run") {
            guard let value = SiteRun(rawValue: runText) else {
                throw fail("run", "\"\(runText)\" is not a way to run; use one of \(SiteRun.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            run = value
        }
        if run == .container, remoteRoot.contains(":") || remoteRoot.contains(",") {
            throw fail("remote_root", "cannot hold ':' or ',' when points run in containers (it is mounted with --volume)")
        }
        var keepRemote = false
        if let node = fields["keep_remote"] {
            guard let value = node.bool else { throw fail("keep_remote", "must be true or false") }
            keepRemote = value
        }
        for key in ["identity_file", "ssh_config", "known_hosts"] {
            if let value = try text(key), !value.hasPrefix("/"), !value.hasPrefix("~/") {
                throw fail(key, "must be an absolute path (or start with ~/)")
            }
        }
        func expanded(_ key: String) throws(ZoneFileError) -> String? {
            guard let value = try text(key) else { return nil }
            return value.hasPrefix("~/") ? NSHomeDirectory() + value.dropFirst(1) : value
        }
        let pointsPerRequest = try number("points_per_request", 1...Double(SiteScript.maximumPointsPerRequest)).map { Int($0) } ?? 1
        if run == .slurm, pointsPerRequest != 1 {
            throw fail("points_per_request", "applies to ssh zones with run: direct or container (a Slurm site sends its points as arrays)")
        }
        return SiteSettings(
            host: host, port: try number("port", 1...65_535).map { Int($0) }, user: try word("user"),
            identityFile: try expanded("identity_file"), proxyJump: try word("proxy_jump"), configFile: try expanded("ssh_config"),
            knownHostsFile: try expanded("known_hosts"), remoteRoot: remoteRoot, run: run,
            maxChannels: try number("max_channels", 1...64).map { Int($0) } ?? 8, keepRemote: keepRemote,
            unreachableSeconds: try number("unreachable_seconds", 1...86_400) ?? 120,
            connectTimeoutSeconds: try number("connect_timeout_seconds", 1...600).map { Int($0) } ?? 10,
            pointsPerRequest: pointsPerRequest)
    }
}

extension ZoneSpec {
    /// The launcher of an SSH zone: the system's OpenSSH client, one connection per site, the site's runtime for containers.
    func siteLauncher() throws(DispatchError) -> SiteLauncher {
        guard let site else { throw .zoneUnavailable(zone: name, reason: "an ssh zone needs its site settings") }
        guard resolvedSlots <= site.maxChannels || site.run == .slurm else {
            throw .zoneUnavailable(
                zone: name,
                reason: "slots (\(resolvedSlots)) exceed max_channels (\(site.maxChannels)): each running point holds a channel of the site's one connection; raise max_channels (below the site's sshd MaxSessions, 10 by default) or lower slots")
        }
        guard let ssh = ExecutableLookup.find("ssh", environment: ProcessInfo.processInfo.environment) else {
            throw .zoneUnavailable(zone: name, reason: "the OpenSSH client (ssh) is not installed or not on PATH; install openssh-client")
        }
        let folder = try SiteSocketFolder.prepare()
        // The site's runtime reads the site's containers.conf; only the limits asked for are given.
        let container = site.run == .container
            ? ContainerLauncher(
                runtime: URL(fileURLWithPath: "/"), image: image ?? "", network: network, pesscanPath: pesscanPath, zoneLimits: limits)
            : nil
        var launcher = SiteLauncher(
            connection: SiteConnection(settings: site, ssh: ssh, socketFolder: folder, runningSlots: resolvedSlots), settings: site,
            container: container,
            runtime: runtime ?? "podman", pesscanPath: pesscanPath)
        launcher.zoneLimits = limits
        return launcher
    }
}

/// The folder of the SSH master sockets: short (sockets are limited to about 100 bytes), private, never a link.
enum SiteSocketFolder {
    /// Creates (or checks) `/tmp/pesscan-ssh-<uid>` with mode 700, owned by this user.
    static func prepare() throws(DispatchError) -> URL {
        let path = "/tmp/pesscan-ssh-\(getuid())"
        if mkdir(path, 0o700) != 0, errno != EEXIST {
            throw .zoneUnavailable(zone: "ssh", reason: "cannot create the ssh socket folder \(path): \(String(cString: strerror(errno)))")
        }
        var status = stat()
        guard lstat(path, &status) == 0, status.st_mode & S_IFMT == S_IFDIR, status.st_uid == getuid(),
            status.st_mode & 0o077 == 0
        else {
            throw .zoneUnavailable(
                zone: "ssh", reason: "\(path) is not a private folder of this user (mode 700); remove it and run again")
        }
        return URL(fileURLWithPath: path, isDirectory: true)
    }
}
