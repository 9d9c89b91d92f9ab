import GRDB

/// The schema of a pesscan database, as an ordered list of migrations.
enum Schema {
    /// Migrations in order; a database with a migration not listed here is refused.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-scans-points-attempts-fits") { db in
            try db.execute(sql: """
                CREATE TABLE scan (
                    id INTEGER PRIMARY KEY,
                    name TEXT NOT NULL UNIQUE,
                    molecule TEXT NOT NULL,
                    engine TEXT NOT NULL,
                    spec_json TEXT NOT NULL,
                    created_at REAL NOT NULL
                );
                CREATE TABLE point (
                    id INTEGER PRIMARY KEY,
                    scan_id INTEGER NOT NULL REFERENCES scan(id) ON DELETE CASCADE,
                    idx INTEGER NOT NULL,
                    r_angstrom REAL NOT NULL,
                    state TEXT NOT NULL DEFAULT 'pending'
                        CHECK (state IN ('pending', 'running', 'done', 'failed')),
                    energy_hartree REAL,
                    converged INTEGER,
                    zone TEXT,
                    host TEXT,
                    job_id TEXT,
                    started_at REAL,
                    finished_at REAL,
                    wall_seconds REAL,
                    exit_status INTEGER,
                    error TEXT,
                    attempt_count INTEGER NOT NULL DEFAULT 0,
                    lease_token TEXT,
                    lease_host TEXT,
                    lease_pid INTEGER,
                    lease_expires_at REAL,
                    UNIQUE (scan_id, idx)
                );
                CREATE INDEX point_by_state ON point(state, scan_id, idx);
                CREATE TABLE attempt (
                    id INTEGER PRIMARY KEY,
                    point_id INTEGER NOT NULL REFERENCES point(id) ON DELETE CASCADE,
                    number INTEGER NOT NULL,
                    owner TEXT NOT NULL,
                    zone TEXT NOT NULL,
                    host TEXT NOT NULL,
                    job_id TEXT,
                    engine TEXT NOT NULL,
                    engine_version TEXT,
                    started_at REAL NOT NULL,
                    finished_at REAL,
                    wall_seconds REAL,
                    outcome TEXT NOT NULL DEFAULT 'running'
                        CHECK (outcome IN ('running', 'done', 'failed', 'abandoned', 'released')),
                    energy_hartree REAL,
                    converged INTEGER,
                    exit_status INTEGER,
                    error TEXT,
                    stderr_tail TEXT
                );
                CREATE INDEX attempt_by_point ON attempt(point_id);
                CREATE TABLE fit (
                    id INTEGER PRIMARY KEY,
                    scan_id INTEGER NOT NULL REFERENCES scan(id) ON DELETE CASCADE,
                    created_at REAL NOT NULL,
                    model TEXT NOT NULL,
                    degree INTEGER NOT NULL,
                    points_used INTEGER NOT NULL,
                    points_excluded INTEGER NOT NULL,
                    r_e_angstrom REAL NOT NULL,
                    energy_hartree REAL NOT NULL,
                    rms_residual_hartree REAL NOT NULL,
                    result_json TEXT NOT NULL
                );
                """)
        }
        migrator.registerMigration("v2-retries-and-images") { db in
            try db.execute(sql: """
                ALTER TABLE point ADD COLUMN retry_after REAL;
                ALTER TABLE attempt ADD COLUMN image TEXT;
                ALTER TABLE attempt ADD COLUMN launch_failure INTEGER NOT NULL DEFAULT 0;
                """)
        }
        migrator.registerMigration("v3-batch-jobs") { db in
            try db.execute(sql: """
                ALTER TABLE point ADD COLUMN batch_job TEXT;
                CREATE INDEX point_by_batch_job ON point(batch_job) WHERE batch_job IS NOT NULL;
                """)
        }
        return migrator
    }
}
