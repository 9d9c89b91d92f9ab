import Foundation

/// The live SSH test sites scripts/test starts (scripts/site-start), read from the variables of their sites.env.
public struct TestSites: Sendable {
    /// The ssh_config with the aliases site-a and site-b.
    public var config: String
    /// known_hosts holding a stranger's key for both sites.
    public var badKnownHosts: String
    /// Site A's remote root, inside its container.
    public var rootA: String
    /// Site A's full 2 MB tmpfs, inside its container.
    public var fullA: String
    /// Site A's container.
    public var containerA: String
    /// Site B's remote root (a folder of this machine).
    public var rootB: String
    /// Site B's sshd log, one "Accepted publickey" line per connection.
    public var logB: String
    /// pesscan on site B.
    public var pesscanB: String
    /// The pid file of site B's sshd.
    public var pidFileB: String

    /// Why the sites cannot be used.
    public struct Missing: Error, CustomStringConvertible {
        public var description: String
    }

    /// The sites, or an error saying how to start them.
    public static func require() throws -> TestSites {
        let environment = ProcessInfo.processInfo.environment
        func value(_ name: String) throws -> String {
            guard let value = environment[name], !value.isEmpty else {
                throw Missing(description: "\(name) is not set: run the tests through scripts/test, which starts the SSH sites (scripts/site-start)")
            }
            return value
        }
        return TestSites(
            config: try value("PESSCAN_SITE_CONFIG"), badKnownHosts: try value("PESSCAN_SITE_BAD_KNOWN_HOSTS"),
            rootA: try value("PESSCAN_SITE_A_ROOT"), fullA: try value("PESSCAN_SITE_A_FULL"),
            containerA: try value("PESSCAN_SITE_A_CONTAINER"), rootB: try value("PESSCAN_SITE_B_ROOT"),
            logB: try value("PESSCAN_SITE_B_LOG"), pesscanB: try value("PESSCAN_SITE_B_PESSCAN"),
            pidFileB: try value("PESSCAN_SITE_B_PID_FILE"))
    }

    /// Runs a program of this machine by argv (looked up on PATH) and returns its status and output.
    @discardableResult
    public static func command(_ argv: [String]) throws -> BinaryRunner.Result {
        let folder = FileManager.default.temporaryDirectory
        let (process, out, err) = try BinaryRunner.launch(
            URL(fileURLWithPath: "/usr/bin/env"), argv, in: folder, environment: ProcessInfo.processInfo.environment)
        defer {
            try? FileManager.default.removeItem(at: out)
            try? FileManager.default.removeItem(at: err)
        }
        return BinaryRunner.wait(process, out, err)
    }

    /// Runs a command in site A's container and returns its status and output.
    @discardableResult
    public func inA(_ arguments: [String]) throws -> BinaryRunner.Result {
        try Self.command(["podman", "exec", containerA] + arguments)
    }

    /// Connections site A accepted so far (its sshd logs one line per login).
    public func connectionsA() throws -> Int {
        let log = try Self.command(["podman", "logs", containerA])
        return (log.stdout + log.stderr).components(separatedBy: "Accepted publickey").count - 1
    }

    /// Connections site B accepted so far.
    public func connectionsB() throws -> Int {
        let log = (try? String(contentsOfFile: logB, encoding: .utf8)) ?? ""
        return log.components(separatedBy: "Accepted publickey").count - 1
    }

    /// A zone entry for site A running points directly, under a fresh remote folder.
    public func zoneA(name: String = "site-a", slots: Int = 2, root: String? = nil, extra: String = "") -> String {
        """
          - name: \(name)
            kind: ssh
            host: site-a
            ssh_config: \(config)
            remote_root: \(root ?? rootA + "/" + UUID().uuidString.prefix(8))
            slots: \(slots)
        \(extra)
        """
    }

    /// A zone entry for site B running each point in a Podman container there.
    public func zoneB(name: String = "site-b", slots: Int = 2, image: String, extra: String = "") -> String {
        """
          - name: \(name)
            kind: ssh
            host: site-b
            ssh_config: \(config)
            remote_root: \(rootB)/\(UUID().uuidString.prefix(8))
            run: container
            image: \(image)
            slots: \(slots)
        \(extra)
        """
    }
}
