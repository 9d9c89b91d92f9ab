/// Sourced ground-state spectroscopic constants of a diatomic, the basis of its model energy.
public struct SpectroscopicConstants: Sendable, Hashable, Codable {
    /// Equilibrium bond length r_e in ångström.
    public var rEquilibriumAngstrom: Double
    /// Harmonic wavenumber ω_e in cm⁻¹.
    public var omegaEWavenumber: Double
    /// First anharmonicity ω_e x_e in cm⁻¹.
    public var omegaEXEWavenumber: Double
    /// Where the numbers come from.
    public var source: String
    /// Which of the numbers are assumptions rather than measured or published values.
    public var assumptions: String?

    public init(
        rEquilibriumAngstrom: Double, omegaEWavenumber: Double, omegaEXEWavenumber: Double,
        source: String, assumptions: String? = nil
    ) {
        self.rEquilibriumAngstrom = rEquilibriumAngstrom
        self.omegaEWavenumber = omegaEWavenumber
        self.omegaEXEWavenumber = omegaEXEWavenumber
        self.source = source
        self.assumptions = assumptions
    }

    enum CodingKeys: String, CodingKey {
        case rEquilibriumAngstrom = "r_e_angstrom"
        case omegaEWavenumber = "omega_e_cm1"
        case omegaEXEWavenumber = "omega_e_x_e_cm1"
        case source
        case assumptions
    }
}
