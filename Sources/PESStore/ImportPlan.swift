import Foundation
import PESCore

/// A point already in the scan, as an import sees it when it checks the file.
struct ImportedTarget: Sendable, Hashable {
    /// Row id of the point.
    var id: Int64
    /// Index of the point in its scan.
    var index: Int
    /// Bond length in ångström.
    var rAngstrom: Double
    /// State as stored (`pending`, `running`, `done`, `failed`).
    var state: String
    /// Stored energy in hartree, when the point has one.
    var energyHartree: Double?
    /// Whether the point's zone is `imported` (its energy came from an earlier import).
    var imported: Bool
}

/// What an import does with one row of the file.
enum ImportAction: Sendable, Hashable {
    /// Fill the planned (pending or failed) point with this row id.
    case fill(Int64)
    /// Add a new point.
    case add
    /// Nothing: an earlier import stored this very energy at this bond length.
    case present
}

/// The checked plan of an import: one action per row, decided before anything is written.
///
/// Checking costs O(n log n + m log m) for n rows and m existing points: the
/// rows are sorted by bond length once to find repeats (neighbours closer than
/// ``ScanStore/sameBondLengthAngstrom``), and each row finds its point by
/// binary search over the existing points sorted by bond length.
struct ImportPlan: Sendable {
    /// Rows in file order with what to do with each.
    var steps: [(energy: ImportedEnergy, action: ImportAction)]

    /// Rows that fill a planned point.
    var filled: Int { steps.count(where: { if case .fill = $0.action { true } else { false } }) }
    /// Rows that become new points.
    var added: Int { steps.count(where: { $0.action == .add }) }
    /// Rows an earlier import already stored.
    var present: Int { steps.count(where: { $0.action == .present }) }

    /// Decides every row's action for the scan `scan` of `molecule`, rejecting the file at the first problem.
    ///
    /// `existing` is the scan as stored (its molecule and points), nil when it
    /// does not exist yet. Two rows at the same bond length reject the file,
    /// as does a scan of another molecule. A row meeting a pending or failed
    /// point fills it; a row meeting a done point of provenance `imported`
    /// with the identical energy is already present; a row meeting any other
    /// done or running point, or a point another row already meets, is
    /// rejected; any other row is added.
    init(
        _ energies: [ImportedEnergy], scan: String, molecule: String, existing: (molecule: String, points: [ImportedTarget])?
    ) throws(StoreError) {
        if let (earlier, later) = Self.firstRepeat(in: energies) {
            throw .importRejected(line: later.line, "repeats the bond length \(later.rAngstrom) Å of line \(earlier.line)")
        }
        if let existing, existing.molecule != molecule {
            throw .importRejected(
                line: nil, "the scan \(scan) is of \(existing.molecule), not \(molecule); give --molecule \(existing.molecule) or another --scan")
        }
        let sorted = (existing?.points ?? []).sorted { ($0.rAngstrom, $0.index) < ($1.rAngstrom, $1.index) }
        var claimedBy: [Int64: Int] = [:]
        steps = []
        steps.reserveCapacity(energies.count)
        for energy in energies {
            guard let target = Self.match(energy.rAngstrom, in: sorted) else {
                steps.append((energy, .add))
                continue
            }
            if let other = claimedBy[target.id] {
                throw .importRejected(
                    line: energy.line, "meets point \(target.index) of \(scan) at r = \(target.rAngstrom) Å, as line \(other) does; keep one of the two rows")
            }
            claimedBy[target.id] = energy.line
            switch target.state {
            case PointState.pending.rawValue, PointState.failed.rawValue:
                steps.append((energy, .fill(target.id)))
            case PointState.done.rawValue where target.imported && target.energyHartree == energy.energyHartree:
                steps.append((energy, .present))
            default:
                throw .importRejected(
                    line: energy.line,
                    "point \(target.index) of \(scan) at r = \(energy.rAngstrom) Å is \(target.state) already"
                        + (target.state == PointState.done.rawValue ? " with another energy" : "")
                        + "; remove the row or import into another --scan")
            }
        }
    }

    /// The pair of rows closer than ``ScanStore/sameBondLengthAngstrom`` whose later line comes first in the file, if any.
    ///
    /// Sorting by bond length puts every such pair next to each other (or
    /// next to a row between them, which is as close), so only neighbours are compared.
    static func firstRepeat(in energies: [ImportedEnergy]) -> (earlier: ImportedEnergy, later: ImportedEnergy)? {
        let sorted = energies.sorted { ($0.rAngstrom, $0.line) < ($1.rAngstrom, $1.line) }
        var found: (earlier: ImportedEnergy, later: ImportedEnergy)?
        for (a, b) in zip(sorted, sorted.dropFirst()) where b.rAngstrom - a.rAngstrom < ScanStore.sameBondLengthAngstrom {
            let pair = a.line < b.line ? (a, b) : (b, a)
            if found.map({ pair.1.line < $0.later.line }) ?? true { found = pair }
        }
        return found
    }

    /// The existing point within ``ScanStore/sameBondLengthAngstrom`` of `r` with the lowest index, found by binary search in `sorted` (ordered by bond length).
    static func match(_ r: Double, in sorted: [ImportedTarget]) -> ImportedTarget? {
        let low = r - ScanStore.sameBondLengthAngstrom
        var lower = 0, upper = sorted.count
        while lower < upper {
            let middle = (lower + upper) / 2
            if sorted[middle].rAngstrom <= low { lower = middle + 1 } else { upper = middle }
        }
        var best: ImportedTarget?
        var position = lower
        while position < sorted.count, sorted[position].rAngstrom < r + ScanStore.sameBondLengthAngstrom {
            if best.map({ sorted[position].index < $0.index }) ?? true { best = sorted[position] }
            position += 1
        }
        return best
    }
}
