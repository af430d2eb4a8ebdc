import GRDB

/// The schema, built by named, forward-only migrations (never edit one that has shipped; add another).
///
/// | table             | key                  | columns                                                          |
/// |-------------------|----------------------|------------------------------------------------------------------|
/// | `experiments`     | name                 | purpose, source_path, source_text (TOML), metric,                |
/// |                   |                      | higher_is_better (0/1), axes_json (["rank", …]), updated_at      |
/// | `runs`            | id (16 hex)          | status (pending/running/done/failed), configuration_json,        |
/// |                   |                      | rank, alpha, scale, targets ("q,v"), quantization, optimizer,    |
/// |                   |                      | lr, schedule, passes, seed, trainable_parameters, code_version,  |
/// |                   |                      | cpu, blas, threads, worker (host:pid), claimed_at, finished_at,  |
/// |                   |                      | error, failed_step                                               |
/// | `experiment_runs` | experiment, run_id   | sequence (registration order), axis_values_json                  |
/// | `metrics`         | run_id, name         | value (NULL = NaN), stderr, n                                    |
/// | `curves`          | run_id, step         | loss (NULL = NaN), lr                                            |
/// | `adapters`        | run_id               | path (the run's adapter in PEFT's format, relative to the        |
/// |                   |                      | database's directory)                                            |
/// | `base_evaluations`| id (16 hex)          | settings_json (the runs' evaluation settings), base_model_hash,  |
/// |                   |                      | code_version, cpu, blas, threads, finished_at                    |
/// | `base_metrics`    | evaluation_id, name  | value (NULL = NaN), stderr, n, chance (the items' chance level)  |
/// | `run_base_evaluations` | run_id          | evaluation_id: the base evaluation the run's tables compare with |
///
/// Times are UTC text ("2025-01-31 12:00:00.000"). Deleting a run deletes its metrics, curve and links.
enum Migrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration(first) { db in
            try db.execute(sql: """
                CREATE TABLE experiments (
                    name TEXT NOT NULL PRIMARY KEY,
                    purpose TEXT NOT NULL,
                    source_path TEXT NOT NULL,
                    source_text TEXT NOT NULL,
                    metric TEXT NOT NULL,
                    higher_is_better INTEGER NOT NULL,
                    axes_json TEXT NOT NULL,
                    updated_at TEXT NOT NULL
                );
                CREATE TABLE runs (
                    id TEXT NOT NULL PRIMARY KEY,
                    status TEXT NOT NULL DEFAULT 'pending'
                        CHECK (status IN ('pending', 'running', 'done', 'failed')),
                    configuration_json TEXT NOT NULL,
                    rank INTEGER NOT NULL,
                    alpha REAL NOT NULL,
                    scale REAL NOT NULL,
                    targets TEXT NOT NULL,
                    quantization TEXT NOT NULL,
                    optimizer TEXT NOT NULL,
                    lr REAL NOT NULL,
                    schedule TEXT NOT NULL,
                    passes INTEGER NOT NULL,
                    seed INTEGER NOT NULL,
                    trainable_parameters INTEGER,
                    code_version TEXT,
                    cpu TEXT,
                    blas TEXT,
                    threads INTEGER,
                    worker TEXT,
                    claimed_at TEXT,
                    finished_at TEXT,
                    error TEXT,
                    failed_step INTEGER
                );
                CREATE INDEX runs_by_status ON runs (status);
                CREATE TABLE experiment_runs (
                    experiment TEXT NOT NULL REFERENCES experiments (name) ON DELETE CASCADE,
                    run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
                    sequence INTEGER NOT NULL,
                    axis_values_json TEXT NOT NULL,
                    PRIMARY KEY (experiment, run_id)
                );
                CREATE INDEX experiment_runs_by_run ON experiment_runs (run_id);
                CREATE TABLE metrics (
                    run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
                    name TEXT NOT NULL,
                    value REAL,
                    stderr REAL,
                    n INTEGER,
                    PRIMARY KEY (run_id, name)
                );
                CREATE TABLE curves (
                    run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
                    step INTEGER NOT NULL,
                    loss REAL,
                    lr REAL NOT NULL,
                    PRIMARY KEY (run_id, step)
                );
                """)
        }
        migrator.registerMigration(keptAdapters) { db in
            try db.execute(sql: """
                CREATE TABLE adapters (
                    run_id TEXT NOT NULL PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
                    path TEXT NOT NULL
                );
                """)
        }
        migrator.registerMigration(baseEvaluations) { db in
            // A run's link is written when it is registered; its evaluation when the base model has been
            // scored with those settings (a link to an id `base_evaluations` lacks is a pending one).
            try db.execute(sql: """
                CREATE TABLE base_evaluations (
                    id TEXT NOT NULL PRIMARY KEY,
                    settings_json TEXT NOT NULL,
                    base_model_hash TEXT NOT NULL,
                    code_version TEXT NOT NULL,
                    cpu TEXT,
                    blas TEXT,
                    threads INTEGER,
                    finished_at TEXT
                );
                CREATE TABLE base_metrics (
                    evaluation_id TEXT NOT NULL REFERENCES base_evaluations (id) ON DELETE CASCADE,
                    name TEXT NOT NULL,
                    value REAL,
                    stderr REAL,
                    n INTEGER,
                    chance REAL,
                    PRIMARY KEY (evaluation_id, name)
                );
                CREATE TABLE run_base_evaluations (
                    run_id TEXT NOT NULL PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
                    evaluation_id TEXT NOT NULL
                );
                CREATE INDEX run_base_evaluations_by_evaluation ON run_base_evaluations (evaluation_id);
                """)
        }
        return migrator
    }

    /// The first migration: a database without it is not a results database. Later ones add what
    /// older databases lack, and reading treats a missing table as empty.
    static let first = "v1-experiments-runs-metrics-curves"
    static let keptAdapters = "v2-kept-adapters"
    static let baseEvaluations = "v3-base-evaluations"
}
