//! The weekly leader report (ugerapport, S1 Ex 17) for a team or department at T: the
//! notifications of the last 7 days and of each of the last 12 weeks, investigations, open
//! cases by phase and caseworker, red numbers per caseworker, cases without a caseworker.

use chrono::Datelike;

use super::build::*;
use super::document::{Cell, ChartKind, ColumnKind as K, Document, Section};
use crate::figures::caseload::{Phase, kf08, kf09, kf10};
use crate::figures::deadlines::{WITHOUT_CASE, kf16};
use crate::figures::investigations::{kf06, kf07};
use crate::figures::notifications::{kf01, kf03, kf04};
use crate::figures::{Context, Exclusion, Period, WITHOUT_CASEWORKER};
use crate::rules::{RuleId, RuleSet};

/// The periods of the weekly report: the last 7 days and the 12 ISO weeks up to T (the
/// current week up to T), oldest first.
pub fn weeks(t: chrono::NaiveDate) -> Vec<Period> {
    let current = Period::iso_week(t);
    (0..12)
        .rev()
        .map(|back| {
            let from = current.from - chrono::Days::new(7 * back);
            let week = Period::iso_week(from);
            week.up_to(t).unwrap_or(week)
        })
        .collect()
}

pub fn weekly(
    ctx: &Context<'_>,
    rules: &RuleSet,
) -> (Document, Vec<(&'static str, Vec<Exclusion>)>) {
    let t = ctx.as_of.date;
    let weeks = weeks(t);
    // The 12 weeks as one period: the investigations' span and the exclusions' scope.
    let span = Period::new(weeks[0].from, t).expect("the first week starts by T");
    let mut exclusions = Vec::new();
    let sections = vec![
        notifications(ctx, &weeks, span, &mut exclusions),
        investigations(ctx, span, &mut exclusions),
        cases(ctx),
        red_numbers(ctx, rules, span),
    ];
    let detail = format!("uge {}, {}", t.iso_week().week(), t.iso_week().year());
    let document = super::document(ctx, "weekly", "Ugerapport", detail, sections);
    (document, exclusions)
}

fn week_label(period: Period) -> String {
    format!(
        "Uge {} ({}-{})",
        period.from.iso_week().week(),
        period.from.format("%d.%m"),
        period.to.format("%d.%m")
    )
}

fn notifications(
    ctx: &Context<'_>,
    weeks: &[Period],
    span: Period,
    exclusions: &mut Vec<(&'static str, Vec<Exclusion>)>,
) -> Section {
    let columns = [
        ("Periode", K::Text),
        ("Underretninger modtaget (KF01)", K::Integer),
        ("Vurderet inden 24 timer (KF03)", K::Percent),
        ("Afventer 24-timersvurdering", K::Integer),
        ("Reaktionstid, median timer (KF04)", K::Decimal(1)),
    ];
    let row = |label: String, period: Period| -> Vec<Cell> {
        let received = kf01(ctx, period);
        let assessed = kf03(ctx, period);
        let reaction = kf04(ctx, period);
        vec![
            text(label),
            maybe_count(received.map(|k| k.total)),
            assessed
                .as_ref()
                .map_or(Cell::NotAvailable, |k| share(k.on_time)),
            maybe_count(assessed.map(|k| k.pending)),
            number(reaction.and_then(|k| k.hours.median)),
        ]
    };
    let last7 = Period::ending(ctx.as_of.date, 7);
    let mut recent = table("notifications_7_days", "Seneste 7 dage", &columns);
    recent.rows.push(row(
        format!(
            "{} – {}",
            last7.from.format("%d.%m"),
            last7.to.format("%d.%m")
        ),
        last7,
    ));
    let mut weekly = with_chart(
        table(
            "notifications_12_weeks",
            "Underretninger de seneste 12 uger",
            &columns,
        ),
        ChartKind::Line,
        &[1],
    );
    for week in weeks {
        weekly.rows.push(row(week_label(*week), *week));
    }
    if let Some(k) = kf03(ctx, span) {
        exclusions.push(("KF03", k.excluded.list().to_vec()));
    }
    section(
        "notifications",
        "Underretninger",
        &[
            "En underretning er vurderet til tiden, når den er vurderet senest 24 timer efter modtagelsen. Underretninger modtaget mindre end 24 timer før opgørelsen afventer og tæller ikke med i andelen.",
            ABSENT_FILE,
        ],
        vec![recent, weekly],
    )
}

fn investigations(
    ctx: &Context<'_>,
    span: Period,
    exclusions: &mut Vec<(&'static str, Vec<Exclusion>)>,
) -> Section {
    let mut out = table(
        "investigations",
        "Børnefaglige undersøgelser, seneste 12 uger",
        &[
            ("Nøgletal", K::Text),
            ("Antal", K::Integer),
            ("Andel", K::Percent),
            ("Dage, gennemsnit", K::Decimal(1)),
            ("Dage, median", K::Decimal(1)),
        ],
    );
    let completed = kf07(ctx, span);
    out.rows.push(vec![
        text("Afsluttede undersøgelser: sagsbehandlingstid (KF07)"),
        maybe_count(completed.as_ref().map(|k| k.days.n)),
        Cell::Empty,
        number(completed.as_ref().and_then(|k| k.days.mean)),
        number(completed.as_ref().and_then(|k| k.days.median)),
    ]);
    let due = kf06(ctx, span);
    out.rows.push(vec![
        text("Frist (4 mdr.) i perioden: afsluttet til tiden (KF06)"),
        maybe_count(due.as_ref().map(|k| k.on_time.denominator)),
        due.as_ref()
            .map_or(Cell::NotAvailable, |k| share(k.on_time)),
        Cell::Empty,
        Cell::Empty,
    ]);
    for (id, k) in [
        ("KF06", due.map(|k| k.excluded)),
        ("KF07", completed.map(|k| k.excluded)),
    ] {
        if let Some(list) = k {
            exclusions.push((id, list.list().to_vec()));
        }
    }
    section("investigations", "Undersøgelser", &[], vec![out])
}

fn cases(ctx: &Context<'_>) -> Section {
    let open = kf08(ctx);
    let load = kf09(ctx);
    let mut phases = with_chart(
        table(
            "phases",
            "Åbne sager efter fase (KF08)",
            &[("Fase", K::Text), ("Åbne sager", K::Integer)],
        ),
        ChartKind::Bar,
        &[1],
    );
    for phase in Phase::ALL {
        phases.rows.push(vec![
            text(phase.label_da()),
            count(open.by_phase[phase.code()]),
        ]);
    }
    phases.rows.push(vec![text("I alt"), count(open.total)]);
    let mut caseworkers = table(
        "caseload",
        "Sagsstamme pr. sagsbehandler (KF08, KF09)",
        &[
            ("Sagsbehandler", K::Text),
            ("Team", K::Text),
            ("Åbne sager", K::Integer),
            ("Point", K::Decimal(1)),
            ("Kapacitet", K::Decimal(1)),
            ("Udnyttelse", K::Decimal(2)),
            ("Fraværende i dag", K::Text),
        ],
    );
    for (staff_id, l) in &load.by_caseworker {
        caseworkers.rows.push(vec![
            text(super::staff_name(ctx, staff_id)),
            text(super::unit_label(ctx, &l.unit_id)),
            count(l.open_cases),
            Cell::Number(l.points),
            Cell::Number(l.capacity),
            number(l.utilisation),
            l.absent
                .map_or(Cell::NotAvailable, |a| text(if a { "ja" } else { "nej" })),
        ]);
    }
    let without = kf10(ctx);
    let mut missing = table(
        "without_caseworker",
        "Sager uden aktiv sagsbehandler (KF10)",
        &[("Nøgletal", K::Text), ("Sager", K::Integer)],
    );
    missing.rows.push(vec![
        text("Åbne sager uden sagsbehandler i dag"),
        count(without.without_caseworker),
    ]);
    missing.rows.push(vec![
        text("Åbne sager, hvis sagsbehandler er fraværende i dag"),
        maybe_count(without.caseworker_absent),
    ]);
    section(
        "cases",
        "Sager og faser",
        &[
            "Fasen er den første, der passer: underretning (inden for 30 dage, ingen undersøgelse) → undersøgelse → afgørelse → indsats uden plan → opfølgning. Udnyttelse = point ÷ (kapacitet × årsværk).",
        ],
        vec![phases, caseworkers, missing],
    )
}

fn red_numbers(ctx: &Context<'_>, rules: &RuleSet, span: Period) -> Section {
    let red = kf16(ctx, span);
    let mut by_caseworker = with_chart(
        table(
            "red_by_caseworker",
            "Overskredne frister pr. sagsbehandler (KF16)",
            &[
                ("Sagsbehandler", K::Text),
                ("Overskredne frister", K::Integer),
            ],
        ),
        ChartKind::Bar,
        &[1],
    );
    let mut rows: Vec<(&String, &u64)> = red.by_caseworker.iter().collect();
    rows.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    for (staff_id, n) in rows {
        let name = match staff_id.as_str() {
            WITHOUT_CASEWORKER => "Uden sagsbehandler".to_owned(),
            WITHOUT_CASE => "Uden sag (underretninger)".to_owned(),
            _ => super::staff_name(ctx, staff_id),
        };
        by_caseworker.rows.push(vec![text(name), count(*n)]);
    }
    by_caseworker
        .rows
        .push(vec![text("I alt"), count(red.total)]);
    let mut by_rule = table(
        "red_by_rule",
        "Overskredne frister pr. lovkrav, og frister der ikke længere kan nås",
        &[
            ("Lovkrav", K::Text),
            ("Overskredne frister", K::Integer),
            ("Ikke overholdt, kan ikke længere nås (12 uger)", K::Integer),
        ],
    );
    for rule in RuleId::ALL {
        let (n, lapsed) = (red.by_rule[rule.id()], red.lapsed_by_rule[rule.id()]);
        if n > 0 || lapsed > 0 {
            by_rule.rows.push(vec![
                text(rules.rule(*rule).title.clone()),
                count(n),
                count(lapsed),
            ]);
        }
    }
    by_rule
        .rows
        .push(vec![text("I alt"), count(red.total), count(red.lapsed)]);
    section(
        "red_numbers",
        "Røde tal",
        &[
            "En frist er overskredet (rødt tal), når den er passeret uden at være overholdt, og der stadig kan handles på den. Den tilskrives den sagsbehandler, der har sagen i dag.",
            "En frist, der ikke længere kan nås (sagen er lukket, afgørelsen truffet, indsatsen ophørt, den unge fyldt 18 …), er ikke et rødt tal, men tæller stadig som ikke overholdt i opgørelserne.",
        ],
        vec![by_caseworker, by_rule],
    )
}
