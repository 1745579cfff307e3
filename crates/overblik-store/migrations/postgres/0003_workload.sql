-- 0003_workload (PostgreSQL): the first tables entered in overblik rather than imported
-- (the interchange format's extension tables, docs/interchange-format.md): the points of the
-- case-weight model, the complexity flags leaders set on cases, and the caseworkers'
-- competences and districts used to distribute cases, and the monthly caseload reviews. They have the shape of the
-- imported tables (row_hash, natural key), so import and export handle them the same way.

create table weight_points (
    factor text not null,
    value text not null,
    points numeric not null,
    label text,
    row_hash bytea not null,
    primary key (factor, value)
);

create table case_flags (
    case_id text not null references cases(case_id) deferrable initially deferred,
    flag text not null,
    set_at timestamptz not null,
    set_by text not null,
    row_hash bytea not null,
    primary key (case_id, flag)
);

create table staff_profiles (
    staff_id text not null references staff(staff_id) deferrable initially deferred,
    competences text,
    districts text,
    row_hash bytea not null,
    primary key (staff_id)
);

create table reviews (
    review_id text not null,
    staff_id text not null references staff(staff_id) deferrable initially deferred,
    held_on date not null,
    leader text not null,
    status text not null,
    version bigint not null,
    note text,
    row_hash bytea not null,
    primary key (review_id)
);

create table review_lines (
    review_id text not null references reviews(review_id) deferrable initially deferred,
    case_id text not null references cases(case_id) deferrable initially deferred,
    adjustment text not null,
    note text,
    row_hash bytea not null,
    primary key (review_id, case_id)
);
