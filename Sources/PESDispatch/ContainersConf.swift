import Foundation

/// What Podman's `containers.conf` files configure that pesscan must repeat: the default ulimits.
///
/// Podman drops `default_ulimits` as soon as one `--ulimit` is given, so a
/// container zone that sets a stack limit repeats the configured ones
/// (`nofile=20000:20000`, …) beside it; otherwise Podman falls back to limits
/// the runtime may not be allowed to set ("error setting rlimit type 7").
public enum ContainersConf {
    /// The files Podman reads, in order: only `$CONTAINERS_CONF` when it is set, else the system's then the user's.
    static func files(environment: [String: String]) -> [URL] {
        if let path = environment["CONTAINERS_CONF"], !path.isEmpty { return [URL(fileURLWithPath: path)] }
        var paths = ["/usr/share/containers/containers.conf", "/etc/containers/containers.conf"]
        let configHome = environment["XDG_CONFIG_HOME"] ?? environment["HOME"].map { "\($0)/.config" }
        if let configHome { paths.append("\(configHome)/containers/containers.conf") }
        return paths.map { URL(fileURLWithPath: $0) }
    }

    /// The `default_ulimits` entries of the `[containers]` table in effect (the last file that sets it wins), e.g. `nofile=20000:20000`.
    public static func defaultUlimits(environment: [String: String]) -> [String] {
        var found: [String] = []
        for url in files(environment: environment) {
            guard let text = try? String(contentsOf: url, encoding: .utf8), let entries = defaultUlimits(in: text) else { continue }
            found = entries
        }
        return found
    }

    /// The `default_ulimits` array in one file's text, or nil when the file does not set it.
    static func defaultUlimits(in text: String) -> [String]? {
        var table = ""
        var collecting: String?
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if var value = collecting {
                value += " " + trimmed
                collecting = value
                if trimmed.contains("]") { return strings(in: value) }
                continue
            }
            if trimmed.hasPrefix("[") {
                table = trimmed
                continue
            }
            guard table == "[containers]", trimmed.hasPrefix("default_ulimits"),
                let equals = trimmed.firstIndex(of: "=")
            else { continue }
            let value = String(trimmed[trimmed.index(after: equals)...])
            if value.contains("]") { return strings(in: value) }
            collecting = value
        }
        return nil
    }

    /// The double- or single-quoted strings of a TOML array's text.
    static func strings(in text: String) -> [String] {
        var result: [String] = []
        var current: String?
        var quote: Character = "\""
        for character in text {
            if var open = current {
                if character == quote {
                    result.append(open)
                    current = nil
                } else {
                    open.append(character)
                    current = open
                }
            } else if character == "\"" || character == "'" {
                quote = character
                current = ""
            }
        }
        return result
    }
}
