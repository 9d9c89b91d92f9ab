/// CODATA 2018 physical constants and unit conversions used everywhere in pesscan.
///
/// Every conversion between units happens through this one table so that
/// printed, stored and fitted values agree to the last digit.
public enum PhysicalConstants {
    /// Bohr radius in ångström (CODATA 2018).
    public static let bohrInAngstrom = 0.529177210903
    /// Ångström in bohr, the reciprocal of ``bohrInAngstrom``.
    public static let angstromInBohr = 1.0 / bohrInAngstrom
    /// Hartree energy in joule (CODATA 2018).
    public static let hartreeInJoule = 4.3597447222071e-18
    /// Hartree energy in wavenumbers, cm⁻¹ (CODATA 2018).
    public static let hartreeInWavenumber = 219474.6313632
    /// Hartree energy in electronvolt (CODATA 2018).
    public static let hartreeInElectronvolt = 27.211386245988
    /// Hartree energy in kJ/mol (CODATA 2018).
    public static let hartreeInKilojoulePerMole = 2625.4996394799
    /// Hartree energy in kcal/mol (thermochemical calorie, CODATA 2018).
    public static let hartreeInKilocaloriePerMole = 627.5094740631
    /// Unified atomic mass unit (dalton) in kilogram (CODATA 2018).
    public static let daltonInKilogram = 1.66053906660e-27
    /// Planck constant in J·s (exact).
    public static let planckJouleSecond = 6.62607015e-34
    /// Speed of light in vacuum in m/s (exact).
    public static let speedOfLightMetrePerSecond = 299_792_458.0
}
