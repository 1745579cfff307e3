-- 0004_handover_supervision (PostgreSQL): entered tables (docs/interchange-format.md, "Extension")
-- for the handover checklist at every reassignment of a case (F8) and the management
-- supervision (F10): the annual wheel of themes, their checklists, the rounds with their
-- reproducible samples, and the findings per sampled case.

create table handover_items (
    item_id text not null,
    label text not null,
    position bigint not null,
    row_hash bytea not null,
    primary key (item_id)
);

create table handovers (
    handover_id text not null,
    case_id text not null references cases(case_id) deferrable initially deferred,
    from_staff text references staff(staff_id) deferrable initially deferred,
    to_staff text not null references staff(staff_id) deferrable initially deferred,
    created_on date not null,
    completed_on date,
    version bigint not null,
    row_hash bytea not null,
    primary key (handover_id)
);

create table handover_checks (
    handover_id text not null references handovers(handover_id) deferrable initially deferred,
    item_id text not null,
    label text not null,
    done_on date,
    done_by text,
    note text,
    row_hash bytea not null,
    primary key (handover_id, item_id)
);

create table supervision_themes (
    theme_id text not null,
    month text not null,
    title text not null,
    area text,
    population text not null,
    description text,
    row_hash bytea not null,
    primary key (theme_id)
);

create table checklist_items (
    theme_id text not null references supervision_themes(theme_id) deferrable initially deferred,
    item_id text not null,
    kind text not null,
    text text not null,
    rule text,
    scale_max bigint,
    position bigint not null,
    row_hash bytea not null,
    primary key (theme_id, item_id)
);

create table supervision_rounds (
    round_id text not null,
    theme_id text not null references supervision_themes(theme_id) deferrable initially deferred,
    unit_id text not null references org_units(unit_id) deferrable initially deferred,
    drawn_on date not null,
    seed bigint not null,
    size bigint not null,
    strata text not null,
    leader text not null,
    status text not null,
    learning_points text,
    version bigint not null,
    row_hash bytea not null,
    primary key (round_id)
);

create table supervision_cases (
    round_id text not null references supervision_rounds(round_id) deferrable initially deferred,
    case_id text not null references cases(case_id) deferrable initially deferred,
    staff_id text references staff(staff_id) deferrable initially deferred,
    team_id text references org_units(unit_id) deferrable initially deferred,
    row_hash bytea not null,
    primary key (round_id, case_id)
);

create table supervision_findings (
    round_id text not null references supervision_rounds(round_id) deferrable initially deferred,
    case_id text not null references cases(case_id) deferrable initially deferred,
    item_id text not null,
    met boolean,
    score bigint,
    note text,
    recorded_on date not null,
    recorded_by text not null,
    row_hash bytea not null,
    primary key (round_id, case_id, item_id)
);
