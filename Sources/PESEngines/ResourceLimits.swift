import Foundation

/// A process resource limit pesscan sets for an engine: its name in zone files and `--option`, and its units.
public enum ResourceKind: String, Sendable, Hashable, CaseIterable, Codable {
    /// Stack size in bytes (`RLIMIT_STACK`); BERTHA needs ≥ 256 MB.
    case stack
    /// Core file size in bytes (`RLIMIT_CORE`).
    case core
    /// Open files (`RLIMIT_NOFILE`).
    case nofile
    /// Processes of the user (`RLIMIT_NPROC`).
    case nproc
    /// Locked memory in bytes (`RLIMIT_MEMLOCK`).
    case memlock
    /// Address space in bytes (`RLIMIT_AS`).
    case addressSpace = "as"
    /// CPU time in seconds (`RLIMIT_CPU`).
    case cpu

    /// Whether the limit is a size in bytes (so `K`, `M`, `G`, `T` suffixes apply).
    public var isSize: Bool { [.stack, .core, .memlock, .addressSpace].contains(self) }

    /// The C resource number for `setrlimit`.
    var resource: Int32 {
        switch self {
        case .stack: return Int32(RLIMIT_STACK.rawValue)
        case .core: return Int32(RLIMIT_CORE.rawValue)
        case .nofile: return Int32(RLIMIT_NOFILE.rawValue)
        case .nproc: return Int32(__RLIMIT_NPROC.rawValue)
        case .memlock: return Int32(__RLIMIT_MEMLOCK.rawValue)
        case .addressSpace: return Int32(RLIMIT_AS.rawValue)
        case .cpu: return Int32(RLIMIT_CPU.rawValue)
        }
    }

    /// The flag of bash's `ulimit` builtin, which the Slurm job script uses.
    public var ulimitFlag: String {
        switch self {
        case .stack: return "-s"
        case .core: return "-c"
        case .nofile: return "-n"
        case .nproc: return "-u"
        case .memlock: return "-l"
        case .addressSpace: return "-v"
        case .cpu: return "-t"
        }
    }
}

/// The value of one limit: unlimited, or a number (bytes for sizes, a count, or seconds).
public enum ResourceLimitValue: Sendable, Hashable {
    /// No limit (`RLIM_INFINITY`, `ulimit … unlimited`, `--ulimit …=-1:-1`).
    case unlimited
    /// A finite limit in the kind's unit.
    case finite(UInt64)

    /// The value as `setrlimit` takes it.
    var rlimit: rlim_t {
        switch self {
        case .unlimited: return rlim_t.max
        case .finite(let value): return rlim_t(value)
        }
    }
}

/// Resource limits for an engine's processes, by kind: what `--option stack=…` and a zone's `limits:` say.
///
/// pesscan applies them to local processes (through its own `exec-with-limits`
/// launcher, before the program starts), to containers (`--ulimit`) and to Slurm
/// tasks (bash's `ulimit` in the job script).
public struct ResourceLimits: Sendable, Hashable, Codable {
    /// The limits set; kinds not present are inherited.
    public var values: [ResourceKind: ResourceLimitValue]

    public init(_ values: [ResourceKind: ResourceLimitValue] = [:]) { self.values = values }

    /// No limits: everything inherited.
    public static let none = ResourceLimits()

    /// Whether no limit is set.
    public var isEmpty: Bool { values.isEmpty }

    /// These limits with `other`'s set over them, kind by kind.
    public func overridden(by other: ResourceLimits) -> ResourceLimits {
        ResourceLimits(values.merging(other.values) { _, new in new })
    }

    /// The limits in a fixed order (the kinds' declaration order), for argv and files.
    public var ordered: [(kind: ResourceKind, value: ResourceLimitValue)] {
        ResourceKind.allCases.compactMap { kind in values[kind].map { (kind, $0) } }
    }

    /// Reads a value: `unlimited` (or `-1`), a whole number, or for sizes a number with `K`, `M`, `G` or `T` (powers of 1024).
    public static func parseValue(_ text: String, kind: ResourceKind) -> ResourceLimitValue? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if ["unlimited", "infinity", "-1"].contains(trimmed.lowercased()) { return .unlimited }
        var digits = Substring(trimmed)
        var scale: UInt64 = 1
        if kind.isSize, let last = digits.last?.uppercased(), let power = ["K": 1, "M": 2, "G": 3, "T": 4][last] {
            scale = UInt64(1) << (10 * UInt64(power))
            digits = digits.dropLast()
        }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let number = UInt64(digits) else { return nil }
        let (product, overflow) = number.multipliedReportingOverflow(by: scale)
        guard !overflow, product < UInt64(Int64.max) else { return nil }
        return .finite(product)
    }

    /// What `parseValue` accepts for `kind`, for error messages.
    public static func expected(_ kind: ResourceKind) -> String {
        kind.isSize
            ? "unlimited, or a size in bytes with an optional K, M, G or T (powers of 1024), e.g. 512M"
            : "unlimited, or a whole number"
    }

    /// The textual form of each limit, as `parseValue` reads it back: `unlimited` or the number.
    public var textual: [String: String] {
        Dictionary(uniqueKeysWithValues: ordered.map { entry in
            switch entry.value {
            case .unlimited: return (entry.kind.rawValue, "unlimited")
            case .finite(let number): return (entry.kind.rawValue, String(number))
            }
        })
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode([String: String].self)
        var values: [ResourceKind: ResourceLimitValue] = [:]
        for (name, value) in text {
            guard let kind = ResourceKind(rawValue: name), let parsed = Self.parseValue(value, kind: kind) else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "bad limit \(name)=\(value)"))
            }
            values[kind] = parsed
        }
        self.values = values
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(textual)
    }
}
