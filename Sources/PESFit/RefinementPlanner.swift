/// Chooses where new points most sharpen r_e: a symmetric pair close around the current minimum.
///
/// The localised fit that estimates r_e leans on the points nearest the
/// minimum; each round adds r_e ± h with h half the distance from r_e to the
/// nearest existing point on either side (so the pair halves the local gap),
/// never outside the bracketing points and never on top of an existing point.
public enum RefinementPlanner {
    /// Smallest step in ångström worth a new calculation.
    public static let minimumStepAngstrom = 1e-4

    /// New bond lengths in ångström for the next round, or none when the points around r_e are already dense.
    public static func nextBondLengths(existing: [Double], rEquilibriumAngstrom re: Double) -> [Double] {
        let sorted = existing.sorted()
        guard let low = sorted.first, let high = sorted.last, re > low, re < high else { return [] }
        let below = sorted.last { $0 <= re } ?? low
        let above = sorted.first { $0 > re } ?? high
        let gap = max(re - below, above - re)
        guard gap >= minimumStepAngstrom else { return [] }
        let step = max(gap / 2, minimumStepAngstrom)
        let candidates = [re - step, re + step].filter { $0 > low && $0 < high }
        return candidates.filter { r in !sorted.contains { abs($0 - r) < minimumStepAngstrom / 2 } }
    }
}
