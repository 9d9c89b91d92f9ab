import Foundation
import Testing

/// Prints the fault campaign's table from the ledger the other fault tests wrote, and holds it to zero losses.
///
/// Runs only with `PESSCAN_FAULT_SUMMARY=1`, after the rest of the fault suite (as `scripts/test` does).
@Suite("Fault campaign summary")
struct FaultSummary {
    /// Every area the campaign must have reported on; the store areas that mount or change user need root.
    static var requiredAreas: [String] {
        var areas = [
            "crash safety: SIGKILL", "crash safety: SIGTERM", "crash safety: SIGINT", "engine faults",
            "store: newer schema", "store: damaged file", "concurrency: 4 collects", "concurrency: import beside collect",
            "fuzz: command lines", "fuzz: molecule libraries", "fuzz: zone files", "fuzz: templates", "fuzz: engine outputs",
            "fuzz: names and engine options", "hostile: refused values", "hostile: engine arguments",
            "integrity: replace while collecting", "integrity: two databases, one folder",
            "integrity: collect paused past its lease", "integrity: clock stepped ahead", "integrity: planted symbolic links",
            "integrity: 10,000 zones",
        ]
        if getuid() == 0 { areas += ["store: read-only file", "store: read-only mount", "store: full disk", "store: full work folder"] }
        return areas
    }

    @Test("summary table: 0 lost, 0 duplicated, 0 crashes, 0 escapes, 0 wrong energies", .enabled(if: ProcessInfo.processInfo.environment["PESSCAN_FAULT_SUMMARY"] == "1"))
    func table() {
        var byArea: [String: FaultFigures] = [:]
        for row in FaultLedger.read() {
            byArea[row.area, default: FaultFigures(area: row.area)].add(row)
        }
        var total = FaultFigures(area: "total")
        for row in byArea.values { total.add(row) }
        let header = ["area", "trials", "faults injected", "points lost", "points duplicated", "crashes", "inputs tried", "escapes", "wrong energies stored"]
        let rows = byArea.keys.sorted().compactMap { byArea[$0] } + [total]
        let cells = rows.map { r in
            [r.area] + [r.trials, r.faults, r.lost, r.duplicated, r.crashes, r.inputs, r.escapes, r.wrongEnergies].map(String.init)
        }
        let widths = header.indices.map { column in ([header] + cells).map { $0[column].count }.max() ?? 0 }
        func line(_ values: [String]) -> String {
            values.enumerated().map { column, value in
                column == 0 ? value.padding(toLength: widths[column], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[column] - value.count) + value
            }.joined(separator: " | ")
        }
        var text = "\nFault campaign (\(Campaign.soak ? "soak" : "CI") mode, seed \(Campaign.seed))\n"
        text += line(header) + "\n" + widths.map { String(repeating: "-", count: $0) }.joined(separator: "-|-") + "\n"
        for (index, row) in cells.enumerated() {
            if index == cells.count - 1 { text += widths.map { String(repeating: "-", count: $0) }.joined(separator: "-|-") + "\n" }
            text += line(row) + "\n"
        }
        print(text)
        let missing = Self.requiredAreas.filter { byArea[$0] == nil }
        #expect(missing.isEmpty, "no figures from \(missing): did those tests run (or crash the test process)? Ledger \(FaultLedger.url.path)")
        // Each failure names the rows it came from: CI shows only the end of the output.
        func areas(_ count: (FaultFigures) -> Int) -> String {
            "from " + byArea.keys.sorted().filter { count(byArea[$0] ?? FaultFigures(area: $0)) > 0 }.joined(separator: ", ")
        }
        #expect(total.lost == 0, "\(areas(\.lost))")
        #expect(total.duplicated == 0, "\(areas(\.duplicated))")
        #expect(total.crashes == 0, "\(areas(\.crashes))")
        #expect(total.escapes == 0, "\(areas(\.escapes))")
        #expect(total.wrongEnergies == 0, "\(areas(\.wrongEnergies))")
    }
}
