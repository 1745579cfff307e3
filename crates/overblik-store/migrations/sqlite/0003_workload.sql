-- 0003_workload (SQLite): the first tables entered in overblik rather than imported (the
-- interchange format's extension tables, docs/interchange-format.md): the points of the
-- case-weight model, the complexity flags leaders set on cases, and the caseworkers'
-- competences and districts used to distribute cases, and the monthly caseload reviews. They have the shape of the
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

CREATE TABLE staff_profiles (
    staff_id TEXT NOT NULL REFERENCES staff(staff_id) DEFERRABLE INITIALLY DEFERRED,
    competences TEXT,
    districts TEXT,
    row_hash BLOB NOT NULL,
    PRIMARY KEY (staff_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE reviews (
    review_id TEXT NOT NULL,
    staff_id TEXT NOT NULL REFERENCES staff(staff_id) DEFERRABLE INITIALLY DEFERRED,
    held_on TEXT NOT NULL,
    leader TEXT NOT NULL,
    status TEXT NOT NULL,
    version INTEGER NOT NULL,
    note TEXT,
    row_hash BLOB NOT NULL,
    PRIMARY KEY (review_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE review_lines (
    review_id TEXT NOT NULL REFERENCES reviews(review_id) DEFERRABLE INITIALLY DEFERRED,
    case_id TEXT NOT NULL REFERENCES cases(case_id) DEFERRABLE INITIALLY DEFERRED,
    adjustment TEXT NOT NULL,
    note TEXT,
    row_hash BLOB NOT NULL,
    PRIMARY KEY (review_id, case_id)
) STRICT, WITHOUT ROWID;
