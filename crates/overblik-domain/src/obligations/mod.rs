//! Legal obligations: a pure function from one municipality's data and an as-of moment T to
//! every obligation of every rule, each with its due date, what met it, its status at T and the
//! caseworker responsible at T; plus the two alert signals that are not deadlines.
//!
//! The rules' meaning lives here, one module per group of rules; their numbers and legal bases
//! come from the [`RuleSet`]. Obligations refer to rows by their index in the [`Snapshot`]
//! so that a large municipality's history (millions of rows) is evaluated without copying.
//! Rows that make a rule impossible to evaluate are reported as [`Finding`]s, never dropped.

mod adults;
mod as_of;
mod children;
mod findings;
mod followups;
mod index;
mod lapse;
mod placements;
mod signals;
pub mod summary;

use crate::Snapshot;
use crate::rules::{RuleId, RuleSet};

pub use as_of::AsOf;
pub use findings::Finding;
pub use lapse::Lapse;
pub use signals::{Alert, AlertKind};

pub use crate::rules::Moment;

use index::Index;
use lapse::Window;

/// The status of an obligation at the as-of moment (legal-rules.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    MetOnTime,
    MetLate,
    /// Not met, due at or after T.
    Open,
    /// Not met, due before T, and still owed and possible at T: a "red number".
    Overdue,
    /// Investigations: not completed by the due date, but a preliminary assessment was. A red
    /// number while not completed by T; met late once completed.
    LateWithPreliminary,
    /// Not met by T, due before T, and no longer possible or owed at T (its case closed, its
    /// window over: [`Lapse`]): a breach in the statistics, on nobody's to-do list.
    Lapsed,
}

impl Status {
    pub const ALL: &'static [Status] = &[
        Status::MetOnTime,
        Status::MetLate,
        Status::Open,
        Status::Overdue,
        Status::LateWithPreliminary,
        Status::Lapsed,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Status::MetOnTime => "met_on_time",
            Status::MetLate => "met_late",
            Status::Open => "open",
            Status::Overdue => "overdue",
            Status::LateWithPreliminary => "late_with_preliminary",
            Status::Lapsed => "lapsed",
        }
    }

    pub fn from_code(code: &str) -> Option<Status> {
        Status::ALL
            .iter()
            .copied()
            .find(|status| status.code() == code)
    }

    pub fn label_da(self) -> &'static str {
        match self {
            Status::MetOnTime => "Overholdt",
            Status::MetLate => "Overholdt for sent",
            Status::Open => "Åben",
            Status::Overdue => "Overskredet",
            Status::LateWithPreliminary => "For sent, foreløbig vurdering",
            Status::Lapsed => "Ikke overholdt, kan ikke længere nås",
        }
    }

    /// Whether the obligation is met, late or not.
    pub fn is_met(self) -> bool {
        matches!(self, Status::MetOnTime | Status::MetLate)
    }
}

/// The table an event of an obligation comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EventTable {
    Notification,
    Investigation,
    Decision,
    Measure,
    Plan,
    Followup,
    Visit,
    Application,
    /// A birthday of the person (the row is the person's).
    Person,
}

impl EventTable {
    /// The name of the table in the interchange format.
    pub fn table_name(self) -> &'static str {
        match self {
            EventTable::Notification => "notifications",
            EventTable::Investigation => "investigations",
            EventTable::Decision => "decisions",
            EventTable::Measure => "measures",
            EventTable::Plan => "plans",
            EventTable::Followup => "followups",
            EventTable::Visit => "visits",
            EventTable::Application => "applications",
            EventTable::Person => "persons",
        }
    }
}

/// A row of the snapshot, with the moment of the event it records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Event {
    pub table: EventTable,
    /// Index into the table's `Vec` in the snapshot.
    pub row: u32,
    pub at: Moment,
}

impl Event {
    /// The id of the event's row in its table (for a birthday, the person's id).
    pub fn id<'s>(&self, snapshot: &'s Snapshot) -> &'s str {
        let row = self.row as usize;
        match self.table {
            EventTable::Notification => snapshot.notifications[row].notification_id.as_str(),
            EventTable::Investigation => snapshot.investigations[row].investigation_id.as_str(),
            EventTable::Decision => snapshot.decisions[row].decision_id.as_str(),
            EventTable::Measure => snapshot.measures[row].measure_id.as_str(),
            EventTable::Plan => snapshot.plans[row].plan_id.as_str(),
            EventTable::Followup => snapshot.followups[row].followup_id.as_str(),
            EventTable::Visit => snapshot.visits[row].visit_id.as_str(),
            EventTable::Application => snapshot.applications[row].application_id.as_str(),
            EventTable::Person => snapshot.persons[row].person_id.as_str(),
        }
    }
}

/// One obligation of one rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Obligation {
    pub rule: RuleId,
    /// Index of the governing version in the rule's versions (its legal basis).
    pub version: u8,
    /// Index into `snapshot.cases`, when the obligation belongs to a case.
    pub case: Option<u32>,
    /// Index into `snapshot.persons`.
    pub person: u32,
    pub trigger: Event,
    pub due: Moment,
    /// The event that met the obligation (on time or late), if it happened by T.
    pub met_by: Option<Event>,
    pub status: Status,
    /// Index into `snapshot.staff`: the caseworker assigned to the case at T.
    pub responsible: Option<u32>,
    /// Rules that count events (visits a year): how many are required and were done by T.
    pub progress: Option<(u8, u8)>,
    /// Why it can no longer be met, when the status is [`Status::Lapsed`].
    pub lapse: Option<Lapse>,
    pub findings: Vec<Finding>,
}

impl Obligation {
    /// Whether the obligation is a red number at T ("røde tal", KF16, every list a person is
    /// asked to act on): `overdue`, or an investigation late with a preliminary assessment and
    /// still not completed by T. Lapsed obligations are breaches, but nothing anyone can do.
    pub fn is_red(&self) -> bool {
        match self.status {
            Status::Overdue => true,
            Status::LateWithPreliminary => self.met_by.is_none(),
            _ => false,
        }
    }
}

/// A trigger that should create an obligation but whose due date cannot be computed from the
/// data (e.g. an adult application under a section with no published deadline).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unevaluable {
    pub rule: RuleId,
    pub case: Option<u32>,
    pub person: u32,
    pub trigger: Event,
    pub finding: Finding,
}

/// Everything the engine found at one as-of moment.
#[derive(Debug, Clone, Default)]
pub struct Evaluation {
    pub obligations: Vec<Obligation>,
    pub unevaluable: Vec<Unevaluable>,
    pub alerts: Vec<Alert>,
}

/// Evaluates every enabled rule on `snapshot` as of `as_of`. Facts after T are ignored, so an
/// evaluation for a past date can be reproduced from today's data.
pub fn evaluate(snapshot: &Snapshot, rules: &RuleSet, as_of: AsOf) -> Evaluation {
    let index = Index::build(snapshot, as_of);
    // The rule groups read the same index and write their own output, so they run in parallel
    // (the engine runs on every page view); their outputs are joined in this fixed order.
    // Each group with an estimate of how many obligations it makes (to allocate once).
    let s = snapshot;
    let groups: [(RuleGroup, usize); 7] = [
        (children::notifications, 2 * s.notifications.len()),
        (children::investigations, s.investigations.len()),
        (children::decisions, 2 * s.decisions.len()),
        (followups::evaluate, s.measures.len() + s.followups.len()),
        (placements::evaluate, s.measures.len() / 4),
        (adults::evaluate, 2 * s.applications.len()),
        (signals::evaluate, 0),
    ];
    let parts: Vec<Evaluation> = std::thread::scope(|scope| {
        let handles: Vec<_> = groups
            .iter()
            .map(|(group, estimate)| {
                let index = &index;
                scope.spawn(move || {
                    let mut out = Output {
                        evaluation: Evaluation {
                            obligations: Vec::with_capacity(*estimate),
                            ..Evaluation::default()
                        },
                        index,
                        rules,
                        as_of,
                    };
                    group(&mut out);
                    out.evaluation
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|handle| {
                handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    // One allocation of the final size: the obligations of a large municipality are ~100 MB,
    // and growing into them page by page dominated the run time.
    let mut evaluation = Evaluation {
        obligations: Vec::with_capacity(parts.iter().map(|p| p.obligations.len()).sum()),
        unevaluable: Vec::with_capacity(parts.iter().map(|p| p.unevaluable.len()).sum()),
        alerts: Vec::with_capacity(parts.iter().map(|p| p.alerts.len()).sum()),
    };
    for part in parts {
        evaluation.obligations.extend(part.obligations);
        evaluation.unevaluable.extend(part.unevaluable);
        evaluation.alerts.extend(part.alerts);
    }
    evaluation
}

/// The status of an obligation due at `due` and met by `met_by` (which happened by T).
fn judge(due: Moment, met_by: Option<Event>, as_of: AsOf) -> Status {
    match met_by {
        Some(event) if event.at.on_or_before(due) => Status::MetOnTime,
        Some(_) => Status::MetLate,
        None if as_of.is_past(due) => Status::Overdue,
        None => Status::Open,
    }
}

/// The event that meets a deadline on `due` among `events` in date order: the latest one by
/// the due date (the one a reader checks), else the first one after it (met late). Events
/// after T are not facts at T, so they are passed over: a plan created after T must not hide
/// the plan that met the duty by T.
fn meeting_event(
    events: impl Iterator<Item = Event>,
    due: chrono::NaiveDate,
    as_of: AsOf,
) -> Option<Event> {
    let mut on_time = None;
    for event in events.filter(|event| as_of.has_happened(event.at)) {
        if event.at.date() <= due {
            on_time = Some(event);
        } else {
            return on_time.or(Some(event));
        }
    }
    on_time
}

/// A module's evaluation of its group of rules.
type RuleGroup = fn(&mut Output<'_>);

/// What the rule modules write to, with what they read.
struct Output<'a> {
    evaluation: Evaluation,
    index: &'a Index<'a>,
    rules: &'a RuleSet,
    as_of: AsOf,
}

/// An obligation as a rule module describes it; [`Output::push`] adds status and responsible.
struct Draft {
    rule: RuleId,
    version: u8,
    case: Option<u32>,
    person: u32,
    trigger: Event,
    due: Moment,
    /// The first event that meets the obligation, on time or late (counted only if it
    /// happened by T).
    met: Option<Event>,
    /// When the rule's window closes, besides the case (`lapsed`).
    window: Window,
    findings: Vec<Finding>,
}

impl Output<'_> {
    /// The due moment as the municipality counts it (`extend_to_working_day`). A deadline on
    /// the trigger's own day is an ordering ("before the decision"), not a period, so it is
    /// never moved to a working day.
    fn settled_due(&self, draft: &Draft) -> Moment {
        if draft.due.date() == draft.trigger.at.date() {
            draft.due
        } else {
            self.rules.settings.adjust_due(draft.due)
        }
    }

    /// Adds the obligation with the ordinary status: met (on time or late) by `draft.met`,
    /// else open or overdue.
    fn push(&mut self, mut draft: Draft) {
        let as_of = self.as_of;
        draft.due = self.settled_due(&draft);
        draft.met = draft.met.filter(|event| as_of.has_happened(event.at));
        let status = judge(draft.due, draft.met, as_of);
        self.push_with(draft, status, None);
    }

    /// Adds the obligation with a status the rule module decided; `draft.due` and `draft.met`
    /// are taken as they are. An unmet obligation that can no longer be met at T becomes
    /// `lapsed` when past due, and is left out while not yet due (it is not `open` either).
    fn push_with(&mut self, draft: Draft, mut status: Status, progress: Option<(u8, u8)>) {
        let unmet = matches!(status, Status::Open | Status::Overdue)
            || (status == Status::LateWithPreliminary && draft.met.is_none());
        let mut lapse = None;
        if unmet {
            lapse = lapse::lapse_at(
                self.index.snapshot,
                self.as_of,
                draft.rule,
                draft.case,
                draft.trigger,
                draft.window,
            );
            if lapse.is_some() {
                if !self.as_of.is_past(draft.due) {
                    return;
                }
                status = Status::Lapsed;
            }
        }
        let responsible = draft
            .case
            .and_then(|case| self.index.responsible_at_as_of(case));
        self.evaluation.obligations.push(Obligation {
            rule: draft.rule,
            version: draft.version,
            case: draft.case,
            person: draft.person,
            trigger: draft.trigger,
            due: draft.due,
            met_by: draft.met,
            status,
            responsible,
            progress,
            lapse,
            findings: draft.findings,
        });
    }

    fn unevaluable(
        &mut self,
        rule: RuleId,
        case: Option<u32>,
        person: u32,
        trigger: Event,
        finding: Finding,
    ) {
        self.evaluation.unevaluable.push(Unevaluable {
            rule,
            case,
            person,
            trigger,
            finding,
        });
    }
}
