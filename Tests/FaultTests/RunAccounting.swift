import Foundation
import PESTestSupport
import Testing

/// Checks that every point of a scan was done exactly once, from the database and from the engine's marker files.
///
/// "Done exactly once" means, for every point of the scan:
/// 1. the point's state is `done` and exactly one of its attempts has outcome `done`;
/// 2. the engine's marker file in that attempt's work directory has a line for it
///    (the recorded energy came from a run that completed);
/// 3. no attempt number appears twice in the marker file (no attempt ran twice);
/// 4. every other marker line belongs to an attempt whose outcome is `abandoned` (its collect
///    was killed) or `released` (its collect was interrupted): an engine may complete more than
///    once only when the earlier result was never recorded;
/// 5. no attempt is still `running` and the point's attempt count equals its attempt rows.
/// A point failing 1 is lost (or duplicated, with more than one `done` attempt); failing 2–5 is duplicated.
struct RunAccounting {
    /// What the check found.
    struct Tally {
        var points = 0
        var lost = 0
        var duplicated = 0
        var extraEngineRuns = 0
        var wrongEnergies = 0
        var problems: [String] = []
    }

    let runner: BinaryRunner
    let scan: String
    let markerFile: String

    /// Reads the database and the marker files and classifies every point.
    func check() throws -> Tally {
        var tally = Tally()
        let rows = try runner.sql("""
            SELECT p.idx, p.state, p.attempt_count, a.number, a.outcome, a.id FROM point p JOIN scan s ON s.id = p.scan_id
            LEFT JOIN attempt a ON a.point_id = p.id WHERE s.name = '\(scan)' ORDER BY p.idx, a.number
            """)
        var points: [Int: (state: String, count: Int, attempts: [Int: String], attemptIDs: [Int])] = [:]
        for line in rows.split(separator: "\n") {
            let f = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            guard f.count == 6, let index = Int(f[0]) else { continue }
            var entry = points[index] ?? (f[1], Int(f[2]) ?? -1, [:], [])
            if let number = Int(f[3]) { entry.attempts[number] = f[4] }
            if let id = Int(f[5]) { entry.attemptIDs.append(id) }
            points[index] = entry
        }
        tally.points = points.count
        let wrong = try EnergyAudit.wrongEnergies(runner: runner, scan: scan)
        tally.wrongEnergies = wrong.count
        tally.problems += wrong
        for (index, point) in points.sorted(by: { $0.key < $1.key }) {
            let doneAttempts = point.attempts.filter { $0.value == "done" }.map(\.key)
            let markers = markerAttempts(point: index, attemptIDs: point.attemptIDs)
            var problem: String?
            if point.state != "done" || doneAttempts.isEmpty {
                tally.lost += 1
                problem = "not done (state \(point.state), attempts \(point.attempts))"
            } else if doneAttempts.count > 1 {
                tally.duplicated += 1
                problem = "\(doneAttempts.count) attempts recorded done"
            } else if let done = doneAttempts.first, !markers.contains(done) {
                tally.duplicated += 1
                problem = "done attempt \(done) has no engine marker (markers \(markers))"
            } else if Set(markers).count != markers.count {
                tally.duplicated += 1
                problem = "an attempt ran twice on the engine side (markers \(markers))"
            } else if let bad = markers.first(where: { $0 != doneAttempts.first && !["abandoned", "released"].contains(point.attempts[$0] ?? "missing") }) {
                tally.duplicated += 1
                problem = "engine completed attempt \(bad) whose outcome is \(point.attempts[bad] ?? "missing")"
            } else if point.attempts.values.contains("running") || point.count != point.attempts.count {
                tally.duplicated += 1
                problem = "attempt rows \(point.attempts) disagree with attempt count \(point.count)"
            }
            tally.extraEngineRuns += max(0, markers.count - 1)
            if let problem { tally.problems.append("point \(index): \(problem)") }
        }
        return tally
    }

    /// Attempt numbers the engine wrote into the marker files in the work folders of these attempts of the point.
    func markerAttempts(point: Int, attemptIDs: [Int]) -> [Int] {
        guard let folder = try? runner.pointFolder(scan: scan, index: point) else { return [] }
        let text = attemptIDs.compactMap { id in
            try? String(contentsOf: folder.appendingPathComponent("\(id)/\(markerFile)"), encoding: .utf8)
        }.joined()
        return text.split(separator: "\n").compactMap { line in
            line.split(separator: " ").first { $0.hasPrefix("attempt=") }.flatMap { Int($0.dropFirst("attempt=".count)) }
        }
    }

    /// Checks every point and the file's integrity, recording an issue for each problem.
    func expectDoneExactlyOnce(points expected: Int) throws -> Tally {
        let tally = try check()
        #expect(tally.points == expected, "scan \(scan) has \(tally.points) points, expected \(expected)")
        #expect(tally.problems.isEmpty, "\(tally.problems.prefix(10).joined(separator: "\n"))")
        #expect(try runner.sql("PRAGMA integrity_check") == "ok")
        return tally
    }
}
