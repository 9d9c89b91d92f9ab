#!/usr/bin/env python3
"""NumPy's peer of `pesscan-bench fit`: the same CSV, the same degree, timed inside this process.

Usage: fit_numpy.py FILE.csv DEGREE REPEATS
Times `numpy.polynomial.polynomial.polyfit` (raw powers of r) plus `numpy.roots` of its derivative,
and, separately, `Polynomial.fit` (the window [-1, 1] pesscan also fits in) plus its roots.
Reading the file is not timed. Prints one JSON object.
"""
import json
import statistics
import sys
import time

import numpy as np
from numpy.polynomial import Polynomial
from numpy.polynomial import polynomial as P


def raw_minimum(r, e, degree):
    """polyfit in powers of r, real roots of dE/dr inside the data with positive curvature, lowest energy."""
    coef = P.polyfit(r, e, degree)
    d1 = P.polyder(coef)
    d2 = P.polyder(coef, 2)
    roots = np.roots(d1[::-1])
    lo, hi = r.min(), r.max()
    real = [x.real for x in roots if abs(x.imag) < 1e-7 and lo <= x.real <= hi and P.polyval(x.real, d2) > 0]
    re = min(real, key=lambda x: P.polyval(x, coef)) if real else float("nan")
    return coef, re


def window_minimum(r, e, degree):
    """Polynomial.fit on t = (r - centre) / half-width, the basis pesscan solves in; r_e mapped back to r."""
    fit = Polynomial.fit(r, e, degree)
    t_roots = np.roots(P.polyder(fit.coef)[::-1])
    d2 = P.polyder(fit.coef, 2)
    real = [x.real for x in t_roots if abs(x.imag) < 1e-7 and -1 <= x.real <= 1 and P.polyval(x.real, d2) > 0]
    t = min(real, key=lambda x: P.polyval(x, fit.coef)) if real else float("nan")
    lo, hi = r.min(), r.max()
    return fit.coef, (lo + hi) / 2 + t * (hi - lo) / 2


def timed(function, r, e, degree, repeats):
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = function(r, e, degree)
        times.append(time.perf_counter() - start)
    return times, result


def main():
    path, degree, repeats = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    data = np.loadtxt(path, delimiter=",", skiprows=1)
    r, e = data[:, 0].copy(), data[:, 1].copy()
    raw_times, (coef, re) = timed(raw_minimum, r, e, degree, repeats)
    window_times, (window_coef, window_re) = timed(window_minimum, r, e, degree, repeats)
    print(json.dumps({
        "points": int(r.size), "degree": degree,
        "median_seconds": statistics.median(raw_times), "seconds": raw_times,
        "r_e_angstrom": float(re), "coefficients": [float(c) for c in coef],
        "window_median_seconds": statistics.median(window_times),
        "window_r_e_angstrom": float(window_re), "window_coefficients": [float(c) for c in window_coef],
    }))


if __name__ == "__main__":
    main()
