-- 0002_web_access (SQLite): what the web application needs for logins, need-to-know access and
-- an audit log that names the persons an action touched.
--
-- users: the link of an account to the data (`staff_id`: the caseworker's own staff id;
-- `unit_id`: the team or department a team leader or head leads), and the login state
-- (consecutive failed logins, a lockout, the last login, when the password was last set).
-- The links are not foreign keys: an account outlives changes to the imported data, and the
-- `overblik user` command checks them when they are set. Timestamps are TEXT in UTC
-- `YYYY-MM-DDTHH:MM:SS.ffffffZ`, as in audit_log.
--
-- audit_log: where the action came from (`client`: the client's IP address and nothing else)
-- and whether it was allowed or refused. audit_subjects holds the persons an action touched,
-- by their pseudonymous `person_id` from the data (never a CPR number or a name), so that the
-- log can answer "who looked at this person" (art. 15 access requests, spot checks). No foreign
-- key to persons: the log must survive any change to the data.

ALTER TABLE users ADD COLUMN staff_id TEXT;
ALTER TABLE users ADD COLUMN unit_id TEXT;
ALTER TABLE users ADD COLUMN failed_logins INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN locked_until TEXT;
ALTER TABLE users ADD COLUMN last_login_at TEXT;
ALTER TABLE users ADD COLUMN password_changed_at TEXT;

ALTER TABLE audit_log ADD COLUMN client TEXT;
ALTER TABLE audit_log ADD COLUMN outcome TEXT NOT NULL DEFAULT 'allowed'
    CHECK (outcome IN ('allowed', 'refused'));

CREATE TABLE audit_subjects (
    audit_id INTEGER NOT NULL REFERENCES audit_log(id),
    person_id TEXT NOT NULL,
    PRIMARY KEY (audit_id, person_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX audit_subjects_person ON audit_subjects (person_id);
CREATE INDEX audit_log_user_at ON audit_log (user_id, at);
