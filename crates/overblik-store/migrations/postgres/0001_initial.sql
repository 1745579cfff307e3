-- 0001_initial (PostgreSQL): the data tables of interchange format v1 plus the store's own tables.
--
-- Types: ids, text, codes and months are text; dates are date; timestamps are timestamptz (the
-- store sets the session TimeZone to UTC); decimals are numeric (exact); integers are bigint;
-- booleans are boolean; hashes and ciphertexts are bytea.
--
-- Every data table has `row_hash` (SHA-256 of the row's canonical cells) so that a re-import can
-- tell unchanged rows from changed ones without reading them back. The optional key part
-- `budgets.measure_type` is not null default '' with '' meaning "no measure type", because a
-- primary key column cannot be NULL. Foreign keys are DEFERRABLE INITIALLY DEFERRED so that rows
-- can be loaded in any order inside one import transaction (org_units refers to itself).
--
-- persons has no `cpr` column: `cpr_hash` is HMAC-SHA256 of the ten digits (for lookup) and
-- `cpr_encrypted` is nonce || AES-256-GCM ciphertext (for an audited reveal). The key is kept
-- outside the database; `store_meta.key_check` identifies it.

create table store_meta (
    key text primary key,
    value text not null
);

create table org_units (
    unit_id text not null,
    parent_id text references org_units(unit_id) deferrable initially deferred,
    name text not null,
    kind text not null,
    team_type text,
    valid_from date,
    valid_to date,
    row_hash bytea not null,
    primary key (unit_id)
);

create table staff (
    staff_id text not null,
    name text not null,
    unit_id text not null references org_units(unit_id) deferrable initially deferred,
    role text not null,
    fte numeric,
    capacity_points numeric,
    start_date date,
    end_date date,
    row_hash bytea not null,
    primary key (staff_id)
);

create table absences (
    staff_id text not null references staff(staff_id) deferrable initially deferred,
    from_date date not null,
    to_date date,
    kind text,
    row_hash bytea not null,
    primary key (staff_id, from_date)
);

create table persons (
    person_id text not null,
    cpr_hash bytea,
    cpr_encrypted bytea,
    birth_date date not null,
    sex text,
    district text,
    row_hash bytea not null,
    primary key (person_id),
    -- The keyed hash (for lookup) and the ciphertext (for an audited reveal) come as a pair.
    check ((cpr_hash is null) = (cpr_encrypted is null))
);

create table cases (
    case_id text not null,
    person_id text not null references persons(person_id) deferrable initially deferred,
    area text not null,
    opened_at date not null,
    closed_at date,
    closing_reason text,
    weight numeric,
    row_hash bytea not null,
    primary key (case_id)
);

create table assignments (
    case_id text not null references cases(case_id) deferrable initially deferred,
    staff_id text not null references staff(staff_id) deferrable initially deferred,
    from_date date not null,
    to_date date,
    row_hash bytea not null,
    primary key (case_id, from_date)
);

create table notifications (
    notification_id text not null,
    person_id text not null references persons(person_id) deferrable initially deferred,
    case_id text references cases(case_id) deferrable initially deferred,
    received_at timestamptz not null,
    notifier_type text not null,
    professional boolean not null,
    severity text not null,
    assessed_at timestamptz,
    receipt_sent_at timestamptz,
    outcome text,
    outcome_at timestamptz,
    feedback_sent_at timestamptz,
    row_hash bytea not null,
    primary key (notification_id)
);

create table investigations (
    investigation_id text not null,
    case_id text not null references cases(case_id) deferrable initially deferred,
    aware_at date not null,
    decided_at date,
    preliminary_assessment_at date,
    completed_at date,
    child_conversation_at date,
    row_hash bytea not null,
    primary key (investigation_id)
);

create table providers (
    provider_id text not null,
    name text not null,
    internal boolean not null,
    kind text,
    row_hash bytea not null,
    primary key (provider_id)
);

create table measures (
    measure_id text not null,
    case_id text not null references cases(case_id) deferrable initially deferred,
    measure_type text not null,
    legal_basis text,
    provider_id text references providers(provider_id) deferrable initially deferred,
    start_date date not null,
    planned_end_date date,
    end_date date,
    end_reason text,
    daily_rate numeric,
    row_hash bytea not null,
    primary key (measure_id)
);

create table decisions (
    decision_id text not null,
    case_id text not null references cases(case_id) deferrable initially deferred,
    decided_at date not null,
    kind text not null,
    subject text,
    legal_basis text not null,
    measure_id text references measures(measure_id) deferrable initially deferred,
    consent boolean,
    child_conversation_at date,
    row_hash bytea not null,
    primary key (decision_id)
);

create table plans (
    plan_id text not null,
    case_id text not null references cases(case_id) deferrable initially deferred,
    created_at date not null,
    measure_id text references measures(measure_id) deferrable initially deferred,
    row_hash bytea not null,
    primary key (plan_id)
);

create table visits (
    visit_id text not null,
    case_id text not null references cases(case_id) deferrable initially deferred,
    measure_id text references measures(measure_id) deferrable initially deferred,
    visited_at date not null,
    child_conversation boolean not null,
    row_hash bytea not null,
    primary key (visit_id)
);

create table applications (
    application_id text not null,
    case_id text not null references cases(case_id) deferrable initially deferred,
    received_at date not null,
    legal_basis text not null,
    notice_sent_at date,
    decided_at date,
    row_hash bytea not null,
    primary key (application_id)
);

create table goals (
    goal_id text not null,
    plan_id text not null references plans(plan_id) deferrable initially deferred,
    category text not null,
    set_at date not null,
    closed_at date,
    row_hash bytea not null,
    primary key (goal_id)
);

create table followups (
    followup_id text not null,
    case_id text not null references cases(case_id) deferrable initially deferred,
    measure_id text references measures(measure_id) deferrable initially deferred,
    held_at date not null,
    child_conversation boolean,
    next_due date,
    row_hash bytea not null,
    primary key (followup_id)
);

create table goal_scores (
    goal_id text not null references goals(goal_id) deferrable initially deferred,
    followup_id text not null references followups(followup_id) deferrable initially deferred,
    score bigint not null,
    row_hash bytea not null,
    primary key (goal_id, followup_id)
);

create table risk_assessments (
    assessment_id text not null,
    case_id text not null references cases(case_id) deferrable initially deferred,
    assessed_at date not null,
    staff_id text not null references staff(staff_id) deferrable initially deferred,
    event text not null,
    probability numeric not null,
    outcome boolean,
    row_hash bytea not null,
    primary key (assessment_id)
);

create table payments (
    payment_id text not null,
    case_id text references cases(case_id) deferrable initially deferred,
    measure_id text references measures(measure_id) deferrable initially deferred,
    account text not null,
    month text not null,
    amount numeric not null,
    row_hash bytea not null,
    primary key (payment_id)
);

create table budgets (
    year bigint not null,
    unit_id text not null references org_units(unit_id) deferrable initially deferred,
    account text not null,
    measure_type text not null default '',
    amount numeric not null,
    planned_full_year_persons numeric,
    row_hash bytea not null,
    primary key (year, unit_id, account, measure_type)
);

create table waiting_list (
    entry_id text not null,
    person_id text not null references persons(person_id) deferrable initially deferred,
    offer_type text not null,
    listed_at date not null,
    left_at date,
    left_reason text,
    row_hash bytea not null,
    primary key (entry_id)
);

create table complaints (
    complaint_id text not null,
    decision_id text not null references decisions(decision_id) deferrable initially deferred,
    received_at date not null,
    personal_contact_at date,
    resolved_at date,
    outcome text,
    appeal_outcome text,
    row_hash bytea not null,
    primary key (complaint_id)
);

create table population (
    year bigint not null,
    age bigint not null,
    count bigint not null,
    row_hash bytea not null,
    primary key (year, age)
);

create index persons_cpr_hash on persons (cpr_hash);

-- One row per committed import, and one row per table written by it.
create table import_batches (
    id bigint generated always as identity primary key,
    imported_at timestamptz not null,
    source_name text not null,
    source_format text not null,
    source_sha256 text not null,
    warnings bigint not null
);

create table import_batch_tables (
    batch_id bigint not null references import_batches(id),
    table_name text not null,
    inserted bigint not null,
    updated bigint not null,
    unchanged bigint not null,
    removed bigint not null,
    primary key (batch_id, table_name)
);

-- Users of the web interface and the audit trail (used from a later release).
create table users (
    user_id bigint generated always as identity primary key,
    username text not null unique,
    display_name text not null,
    role text not null,
    password_hash text not null,
    disabled boolean not null default false,
    created_at timestamptz not null
);

create table audit_log (
    id bigint generated always as identity primary key,
    at timestamptz not null,
    user_id bigint references users(user_id),
    action text not null,
    object_type text,
    object_id text,
    detail text
);

create index audit_log_at on audit_log (at);
