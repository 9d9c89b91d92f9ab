import Foundation
import PESEngines

/// What a program run away from `collect` (a Slurm task, an SSH site's point) is handed and leaves, in the forms bash reads and writes.
enum TaskFiles {
    /// Fields each ended by a NUL byte, as bash reads them with `mapfile -d ''` or `read -d ''`.
    static func nulTerminated(_ fields: [String]) -> Data {
        var data = Data()
        for field in fields {
            data.append(contentsOf: Array(field.utf8))
            data.append(0)
        }
        return data
    }

    /// Resource limits as `flag value` lines for bash's `ulimit`.
    static func ulimitLines(_ limits: ResourceLimits) -> String {
        limits.ordered.map { "\($0.kind.ulimitFlag) \(ulimitValue($0.kind, $0.value))\n" }.joined()
    }

    /// A limit in the units of bash's `ulimit` (KiB for sizes), rounded up.
    static func ulimitValue(_ kind: ResourceKind, _ value: ResourceLimitValue) -> String {
        switch value {
        case .unlimited: return "unlimited"
        case .finite(let number): return String(kind.isSize ? (number + 1023) / 1024 : number)
        }
    }

    /// A finished program's result from the exit status bash recorded and the `stdout.txt` and `stderr.txt` it left in `workDirectory`.
    ///
    /// bash reports a program ended by signal n as 128 + n. The stderr tail is
    /// kept as for a local process: its last 20 lines within its last 4,096 bytes.
    static func finished(status: Int, in workDirectory: URL) -> ProcessResult {
        let output = (try? String(contentsOf: workDirectory.appendingPathComponent("stdout.txt"), encoding: .utf8)) ?? ""
        let tail = FileTail.lines(of: workDirectory.appendingPathComponent("stderr.txt"), count: 20, maximumBytes: 4096)
        let signalled = status > 128 && status < 160
        return ProcessResult(
            status: signalled ? status - 128 : status, signalled: signalled, cancelled: false, standardOutput: output,
            standardErrorTail: tail)
    }
}
