//! Contradictions: rows whose dates or references cannot all be true.
//!
//! Two families. Dates in the wrong order *within one row* are the order rules the importer
//! checks row by row (`checks.rs`, reported there as warnings or errors on import); they are
//! counted again here on the typed records, because an import keeps rows with warnings and the
//! figures must say how many such rows they stand on. A test keeps the two lists equal. Dates
//! or references that disagree *across rows* (a measure starting before its case was opened, a
//! payment for a month its measure was not active) only show when the rows are put together.
//!
//! A contradiction counts as of T when the rows involved exist by T and every date it compares
//! is on or before T. Where the obligations engine already names the problem
//! ([`Finding`]), its code and text are used.

use chrono::{DateTime, NaiveDate, Utc};

use super::Contradiction;
use crate::figures::{IdMap, id_map};
use crate::obligations::{AsOf, Finding};
use crate::sources::Sources;
use crate::tables::Measure;
use crate::{Snapshot, YearMonth};

/// The most example ids kept per contradiction.
pub const MAX_EXAMPLES: usize = 5;

/// The code and Danish text of a contradiction.
#[derive(Debug, Clone, Copy)]
enum Text {
    Own {
        code: &'static str,
        label_da: &'static str,
    },
    /// The obligations engine's finding for the same problem.
    Finding(Finding),
}

#[derive(Debug, Clone, Copy)]
struct Spec {
    table: &'static str,
    text: Text,
    /// For a rule within one row: the column that must come first, and the one found before
    /// it (the importer's order rule).
    order: Option<(&'static str, &'static str)>,
}

const fn own(code: &'static str, label_da: &'static str) -> Text {
    Text::Own { code, label_da }
}

/// Declares the kinds of contradiction: an enum to count them by and their specs, in the same
/// order.
macro_rules! kinds {
    ($(
        $(#[$doc:meta])*
        $kind:ident: $table:literal, $text:expr $(, order($earlier:literal, $later:literal))?;
    )*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub(super) enum Kind { $($(#[$doc])* $kind),* }

        const SPECS: &[Spec] = &[$(Spec {
            table: $table,
            text: $text,
            order: kinds!(@order $($earlier, $later)?),
        }),*];

        #[cfg(test)]
        pub(super) const ALL: &[Kind] = &[$(Kind::$kind),*];
    };
    (@order $earlier:literal, $later:literal) => { Some(($earlier, $later)) };
    (@order) => { None };
}

kinds! {
    // Within one row (the importer's order rules, `checks.rs`).
    UnitEndsBeforeStart: "org_units",
        own("unit_ends_before_start", "enheden ophører før den er oprettet"),
        order("valid_from", "valid_to");
    StaffEndsBeforeStart: "staff",
        own("staff_ends_before_start", "ansættelsen slutter før den begynder"),
        order("start_date", "end_date");
    AbsenceEndsBeforeStart: "absences",
        own("absence_ends_before_start", "fraværet slutter før det begynder"),
        order("from_date", "to_date");
    CaseClosedBeforeOpened: "cases",
        own("case_closed_before_opened", "sagen er lukket før den blev oprettet"),
        order("opened_at", "closed_at");
    AssignmentEndsBeforeStart: "assignments",
        own("assignment_ends_before_start", "tildelingen til sagsbehandleren slutter før den begynder"),
        order("from_date", "to_date");
    AssessedBeforeReceived: "notifications",
        Text::Finding(Finding::AssessedBeforeReceived),
        order("received_at", "assessed_at");
    ReceiptBeforeReceived: "notifications",
        Text::Finding(Finding::ReceiptBeforeReceived),
        order("received_at", "receipt_sent_at");
    OutcomeBeforeReceived: "notifications",
        own("outcome_before_received", "udfaldet er dateret før modtagelsen af underretningen"),
        order("received_at", "outcome_at");
    FeedbackBeforeReceived: "notifications",
        own("feedback_before_received", "tilbagemeldingen er dateret før modtagelsen af underretningen"),
        order("received_at", "feedback_sent_at");
    /// The decision to investigate presupposes awareness of the possible need; a decision dated
    /// before `aware_at` means the 4-month clock starts too late.
    InvestigationDecidedBeforeAware: "investigations",
        own(
            "investigation_decided_before_aware",
            "beslutningen om undersøgelse er dateret før kommunen blev opmærksom på sagen",
        ),
        order("aware_at", "decided_at");
    PreliminaryBeforeAware: "investigations",
        own(
            "preliminary_before_aware",
            "den foreløbige vurdering er dateret før kommunen blev opmærksom på sagen",
        ),
        order("aware_at", "preliminary_assessment_at");
    CompletedBeforeAware: "investigations",
        Text::Finding(Finding::CompletedBeforeAware),
        order("aware_at", "completed_at");
    MeasureEndsBeforeStart: "measures",
        Text::Finding(Finding::MeasureEndsBeforeStart),
        order("start_date", "end_date");
    PlannedEndBeforeStart: "measures",
        own("planned_end_before_start", "den planlagte slutdato ligger før indsatsens start"),
        order("start_date", "planned_end_date");
    NoticeBeforeReceived: "applications",
        own(
            "notice_before_received",
            "meddelelsen om overskredet frist er dateret før ansøgningen blev modtaget",
        ),
        order("received_at", "notice_sent_at");
    DecidedBeforeReceived: "applications",
        Text::Finding(Finding::DecidedBeforeReceived),
        order("received_at", "decided_at");
    GoalClosedBeforeSet: "goals",
        own("goal_closed_before_set", "målet er lukket før det blev sat"),
        order("set_at", "closed_at");
    WaitingListLeftBeforeListed: "waiting_list",
        own("left_before_listed", "borgeren har forladt ventelisten før optagelsen på den"),
        order("listed_at", "left_at");
    ContactBeforeReceived: "complaints",
        own(
            "contact_before_received",
            "den personlige kontakt er dateret før klagen blev modtaget",
        ),
        order("received_at", "personal_contact_at");
    ResolvedBeforeReceived: "complaints",
        own("resolved_before_received", "klagen er afsluttet før den blev modtaget"),
        order("received_at", "resolved_at");
    // Within one row, found by the obligations engine (not an import warning).
    FeedbackBeforeOutcome: "notifications", Text::Finding(Finding::FeedbackBeforeOutcome);
    NextDueBeforeHeld: "followups", Text::Finding(Finding::NextDueBeforeHeld);
    // Across rows.
    /// A measure must start on a day its case is open (opened_at ≤ d < closed_at).
    MeasureBeforeCaseOpened: "measures",
        own("measure_before_case_opened", "indsatsen starter før sagen blev oprettet");
    MeasureAfterCaseClosed: "measures",
        own("measure_after_case_closed", "indsatsen starter efter at sagen er lukket");
    PaymentBeforeMeasureStart: "payments",
        own(
            "payment_before_measure_start",
            "betalingen gælder en måned før indsatsens startmåned",
        );
    /// A refund (negative amount) after the end is not counted: it settles an earlier month.
    PaymentAfterMeasureEnd: "payments",
        own(
            "payment_after_measure_end",
            "betalingen gælder en måned efter indsatsens slutmåned",
        );
    PaymentMeasureOfOtherCase: "payments",
        own(
            "payment_measure_of_other_case",
            "betalingen henviser til en indsats i en anden sag",
        );
    DecisionMeasureOfOtherCase: "decisions", Text::Finding(Finding::MeasureOfOtherCase);
    PlanMeasureOfOtherCase: "plans",
        own("plan_measure_of_other_case", "planen henviser til en indsats i en anden sag");
    VisitMeasureOfOtherCase: "visits",
        own(
            "visit_measure_of_other_case",
            "tilsynsbesøget henviser til en indsats i en anden sag",
        );
    FollowupMeasureOfOtherCase: "followups",
        own(
            "followup_measure_of_other_case",
            "opfølgningen henviser til en indsats i en anden sag",
        );
    FollowupBeforeMeasureStart: "followups", Text::Finding(Finding::FollowupBeforeMeasureStart);
    ScoreBeforeGoalSet: "goal_scores",
        own(
            "score_before_goal_set",
            "målet er scoret ved en opfølgning holdt før målet blev sat",
        );
    /// Active on a day by T on which the caseworker was not employed (before `start_date` or
    /// after `end_date`).
    AssignmentOutsideEmployment: "assignments",
        own(
            "assignment_outside_employment",
            "sagen er tildelt en medarbejder uden for medarbejderens ansættelsesperiode",
        );
}

impl Spec {
    fn code(&self) -> &'static str {
        match self.text {
            Text::Own { code, .. } => code,
            Text::Finding(finding) => finding.code(),
        }
    }

    fn label_da(&self) -> &'static str {
        match self.text {
            Text::Own { label_da, .. } => label_da,
            Text::Finding(finding) => finding.message_da(),
        }
    }
}

/// One check for contradictions, as listed in documentation and reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContradictionKind {
    pub code: &'static str,
    pub table: &'static str,
    pub label_da: &'static str,
    /// For a check within one row: the column that must come first and the one found before
    /// it.
    pub order: Option<(&'static str, &'static str)>,
}

/// Every check [`super::assess`] makes, in the order contradictions are listed.
pub fn contradiction_kinds() -> impl Iterator<Item = ContradictionKind> {
    SPECS.iter().map(|spec| ContradictionKind {
        code: spec.code(),
        table: spec.table,
        label_da: spec.label_da(),
        order: spec.order,
    })
}

/// Per kind (indexed by [`Kind`]): the rows found, and the first ids.
struct Tally(Vec<(u64, Vec<String>)>);

impl Tally {
    /// Counts a row of `kind` when `found`, keeping its id while fewer than [`MAX_EXAMPLES`]
    /// are kept.
    fn check(&mut self, found: bool, kind: Kind, id: impl FnOnce() -> String) {
        if found {
            let (rows, examples) = &mut self.0[kind as usize];
            *rows += 1;
            if examples.len() < MAX_EXAMPLES {
                examples.push(id());
            }
        }
    }
}

/// `later` lies before `earlier`, and both are facts by T (`earlier`, the later of the two, is
/// on or before T).
fn date_before(as_of: AsOf, later: Option<NaiveDate>, earlier: Option<NaiveDate>) -> bool {
    matches!((later, earlier), (Some(l), Some(e)) if l < e && as_of.reached(e))
}

/// [`date_before`] for instants (compared to the second, as the importer does).
fn instant_before(
    as_of: AsOf,
    later: Option<DateTime<Utc>>,
    earlier: Option<DateTime<Utc>>,
) -> bool {
    matches!((later, earlier), (Some(l), Some(e)) if l < e && e <= as_of.instant)
}

/// The row of `rows` with the id `id` (`ids` maps the ids of `rows`).
fn row<'r, T>(rows: &'r [T], ids: &IdMap<'_>, id: &str) -> Option<&'r T> {
    ids.get(id).map(|&i| &rows[i as usize])
}

/// Finds every contradiction by T in the supplied tables.
pub(super) fn assess(s: &Snapshot, sources: &Sources, as_of: AsOf) -> Vec<Contradiction> {
    let mut tally = Tally(vec![(0, Vec::new()); SPECS.len()]);
    let t = &mut tally;
    let has = |table: &str| sources.has(table);
    let measures = id_map(s.measures.iter().map(|m| m.measure_id.as_str()));
    let measure = |id: Option<&crate::ids::MeasureId>| -> Option<&Measure> {
        id.and_then(|id| row(&s.measures, &measures, id.as_str()))
    };
    // A referenced measure of another case, when both rows exist by T (`at` is the referring
    // row's date).
    let other_case = |m: Option<&Measure>, case_id: &str, at: NaiveDate| {
        m.is_some_and(|m| {
            m.case_id.as_str() != case_id && as_of.reached(at) && as_of.reached(m.start_date)
        })
    };

    if has("org_units") {
        for u in &s.org_units {
            t.check(
                date_before(as_of, u.valid_to, u.valid_from),
                Kind::UnitEndsBeforeStart,
                || u.unit_id.as_str().to_owned(),
            );
        }
    }
    if has("staff") {
        for x in &s.staff {
            t.check(
                date_before(as_of, x.end_date, x.start_date),
                Kind::StaffEndsBeforeStart,
                || x.staff_id.as_str().to_owned(),
            );
        }
    }
    if has("absences") {
        for a in &s.absences {
            t.check(
                date_before(as_of, a.to_date, Some(a.from_date)),
                Kind::AbsenceEndsBeforeStart,
                || format!("{}/{}", a.staff_id, a.from_date),
            );
        }
    }
    if has("cases") {
        for c in &s.cases {
            t.check(
                date_before(as_of, c.closed_at, Some(c.opened_at)),
                Kind::CaseClosedBeforeOpened,
                || c.case_id.as_str().to_owned(),
            );
        }
    }
    if has("assignments") {
        let staff = id_map(s.staff.iter().map(|x| x.staff_id.as_str()));
        for a in &s.assignments {
            let id = || format!("{}/{}", a.case_id, a.from_date);
            t.check(
                date_before(as_of, a.to_date, Some(a.from_date)),
                Kind::AssignmentEndsBeforeStart,
                id,
            );
            let Some(x) = row(&s.staff, &staff, a.staff_id.as_str()) else {
                continue;
            };
            let active_from = |day: NaiveDate| {
                as_of.reached(day) && a.to_date.is_none_or(|to| day <= to) && a.from_date <= day
            };
            // Active on its first day, before the caseworker started (a start by T).
            let before_start = x.start_date.is_some_and(|start| {
                a.from_date < start && as_of.reached(start) && active_from(a.from_date)
            });
            // Active on a day by T after the caseworker left.
            let after_end = x.end_date.is_some_and(|end| {
                end.succ_opt()
                    .is_some_and(|after| active_from(after.max(a.from_date)))
            });
            t.check(
                before_start || after_end,
                Kind::AssignmentOutsideEmployment,
                id,
            );
        }
    }
    if has("notifications") {
        for n in &s.notifications {
            let id = || n.notification_id.as_str().to_owned();
            let received = Some(n.received_at);
            let before_received = |at| instant_before(as_of, at, received);
            t.check(
                before_received(n.assessed_at),
                Kind::AssessedBeforeReceived,
                id,
            );
            t.check(
                before_received(n.receipt_sent_at),
                Kind::ReceiptBeforeReceived,
                id,
            );
            t.check(
                before_received(n.outcome_at),
                Kind::OutcomeBeforeReceived,
                id,
            );
            t.check(
                before_received(n.feedback_sent_at),
                Kind::FeedbackBeforeReceived,
                id,
            );
            t.check(
                instant_before(as_of, n.feedback_sent_at, n.outcome_at),
                Kind::FeedbackBeforeOutcome,
                id,
            );
        }
    }
    if has("investigations") {
        for i in &s.investigations {
            let id = || i.investigation_id.as_str().to_owned();
            let aware = Some(i.aware_at);
            t.check(
                date_before(as_of, i.decided_at, aware),
                Kind::InvestigationDecidedBeforeAware,
                id,
            );
            t.check(
                date_before(as_of, i.preliminary_assessment_at, aware),
                Kind::PreliminaryBeforeAware,
                id,
            );
            t.check(
                date_before(as_of, i.completed_at, aware),
                Kind::CompletedBeforeAware,
                id,
            );
        }
    }
    if has("measures") {
        let cases = id_map(s.cases.iter().map(|c| c.case_id.as_str()));
        for m in &s.measures {
            let id = || m.measure_id.as_str().to_owned();
            let start = Some(m.start_date);
            t.check(
                date_before(as_of, m.end_date, start),
                Kind::MeasureEndsBeforeStart,
                id,
            );
            t.check(
                date_before(as_of, m.planned_end_date, start),
                Kind::PlannedEndBeforeStart,
                id,
            );
            let Some(case) = row(&s.cases, &cases, m.case_id.as_str()) else {
                continue;
            };
            t.check(
                date_before(as_of, start, Some(case.opened_at)),
                Kind::MeasureBeforeCaseOpened,
                id,
            );
            t.check(
                case.closed_at
                    .is_some_and(|closed| closed <= m.start_date && as_of.reached(m.start_date)),
                Kind::MeasureAfterCaseClosed,
                id,
            );
        }
    }
    if has("decisions") {
        for d in &s.decisions {
            t.check(
                other_case(
                    measure(d.measure_id.as_ref()),
                    d.case_id.as_str(),
                    d.decided_at,
                ),
                Kind::DecisionMeasureOfOtherCase,
                || d.decision_id.as_str().to_owned(),
            );
        }
    }
    if has("plans") {
        for p in &s.plans {
            t.check(
                other_case(
                    measure(p.measure_id.as_ref()),
                    p.case_id.as_str(),
                    p.created_at,
                ),
                Kind::PlanMeasureOfOtherCase,
                || p.plan_id.as_str().to_owned(),
            );
        }
    }
    if has("visits") {
        for v in &s.visits {
            t.check(
                other_case(
                    measure(v.measure_id.as_ref()),
                    v.case_id.as_str(),
                    v.visited_at,
                ),
                Kind::VisitMeasureOfOtherCase,
                || v.visit_id.as_str().to_owned(),
            );
        }
    }
    if has("applications") {
        for a in &s.applications {
            let id = || a.application_id.as_str().to_owned();
            let received = Some(a.received_at);
            t.check(
                date_before(as_of, a.notice_sent_at, received),
                Kind::NoticeBeforeReceived,
                id,
            );
            t.check(
                date_before(as_of, a.decided_at, received),
                Kind::DecidedBeforeReceived,
                id,
            );
        }
    }
    if has("goals") {
        for g in &s.goals {
            t.check(
                date_before(as_of, g.closed_at, Some(g.set_at)),
                Kind::GoalClosedBeforeSet,
                || g.goal_id.as_str().to_owned(),
            );
        }
    }
    if has("followups") {
        for f in &s.followups {
            let id = || f.followup_id.as_str().to_owned();
            t.check(
                date_before(as_of, f.next_due, Some(f.held_at)),
                Kind::NextDueBeforeHeld,
                id,
            );
            let m = measure(f.measure_id.as_ref());
            t.check(
                m.is_some_and(|m| date_before(as_of, Some(f.held_at), Some(m.start_date))),
                Kind::FollowupBeforeMeasureStart,
                id,
            );
            t.check(
                other_case(m, f.case_id.as_str(), f.held_at),
                Kind::FollowupMeasureOfOtherCase,
                id,
            );
        }
    }
    if has("goal_scores") {
        let goals = id_map(s.goals.iter().map(|g| g.goal_id.as_str()));
        let followups = id_map(s.followups.iter().map(|f| f.followup_id.as_str()));
        for score in &s.goal_scores {
            let (Some(goal), Some(followup)) = (
                row(&s.goals, &goals, score.goal_id.as_str()),
                row(&s.followups, &followups, score.followup_id.as_str()),
            ) else {
                continue;
            };
            t.check(
                date_before(as_of, Some(followup.held_at), Some(goal.set_at)),
                Kind::ScoreBeforeGoalSet,
                || format!("{}/{}", score.goal_id, score.followup_id),
            );
        }
    }
    if has("payments") {
        let this_month = YearMonth::of(as_of.date);
        for p in &s.payments {
            let Some(m) = measure(p.measure_id.as_ref()) else {
                continue;
            };
            let id = || p.payment_id.as_str().to_owned();
            let by_t = p.month <= this_month;
            t.check(
                p.month < YearMonth::of(m.start_date) && as_of.reached(m.start_date),
                Kind::PaymentBeforeMeasureStart,
                id,
            );
            // A refund (negative amount) booked after the end settles an earlier month.
            t.check(
                by_t && !p.amount.is_sign_negative()
                    && m.end_date.is_some_and(|end| YearMonth::of(end) < p.month),
                Kind::PaymentAfterMeasureEnd,
                id,
            );
            t.check(
                by_t && as_of.reached(m.start_date)
                    && p.case_id.as_ref().is_some_and(|c| *c != m.case_id),
                Kind::PaymentMeasureOfOtherCase,
                id,
            );
        }
    }
    if has("waiting_list") {
        for w in &s.waiting_list {
            t.check(
                date_before(as_of, w.left_at, Some(w.listed_at)),
                Kind::WaitingListLeftBeforeListed,
                || w.entry_id.as_str().to_owned(),
            );
        }
    }
    if has("complaints") {
        for c in &s.complaints {
            let id = || c.complaint_id.as_str().to_owned();
            let received = Some(c.received_at);
            t.check(
                date_before(as_of, c.personal_contact_at, received),
                Kind::ContactBeforeReceived,
                id,
            );
            t.check(
                date_before(as_of, c.resolved_at, received),
                Kind::ResolvedBeforeReceived,
                id,
            );
        }
    }

    SPECS
        .iter()
        .zip(tally.0)
        .filter(|(_, (rows, _))| *rows > 0)
        .map(|(spec, (rows, examples))| Contradiction {
            code: spec.code(),
            table: spec.table,
            label_da: spec.label_da(),
            rows,
            examples,
        })
        .collect()
}
