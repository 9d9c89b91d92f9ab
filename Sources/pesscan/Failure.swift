import ArgumentParser
import Foundation
import PESStore
import PESWorkflow

/// Exit statuses pesscan uses, following sysexits.h.
enum ExitStatus: Int32 {
    /// Bad command-line usage.
    case usage = 64
    /// Bad input data (a scan without a minimum, a malformed file).
    case data = 65
    /// A file or service could not be used (missing database, unreadable file).
    case unavailable = 69
    /// An input/output error: a write failed, e.g. a full disk under the work folders.
    case ioError = 74
    /// Interrupted by SIGINT or SIGTERM.
    case interrupted = 130
    /// Anything else.
    case other = 1

    /// The status for a store error: missing or unusable files are "unavailable", the rest "data".
    static func unavailableOrData(_ error: StoreError) -> ExitStatus {
        switch error {
        case .missingDatabase, .cannotCreateFolder, .readOnly, .pendingLog, .diskFull, .scanRunning: return .unavailable
        case .scanExists, .unknownScan, .noScans: return .usage
        default: return .data
        }
    }
}

/// Printing an error the user can act on and leaving with the matching status.
enum Failure {
    /// Prints `Error: message` to stderr and returns the exit to throw.
    static func report(_ message: String, status: ExitStatus) -> ExitCode {
        Output.diagnostic("Error: \(message)")
        return ExitCode(status.rawValue)
    }
}

/// Where output goes: results to stdout, diagnostics to stderr.
enum Output {
    /// Writes a line to stderr; never traps, even when stderr is a file on a full disk.
    static func diagnostic(_ line: String) {
        StandardStreams.standardError(line + "\n")
    }

    /// Prints a value as JSON on stdout, in the one convention of every `--json` output (snake_case, ISO 8601, sorted keys).
    static func json<T: Encodable>(_ value: T) throws {
        print(try JSONConvention.text(value))
    }

    /// Formats a number with a fixed count of decimals.
    static func fixed(_ value: Double, _ decimals: Int) -> String {
        String(format: "%.\(decimals)f", value)
    }

    /// A number written with its unit symbol: `0.95780 Å` with a space, `104.47760°` without.
    static func withUnit(_ number: String, _ unitSymbol: String) -> String {
        unitSymbol == "°" ? number + "°" : number + " " + unitSymbol
    }
}
