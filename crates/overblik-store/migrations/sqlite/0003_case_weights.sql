-- 0003_case_weights (SQLite): the first tables entered in overblik rather than imported (the
-- interchange format's extension tables, docs/interchange-format.md): the points of the
-- case-weight model and the complexity flags leaders set on cases. They have the shape of the
-- imported tables (row_hash, natural key), so import and export handle them the same way.

CREATE TABLE weight_points (
    factor TEXT NOT NULL,
    value TEXT NOT NULL,
    points TEXT NOT NULL,
    label TEXT,
    row_hash BLOB NOT NULL,
    PRIMARY KEY (factor, value)
) STRICT, WITHOUT ROWID;

CREATE TABLE case_flags (
    case_id TEXT NOT NULL REFERENCES cases(case_id) DEFERRABLE INITIALLY DEFERRED,
    flag TEXT NOT NULL,
    set_at TEXT NOT NULL,
    set_by TEXT NOT NULL,
    row_hash BLOB NOT NULL,
    PRIMARY KEY (case_id, flag)
) STRICT, WITHOUT ROWID;
