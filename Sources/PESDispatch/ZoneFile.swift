import Foundation
import PESEngines
import Yams

/// One zone as written in a zone file, validated; ``makeZone()`` turns it into a running ``Zone``.
public struct ZoneSpec: Sendable, Hashable, Codable {
    /// Zone name: letters, digits, `_ . -`.
    public var name: String
    /// Kind of capacity.
    public var kind: ZoneKind
    /// Parallel points; nil means the number of cores for a local zone and 1 for a container zone.
    public var slots: Int?
    /// Whether the zone takes work first.
    public var prefer: Bool
    /// Container runtime: `podman`, `docker` or a path to one.
    public var runtime: String?
    /// Container image.
    public var image: String?
    /// Container network mode (default `none`).
    public var network: String
    /// Path of pesscan inside the image.
    public var pesscanPath: String
    /// Line of the zone's entry in its file, for messages.
    public var line: Int?
    /// Slurm submission settings, for Slurm zones.
    public var slurm: SlurmSettings?
    /// Where an SSH site is and how it runs points, for SSH zones.
    public var site: SiteSettings?
    /// Resource limits of every point run in the zone (`limits: {stack: unlimited}`), set over the engine's own.
    public var limits: ResourceLimits = .none

    /// The slots this zone runs with.
    public var resolvedSlots: Int {
        slots ?? (kind == .local ? Zone.coreCount : kind == .slurm || site?.run == .slurm ? 100 : kind == .ssh ? 2 : 1)
    }

    /// The default when there is no zone file: one local zone with a slot per core.
    public static let defaultLocal = ZoneSpec(
        name: "local", kind: .local, slots: nil, prefer: false, runtime: nil, image: nil, network: "none",
        pesscanPath: "/usr/local/bin/pesscan", line: nil, slurm: nil, site: nil)

    /// A runnable zone; a container runtime that cannot be found is a setup error.
    ///
    /// `limitHelper` is the pesscan executable that local points with resource limits start through.
    public func makeZone(limitHelper: URL? = nil) throws(DispatchError) -> Zone {
        switch kind {
        case .local:
            return try Zone(
                name: name, kind: .local, slots: resolvedSlots, prefer: prefer,
                launcher: LocalLauncher(limitHelper: limitHelper, zoneLimits: limits))
        case .container:
            let runtimeName = runtime ?? "podman"
            guard let executable = ExecutableLookup.find(runtimeName, environment: ProcessInfo.processInfo.environment) else {
                throw .zoneUnavailable(zone: name, reason: "container runtime \"\(runtimeName)\" is not installed or not on PATH")
            }
            let environment = ProcessInfo.processInfo.environment
            let launcher = ContainerLauncher(
                runtime: executable, image: image ?? "", network: network, pesscanPath: pesscanPath, zoneLimits: limits,
                configuredLimits: executable.lastPathComponent == "podman" ? ContainersConf.defaultUlimits(environment: environment) : [])
            return try Zone(name: name, kind: .container, slots: resolvedSlots, prefer: prefer, launcher: launcher)
        case .ssh:
            return try Zone(
                name: name, kind: .ssh, slots: resolvedSlots, pointsHeldPerSlot: site?.pointsHeldPerSlot ?? 1,
                prefer: prefer,
                launcher: try siteLauncher(),
                slurm: site?.run == .slurm ? (slurm ?? SlurmSettings()).with(limits: limits) : nil)
        case .slurm:
            guard ExecutableLookup.find("sbatch", environment: ProcessInfo.processInfo.environment) != nil else {
                throw .zoneUnavailable(zone: name, reason: "Slurm's sbatch is not installed or not on PATH")
            }
            return try Zone(
                name: name, kind: .slurm, slots: resolvedSlots, prefer: prefer, launcher: ProcessRunner(),
                slurm: (slurm ?? SlurmSettings()).with(limits: limits))
        }
    }
}

/// Reading zone files: a YAML list of zones under `zones:`.
public enum ZoneFile {
    /// Keys a zone entry may have.
    static let keys: Set<String> = Set<String>([
        "name", "kind", "slots", "prefer", "runtime", "image", "network", "pesscan",
        "partition", "account", "qos", "time_limit", "cpus_per_point", "memory_per_point", "sbatch_options",
        "array_throttle", "poll_seconds", "missing_grace_seconds", "limits",
    ]).union(siteKeys)

    /// Keys that only Slurm zones take.
    static let slurmKeys: Set<String> = [
        "partition", "account", "qos", "time_limit", "cpus_per_point", "memory_per_point", "sbatch_options",
        "array_throttle", "poll_seconds", "missing_grace_seconds",
    ]


    /// Reads and validates a zone file.
    public static func load(from url: URL) throws(ZoneFileError) -> [ZoneSpec] {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw ZoneFileError(path: url.path, line: nil, message: "cannot be read: \(error.localizedDescription)")
        }
        return try parse(text, path: url.path)
    }

    /// Parses zone-file YAML; `path` names the file in messages.
    public static func parse(_ text: String, path: String) throws(ZoneFileError) -> [ZoneSpec] {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw ZoneFileError(path: path, line: nil, message: "is not valid YAML: \(error)")
        }
        guard let root else { throw ZoneFileError(path: path, line: nil, message: "is empty; list zones under \"zones:\"") }
        let list: Node.Sequence
        if let sequence = root.sequence {
            list = sequence
        } else if let mapping = root.mapping, let zones = mapping["zones"], let sequence = zones.sequence {
            list = sequence
        } else {
            throw ZoneFileError(path: path, line: root.mark?.line, message: "must hold a list of zones under \"zones:\"")
        }
        var specs: [ZoneSpec] = []
        var lineByName: [String: Int] = [:]
        for entry in list {
            let spec = try zone(from: entry, path: path)
            if let first = lineByName[spec.name] {
                throw ZoneFileError(
                    path: path, line: spec.line,
                    message: "zone \"\(spec.name)\" is defined twice (first on line \(first)); zone names must be unique")
            }
            lineByName[spec.name] = spec.line ?? 0
            specs.append(spec)
        }
        guard !specs.isEmpty else { throw ZoneFileError(path: path, line: root.mark?.line, message: "lists no zones") }
        return specs
    }

    /// The number at `key` within `range`, or nil when the entry has no such key.
    static func number(
        _ fields: [String: Node], _ key: String, _ range: ClosedRange<Double>, fail: (String, String) -> ZoneFileError
    ) throws(ZoneFileError) -> Double? {
        guard let node = fields[key] else { return nil }
        guard let value = node.float, range.contains(value) else {
            throw fail(key, "must be a number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    private static func zone(from node: Node, path: String) throws(ZoneFileError) -> ZoneSpec {
        let line = node.mark?.line
        guard let mapping = node.mapping else {
            throw ZoneFileError(path: path, line: line, message: "a zone must be a mapping with name, kind and slots")
        }
        var fields: [String: Node] = [:]
        for (key, value) in mapping {
            guard let name = key.string else { throw ZoneFileError(path: path, line: key.mark?.line, message: "a key is not text") }
            guard keys.contains(name) else {
                throw ZoneFileError(
                    path: path, line: key.mark?.line,
                    message: "unknown field \"\(name)\"; zones take \(keys.sorted().joined(separator: ", "))")
            }
            fields[name] = value
        }
        func text(_ key: String) throws(ZoneFileError) -> String? {
            guard let node = fields[key] else { return nil }
            guard let value = node.scalar?.string, !value.isEmpty else {
                throw ZoneFileError(path: path, line: node.mark?.line, message: "field \"\(key)\" must be text")
            }
            return value
        }
        guard let name = try text("name") else {
            throw ZoneFileError(path: path, line: line, message: "a zone needs a \"name\"")
        }
        let fail = { (key: String, message: String) -> ZoneFileError in
            ZoneFileError(path: path, line: fields[key]?.mark?.line ?? line, message: "zone \"\(name)\", field \"\(key)\": \(message)")
        }
        guard name.count <= 64, let first = name.first, first.isASCII, first.isLetter || first.isNumber,
            name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "_.-".contains($0)) })
        else { throw fail("name", "use 1–64 letters, digits, '_', '.' or '-', starting with a letter or digit") }
        guard let kindText = try text("kind") else { throw fail("kind", "missing; use one of \(ZoneKind.allCases.map(\.rawValue).joined(separator: ", "))") }
        guard let kind = ZoneKind(rawValue: kindText) else {
            throw fail("kind", "\"\(kindText)\" is not a zone kind; use one of \(ZoneKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        var slots: Int?
        if let slotsNode = fields["slots"], slotsNode.scalar?.string != "auto" {
            guard let value = slotsNode.int, (1...4096).contains(value) else {
                throw fail("slots", "must be a whole number from 1 to 4096, or auto")
            }
            slots = value
        }
        var prefer = false
        if let preferNode = fields["prefer"] {
            guard let value = preferNode.bool else { throw fail("prefer", "must be true or false") }
            prefer = value
        }
        let network = try text("network") ?? "none"
        guard network.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "_-".contains($0)) }) else {
            throw fail("network", "must be a network name such as none, host or bridge")
        }
        let runtime = try text("runtime")
        let image = try text("image")
        let pesscan = try text("pesscan") ?? "/usr/local/bin/pesscan"
        var site: SiteSettings?
        if kind == .ssh {
            site = try siteSettings(fields, zone: name, line: line, path: path)
        } else {
            for key in siteKeys where fields[key] != nil { throw fail(key, "applies to ssh zones only") }
        }
        switch kind {
        case .ssh where site?.run == .direct || site?.run == .slurm:
            for key in ["runtime", "image"] where fields[key] != nil { throw fail(key, "applies to ssh zones with run: container only") }
            guard site?.run != .slurm || fields["network"] == nil else { throw fail("network", "applies to ssh zones with run: container only") }
            guard pesscan.hasPrefix("/") else { throw fail("pesscan", "must be an absolute path on the site") }
        case .container, .ssh:
            guard let image else { throw fail("image", "a container zone needs the image each point runs in") }
            guard !image.hasPrefix("-"), !image.contains(where: { $0.isWhitespace }) else { throw fail("image", "\"\(image)\" is not an image name") }
            if let runtime, !["podman", "docker"].contains(runtime), !runtime.hasPrefix("/") || runtime.contains(where: \.isNewline) {
                throw fail("runtime", "use podman, docker or an absolute path to one")
            }
            guard pesscan.hasPrefix("/") else { throw fail("pesscan", "must be an absolute path inside the image") }
        case .local, .slurm:
            for key in ["runtime", "image", "pesscan"] where fields[key] != nil {
                throw fail(key, "applies to container zones only")
            }
        }
        var slurm: SlurmSettings?
        if kind == .slurm || site?.run == .slurm {
            func word(_ key: String) throws(ZoneFileError) -> String? {
                guard let value = try text(key) else { return nil }
                guard !value.hasPrefix("-"), value.allSatisfy({ $0.isASCII && !$0.isWhitespace && $0 != "=" }) else {
                    throw fail(key, "\"\(value)\" is not a plain Slurm value")
                }
                return value
            }
            func positive(_ key: String, _ range: ClosedRange<Double>) throws(ZoneFileError) -> Double? {
                try number(fields, key, range, fail: fail)
            }
            var options: [String] = []
            if let node = fields["sbatch_options"] {
                guard let list = node.sequence else { throw fail("sbatch_options", "must be a list of options, e.g. [--constraint=avx2]") }
                for item in list {
                    guard let option = item.string, option.hasPrefix("--"), !option.contains(where: { $0.isNewline }) else {
                        throw fail("sbatch_options", "each entry must be one long option such as --constraint=avx2")
                    }
                    options.append(option)
                }
            }
            slurm = SlurmSettings(
                partition: try word("partition"), account: try word("account"), qos: try word("qos"),
                timeLimit: try word("time_limit"), cpusPerPoint: try positive("cpus_per_point", 1...4096).map { Int($0) },
                memoryPerPoint: try word("memory_per_point"), extraOptions: options,
                arrayThrottle: try positive("array_throttle", 1...100_000).map { Int($0) },
                pollSeconds: try positive("poll_seconds", 0.1...3600) ?? 5,
                missingGraceSeconds: try positive("missing_grace_seconds", 0...86_400) ?? 30)
        } else {
            for key in slurmKeys where fields[key] != nil { throw fail(key, "applies to slurm zones (and ssh zones with run: slurm) only") }
        }
        var spec = ZoneSpec(
            name: name, kind: kind, slots: slots, prefer: prefer, runtime: runtime, image: image, network: network,
            pesscanPath: pesscan, line: line, slurm: slurm, site: site)
        if let node = fields["limits"] { spec.limits = try limits(node, fail: { fail("limits", $0) }) }
        return spec
    }

    /// A zone's `limits:` mapping, e.g. `{stack: unlimited, nofile: 4096}`.
    private static func limits(_ node: Node, fail: (String) -> ZoneFileError) throws(ZoneFileError) -> ResourceLimits {
        let kinds = ResourceKind.allCases.map(\.rawValue).joined(separator: ", ")
        guard let mapping = node.mapping else { throw fail("must be a mapping such as {stack: unlimited}; limits are \(kinds)") }
        var limits = ResourceLimits()
        for (key, value) in mapping {
            guard let name = key.string, let kind = ResourceKind(rawValue: name) else {
                throw fail("\"\(key.string ?? "?")\" is not a limit; use \(kinds)")
            }
            guard let text = value.scalar?.string, let parsed = ResourceLimits.parseValue(text, kind: kind) else {
                throw fail("\(kind.rawValue) must be \(ResourceLimits.expected(kind))")
            }
            limits.values[kind] = parsed
        }
        return limits
    }
}

/// A zone file that cannot be used, with the file, line and field at fault.
public struct ZoneFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The zone file.
    public var path: String
    /// Line of the problem, when known.
    public var line: Int?
    /// What is wrong and what to write instead.
    public var message: String

    public var description: String {
        "\(path)\(line.map { ":\($0)" } ?? ""): \(message)."
    }
}

/// One `key: value` entry of a flat YAML mapping, with its line; read by ``ZoneFile/flatMapping(_:path:)``.
public struct YAMLEntry: Sendable, Equatable {
    /// The key.
    public var key: String
    /// The value as text; nil when it is a list or a mapping rather than a single value.
    public var text: String?
    /// Line of the key, when known.
    public var line: Int?
}

extension ZoneFile {
    /// The entries of a flat YAML mapping (the config file's shape), read with the same YAML reader as zone files; an empty document has none.
    static func flatMapping(_ text: String, path: String) throws(ZoneFileError) -> [YAMLEntry] {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw ZoneFileError(path: path, line: nil, message: "is not valid YAML: \(error)")
        }
        guard let root else { return [] }
        guard let mapping = root.mapping else {
            throw ZoneFileError(path: path, line: root.mark?.line, message: "must be a mapping of settings, one \"key: value\" per line")
        }
        var entries: [YAMLEntry] = []
        for (key, value) in mapping {
            guard let name = key.string else { throw ZoneFileError(path: path, line: key.mark?.line, message: "a key is not text") }
            entries.append(YAMLEntry(key: name, text: value.scalar?.string, line: key.mark?.line))
        }
        return entries
    }
}
