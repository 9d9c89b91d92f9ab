"""The built-in Morse model of pesscan (Sources/PESEngines/MorseModel.swift), vectorised with NumPy, for the peers."""
import numpy as np

PLANCK = 6.62607015e-34          # J s
LIGHT = 299792458.0              # m/s
DALTON = 1.66053906660e-27       # kg
HARTREE_IN_CM1 = 219474.6313632  # cm⁻¹ per hartree

# AuOg+ as in Inputs/molecules.json: r_e (Å), ω_e and ω_e x_e (cm⁻¹), isotopic masses (Da).
AUOG = dict(r_e=2.862, omega_e=120.0, omega_e_x_e=0.5, masses=(196.96656879, 294.21392))


def parameters(r_e, omega_e, omega_e_x_e, masses):
    """(r_e in Å, D_e in hartree, a in 1/Å) reproducing ω_e and ω_e x_e for the reduced mass of `masses`."""
    m1, m2 = masses
    well_cm1 = omega_e ** 2 / (4 * omega_e_x_e)
    force = m1 * m2 / (m1 + m2) * DALTON * (2 * np.pi * LIGHT * 100 * omega_e) ** 2
    range_per_metre = np.sqrt(force / (2 * well_cm1 * 100 * PLANCK * LIGHT))
    return r_e, well_cm1 / HARTREE_IN_CM1, float(range_per_metre * 1e-10)


def energy(r, r_e, well, a):
    """Morse energy in hartree at r Å: D_e[(1 − e^(−a(r − r_e)))² − 1]."""
    return well * ((1 - np.exp(-a * (r - r_e))) ** 2 - 1)
