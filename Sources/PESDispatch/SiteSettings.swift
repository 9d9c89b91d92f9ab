import Foundation

/// How an SSH site runs a point's program once its files are there.
public enum SiteRun: String, Sendable, Hashable, Codable, CaseIterable {
    /// As a process on the site, detached from the connection.
    case direct
    /// In a fresh container of the site's runtime (`podman run` there).
    case container
    /// As tasks of Slurm job arrays submitted from the site (a cluster's login node), harvested over SSH.
    case slurm
}

/// Where an SSH site is and how pesscan talks to it; the OpenSSH client and the user's `~/.ssh/config` do the rest.
public struct SiteSettings: Sendable, Hashable, Codable {
    /// Host name or an alias from the ssh configuration.
    public var host: String
    /// TCP port; nil leaves it to the ssh configuration (22 by default).
    public var port: Int?
    /// Login name; nil leaves it to the ssh configuration.
    public var user: String?
    /// Private key file; nil leaves it to the ssh configuration.
    public var identityFile: String?
    /// Jump host(s) (`ProxyJump`); nil leaves it to the ssh configuration.
    public var proxyJump: String?
    /// An ssh configuration file used instead of `~/.ssh/config` (`ssh -F`); nil for the user's own.
    public var configFile: String?
    /// A known-hosts file used instead of the user's (`UserKnownHostsFile`); nil for the user's own.
    public var knownHostsFile: String?
    /// Folder on the site under which each point gets its own folder.
    public var remoteRoot: String
    /// How the site runs a point's program.
    public var run: SiteRun
    /// The most channels open at once on the site's one connection (below sshd's `MaxSessions`, 10 by default).
    public var maxChannels: Int
    /// Whether a point's remote folder stays on the site after its files came back.
    public var keepRemote: Bool
    /// How long a started point waits for an unreachable site to come back before it is given up, in seconds.
    public var unreachableSeconds: Double
    /// Seconds to wait for a connection to open before the site counts as unreachable.
    public var connectTimeoutSeconds: Int
    /// Points one request to the site holds at most: they run one after another on one channel, their files in one tar each way.
    ///
    /// 1 (the default) suits points of minutes or hours. For short points
    /// (seconds or less) a few to a request spread the site's per-request
    /// work over them; the zone then holds up to `slots` × this many points.
    public var pointsPerRequest: Int

    public init(
        host: String, port: Int? = nil, user: String? = nil, identityFile: String? = nil, proxyJump: String? = nil,
        configFile: String? = nil, knownHostsFile: String? = nil, remoteRoot: String, run: SiteRun = .direct,
        maxChannels: Int = 8, keepRemote: Bool = false, unreachableSeconds: Double = 120, connectTimeoutSeconds: Int = 10,
        pointsPerRequest: Int = 1
    ) {
        self.host = host
        self.port = port
        self.user = user
        self.identityFile = identityFile
        self.proxyJump = proxyJump
        self.configFile = configFile
        self.knownHostsFile = knownHostsFile
        self.remoteRoot = remoteRoot
        self.run = run
        self.maxChannels = maxChannels
        self.keepRemote = keepRemote
        self.unreachableSeconds = unreachableSeconds
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.pointsPerRequest = pointsPerRequest
    }

    /// Requests one `serve` channel carries at once: with several points a request, the next waits on the site behind the running one.
    ///
    /// The site then starts the next request as soon as it has answered one,
    /// instead of waiting for the answer to cross, the points to be recorded
    /// here and new ones to be sent. Points of a minute or more (one a request)
    /// never queue on a site, so that another zone's free slot can take them.
    var requestsPerChannel: Int { pointsPerRequest > 1 ? 2 : 1 }

    /// Points the zone holds for each running slot: ``pointsPerRequest`` × ``requestsPerChannel``, or 1 for Slurm sites.
    var pointsHeldPerSlot: Int { run == .slurm ? 1 : pointsPerRequest * requestsPerChannel }

    /// The `ssh` options every command to this site takes, before the host: never a value the remote shell sees.
    ///
    /// Host keys are checked strictly (a changed or unknown key is refused, never
    /// accepted), no prompt is ever shown (`BatchMode`), and a dead connection is
    /// noticed within about 15 s (`ServerAliveInterval` 5 × 3).
    func sshOptions(controlPath: String) -> [String] {
        var options: [String] = []
        if let configFile { options += ["-F", configFile] }
        options += [
            "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes", "-o", "ConnectTimeout=\(connectTimeoutSeconds)",
            "-o", "ServerAliveInterval=5", "-o", "ServerAliveCountMax=3", "-o", "ControlPath=\(controlPath)",
            "-o", "LogLevel=ERROR",
        ]
        if let knownHostsFile { options += ["-o", "UserKnownHostsFile=\(knownHostsFile)"] }
        if let port { options += ["-p", String(port)] }
        if let user { options += ["-l", user] }
        if let identityFile { options += ["-i", identityFile, "-o", "IdentitiesOnly=yes"] }
        if let proxyJump { options += ["-J", proxyJump] }
        return options
    }

    /// A short name for this site's connection settings, so differently configured zones never share a connection.
    var connectionKey: String {
        let parts = [host, port.map(String.init) ?? "", user ?? "", identityFile ?? "", proxyJump ?? "", configFile ?? "", knownHostsFile ?? ""]
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in parts.joined(separator: "\u{0}").utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return String(hash, radix: 16)
    }
}
