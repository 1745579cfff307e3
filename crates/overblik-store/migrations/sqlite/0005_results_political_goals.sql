-- 0005_results_political_goals (SQLite): entered tables (docs/interchange-format.md,
-- "Extension") for the goal scores recorded at follow-ups in overblik (F11) and the
-- committee's political goals (F16): policy themes, annual goals and their indicators.

CREATE TABLE followup_scores (
    goal_id TEXT NOT NULL REFERENCES goals(goal_id) DEFERRABLE INITIALLY DEFERRED,
    followup_id TEXT NOT NULL REFERENCES followups(followup_id) DEFERRABLE INITIALLY DEFERRED,
    score INTEGER NOT NULL,
    recorded_on TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    row_hash BLOB NOT NULL,
    PRIMARY KEY (goal_id, followup_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE policy_themes (
    theme_id TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT,
    row_hash BLOB NOT NULL,
    PRIMARY KEY (theme_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE annual_goals (
    annual_goal_id TEXT NOT NULL,
    theme_id TEXT NOT NULL REFERENCES policy_themes(theme_id) DEFERRABLE INITIALLY DEFERRED,
    year INTEGER NOT NULL,
    title TEXT NOT NULL,
    description TEXT,
    row_hash BLOB NOT NULL,
    PRIMARY KEY (annual_goal_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE indicators (
    indicator_id TEXT NOT NULL,
    annual_goal_id TEXT NOT NULL REFERENCES annual_goals(annual_goal_id) DEFERRABLE INITIALLY DEFERRED,
    figure TEXT NOT NULL,
    unit_id TEXT REFERENCES org_units(unit_id) DEFERRABLE INITIALLY DEFERRED,
    target TEXT NOT NULL,
    direction TEXT NOT NULL,
    frequency TEXT NOT NULL,
    tolerance TEXT,
    row_hash BLOB NOT NULL,
    PRIMARY KEY (indicator_id)
) STRICT, WITHOUT ROWID;
