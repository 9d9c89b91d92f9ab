/// One harmonic vibration of a molecule: its wavenumber and how it shares its energy among the coordinates.
public struct NormalMode: Sendable, Hashable, Codable {
    /// Harmonic wavenumber in cm⁻¹; negative for an imaginary one (a direction in which the energy falls).
    public var wavenumberPerCentimetre: Double
    /// Fraction of the mode's potential energy in each coordinate, keyed by coordinate name, summing to 1.
    ///
    /// The diagonal terms of the potential-energy distribution,
    /// |c_i² F_ii| / Σ_j |c_j² F_jj| for the mode's displacements c and the
    /// Hessian F; unlike the squared displacements they do not depend on the
    /// coordinates' units.
    public var composition: [String: Double]
    /// ∂q_i/∂Q: how far each coordinate moves (in its unit) per unit of the mass-weighted normal coordinate Q (√dalton·Å).
    ///
    /// Normalised so that cᵀ T c = 1 for the kinetic matrix T; in the order
    /// of the coordinate names.
    public var displacements: [Double]

    /// Whether the wavenumber is imaginary (the energy falls along the mode).
    public var isImaginary: Bool { wavenumberPerCentimetre < 0 }
}
