/// Failures the model engines inject on purpose, so retries and failure handling can be shown with real processes.
///
/// Whether attempt n of point i fails is a fixed function of (seed, i, n),
/// so a run is reproducible.
public struct InjectedFailures: Sendable, Hashable {
    /// Fraction of attempts that fail, 0 … 1.
    public var fraction: Double
    /// Seed of the choice.
    public var seed: UInt64

    /// No injected failures.
    public static let none = InjectedFailures(fraction: 0, seed: 0)

    public init(fraction: Double, seed: UInt64) {
        self.fraction = fraction
        self.seed = seed
    }

    /// The reason attempt `attempt` of point `point` fails, or nil when it does not.
    public func failure(point: Int, attempt: Int) -> String? {
        guard fraction > 0 else { return nil }
        var z = seed &+ UInt64(truncatingIfNeeded: point) &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(truncatingIfNeeded: attempt) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        let uniform = Double(z >> 11) / Double(1 << 53)
        return uniform < fraction ? "injected failure (fail_fraction \(fraction), point \(point), attempt \(attempt))" : nil
    }
}
