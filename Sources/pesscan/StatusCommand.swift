import ArgumentParser
import Foundation
import PESCore
import PESStore

extension Pesscan {
    /// `pesscan status`: how far each scan is, and its points.
    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show each scan's points by state, or one scan's points in detail.",
            discussion: """
                Examples:
                  pesscan status
                  pesscan status --scan AuOg+
                  pesscan status --json
                """)

        @OptionGroup var store: StoreOptions

        @Option(help: "Show the points of this scan.")
        var scan: String?

        @Flag(help: "Print as JSON.")
        var json = false

        func run() throws {
            let database = try store.openReadOnly()
            do {
                let scans = try scan.map { [try database.scan(named: $0)] } ?? database.scans()
                var reports: [ScanStatus] = []
                for record in scans {
                    let points = try database.points(ofScan: record.id)
                    reports.append(
                        ScanStatus(
                            scan: record.spec.name.rawValue, molecule: record.spec.molecule.name,
                            engine: record.spec.engine.name, counts: try database.stateCounts(ofScan: record.id),
                            zones: ScanStatus.zoneCounts(try database.attempts(ofScan: record.id)),
                            failures: points.filter { $0.state == .failed }.map {
                                ScanStatus.FailedPoint(index: $0.index, r_angstrom: $0.rAngstrom, attempts: $0.attemptCount, error: $0.error ?? "")
                            },
                            points: scan == nil ? nil : points))
                }
                if json {
                    try Output.json(reports)
                    return
                }
                if reports.isEmpty { print("No scans in \(store.databasePath).") }
                for report in reports { print(report.table) }
            } catch let error as StoreError {
                throw Failure.report(error.description, status: ExitStatus.unavailableOrData(error))
            }
        }
    }
}

/// One scan's progress as printed by `status`.
struct ScanStatus: Encodable {
    var scan: String
    var molecule: String
    var engine: String
    var counts: StateCounts
    var zones: [ZoneCount]
    var failures: [FailedPoint]
    var points: [ScanPoint]?

    /// Attempts per zone and how they ended.
    struct ZoneCount: Encodable {
        var zone: String
        var done: Int
        var failed: Int
        var other: Int
    }

    /// A point that failed for good, with its last error.
    struct FailedPoint: Encodable {
        var index: Int
        var r_angstrom: Double
        var attempts: Int
        var error: String
    }

    /// Attempts grouped by zone, zones in order of first use.
    static func zoneCounts(_ attempts: [AttemptRecord]) -> [ZoneCount] {
        var counts: [ZoneCount] = []
        for attempt in attempts {
            let index = counts.firstIndex { $0.zone == attempt.zone } ?? {
                counts.append(ZoneCount(zone: attempt.zone, done: 0, failed: 0, other: 0))
                return counts.count - 1
            }()
            switch attempt.outcome {
            case "done": counts[index].done += 1
            case "failed": counts[index].failed += 1
            default: counts[index].other += 1
            }
        }
        return counts
    }

    var table: String {
        var lines = [
            "\(scan) (\(molecule), engine \(engine)): \(counts.done)/\(counts.total) done, \(counts.running) running, "
                + "\(counts.pending) pending, \(counts.failed) failed"
        ]
        for zone in zones {
            lines.append("  zone \(zone.zone): \(zone.done) done, \(zone.failed) failed attempts" + (zone.other > 0 ? ", \(zone.other) interrupted" : ""))
        }
        for failure in failures {
            lines.append("  failed #\(failure.index) (r = \(Output.fixed(failure.r_angstrom, 5)) Å, \(failure.attempts) attempts): \(failure.error)")
        }
        for point in points ?? [] {
            var line = "  #\(point.index)  r = \(Output.fixed(point.rAngstrom, 5)) Å  \(point.state.rawValue)"
            if let energy = point.energyHartree { line += "  E = \(String(format: "%.10f", energy)) Eh" }
            if let zone = point.zone { line += "  zone \(zone)" }
            if let host = point.host { line += " on \(host)" }
            if point.attemptCount > 1 { line += "  (\(point.attemptCount) attempts)" }
            if let error = point.error { line += "  error: \(error)" }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }
}
