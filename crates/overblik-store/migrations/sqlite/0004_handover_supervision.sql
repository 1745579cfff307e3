-- 0004_handover_supervision (SQLite): entered tables (docs/interchange-format.md, "Extension")
-- for the handover checklist at every reassignment of a case (F8) and the management
-- supervision (F10): the annual wheel of themes, their checklists, the rounds with their
-- reproducible samples, and the findings per sampled case.

CREATE TABLE handover_items (
    item_id TEXT NOT NULL,
    label TEXT NOT NULL,
    position INTEGER NOT NULL,
    row_hash BLOB NOT NULL,
    PRIMARY KEY (item_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE handovers (
    handover_id TEXT NOT NULL,
    case_id TEXT NOT NULL REFERENCES cases(case_id) DEFERRABLE INITIALLY DEFERRED,
    from_staff TEXT REFERENCES staff(staff_id) DEFERRABLE INITIALLY DEFERRED,
    to_staff TEXT NOT NULL REFERENCES staff(staff_id) DEFERRABLE INITIALLY DEFERRED,
    created_on TEXT NOT NULL,
    completed_on TEXT,
    version INTEGER NOT NULL,
    row_hash BLOB NOT NULL,
    PRIMARY KEY (handover_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE handover_checks (
    handover_id TEXT NOT NULL REFERENCES handovers(handover_id) DEFERRABLE INITIALLY DEFERRED,
    item_id TEXT NOT NULL,
    label TEXT NOT NULL,
    done_on TEXT,
    done_by TEXT,
    note TEXT,
    row_hash BLOB NOT NULL,
    PRIMARY KEY (handover_id, item_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE supervision_themes (
    theme_id TEXT NOT NULL,
    month TEXT NOT NULL,
    title TEXT NOT NULL,
    area TEXT,
    population TEXT NOT NULL,
    description TEXT,
    row_hash BLOB NOT NULL,
    PRIMARY KEY (theme_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE checklist_items (
    theme_id TEXT NOT NULL REFERENCES supervision_themes(theme_id) DEFERRABLE INITIALLY DEFERRED,
    item_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    rule TEXT,
    scale_max INTEGER,
    position INTEGER NOT NULL,
    row_hash BLOB NOT NULL,
    PRIMARY KEY (theme_id, item_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE supervision_rounds (
    round_id TEXT NOT NULL,
    theme_id TEXT NOT NULL REFERENCES supervision_themes(theme_id) DEFERRABLE INITIALLY DEFERRED,
    unit_id TEXT NOT NULL REFERENCES org_units(unit_id) DEFERRABLE INITIALLY DEFERRED,
    drawn_on TEXT NOT NULL,
    seed INTEGER NOT NULL,
    size INTEGER NOT NULL,
    strata TEXT NOT NULL,
    leader TEXT NOT NULL,
    status TEXT NOT NULL,
    learning_points TEXT,
    version INTEGER NOT NULL,
    row_hash BLOB NOT NULL,
    PRIMARY KEY (round_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE supervision_cases (
    round_id TEXT NOT NULL REFERENCES supervision_rounds(round_id) DEFERRABLE INITIALLY DEFERRED,
    case_id TEXT NOT NULL REFERENCES cases(case_id) DEFERRABLE INITIALLY DEFERRED,
    staff_id TEXT REFERENCES staff(staff_id) DEFERRABLE INITIALLY DEFERRED,
    team_id TEXT REFERENCES org_units(unit_id) DEFERRABLE INITIALLY DEFERRED,
    row_hash BLOB NOT NULL,
    PRIMARY KEY (round_id, case_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE supervision_findings (
    round_id TEXT NOT NULL REFERENCES supervision_rounds(round_id) DEFERRABLE INITIALLY DEFERRED,
    case_id TEXT NOT NULL REFERENCES cases(case_id) DEFERRABLE INITIALLY DEFERRED,
    item_id TEXT NOT NULL,
    met INTEGER,
    score INTEGER,
    note TEXT,
    recorded_on TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    row_hash BLOB NOT NULL,
    PRIMARY KEY (round_id, case_id, item_id)
) STRICT, WITHOUT ROWID;
