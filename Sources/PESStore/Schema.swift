import Foundation
import GRDB
import PESCore

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
        migrator.registerMigration("v4-never-reused-ids-and-claims", migrate: migrateToUniqueIDsAndClaims)
        migrator.registerMigration("v5-point-coordinates") { db in
            // A polyatomic point's varied coordinates; NULL for a diatomic's point, whose r_angstrom is its whole geometry.
            try db.execute(sql: "ALTER TABLE point ADD COLUMN coordinates TEXT")
        }
        migrator.registerMigration("v6-unfinished-points-index") { db in
            // Done points, nearly all of a finished scan, leave the state index: keeping an entry for every point made
            // plan and collect write a second index of the whole scan. What reads done points by scan goes through
            // UNIQUE (scan_id, idx).
            try db.execute(sql: """
                DROP INDEX point_by_state;
                CREATE INDEX point_unfinished ON point(state, scan_id, idx) WHERE \(unfinished);
                """)
        }
        return migrator
    }

    /// The condition of the partial index `point_unfinished`.
    static let unfinished = "state != 'done'"

    /// The test that keeps the points in `state` (of the point table under `alias`, if given): every query that looks points up by state says it so.
    ///
    /// SQLite takes a partial index only for a query whose WHERE holds the
    /// index's own term, so a state that is not done carries ``unfinished``
    /// word for word; done points are found through `UNIQUE (scan_id, idx)`.
    static func inState(_ state: PointState, alias: String? = nil) -> String {
        let column = alias.map { "\($0).state" } ?? "state"
        let test = "\(column) = '\(state.rawValue)'"
        return state == .done ? test : "\(column) != 'done' AND \(test)"
    }

    /// Rebuilds the tables with AUTOINCREMENT ids, ties each running point to its claiming attempt, and names the database.
    ///
    /// Without AUTOINCREMENT SQLite hands out the largest id plus one, so a scan
    /// replaced while a collector runs it could come back under the old id and
    /// take the old scan's results. Rebuilt tables keep every row and id; the
    /// migration runs with foreign keys off and checks them before it commits.
    private static func migrateToUniqueIDsAndClaims(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE new_scan (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                name TEXT NOT NULL UNIQUE,
                molecule TEXT NOT NULL,
                engine TEXT NOT NULL,
                spec_json TEXT NOT NULL,
                created_at REAL NOT NULL
            );
            INSERT INTO new_scan (id, name, molecule, engine, spec_json, created_at)
                SELECT id, name, molecule, engine, spec_json, created_at FROM scan;
            CREATE TABLE new_point (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
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
                retry_after REAL,
                batch_job TEXT,
                attempt_id INTEGER,
                UNIQUE (scan_id, idx)
            );
            INSERT INTO new_point (id, scan_id, idx, r_angstrom, state, energy_hartree, converged, zone, host, job_id,
                    started_at, finished_at, wall_seconds, exit_status, error, attempt_count, lease_token, lease_host,
                    lease_pid, lease_expires_at, retry_after, batch_job, attempt_id)
                SELECT id, scan_id, idx, r_angstrom, state, energy_hartree, converged, zone, host, job_id,
                    started_at, finished_at, wall_seconds, exit_status, error, attempt_count, lease_token, lease_host,
                    lease_pid, lease_expires_at, retry_after, batch_job,
                    CASE WHEN state = 'running'
                        THEN (SELECT MAX(a.id) FROM attempt a WHERE a.point_id = point.id AND a.outcome = 'running') END
                FROM point;
            CREATE TABLE new_attempt (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
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
                stderr_tail TEXT,
                image TEXT,
                launch_failure INTEGER NOT NULL DEFAULT 0
            );
            INSERT INTO new_attempt (id, point_id, number, owner, zone, host, job_id, engine, engine_version, started_at,
                    finished_at, wall_seconds, outcome, energy_hartree, converged, exit_status, error, stderr_tail, image,
                    launch_failure)
                SELECT id, point_id, number, owner, zone, host, job_id, engine, engine_version, started_at,
                    finished_at, wall_seconds, outcome, energy_hartree, converged, exit_status, error, stderr_tail, image,
                    launch_failure
                FROM attempt;
            CREATE TABLE new_fit (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
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
            INSERT INTO new_fit SELECT id, scan_id, created_at, model, degree, points_used, points_excluded, r_e_angstrom,
                energy_hartree, rms_residual_hartree, result_json FROM fit;
            DROP TABLE fit;
            DROP TABLE attempt;
            DROP TABLE point;
            DROP TABLE scan;
            ALTER TABLE new_scan RENAME TO scan;
            ALTER TABLE new_point RENAME TO point;
            ALTER TABLE new_attempt RENAME TO attempt;
            ALTER TABLE new_fit RENAME TO fit;
            CREATE INDEX point_by_state ON point(state, scan_id, idx);
            CREATE INDEX point_by_batch_job ON point(batch_job) WHERE batch_job IS NOT NULL;
            CREATE INDEX attempt_by_point ON attempt(point_id);
            CREATE INDEX attempt_by_owner ON attempt(owner) WHERE outcome = 'running';
            CREATE INDEX fit_by_scan ON fit(scan_id);
            CREATE TABLE lease (
                token TEXT PRIMARY KEY,
                host TEXT NOT NULL,
                pid INTEGER NOT NULL,
                lease_seconds REAL NOT NULL,
                beat INTEGER NOT NULL DEFAULT 0
            );
            CREATE TABLE database_identity (
                uuid TEXT NOT NULL
            );
            """)
        try db.execute(sql: "INSERT INTO database_identity (uuid) VALUES (?)", arguments: [UUID().uuidString.lowercased()])
    }
}
