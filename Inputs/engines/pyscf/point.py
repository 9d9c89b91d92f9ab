# PySCF single point written by pesscan: {scan} point {point}, r = {r_angstrom} angstrom.
# Prints key = value lines that pesscan reads: pyscf_version, converged, energy_hartree.
import pyscf
from pyscf import gto, scf, dft

mol = gto.M(
    atom="""{atoms}""",
    unit="Angstrom",
    basis="{basis}",
    charge={charge},
    spin={unpaired},
    verbose=0,
)
method = "{method}"
restricted = mol.spin == 0
builders = {
    "rhf": scf.RHF,
    "uhf": scf.UHF,
    "rohf": scf.ROHF,
    "rks": dft.RKS,
    "uks": dft.UKS,
    "roks": dft.ROKS,
    "dhf": scf.DHF,  # four-component Dirac-Hartree-Fock
    "dks": dft.DKS,  # four-component Dirac-Kohn-Sham (the paper's method with xc = blyp)
    "x2c-hf": lambda m: (scf.RHF(m) if restricted else scf.UHF(m)).x2c(),  # spin-free X2C
    "x2c-ks": lambda m: (dft.RKS(m) if restricted else dft.UKS(m)).x2c(),
}
mf = builders[method](mol)
if hasattr(mf, "xc"):
    mf.xc = "{xc}"
mf.conv_tol = {conv_tol}
mf.max_cycle = {max_cycle}
energy = mf.kernel()
print("pyscf_version =", pyscf.__version__)
print("method =", method)
print("converged =", bool(mf.converged))
print("energy_hartree = %.15f" % energy)
