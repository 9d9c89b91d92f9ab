import Foundation
import PESCore

/// A Morse potential V(r) = D_e[(1 − e^{−a(r − r_e)})² − 1], zero at dissociation.
///
/// Reference: P. M. Morse, Phys. Rev. 34, 57 (1929). Parameters come from
/// ω_e and ω_e x_e: D_e = ω_e² / (4 ω_e x_e), k = μ(2πcω_e)², a = √(k / 2D_e).
public struct MorseModel: Sendable, Hashable, Codable {
    /// Equilibrium bond length in ångström.
    public var rEquilibriumAngstrom: Double
    /// Well depth D_e in hartree.
    public var wellDepthHartree: Double
    /// Range parameter a in 1/ångström.
    public var rangePerAngstrom: Double

    public init(rEquilibriumAngstrom: Double, wellDepthHartree: Double, rangePerAngstrom: Double) {
        self.rEquilibriumAngstrom = rEquilibriumAngstrom
        self.wellDepthHartree = wellDepthHartree
        self.rangePerAngstrom = rangePerAngstrom
    }

    /// Builds the Morse curve that reproduces a molecule's r_e, ω_e and ω_e x_e for its isotopic masses.
    public init(constants: SpectroscopicConstants, reducedMassDalton: Double) {
        let c = PhysicalConstants.self
        let wellDepthWavenumber = constants.omegaEWavenumber * constants.omegaEWavenumber / (4 * constants.omegaEXEWavenumber)
        let wellDepthJoule = wellDepthWavenumber * 100 * c.planckJouleSecond * c.speedOfLightMetrePerSecond
        let angularFrequency = 2 * Double.pi * c.speedOfLightMetrePerSecond * 100 * constants.omegaEWavenumber
        let forceConstant = reducedMassDalton * c.daltonInKilogram * angularFrequency * angularFrequency
        let rangePerMetre = (forceConstant / (2 * wellDepthJoule)).squareRoot()
        self.init(
            rEquilibriumAngstrom: constants.rEquilibriumAngstrom,
            wellDepthHartree: wellDepthWavenumber / c.hartreeInWavenumber,
            rangePerAngstrom: rangePerMetre * 1e-10)
    }

    /// Energy in hartree at `r` ångström.
    public func energyHartree(atAngstrom r: Double) -> Double {
        let decay = 1 - exp(-rangePerAngstrom * (r - rEquilibriumAngstrom))
        return wellDepthHartree * (decay * decay - 1)
    }
}
