import Foundation
import PESCore

/// Spectroscopic constants of a diatomic from the energy derivatives at its minimum (second-order perturbation theory).
///
/// The definitions are those of Psi4's `diatomic.anharmonicity` (and of
/// Dunham/VPT2 textbooks): ω_e from the quadratic force constant, ω_e x_e
/// and α_e from the cubic and quartic ones, B_e from r_e and the reduced mass.
/// All wavenumbers are in cm⁻¹.
public struct VibrationalConstants: Sendable, Hashable, Codable {
    /// Equilibrium bond length r_e in ångström.
    public var rEquilibriumAngstrom: Double
    /// Vibrationally averaged bond length r_0 in ångström, from B_0.
    public var rZeroAngstrom: Double
    /// Quadratic force constant f₂ = d²E/dr² in aJ/Å² (mdyn/Å).
    public var f2AttojoulePerAngstrom2: Double
    /// Cubic force constant f₃ = d³E/dr³ in aJ/Å³.
    public var f3AttojoulePerAngstrom3: Double
    /// Quartic force constant f₄ = d⁴E/dr⁴ in aJ/Å⁴.
    public var f4AttojoulePerAngstrom4: Double
    /// Harmonic wavenumber ω_e in cm⁻¹.
    public var omegaE: Double
    /// Anharmonicity ω_e x_e in cm⁻¹.
    public var omegaEXE: Double
    /// Fundamental ν = ω_e − 2 ω_e x_e in cm⁻¹.
    public var fundamental: Double
    /// Zero-point vibrational energy ω_e/2 − ω_e x_e/4 in cm⁻¹.
    public var zeroPointEnergy: Double
    /// Harmonic zero-point energy ω_e/2 in cm⁻¹.
    public var zeroPointEnergyHarmonic: Double
    /// Equilibrium rotational constant B_e in cm⁻¹.
    public var rotationalBE: Double
    /// Ground-state rotational constant B_0 = B_e − α_e/2 in cm⁻¹.
    public var rotationalB0: Double
    /// Vibration–rotation coupling α_e in cm⁻¹.
    public var alphaE: Double
    /// Quartic centrifugal distortion constant D_e = 4 B_e³/ω_e² in cm⁻¹ (not the dissociation energy).
    public var centrifugalDE: Double

    /// One hartree in attojoule.
    static let attojoulePerHartree = PhysicalConstants.hartreeInJoule * 1e18

    /// Computes the constants from dⁿE/drⁿ at r_e (n = 2, 3, 4, in hartree per ångströmⁿ) and the reduced mass in dalton.
    public init(
        rEquilibriumAngstrom re: Double, derivativesHartree: (second: Double, third: Double, fourth: Double),
        reducedMassDalton: Double
    ) {
        let c = PhysicalConstants.self
        let f2 = derivativesHartree.second * Self.attojoulePerHartree
        let f3 = derivativesHartree.third * Self.attojoulePerHartree
        let f4 = derivativesHartree.fourth * Self.attojoulePerHartree
        let mu = reducedMassDalton * c.daltonInKilogram
        let we = 5.3088375e-11 * (f2 / mu).squareRoot()
        let wexe = 1.2415491e-6 * pow(we / f2, 2) * (5 * f3 * f3 / (3 * f2) - f4)
        let be = Self.rotationalConstant(rAngstrom: re, reducedMassKilogram: mu)
        let ae = -(6 * be * be / we) * (1.05052209e-3 * we * f3 / (be * f2 * f2 * f2).squareRoot() + 1)
        let b0 = be - ae / 2
        rEquilibriumAngstrom = re
        rZeroAngstrom = Self.bondLength(rotationalConstant: b0, reducedMassKilogram: mu)
        f2AttojoulePerAngstrom2 = f2
        f3AttojoulePerAngstrom3 = f3
        f4AttojoulePerAngstrom4 = f4
        omegaE = we
        omegaEXE = wexe
        fundamental = we - 2 * wexe
        zeroPointEnergy = we / 2 - wexe / 4
        zeroPointEnergyHarmonic = we / 2
        rotationalBE = be
        rotationalB0 = b0
        alphaE = ae
        centrifugalDE = 4 * be * be * be / (we * we)
    }

    /// B = h / (8π² c I) in cm⁻¹ for I = μ r².
    static func rotationalConstant(rAngstrom: Double, reducedMassKilogram mu: Double) -> Double {
        let c = PhysicalConstants.self
        let inertia = mu * pow(rAngstrom * 1e-10, 2)
        return c.planckJouleSecond / (8 * Double.pi * Double.pi * c.speedOfLightMetrePerSecond * 100 * inertia)
    }

    /// The bond length in ångström whose rotational constant is `rotationalConstant` cm⁻¹.
    static func bondLength(rotationalConstant b: Double, reducedMassKilogram mu: Double) -> Double {
        let c = PhysicalConstants.self
        let inertia = c.planckJouleSecond / (8 * Double.pi * Double.pi * c.speedOfLightMetrePerSecond * 100 * b)
        return (inertia / mu).squareRoot() * 1e10
    }

    /// ω_e in cm⁻¹ for a quadratic force constant in hartree/Å² and a reduced mass in dalton.
    public static func harmonicWavenumber(secondDerivativeHartreePerAngstrom2 k: Double, reducedMassDalton: Double) -> Double {
        5.3088375e-11 * (k * attojoulePerHartree / (reducedMassDalton * PhysicalConstants.daltonInKilogram)).squareRoot()
    }
}
