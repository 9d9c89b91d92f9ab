import Foundation

/// Sets resource limits on this process, then replaces it with the engine's program: `pesscan exec-with-limits`.
///
/// Limits must be in place before the program starts (BERTHA's stack, for
/// one), and `posix_spawn` cannot give a child them, so a
/// local point with limits runs as `pesscan exec-with-limits --limit
/// stack=unlimited -- PROGRAM ARGS…`: `setrlimit` for each limit, then `execv`.
public enum LimitedExec {
    /// The hidden subcommand of pesscan that does it.
    public static let subcommand = "exec-with-limits"

    /// `command` run through `helper` (the pesscan executable) with `limits` set first; unchanged when there are none.
    public static func wrap(_ command: ProcessCommand, limits: ResourceLimits, helper: URL) -> ProcessCommand {
        guard !limits.isEmpty else { return command }
        var wrapped = command
        wrapped.executable = helper
        wrapped.arguments =
            [subcommand] + limits.ordered.flatMap { ["--limit", "\($0.kind.rawValue)=\(limitText($0.value))"] } + ["--", command.executable.path]
            + command.arguments
        wrapped.limits = .none
        return wrapped
    }

    /// Runs the subcommand on its arguments: sets the limits and execs the program; returns only with what went wrong.
    public static func run(_ arguments: [String]) -> String {
        guard let separator = arguments.firstIndex(of: "--"), separator + 1 < arguments.count else {
            return "usage: pesscan \(subcommand) [--limit KIND=VALUE]… -- PROGRAM [ARGUMENTS]…"
        }
        var limits = ResourceLimits()
        var index = 0
        while index < separator {
            guard arguments[index] == "--limit", index + 1 < separator else { return "unexpected argument \(arguments[index])" }
            let parts = arguments[index + 1].split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let kind = ResourceKind(rawValue: parts[0]),
                let value = ResourceLimits.parseValue(parts[1], kind: kind)
            else { return "bad limit \(arguments[index + 1]); use KIND=VALUE with KIND one of \(ResourceKind.allCases.map(\.rawValue).joined(separator: ", "))" }
            limits.values[kind] = value
            index += 2
        }
        for (kind, value) in limits.ordered {
            if let problem = apply(kind, value) { return problem }
        }
        let argv = Array(arguments[(separator + 1)...])
        var cArguments = argv.map { strdup($0) } + [nil]
        execv(argv[0], &cArguments)
        let reason = String(cString: strerror(errno))
        for pointer in cArguments { free(pointer) }
        return "cannot run \(argv[0]): \(reason)"
    }

    /// Sets one limit's soft value, raising the hard one only when it must (which needs privilege); nil when it worked.
    static func apply(_ kind: ResourceKind, _ value: ResourceLimitValue) -> String? {
        var current = rlimit()
        guard getrlimit(__rlimit_resource_t(kind.resource), &current) == 0 else {
            return "cannot read the \(kind.rawValue) limit: \(String(cString: strerror(errno)))"
        }
        let wanted = value.rlimit
        var limit = rlimit(rlim_cur: wanted, rlim_max: max(current.rlim_max, wanted))
        if current.rlim_max == rlim_t.max { limit.rlim_max = rlim_t.max }
        guard setrlimit(__rlimit_resource_t(kind.resource), &limit) == 0 else {
            let hard = current.rlim_max == rlim_t.max ? "unlimited" : String(current.rlim_max)
            return "cannot set the \(kind.rawValue) limit to \(limitText(value)) (the hard limit is \(hard)): "
                + "\(String(cString: strerror(errno))); raise the hard limit where pesscan starts, or ask for at most \(hard)"
        }
        return nil
    }

    /// A value as the `--limit` argument writes it.
    static func limitText(_ value: ResourceLimitValue) -> String {
        switch value {
        case .unlimited: return "unlimited"
        case .finite(let number): return String(number)
        }
    }
}
