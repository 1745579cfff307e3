//! `overblik deadlines`: the compliance lists — "red numbers" per caseworker, upcoming
//! deadlines, and a summary per rule and team — as a table or as JSON.

use std::fmt::Write as _;
use std::process::ExitCode;

use anyhow::{Context, bail};
use chrono::{Days, NaiveDate};
use clap::Args;
use overblik_domain::figures::deadlines::Holder;
use overblik_domain::obligations::summary::{Counts, Summary};
use overblik_domain::obligations::{AsOf, Evaluation, Event, Moment, Obligation, Status, evaluate};
use overblik_domain::rules::{RuleId, RuleSet};
use overblik_domain::{ColumnKind, Snapshot, Value, format_cell, parse_cell};
use overblik_store::AuditEntry;
use serde_json::{Value as Json, json};

use crate::rules_args::RulesArgs;
use crate::store_args::StoreArgs;

#[derive(Debug, Args)]
pub struct DeadlinesArgs {
    /// Opgørelsestidspunkt: en dato (slutningen af dagen) eller et tidspunkt. Standard: i dag.
    #[arg(long, value_name = "DATO")]
    pub as_of: Option<String>,
    /// Kun sager, som denne sagsbehandler (staff_id) har på opgørelsestidspunktet.
    #[arg(long, value_name = "ID", conflicts_with = "team")]
    pub caseworker: Option<String>,
    /// Kun sager hos sagsbehandlere i denne enhed (unit_id) eller dens underenheder.
    #[arg(long, value_name = "ID")]
    pub team: Option<String>,
    /// Kun denne regel (fx investigation_completion).
    #[arg(long, value_name = "REGEL")]
    pub rule: Option<String>,
    /// Status i listen, kommasepareret: met_on_time, met_late, open, overdue,
    /// late_with_preliminary, lapsed eller all. Standard: overdue,open,late_with_preliminary
    /// (lapsed: frister, der ikke længere kan nås, står ikke på arbejdslisten).
    #[arg(long, value_delimiter = ',', value_name = "STATUS")]
    pub status: Vec<String>,
    /// Kun frister fra denne dato (fx de seneste 12 måneders røde tal); gælder også opgørelserne.
    #[arg(long, value_name = "DATO")]
    pub due_from: Option<NaiveDate>,
    /// Kun frister, der falder fra opgørelsesdagen og højst så mange dage frem.
    #[arg(long, value_name = "DAGE")]
    pub due_within: Option<u32>,
    /// Højst så mange linjer i listen (tabelvisning; 0 = alle).
    #[arg(long, default_value_t = 50)]
    pub limit: usize,
    /// Udskriv som JSON (feltnavnene er beskrevet i README).
    #[arg(long)]
    pub json: bool,
}

/// What the list shows, checked against the data before anything is computed.
struct Scope {
    as_of: AsOf,
    as_of_text: String,
    caseworker: Option<u32>,
    /// The unit and every unit below it.
    units: Option<Vec<String>>,
    rule: Option<RuleId>,
    due_from: Option<NaiveDate>,
    statuses: Vec<Status>,
    due_within: Option<u32>,
    /// The last due date `due_within` lets into the list.
    due_until: Option<NaiveDate>,
}

pub fn run(
    store_args: &StoreArgs,
    rules_args: &RulesArgs,
    args: DeadlinesArgs,
) -> anyhow::Result<ExitCode> {
    let rules = rules_args.load()?;
    let (as_of, as_of_text) = parse_as_of(args.as_of.as_deref())?;
    let rule = args
        .rule
        .as_deref()
        .map(|id| {
            RuleId::from_id(id).with_context(|| {
                let known: Vec<_> = RuleId::ALL.iter().map(|r| r.id()).collect();
                format!(
                    "--rule: ukendt regel `{id}`; kendte regler er {}",
                    known.join(", ")
                )
            })
        })
        .transpose()?;
    let statuses = parse_statuses(&args.status)?;
    let mut store = store_args.open()?;
    let snapshot = store
        .load_snapshot()
        .context("kunne ikke læse data fra databasen")?;
    let caseworker = match &args.caseworker {
        None => None,
        Some(id) => Some(
            snapshot
                .staff
                .iter()
                .position(|staff| staff.staff_id.as_str() == id)
                .with_context(|| format!("--caseworker: der er ingen medarbejder med id `{id}`"))?
                as u32,
        ),
    };
    let units = match &args.team {
        None => None,
        Some(id) => Some(
            units_under(&snapshot, id)
                .with_context(|| format!("--team: der er ingen enhed med id `{id}`"))?,
        ),
    };
    let scope = Scope {
        as_of,
        as_of_text,
        caseworker,
        units,
        rule,
        due_from: args.due_from,
        statuses,
        due_within: args.due_within,
        due_until: args.due_within.map(|days| {
            as_of
                .date
                .checked_add_days(Days::new(u64::from(days)))
                .unwrap_or(NaiveDate::MAX)
        }),
    };

    let evaluation = evaluate(&snapshot, &rules, scope.as_of);
    let in_scope: Vec<&Obligation> = evaluation
        .obligations
        .iter()
        .filter(|o| scope.covers(&snapshot, o))
        .collect();
    let listed: Vec<&Obligation> = sorted(
        in_scope
            .iter()
            .copied()
            .filter(|o| scope.lists(o))
            .collect(),
    );

    store
        .audit(&AuditEntry {
            object_type: Some("obligations"),
            object_id: None,
            detail: Some(&format!(
                "as_of={} caseworker={} team={} rule={} listed={}",
                scope.as_of_text,
                args.caseworker.as_deref().unwrap_or("-"),
                args.team.as_deref().unwrap_or("-"),
                args.rule.as_deref().unwrap_or("-"),
                listed.len()
            )),
            ..AuditEntry::new("deadlines.list")
        })
        .context("kunne ikke skrive til revisionsloggen; listen vises ikke")?;

    let output = if args.json {
        let document = to_json(&snapshot, &rules, &scope, &evaluation, &in_scope, &listed);
        serde_json::to_string_pretty(&document)? + "\n"
    } else {
        let mut text = String::new();
        write_tables(
            &mut text, &snapshot, &rules, &scope, &in_scope, &listed, args.limit,
        );
        text
    };
    crate::output::write_stdout(&output)?;
    Ok(ExitCode::SUCCESS)
}

/// One line on the state of the legal deadlines at the end of `date`, for the demo's start.
pub fn overview(snapshot: &Snapshot, rules: &RuleSet, date: NaiveDate) -> String {
    let evaluation = evaluate(snapshot, rules, AsOf::end_of(date));
    let mut counts = Counts::default();
    for obligation in &evaluation.obligations {
        counts.add(obligation);
    }
    format!(
        "Lovkrav pr. {date}: {} forpligtelser, {} overskredne frister (røde tal), {} åbne, {} ikke overholdt og ikke længere mulige (se `overblik deadlines`).",
        counts.total(),
        counts.red,
        counts.open,
        counts.lapsed
    )
}

fn parse_as_of(text: Option<&str>) -> anyhow::Result<(AsOf, String)> {
    let Some(text) = text else {
        let today = crate::clock::today();
        return Ok((AsOf::end_of(today), today.to_string()));
    };
    if let Ok(Value::Date(date)) = parse_cell(ColumnKind::Date, text).map(|cell| cell.value) {
        return Ok((AsOf::end_of(date), date.to_string()));
    }
    match parse_cell(ColumnKind::Timestamp, text).map(|cell| cell.value) {
        Ok(Value::Timestamp(instant)) => {
            Ok((AsOf::at(instant), format_cell(&Value::Timestamp(instant))))
        }
        _ => bail!(
            "--as-of: `{text}` er hverken en dato (ÅÅÅÅ-MM-DD) eller et tidspunkt (ÅÅÅÅ-MM-DDTTT:MM)"
        ),
    }
}

fn parse_statuses(codes: &[String]) -> anyhow::Result<Vec<Status>> {
    if codes.is_empty() {
        return Ok(vec![
            Status::Overdue,
            Status::Open,
            Status::LateWithPreliminary,
        ]);
    }
    let mut statuses = Vec::new();
    for code in codes {
        match code.trim() {
            "all" => statuses.extend_from_slice(Status::ALL),
            code => statuses.push(Status::from_code(code).with_context(|| {
                let known: Vec<_> = Status::ALL.iter().map(|s| s.code()).collect();
                format!(
                    "--status: ukendt status `{code}`; brug {} eller all",
                    known.join(", ")
                )
            })?),
        }
    }
    Ok(statuses)
}

/// `id` and the ids of every unit below it, or `None` if there is no such unit.
fn units_under(snapshot: &Snapshot, id: &str) -> Option<Vec<String>> {
    snapshot
        .org_units
        .iter()
        .find(|unit| unit.unit_id.as_str() == id)?;
    let mut units = vec![id.to_owned()];
    let mut added = true;
    while added {
        added = false;
        for unit in &snapshot.org_units {
            let below = unit
                .parent_id
                .as_ref()
                .is_some_and(|parent| units.iter().any(|u| u == parent.as_str()));
            if below && !units.iter().any(|u| u == unit.unit_id.as_str()) {
                units.push(unit.unit_id.to_string());
                added = true;
            }
        }
    }
    Some(units)
}

impl Scope {
    /// Whether the obligation belongs to the caseworker, team, rule and due window asked for.
    fn covers(&self, snapshot: &Snapshot, obligation: &Obligation) -> bool {
        self.rule.is_none_or(|rule| obligation.rule == rule)
            && self
                .due_from
                .is_none_or(|from| obligation.due.date() >= from)
            && self
                .caseworker
                .is_none_or(|staff| obligation.responsible == Some(staff))
            && self.units.as_ref().is_none_or(|units| {
                team_of(snapshot, obligation).is_some_and(|team| units.iter().any(|u| u == team))
            })
    }

    /// Whether a covered obligation is in the list (status and due-date window).
    fn lists(&self, obligation: &Obligation) -> bool {
        self.statuses.contains(&obligation.status)
            && self.due_until.is_none_or(|last| {
                let due = obligation.due.date();
                self.as_of.date <= due && due <= last
            })
    }
}

/// Most urgent first: red numbers before the rest, then by due date.
fn sorted(mut obligations: Vec<&Obligation>) -> Vec<&Obligation> {
    obligations.sort_by_key(|o| (!o.is_red(), o.due, o.rule, o.trigger));
    obligations
}

fn caseworker_id<'s>(snapshot: &'s Snapshot, obligation: &Obligation) -> Option<&'s str> {
    obligation
        .responsible
        .map(|staff| snapshot.staff[staff as usize].staff_id.as_str())
}

fn team_of<'s>(snapshot: &'s Snapshot, obligation: &Obligation) -> Option<&'s str> {
    obligation
        .responsible
        .map(|staff| snapshot.staff[staff as usize].unit_id.as_str())
}

fn moment(moment: Moment) -> String {
    match moment {
        Moment::Instant(instant) => format_cell(&Value::Timestamp(instant)),
        Moment::Date(date) => date.to_string(),
    }
}

fn event_json(snapshot: &Snapshot, event: &Event) -> Json {
    json!({ "table": event.table.table_name(), "id": event.id(snapshot), "at": moment(event.at) })
}

fn counts_json(counts: &Counts) -> Json {
    json!({
        "total": counts.total(),
        "met_on_time": counts.met_on_time,
        "met_late": counts.met_late,
        "open": counts.open,
        "overdue": counts.overdue,
        "late_with_preliminary": counts.late_with_preliminary,
        "lapsed": counts.lapsed,
        "red": counts.red,
        "share_met_on_time": { "numerator": counts.met_on_time, "denominator": counts.settled() },
    })
}

fn group_json<K: Ord + Clone + AsRef<str>>(summary: &Summary<K>) -> Json {
    let mut groups = serde_json::Map::new();
    for group in summary.by_group.keys() {
        let key = group.as_ref().map_or("-", |k| k.as_ref()).to_owned();
        let by_rule: serde_json::Map<_, _> = summary.by_group[group]
            .iter()
            .map(|(rule, counts)| (rule.id().to_owned(), counts_json(counts)))
            .collect();
        groups.insert(
            key,
            json!({ "all": counts_json(&summary.group_total(group)), "by_rule": by_rule }),
        );
    }
    Json::Object(groups)
}

fn to_json(
    snapshot: &Snapshot,
    rules: &RuleSet,
    scope: &Scope,
    evaluation: &Evaluation,
    in_scope: &[&Obligation],
    listed: &[&Obligation],
) -> Json {
    let obligations: Vec<Json> = listed
        .iter()
        .map(|o| {
            let rule = rules.rule(o.rule);
            json!({
                "rule": o.rule.id(),
                "title": rule.title,
                "legal_basis": rule.versions[o.version as usize].basis,
                "status": o.status.code(),
                "red": o.is_red(),
                "lapse": o.lapse.map(|lapse| lapse.code()),
                "case_id": o.case.map(|case| snapshot.cases[case as usize].case_id.as_str()),
                "person_id": snapshot.persons[o.person as usize].person_id.as_str(),
                "caseworker_id": caseworker_id(snapshot, o),
                "team_id": team_of(snapshot, o),
                "trigger": event_json(snapshot, &o.trigger),
                "due": moment(o.due),
                "met_by": o.met_by.map(|event| event_json(snapshot, &event)),
                "progress": o.progress.map(|(required, done)| json!({ "required": required, "done": done })),
                "findings": o.findings.iter().map(|f| json!({ "code": f.code(), "message": f.message_da() })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let unevaluable: Vec<Json> = evaluation
        .unevaluable
        .iter()
        .map(|u| {
            json!({
                "rule": u.rule.id(),
                "case_id": u.case.map(|case| snapshot.cases[case as usize].case_id.as_str()),
                "person_id": snapshot.persons[u.person as usize].person_id.as_str(),
                "trigger": event_json(snapshot, &u.trigger),
                "finding": { "code": u.finding.code(), "message": u.finding.message_da() },
            })
        })
        .collect();
    let alerts: Vec<Json> = evaluation
        .alerts
        .iter()
        .filter(|a| scope.caseworker.is_none_or(|staff| a.responsible == Some(staff)))
        .map(|a| {
            json!({
                "kind": a.kind.code(),
                "notification_id": snapshot.notifications[a.notification as usize].notification_id.as_str(),
                "at": moment(a.at),
                "person_id": snapshot.persons[a.person as usize].person_id.as_str(),
                "case_id": a.case.map(|case| snapshot.cases[case as usize].case_id.as_str()),
                "count": a.count,
                "measure_id": a.measure.map(|m| snapshot.measures[m as usize].measure_id.as_str()),
                "caseworker_id": a.responsible.map(|s| snapshot.staff[s as usize].staff_id.as_str()),
            })
        })
        .collect();
    let by_team = Summary::of(in_scope.iter().copied(), |o| team_of(snapshot, o));
    // Keyed by staff id, `none` (a case without a caseworker) or `no_case` (a notification
    // without a case), as KF16.
    let by_caseworker = Summary::of(in_scope.iter().copied(), |o| {
        Some(Holder::of(o).key(snapshot))
    });
    // Every summary counts all rules; the per-rule counts are the team summary's.
    let by_rule: serde_json::Map<_, _> = by_team
        .by_rule
        .iter()
        .map(|(rule, counts)| (rule.id().to_owned(), counts_json(counts)))
        .collect();
    json!({
        "as_of": scope.as_of_text,
        "filters": {
            "caseworker_id": scope.caseworker.map(|s| snapshot.staff[s as usize].staff_id.as_str()),
            "team_id": scope.units.as_ref().map(|units| units[0].as_str()),
            "rule": scope.rule.map(RuleId::id),
            "due_from": scope.due_from.map(|date| date.to_string()),
            "status": scope.statuses.iter().map(|s| s.code()).collect::<Vec<_>>(),
            "due_within_days": scope.due_within,
        },
        "obligations": obligations,
        "unevaluable": unevaluable,
        "alerts": alerts,
        "summary": {
            "by_rule": by_rule,
            "by_team": group_json(&by_team),
            "by_caseworker": group_json(&by_caseworker),
        },
    })
}

fn share(counts: &Counts) -> String {
    counts
        .share_on_time()
        .map_or_else(|| "–".to_owned(), |share| format!("{:.0} %", share * 100.0))
}

fn write_tables(
    out: &mut String,
    snapshot: &Snapshot,
    rules: &RuleSet,
    scope: &Scope,
    in_scope: &[&Obligation],
    listed: &[&Obligation],
    limit: usize,
) {
    let _ = writeln!(
        out,
        "Frister pr. {} ({} forpligtelser i udvalget)",
        scope.as_of_text,
        in_scope.len()
    );

    let _ = writeln!(out, "\nRøde tal (overskredne frister) pr. sagsbehandler");
    let by_caseworker = Summary::of(in_scope.iter().copied(), |o| Some(Holder::of(o)));
    let mut red: Vec<(Holder, u64, u64)> = by_caseworker
        .by_group
        .keys()
        .flatten()
        .map(|holder| {
            let total = by_caseworker.group_total(&Some(*holder));
            (*holder, total.red, total.open)
        })
        .filter(|(_, red, open)| red + open > 0)
        .collect();
    red.sort_by_key(|(holder, red, _)| (std::cmp::Reverse(*red), *holder));
    let mut rows: Vec<Vec<String>> = red
        .iter()
        .map(|(holder, red, open)| {
            let (id, team) = match holder {
                Holder::Caseworker(staff) => {
                    let staff = &snapshot.staff[*staff as usize];
                    (staff.staff_id.to_string(), staff.unit_id.to_string())
                }
                Holder::WithoutCaseworker => ("uden sagsbehandler".to_owned(), "-".to_owned()),
                Holder::WithoutCase => ("uden sag".to_owned(), "-".to_owned()),
            };
            vec![id, team, red.to_string(), open.to_string()]
        })
        .collect();
    if !rows.is_empty() {
        let (red_total, open_total) = red
            .iter()
            .fold((0, 0), |(r, o), (_, red, open)| (r + red, o + open));
        rows.push(vec![
            "i alt".to_owned(),
            String::new(),
            red_total.to_string(),
            open_total.to_string(),
        ]);
    }
    write_table(
        out,
        &["Sagsbehandler", "Enhed", "Overskredet", "Åbne"],
        rows,
    );

    let _ = writeln!(out, "\nPr. regel");
    let rows = by_caseworker
        .by_rule
        .iter()
        .map(|(rule, counts)| {
            vec![
                rule.id().to_owned(),
                rules.rule(*rule).title.clone(),
                counts.total().to_string(),
                counts.met_on_time.to_string(),
                counts.met_late.to_string(),
                counts.late_with_preliminary.to_string(),
                counts.red.to_string(),
                counts.lapsed.to_string(),
                counts.open.to_string(),
                share(counts),
            ]
        })
        .collect();
    write_table(
        out,
        &[
            "Regel",
            "Titel",
            "I alt",
            "Til tiden",
            "For sent",
            "Foreløbig",
            "Overskredet",
            "Kan ikke nås",
            "Åbne",
            "Andel til tiden",
        ],
        rows,
    );

    let _ = writeln!(out, "\nPr. enhed");
    let by_team = Summary::of(in_scope.iter().copied(), |o| team_of(snapshot, o));
    let rows = by_team
        .by_group
        .keys()
        .map(|team| {
            let counts = by_team.group_total(team);
            vec![
                team.unwrap_or("uden sagsbehandler").to_owned(),
                counts.total().to_string(),
                counts.red.to_string(),
                counts.lapsed.to_string(),
                counts.open.to_string(),
                share(&counts),
            ]
        })
        .collect();
    write_table(
        out,
        &[
            "Enhed",
            "I alt",
            "Overskredet",
            "Kan ikke nås",
            "Åbne",
            "Andel til tiden",
        ],
        rows,
    );

    let shown = if limit == 0 {
        listed.len()
    } else {
        listed.len().min(limit)
    };
    let _ = writeln!(
        out,
        "\nListe: {} forpligtelser (viser {shown})",
        listed.len()
    );
    let rows = listed[..shown]
        .iter()
        .map(|o| {
            vec![
                o.status.label_da().to_owned(),
                moment(o.due),
                o.rule.id().to_owned(),
                rules.rule(o.rule).versions[o.version as usize]
                    .basis
                    .clone(),
                o.case.map_or("-".to_owned(), |case| {
                    snapshot.cases[case as usize].case_id.to_string()
                }),
                caseworker_id(snapshot, o).unwrap_or("-").to_owned(),
                format!(
                    "{} {}",
                    o.trigger.table.table_name(),
                    o.trigger.id(snapshot)
                ),
                o.findings
                    .iter()
                    .map(|f| f.code())
                    .collect::<Vec<_>>()
                    .join(" "),
            ]
        })
        .collect();
    write_table(
        out,
        &[
            "Status",
            "Frist",
            "Regel",
            "Lovgrundlag",
            "Sag",
            "Sagsbehandler",
            "Anledning",
            "Datafejl",
        ],
        rows,
    );
}

/// Writes rows under headers with columns padded to their widest cell.
pub(crate) fn write_table(out: &mut String, headers: &[&str], rows: Vec<Vec<String>>) {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut line = |cells: Vec<&str>| {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect();
        let _ = writeln!(out, "  {}", padded.join("  ").trim_end());
    };
    line(headers.to_vec());
    for row in &rows {
        line(row.iter().map(String::as_str).collect());
    }
    if rows.is_empty() {
        let _ = writeln!(out, "  (ingen)");
    }
}
