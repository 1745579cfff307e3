-- 0002_web_access (PostgreSQL): what the web application needs for logins, need-to-know access
-- and an audit log that names the persons an action touched.
--
-- users: the link of an account to the data (`staff_id`: the caseworker's own staff id;
-- `unit_id`: the team or department a team leader or head leads), and the login state
-- (consecutive failed logins, a lockout, the last login, when the password was last set).
-- The links are not foreign keys: an account outlives changes to the imported data, and the
-- `overblik user` command checks them when they are set.
--
-- audit_log: where the action came from (`client`: the client's IP address and nothing else)
-- and whether it was allowed or refused. audit_subjects holds the persons an action touched,
-- by their pseudonymous `person_id` from the data (never a CPR number or a name), so that the
-- log can answer "who looked at this person" (art. 15 access requests, spot checks). No foreign
-- key to persons: the log must survive any change to the data.

alter table users
    add column staff_id text,
    add column unit_id text,
    add column failed_logins bigint not null default 0,
    add column locked_until timestamptz,
    add column last_login_at timestamptz,
    add column password_changed_at timestamptz;

alter table audit_log
    add column client text,
    add column outcome text not null default 'allowed'
        check (outcome in ('allowed', 'refused'));

create table audit_subjects (
    audit_id bigint not null references audit_log(id),
    person_id text not null,
    primary key (audit_id, person_id)
);

create index audit_subjects_person on audit_subjects (person_id);
create index audit_log_user_at on audit_log (user_id, at);
