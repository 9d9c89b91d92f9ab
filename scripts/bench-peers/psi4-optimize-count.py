#!/usr/bin/env python3
"""Counts the work in a Psi4 1.3 optimisation output, such as that of psi4-optimize-h2o.dat.

Usage: psi4-optimize-count.py OUT.dat
Prints one JSON object {steps, energies, r_angstrom, theta_degrees, energy_hartree}:
steps, the optimisation steps (sequential rounds) from the "Optimization is complete! (in N steps)"
line, else the number of OPTKING banners; energies, the single points computed, one
"@<REF> Final Energy:" line per SCF; r and theta, the Z-matrix variables under "Final optimized
geometry and variables" (null when absent); energy_hartree, optking's "Final energy is".
"""
import json
import re
import sys


def count(text):
    complete = re.search(r"Optimization is complete! \(in (\d+) steps\)", text)
    steps = int(complete.group(1)) if complete else len(re.findall(r"OPTKING 2\.0: for geometry optimizations", text))
    energies = len(re.findall(r"^\s*@\w+ Final Energy:", text, re.MULTILINE))
    variables = {}
    block = text.split("Final optimized geometry and variables:", 1)
    if len(block) == 2:
        for name, value in re.findall(r"^\s*(\w+)\s*=\s*(-?\d+\.\d+)\s*$", block[1], re.MULTILINE):
            variables.setdefault(name, float(value))
    final = re.findall(r"Final energy is\s+(-?\d+\.\d+)", text)
    return {
        "steps": steps,
        "energies": energies,
        "r_angstrom": variables.get("r"),
        "theta_degrees": variables.get("theta"),
        "energy_hartree": float(final[-1]) if final else None,
    }


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: psi4-optimize-count.py OUT.dat")
    with open(sys.argv[1]) as handle:
        print(json.dumps(count(handle.read())))
