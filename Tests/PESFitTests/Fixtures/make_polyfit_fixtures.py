#!/usr/bin/env python3
"""Writes polyfit_fixtures.json: data sets with NumPy's least-squares polynomials and minima.

pesscan's PESFit tests compare their coefficients with these to 1e-9 relative.
Run from this folder with NumPy and mpmath (scripts/install-python-venv puts both in .venv):
    ../../../.venv/bin/python make_polyfit_fixtures.py
The data are generated here (seeded), so the file can be rebuilt exactly.
`exact_coefficients` are the least-squares solution in 50-digit arithmetic
(mpmath, normal equations), the truth both NumPy's and pesscan's answers are
measured against: NumPy's raw-basis polyfit itself is only good to a few 1e-9
relative when the bond lengths are far from zero (its Vandermonde matrix is
ill conditioned there), which `numpy_raw_relative_error` records.
"""
import json
import mpmath as mp
import numpy as np
from numpy.polynomial import polynomial as P
from numpy.polynomial import Polynomial

H = 6.62607015e-34; C = 299792458.0; U = 1.66053906660e-27; HARTREE_CM1 = 219474.6313632


def morse(r, re, we, wexe, m1, m2):
    mu = m1 * m2 / (m1 + m2) * U
    de_cm = we * we / (4 * wexe)
    k = mu * (2 * np.pi * C * 100 * we) ** 2
    a = np.sqrt(k / (2 * de_cm * H * C * 100)) * 1e-10
    de = de_cm / HARTREE_CM1
    return de * ((1 - np.exp(-a * (r - re))) ** 2 - 1)


def case(name, r, e, degree):
    coef = P.polyfit(r, e, degree)
    scaled = Polynomial.fit(r, e, degree).coef          # window [-1, 1] over [min r, max r]
    d1 = P.polyder(coef); d2 = P.polyder(coef, 2)
    roots = np.roots(d1[::-1])
    real = [x.real for x in roots if abs(x.imag) < 1e-9 and r.min() <= x.real <= r.max() and P.polyval(x.real, d2) > 0]
    re = min(real, key=lambda x: P.polyval(x, coef)) if real else None
    mp.mp.dps = 50
    A = mp.matrix([[mp.mpf(float(x)) ** k for k in range(degree + 1)] for x in r])
    b = mp.matrix([mp.mpf(float(y)) for y in e])
    exact = mp.lu_solve(A.T * A, A.T * b)
    exact = [float(exact[k]) for k in range(degree + 1)]
    numpy_error = max(abs((coef[k] - exact[k]) / exact[k]) for k in range(degree + 1))
    return {"name": name, "exact_coefficients": exact, "numpy_raw_relative_error": float(numpy_error), "degree": degree, "r_angstrom": r.tolist(), "energy_hartree": e.tolist(),
            "polyfit_coefficients": coef.tolist(), "window_coefficients": scaled.tolist(),
            "r_e_angstrom": re, "energy_at_r_e_hartree": None if re is None else float(P.polyval(re, coef))}


rng = np.random.default_rng(20181008)
cases = []
r = np.linspace(0.697, 0.786, 11)
cases.append(case("H2 Morse, 11 points, degree 4", r, morse(r, 0.74144, 4401.213, 121.336, 1.00782503223, 1.00782503223), 4))
r = np.linspace(2.762, 2.962, 11)
cases.append(case("AuOg+ Morse, 11 points, degree 4", r, morse(r, 2.862, 120.0, 0.5, 196.96656879, 294.21392), 4))
r = np.linspace(0.6, 1.3, 41)
cases.append(case("HF Morse wide, 41 points, degree 8", r, morse(r, 0.916808, 4138.32, 89.88, 1.00782503223, 18.99840316273), 8))
r = np.sort(rng.uniform(1.0, 1.2, 25))
e = morse(r, 1.097685, 2358.57, 14.324, 14.00307400443, 14.00307400443) + rng.normal(0, 2e-6, r.size)
cases.append(case("N2 Morse with noise, 25 unsorted-origin points, degree 5", r, e, 5))
r = np.linspace(-1.5, 2.5, 9)
cases.append(case("exact quartic", r, 0.5 - 0.25 * r + 0.75 * r**2 - 0.1 * r**3 + 0.05 * r**4, 4))

with open("polyfit_fixtures.json", "w") as f:
    json.dump({"numpy_version": np.__version__, "cases": cases}, f, indent=1)
    f.write("\n")
