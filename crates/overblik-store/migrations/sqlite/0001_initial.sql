-- 0001_initial (SQLite): the data tables of interchange format v1 plus the store's own tables.
--
-- Types: ids, text, codes and months are TEXT; dates are TEXT `YYYY-MM-DD`; timestamps are TEXT
-- in UTC `YYYY-MM-DDTHH:MM:SS[.ffffff]Z`; decimals are TEXT (exact, normalised, never REAL);
-- integers and booleans (0/1) are INTEGER; hashes and ciphertexts are BLOB. Tables are STRICT so
-- a value of the wrong type is refused instead of silently stored. Data tables are WITHOUT ROWID:
-- their primary key is the only way rows are found, so one B-tree per table instead of two
-- (faster imports, and a read in key order is a plain scan).
--
-- Every data table has `row_hash` (SHA-256 of the row's canonical cells) so that a re-import can
-- tell unchanged rows from changed ones without reading them back. The optional key part
-- `budgets.measure_type` is NOT NULL DEFAULT '' with '' meaning "no measure type", because a
-- primary key column cannot be NULL. Foreign keys are deferred to COMMIT so that rows can be
-- written in any order inside one import (org_units refers to itself).
--
-- persons has no `cpr` column: `cpr_hash` is HMAC-SHA256 of the ten digits (for lookup) and
-- `cpr_encrypted` is nonce || AES-256-GCM ciphertext (for an audited reveal). The key is kept
-- outside the database; `store_meta.key_check` identifies it.

CREATE TABLE store_meta (
    key TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE org_units (
    unit_id TEXT NOT NULL,
    parent_id TEXT REFERENCES org_units(unit_id) DEFERRABLE INITIALLY DEFERRED,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    team_type TEXT,
    valid_from TEXT,
    valid_to TEXT,
    row_hash BLOB NOT NULL,
    PRIMARY KEY (unit_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE staff (
    staff_id TEXT NOT NULL,
    name TEXT NOT NULL,
    unit_id TEXT NOT NULL REFERENCES org_units(unit_id) DEFERRABLE INITIALLY DEFERRED,
    role TEXT NOT NULL,
    fte TEXT,
    capacity_points TEXT,
    start_date TEXT,
    end_date TEXT,
    row_hash BLOB NOT NULL,
    PRIMARY KEY (staff_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE absences (
    staff_id TEXT NOT NULL REFERENCES staff(staff_id) DEFERRABLE INITIALLY DEFERRED,
    from_date TEXT NOT NULL,
    to_date TEXT,
    kind TEXT,
    row_hash BLOB NOT NULL,
    PRIMARY KEY (staff_id, from_date)
) STRICT, WITHOUT ROWID;

CREATE TABLE persons (
    person_id TEXT NOT NULL,
    cpr_hash BLOB,
    cpr_encrypted BLOB,
    birth_date TEXT NOT NULL,
    sex TEXT,
    district TEXT,
    row_hash BLOB NOT NULL,
    PRIMARY KEY (person_id),
    -- The keyed hash (for lookup) and the ciphertext (for an audited reveal) come as a pair.
    CHECK ((cpr_hash IS NULL) = (cpr_encrypted IS NULL))
) STRICT, WITHOUT ROWID;

CREATE TABLE cases (
    case_id TEXT NOT NULL,
    person_id TEXT NOT NULL REFERENCES persons(person_id) DEFERRABLE INITIALLY DEFERRED,
    area TEXT NOT NULL,
    opened_at TEXT NOT NULL,
    closed_at TEXT,
    closing_reason TEXT,
    weight TEXT,
    row_hash BLOB NOT NULL,
    PRIMARY KEY (case_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE assignments (
    case_id TEXT NOT NULL REFERENCES cases(case_id) DEFERRABLE INITIALLY DEFERRED,
    staff_id TEXT NOT NULL REFERENCES staff(staff_id) DEFERRABLE INITIALLY DEFERRED,
    from_date TEXT NOT NULL,
    to_date TEXT,
    row_hash BLOB NOT NULL,
    PRIMARY KEY (case_id, from_date)
) STRICT, WITHOUT ROWID;

CREATE TABLE notifications (
    notification_id TEXT NOT NULL,
    person_id TEXT NOT NULL REFERENCES persons(person_id) DEFERRABLE INITIALLY DEFERRED,
    case_id TEXT REFERENCES cases(case_id) DEFERRABLE INITIALLY DEFERRED,
    received_at TEXT NOT NULL,
    notifier_type TEXT NOT NULL,
    professional INTEGER NOT NULL,
    severity TEXT NOT NULL,
    assessed_at TEXT,
    receipt_sent_at TEXT,
    outcome TEXT,
    outcome_at TEXT,
    feedback_sent_at TEXT,
    row_hash BLOB NOT NULL,
    PRIMARY KEY (notification_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE investigations (
    investigation_id TEXT NOT NULL,
    case_id TEXT NOT NULL REFERENCES cases(case_id) DEFERRABLE INITIALLY DEFERRED,
    aware_at TEXT NOT NULL,
    decided_at TEXT,
    preliminary_assessment_at TEXT,
    completed_at TEXT,
    child_conversation_at TEXT,
    row_hash BLOB NOT NULL,
    PRIMARY KEY (investigation_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE providers (
    provider_id TEXT NOT NULL,
    name TEXT NOT NULL,
    internal INTEGER NOT NULL,
    kind TEXT,
    row_hash BLOB NOT NULL,
    PRIMARY KEY (provider_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE measures (
    measure_id TEXT NOT NULL,
    case_id TEXT NOT NULL REFERENCES cases(case_id) DEFERRABLE INITIALLY DEFERRED,
    measure_type TEXT NOT NULL,
    legal_basis TEXT,
    provider_id TEXT REFERENCES providers(provider_id) DEFERRABLE INITIALLY DEFERRED,
    start_date TEXT NOT NULL,
    planned_end_date TEXT,
    end_date TEXT,
    end_reason TEXT,
    daily_rate TEXT,
    row_hash BLOB NOT NULL,
    PRIMARY KEY (measure_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE decisions (
    decision_id TEXT NOT NULL,
    case_id TEXT NOT NULL REFERENCES cases(case_id) DEFERRABLE INITIALLY DEFERRED,
    decided_at TEXT NOT NULL,
    kind TEXT NOT NULL,
    subject TEXT,
    legal_basis TEXT NOT NULL,
    measure_id TEXT REFERENCES measures(measure_id) DEFERRABLE INITIALLY DEFERRED,
    consent INTEGER,
    child_conversation_at TEXT,
    row_hash BLOB NOT NULL,
    PRIMARY KEY (decision_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE plans (
    plan_id TEXT NOT NULL,
    case_id TEXT NOT NULL REFERENCES cases(case_id) DEFERRABLE INITIALLY DEFERRED,
    created_at TEXT NOT NULL,
    measure_id TEXT REFERENCES measures(measure_id) DEFERRABLE INITIALLY DEFERRED,
    row_hash BLOB NOT NULL,
    PRIMARY KEY (plan_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE visits (
    visit_id TEXT NOT NULL,
    case_id TEXT NOT NULL REFERENCES cases(case_id) DEFERRABLE INITIALLY DEFERRED,
    measure_id TEXT REFERENCES measures(measure_id) DEFERRABLE INITIALLY DEFERRED,
    visited_at TEXT NOT NULL,
    child_conversation INTEGER NOT NULL,
    row_hash BLOB NOT NULL,
    PRIMARY KEY (visit_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE applications (
    application_id TEXT NOT NULL,
    case_id TEXT NOT NULL REFERENCES cases(case_id) DEFERRABLE INITIALLY DEFERRED,
    received_at TEXT NOT NULL,
    legal_basis TEXT NOT NULL,
    notice_sent_at TEXT,
    decided_at TEXT,
    row_hash BLOB NOT NULL,
    PRIMARY KEY (application_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE goals (
    goal_id TEXT NOT NULL,
    plan_id TEXT NOT NULL REFERENCES plans(plan_id) DEFERRABLE INITIALLY DEFERRED,
    category TEXT NOT NULL,
    set_at TEXT NOT NULL,
    closed_at TEXT,
    row_hash BLOB NOT NULL,
    PRIMARY KEY (goal_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE followups (
    followup_id TEXT NOT NULL,
    case_id TEXT NOT NULL REFERENCES cases(case_id) DEFERRABLE INITIALLY DEFERRED,
    measure_id TEXT REFERENCES measures(measure_id) DEFERRABLE INITIALLY DEFERRED,
    held_at TEXT NOT NULL,
    child_conversation INTEGER,
    next_due TEXT,
    row_hash BLOB NOT NULL,
    PRIMARY KEY (followup_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE goal_scores (
    goal_id TEXT NOT NULL REFERENCES goals(goal_id) DEFERRABLE INITIALLY DEFERRED,
    followup_id TEXT NOT NULL REFERENCES followups(followup_id) DEFERRABLE INITIALLY DEFERRED,
    score INTEGER NOT NULL,
    row_hash BLOB NOT NULL,
    PRIMARY KEY (goal_id, followup_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE risk_assessments (
    assessment_id TEXT NOT NULL,
    case_id TEXT NOT NULL REFERENCES cases(case_id) DEFERRABLE INITIALLY DEFERRED,
    assessed_at TEXT NOT NULL,
    staff_id TEXT NOT NULL REFERENCES staff(staff_id) DEFERRABLE INITIALLY DEFERRED,
    event TEXT NOT NULL,
    probability TEXT NOT NULL,
    outcome INTEGER,
    row_hash BLOB NOT NULL,
    PRIMARY KEY (assessment_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE payments (
    payment_id TEXT NOT NULL,
    case_id TEXT REFERENCES cases(case_id) DEFERRABLE INITIALLY DEFERRED,
    measure_id TEXT REFERENCES measures(measure_id) DEFERRABLE INITIALLY DEFERRED,
    account TEXT NOT NULL,
    month TEXT NOT NULL,
    amount TEXT NOT NULL,
    row_hash BLOB NOT NULL,
    PRIMARY KEY (payment_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE budgets (
    year INTEGER NOT NULL,
    unit_id TEXT NOT NULL REFERENCES org_units(unit_id) DEFERRABLE INITIALLY DEFERRED,
    account TEXT NOT NULL,
    measure_type TEXT NOT NULL DEFAULT '',
    amount TEXT NOT NULL,
    planned_full_year_persons TEXT,
    row_hash BLOB NOT NULL,
    PRIMARY KEY (year, unit_id, account, measure_type)
) STRICT, WITHOUT ROWID;

CREATE TABLE waiting_list (
    entry_id TEXT NOT NULL,
    person_id TEXT NOT NULL REFERENCES persons(person_id) DEFERRABLE INITIALLY DEFERRED,
    offer_type TEXT NOT NULL,
    listed_at TEXT NOT NULL,
    left_at TEXT,
    left_reason TEXT,
    row_hash BLOB NOT NULL,
    PRIMARY KEY (entry_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE complaints (
    complaint_id TEXT NOT NULL,
    decision_id TEXT NOT NULL REFERENCES decisions(decision_id) DEFERRABLE INITIALLY DEFERRED,
    received_at TEXT NOT NULL,
    personal_contact_at TEXT,
    resolved_at TEXT,
    outcome TEXT,
    appeal_outcome TEXT,
    row_hash BLOB NOT NULL,
    PRIMARY KEY (complaint_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE population (
    year INTEGER NOT NULL,
    age INTEGER NOT NULL,
    count INTEGER NOT NULL,
    row_hash BLOB NOT NULL,
    PRIMARY KEY (year, age)
) STRICT, WITHOUT ROWID;

CREATE INDEX persons_cpr_hash ON persons (cpr_hash);

-- One row per committed import, and one row per table written by it.
CREATE TABLE import_batches (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    imported_at TEXT NOT NULL,
    source_name TEXT NOT NULL,
    source_format TEXT NOT NULL,
    source_sha256 TEXT NOT NULL,
    warnings INTEGER NOT NULL
) STRICT;

CREATE TABLE import_batch_tables (
    batch_id INTEGER NOT NULL REFERENCES import_batches(id),
    table_name TEXT NOT NULL,
    inserted INTEGER NOT NULL,
    updated INTEGER NOT NULL,
    unchanged INTEGER NOT NULL,
    removed INTEGER NOT NULL,
    PRIMARY KEY (batch_id, table_name)
) STRICT;

-- Users of the web interface and the audit trail (used from a later release).
CREATE TABLE users (
    user_id INTEGER PRIMARY KEY AUTOINCREMENT,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
) STRICT;

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    user_id INTEGER REFERENCES users(user_id),
    action TEXT NOT NULL,
    object_type TEXT,
    object_id TEXT,
    detail TEXT
) STRICT;

CREATE INDEX audit_log_at ON audit_log (at);
