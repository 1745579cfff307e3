-- 0005_results_political_goals (PostgreSQL): entered tables (docs/interchange-format.md,
-- "Extension") for the goal scores recorded at follow-ups in overblik (F11) and the
-- committee's political goals (F16): policy themes, annual goals and their indicators.

create table followup_scores (
    goal_id text not null references goals(goal_id) deferrable initially deferred,
    followup_id text not null references followups(followup_id) deferrable initially deferred,
    score bigint not null,
    recorded_on date not null,
    recorded_by text not null,
    row_hash bytea not null,
    primary key (goal_id, followup_id)
);

create table policy_themes (
    theme_id text not null,
    title text not null,
    description text,
    row_hash bytea not null,
    primary key (theme_id)
);

create table annual_goals (
    annual_goal_id text not null,
    theme_id text not null references policy_themes(theme_id) deferrable initially deferred,
    year bigint not null,
    title text not null,
    description text,
    row_hash bytea not null,
    primary key (annual_goal_id)
);

create table indicators (
    indicator_id text not null,
    annual_goal_id text not null references annual_goals(annual_goal_id) deferrable initially deferred,
    figure text not null,
    unit_id text references org_units(unit_id) deferrable initially deferred,
    target numeric not null,
    direction text not null,
    frequency text not null,
    tolerance numeric,
    row_hash bytea not null,
    primary key (indicator_id)
);
