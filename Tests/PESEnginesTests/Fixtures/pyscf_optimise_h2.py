"""Reference r_e of H2 at RHF/cc-pVDZ from PySCF's geometry optimiser (geomeTRIC), tight convergence.

Run by the end-to-end tests with the project's venv Python; prints `r_e_angstrom = <value>`.
"""
import numpy
from pyscf import gto, scf
from pyscf.geomopt.geometric_solver import optimize

mol = gto.M(atom="H 0 0 0; H 0 0 0.74", unit="Angstrom", basis="cc-pvdz", verbose=0)
mf = scf.RHF(mol)
mf.conv_tol = 1e-12
params = {
    "convergence_energy": 1e-10,  # hartree
    "convergence_grms": 1e-7,  # hartree/bohr
    "convergence_gmax": 1e-7,
    "convergence_drms": 1e-6,  # angstrom
    "convergence_dmax": 1e-6,
}
optimised = optimize(mf, **params)
coords = optimised.atom_coords(unit="Angstrom")
print("r_e_angstrom = %.10f" % numpy.linalg.norm(coords[1] - coords[0]))
