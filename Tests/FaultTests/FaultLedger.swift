import Foundation
import PESTestSupport

/// Figures one fault test contributes to the campaign's summary table.
struct FaultFigures: Codable, Sendable {
    /// Which part of the campaign (crash safety, engine faults, …).
    var area: String
    /// Runs of the system under a fault (a killed collect, a broken store, …).
    var trials = 0
    /// Faults injected: signals sent, failing engine attempts, broken files, hostile values.
    var faults = 0
    /// Points that ended without a recorded result.
    var lost = 0
    /// Points whose result was recorded more than once, or that ran again after a recorded result.
    var duplicated = 0
    /// Processes that died from a signal they did not ask for, or a trap in the test process.
    var crashes = 0
    /// Generated inputs tried.
    var inputs = 0
    /// Files written outside the test's folder, or shell commands that ran from a value.
    var escapes = 0
    /// Done points whose stored energy is not the one the engine computes for that point's own molecule and bond length.
    var wrongEnergies = 0

    /// Adds another row's counts to this one's.
    mutating func add(_ other: FaultFigures) {
        trials += other.trials
        faults += other.faults
        lost += other.lost
        duplicated += other.duplicated
        crashes += other.crashes
        inputs += other.inputs
        escapes += other.escapes
        wrongEnergies += other.wrongEnergies
    }
}

/// Where the fault tests write their figures (one JSON line each) for the summary test to print.
///
/// `scripts/test` empties the ledger, runs the fault suite, then runs
/// `FaultSummary` with `PESSCAN_FAULT_SUMMARY=1`.
enum FaultLedger {
    private static let lock = NSLock()

    /// The ledger file: `$PESSCAN_FAULT_LEDGER`, else `.build/fault-ledger.jsonl` in the package.
    static var url: URL {
        if let path = ProcessInfo.processInfo.environment["PESSCAN_FAULT_LEDGER"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        return TestSupport.packageRoot.appendingPathComponent(".build/fault-ledger.jsonl")
    }

    /// Appends one test's figures.
    static func record(_ figures: FaultFigures) {
        lock.lock()
        defer { lock.unlock() }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(figures) else { return }
        let line = String(decoding: data, as: UTF8.self) + "\n"
        let descriptor = open(url.path, O_WRONLY | O_APPEND | O_CREAT, 0o644)
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        _ = Array(line.utf8).withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
    }

    /// Every line recorded so far.
    static func read() -> [FaultFigures] {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { try? JSONDecoder().decode(FaultFigures.self, from: Data($0.utf8)) }
    }
}

/// Trial counts: small in CI, larger with `PESSCAN_SOAK=1`.
enum Campaign {
    /// Whether the long soak mode is on.
    static var soak: Bool { ProcessInfo.processInfo.environment["PESSCAN_SOAK"] == "1" }

    /// `ci` normally, `ci × factor` in soak mode.
    static func count(_ ci: Int, soakFactor: Int = 10) -> Int { soak ? ci * soakFactor : ci }

    /// The seed of the campaign's generators: `$PESSCAN_FAULT_SEED`, else a fixed one.
    static var seed: UInt64 {
        ProcessInfo.processInfo.environment["PESSCAN_FAULT_SEED"].flatMap { UInt64($0) } ?? 20_240_909
    }
}
