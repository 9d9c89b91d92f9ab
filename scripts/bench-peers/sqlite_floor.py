#!/usr/bin/env python3
"""What SQLite alone needs to store a scan's rows in pesscan's schema: the floor under `plan` + `collect`.

Usage: sqlite_floor.py PESSCAN_DATABASE OUTPUT_DATABASE POINTS
Copies the schema (tables and indexes) of PESSCAN_DATABASE into a new OUTPUT_DATABASE, then writes
what pesscan writes for a model scan of POINTS points, each step one set-based statement with no
per-row work outside SQLite: the pending points (plan), one done attempt per point and every point
made done with its energy, zone, host and times (collect), and reads (r, E) back (fit). WAL, foreign
keys on, as pesscan opens the file. Prints the seconds of each step and their total.
"""
import sqlite3
import sys
import time


def main():
    source, path, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with sqlite3.connect(source) as con:
        schema = [sql for (sql,) in con.execute(
            "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' AND name != 'grdb_migrations'"
            " ORDER BY type = 'index', rowid")]
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA foreign_keys=ON")
    for sql in schema:
        db.execute(sql)
    series = f"WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < {count}) "
    steps = {}
    start = time.perf_counter()
    db.execute("BEGIN IMMEDIATE")
    db.execute("INSERT INTO scan (name, molecule, engine, spec_json, created_at) VALUES ('floor', 'AuOg+', 'model', '{}', 0)")
    db.execute(series + f"INSERT INTO point (scan_id, idx, r_angstrom) SELECT 1, i, 2.762 + i * 0.2 / {max(count - 1, 1)} FROM n")
    db.execute("COMMIT")
    steps["plan"] = time.perf_counter() - start
    start = time.perf_counter()
    db.execute("BEGIN IMMEDIATE")
    db.execute("""INSERT INTO attempt (point_id, number, owner, zone, host, engine, engine_version, started_at, finished_at,
                      wall_seconds, outcome, energy_hartree, converged)
                  SELECT id, 1, 'a-lease-token-of-36-characters-0000', 'local', 'host', 'model', 'pesscan-morse-1', 1, 1, 0,
                      'done', -0.03 - r_angstrom * 1e-6, 1 FROM point""")
    db.execute("""UPDATE point SET state = 'done', energy_hartree = -0.03 - r_angstrom * 1e-6, converged = 1, zone = 'local',
                      host = 'host', started_at = 1, finished_at = 1, wall_seconds = 0, attempt_count = 1""")
    db.execute("COMMIT")
    steps["collect"] = time.perf_counter() - start
    start = time.perf_counter()
    rows = db.execute("SELECT r_angstrom, energy_hartree FROM point WHERE scan_id = 1 AND state = 'done' ORDER BY idx").fetchall()
    steps["read"] = time.perf_counter() - start
    db.close()
    assert len(rows) == count
    print("  ".join(f"{name} = {seconds:.3f}" for name, seconds in steps.items()) + f"  seconds = {sum(steps.values()):.3f}")


if __name__ == "__main__":
    main()
