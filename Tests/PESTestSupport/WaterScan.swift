import PESCore

extension TestSupport {
    /// Water's Z-matrix (`O`, `H 1 r`, `H 1 r 2 theta`; r = 0.96 Å, θ = 104.5°), both O–H bonds tied to r.
    public static let waterZMatrix = "O\nH 1 r\nH 1 r 2 theta\n\nr = 0.96\ntheta = 104.5\n"

    /// A water scan varying `varied` (of r and theta) with the model engine, its points at `points` (Å, degrees).
    public static func waterSpec(name: String = "water", varied: [String] = ["r", "theta"], points: [[Double]] = []) throws -> ScanSpec {
        let parsed = try ZMatrix.parse(waterZMatrix)
        let atoms = try ["O", "H", "H"].map { try Atom(symbol: $0) }
        let geometry = PolyatomicGeometry(
            zmatrix: parsed.zmatrix, referenceValues: parsed.values, varied: varied, pointCoordinates: points)
        return ScanSpec(
            name: try ScanName(name), molecule: try Molecule.polyatomic(name: "H2O", atoms: atoms, charge: 0),
            engine: EngineSettings(name: "model"), modelConstants: nil, bondLengthsAngstrom: points.compactMap(\.first),
            geometry: geometry)
    }

    /// A model water surface in hartree at (r Å, θ degrees): wells in both with cubic and cross terms, its minimum near 0.96 Å and 104.5°.
    public static func waterEnergyHartree(_ coordinates: [Double]) -> Double {
        let dr = coordinates[0] - 0.96, dt = coordinates[1] - 104.5
        return -76.4 + 0.97 * dr * dr - 1.9 * dr * dr * dr + 2.4e-5 * dt * dt + 1e-7 * dt * dt * dt + 2e-4 * dr * dt
    }

    /// Every (r, θ) of the grid `r` × `theta`, r varying slowest.
    public static func grid(_ r: [Double], _ theta: [Double]) -> [[Double]] {
        r.flatMap { r in theta.map { [r, $0] } }
    }

    /// Done, converged points at `coordinates` with ``waterEnergyHartree(_:)``; ids from 1, indices from 0.
    public static func waterPoints(_ coordinates: [[Double]]) -> [ScanPoint] {
        coordinates.enumerated().map { index, point in
            ScanPoint(
                id: Int64(index + 1), index: index, rAngstrom: point[0], state: .done, energyHartree: waterEnergyHartree(point),
                converged: true, zone: "local", host: "h", wallSeconds: 0.1, attemptCount: 1, coordinates: point)
        }
    }
}
