#!/usr/bin/env python3
"""The plain-Python peer of `pesscan plan --engine model` + `collect` + `fit`.

Usage: model_scan.py DATABASE POINTS
Evaluates the AuOg+ Morse model of pesscan's molecule library (r_e 2.862 Å, ω_e 120 cm⁻¹,
ω_e x_e 0.5 cm⁻¹, isotopes 196.96656879 and 294.21392 Da) at POINTS bond lengths from 2.762 to
2.962 Å with NumPy, stores every point (index, r, state, energy, engine, host, timestamps) with
sqlite3 `executemany` in one transaction, reads the energies back, fits a quartic with
`numpy.polynomial.polynomial.polyfit` and takes r_e from `numpy.roots`. Prints r_e and the time.
"""
import socket
import sqlite3
import sys
import time

import numpy as np
from numpy.polynomial import polynomial as P

import morse


def main():
    path, count = sys.argv[1], int(sys.argv[2])
    start = time.perf_counter()
    r = np.linspace(2.762, 2.962, count)
    e = morse.energy(r, *morse.parameters(**morse.AUOG))
    host, now = socket.gethostname(), time.time()
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("""CREATE TABLE point (id INTEGER PRIMARY KEY, idx INTEGER NOT NULL, r_angstrom REAL NOT NULL,
                  state TEXT NOT NULL, energy_hartree REAL, converged INTEGER, engine TEXT, host TEXT,
                  started_at REAL, finished_at REAL)""")
    with db:
        db.executemany(
            "INSERT INTO point (idx, r_angstrom, state, energy_hartree, converged, engine, host, started_at, finished_at)"
            " VALUES (?, ?, 'done', ?, 1, 'model', ?, ?, ?)",
            ((i, float(x), float(y), host, now, now) for i, (x, y) in enumerate(zip(r, e))))
    rows = np.array(db.execute("SELECT r_angstrom, energy_hartree FROM point WHERE state = 'done' ORDER BY idx").fetchall())
    coef = P.polyfit(rows[:, 0], rows[:, 1], 4)
    roots = np.roots(P.polyder(coef)[::-1])
    d2 = P.polyder(coef, 2)
    real = [x.real for x in roots if abs(x.imag) < 1e-7 and 2.762 <= x.real <= 2.962 and P.polyval(x.real, d2) > 0]
    re = min(real, key=lambda x: P.polyval(x, coef))
    db.close()
    print(f"r_e_angstrom = {re:.10f}  points = {len(rows)}  seconds = {time.perf_counter() - start:.3f}")


if __name__ == "__main__":
    main()
