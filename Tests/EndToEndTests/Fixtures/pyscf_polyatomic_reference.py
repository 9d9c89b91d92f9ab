"""Reference RHF/cc-pVDZ equilibrium geometry and harmonic frequencies of H2O or HCN from PySCF.

Usage: $PESSCAN_PYTHON pyscf_polyatomic_reference.py h2o|hcn
Prints one JSON object on standard output (the optimiser's log goes to standard error):
the geometry optimised by geomeTRIC through pyscf.geomopt.geometric_solver.optimize with
tight convergence, its internal coordinates (h2o: r1, r2 O-H in angstrom and the H-O-H
angle in degrees; hcn: r(CH), r(CN) in angstrom and the H-C-N angle), the final energy,
the analytic-Hessian harmonic wavenumbers in cm^-1 and the masses they used (the most
abundant isotopes, given explicitly: harmonic_analysis defaults to isotope-averaged masses),
and the wall time. Basis functions are PySCF's default (spherical), unit angstrom.
"""
import contextlib
import json
import sys
import time

import numpy

started = time.time()

import pyscf  # noqa: E402
import geometric  # noqa: E402
from pyscf import gto, scf  # noqa: E402
from pyscf.geomopt.geometric_solver import optimize  # noqa: E402
from pyscf.hessian import thermo  # noqa: E402

# Most abundant isotopes, in dalton (AME2016/CODATA values).
ISOTOPE_MASS = {"H": 1.00782503223, "C": 12.0, "N": 14.00307400443, "O": 15.99491461957}

# Starting geometries (angstrom): near but not at the RHF/cc-pVDZ minima.
START = {
    "h2o": "O 0 0 0; H 0 0.757 0.587; H 0 -0.757 0.587",
    "hcn": "H 0 0 -1.066; C 0 0 0; N 0 0 1.153",
}

# Tighter than geomeTRIC's tightest named set GAU_VERYTIGHT (energy 1e-6, grms 1e-6, gmax 2e-6,
# drms 4e-6, dmax 6e-6); the same values as Tests/PESEnginesTests/Fixtures/pyscf_optimise_h2.py.
CONVERGENCE = {
    "convergence_set": "GAU_VERYTIGHT",
    "convergence_energy": 1e-10,  # hartree
    "convergence_grms": 1e-7,  # hartree/bohr
    "convergence_gmax": 1e-7,
    "convergence_drms": 1e-6,  # angstrom
    "convergence_dmax": 1e-6,
}


def angle(a, b, c):
    """Angle a-b-c in degrees."""
    u, v = a - b, c - b
    cosine = numpy.dot(u, v) / (numpy.linalg.norm(u) * numpy.linalg.norm(v))
    return float(numpy.degrees(numpy.arccos(numpy.clip(cosine, -1.0, 1.0))))


def main(name):
    mol = gto.M(atom=START[name], unit="Angstrom", basis="cc-pvdz", verbose=0)
    mf = scf.RHF(mol)
    mf.conv_tol = 1e-12
    mf.conv_tol_grad = 1e-9
    gradients = []
    with contextlib.redirect_stdout(sys.stderr):
        optimised = optimize(mf, maxsteps=200, callback=lambda env: gradients.append(1), **CONVERGENCE)
    opt_seconds = time.time() - started

    mf = scf.RHF(optimised)
    mf.conv_tol = 1e-12
    mf.conv_tol_grad = 1e-9
    energy = mf.kernel()
    gmax = float(abs(mf.nuc_grad_method().kernel()).max())
    hessian = mf.Hessian().kernel()
    symbols = [optimised.atom_pure_symbol(i) for i in range(optimised.natm)]
    masses = numpy.array([ISOTOPE_MASS[s] for s in symbols])
    analysis = thermo.harmonic_analysis(optimised, hessian, mass=masses)
    wavenumbers = analysis["freq_wavenumber"]
    if numpy.iscomplexobj(wavenumbers):
        imaginary = [float(w.imag) for w in wavenumbers if abs(w.imag) > 0]
        wavenumbers = wavenumbers.real
    else:
        imaginary = []

    xyz = optimised.atom_coords(unit="Angstrom")
    if name == "h2o":
        o, h1, h2 = xyz
        internal = {
            "r1_angstrom": float(numpy.linalg.norm(h1 - o)),
            "r2_angstrom": float(numpy.linalg.norm(h2 - o)),
            "theta_degrees": angle(h1, o, h2),
        }
    else:
        h, c, n = xyz
        internal = {
            "r_ch_angstrom": float(numpy.linalg.norm(c - h)),
            "r_cn_angstrom": float(numpy.linalg.norm(n - c)),
            "angle_hcn_degrees": angle(h, c, n),
        }
    result = {
        "molecule": name,
        "method": "RHF/cc-pVDZ (spherical)",
        "pyscf_version": pyscf.__version__,
        "geometric_version": geometric.__version__,
        "convergence": {k: v for k, v in CONVERGENCE.items()},
        "gradient_evaluations": len(gradients),
        "final_max_abs_gradient_hartree_per_bohr": gmax,
        "converged_scf": bool(mf.converged),
        "energy_hartree": float(energy),
        **internal,
        "atoms_angstrom": [[s] + [float(x) for x in row] for s, row in zip(symbols, xyz)],
        "masses_dalton": [[s, float(m)] for s, m in zip(symbols, masses)],
        "harmonic_wavenumbers_cm-1": [float(w) for w in wavenumbers],
        "imaginary_wavenumbers_cm-1": imaginary,
        "optimisation_wall_seconds": round(opt_seconds, 2),
        "wall_seconds": round(time.time() - started, 2),
    }
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1].lower() not in START:
        sys.exit("usage: pyscf_polyatomic_reference.py h2o|hcn")
    main(sys.argv[1].lower())
