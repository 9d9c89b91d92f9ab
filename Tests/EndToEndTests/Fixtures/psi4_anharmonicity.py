#!/usr/bin/env python3
"""Prints, as JSON, Psi4's own spectroscopic constants for the points of a CSV file.

Usage: /usr/bin/python3 psi4_anharmonicity.py FILE.csv SYMBOL1 SYMBOL2
The CSV has a header naming r_angstrom and energy_hartree. Psi4 (Debian's
package, 1.3.2) takes the most abundant isotopes of the two elements.
"""
import csv
import json
import sys

sys.path.insert(0, "/usr/lib/x86_64-linux-gnu")  # where Debian installs the psi4 module
import psi4  # noqa: E402
from psi4.driver import diatomic  # noqa: E402

path, first, second = sys.argv[1:4]
with open(path) as handle:
    rows = list(csv.DictReader(handle))
r = [float(row["r_angstrom"]) for row in rows]
e = [float(row["energy_hartree"]) for row in rows]
psi4.core.set_output_file("/dev/null", False)
psi4.geometry(f"{first}\n{second} 1 1.0\nsymmetry c1")
print(json.dumps(diatomic.anharmonicity(r, e)))
