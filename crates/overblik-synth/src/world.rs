//! The simulation's own records: days as integers, references as indexes, nothing censored yet.
//! `emit` turns them into the domain's records, cutting everything at the end date.

use chrono::{DateTime, Utc};
use overblik_domain::codes::*;

use crate::util::Day;

pub(crate) struct PersonSim {
    pub birth: Day,
    pub sex: Sex,
    pub district: u8,
}

pub(crate) struct CaseSim {
    pub person: u32,
    pub area: Area,
    pub opened: Day,
    /// The day the case closes; may lie after the end (then it is open in the output).
    pub closed: Day,
    pub closing_reason: &'static str,
    /// Case weight in tenths of a point.
    pub weight: u8,
}

/// From `from`, the case belongs to a team of type `team` (a new responsible caseworker).
pub(crate) struct SegmentSim {
    pub case: u32,
    pub from: Day,
    pub team: TeamType,
}

pub(crate) struct NotificationSim {
    pub person: u32,
    pub case: u32,
    pub received: DateTime<Utc>,
    pub notifier: NotifierType,
    pub professional: bool,
    pub severity: Severity,
    pub assessed: DateTime<Utc>,
    pub receipt: Option<DateTime<Utc>>,
    pub outcome: NotificationOutcome,
    pub outcome_at: DateTime<Utc>,
    pub feedback: Option<DateTime<Utc>>,
}

pub(crate) struct InvestigationSim {
    pub case: u32,
    pub aware: Day,
    pub decided: Day,
    pub preliminary: Option<Day>,
    pub completed: Day,
    pub conversation: Option<Day>,
}

pub(crate) struct MeasureSim {
    pub case: u32,
    pub kind: MeasureType,
    pub provider: u16,
    pub start: Day,
    pub planned_end: Day,
    pub end: Day,
    pub end_reason: EndReason,
    /// Agreed price per day in whole kroner.
    pub daily_rate: u32,
    pub consent: bool,
}

pub(crate) struct DecisionSim {
    pub case: u32,
    pub day: Day,
    pub kind: DecisionKind,
    pub subject: DecisionSubject,
    pub measure: Option<u32>,
    /// The measure type the legal basis is written for (refusals, terminations too).
    pub basis: Basis,
    pub consent: Option<bool>,
    pub conversation: Option<Day>,
}

/// What a decision's legal basis refers to; the text depends on the law in force on its day.
#[derive(Clone, Copy)]
pub(crate) enum Basis {
    Measure(MeasureType, bool),
    Investigation,
}

pub(crate) struct PlanSim {
    pub case: u32,
    pub day: Day,
    pub measure: Option<u32>,
}

pub(crate) struct GoalSim {
    pub plan: u32,
    pub category: GoalCategory,
    pub set: Day,
    pub closed: Day,
}

pub(crate) struct FollowupSim {
    pub case: u32,
    pub measure: Option<u32>,
    pub held: Day,
    pub conversation: Option<bool>,
    pub next_due: Option<Day>,
}

pub(crate) struct GoalScoreSim {
    pub goal: u32,
    pub followup: u32,
    pub score: u8,
}

pub(crate) struct VisitSim {
    pub case: u32,
    pub measure: u32,
    pub day: Day,
    pub conversation: bool,
}

pub(crate) struct ComplaintSim {
    pub decision: u32,
    pub received: Day,
    pub contact: Option<Day>,
    pub resolved: Day,
    pub outcome: ComplaintOutcome,
    pub appeal: Option<AppealOutcome>,
}

pub(crate) struct WaitSim {
    pub person: u32,
    pub offer: MeasureType,
    pub listed: Day,
    pub left: Day,
    pub reason: LeftReason,
}

pub(crate) struct ApplicationSim {
    pub case: u32,
    pub received: Day,
    pub basis: &'static str,
    pub notice: Option<Day>,
    pub decided: Day,
}

pub(crate) struct RiskSim {
    pub case: u32,
    pub day: Day,
    pub event: RiskEvent,
    /// Probability in percent.
    pub probability: u8,
    /// The outcome, known once a year has passed (`None` until then or when unknowable).
    pub outcome: Option<bool>,
    /// When the outcome becomes known.
    pub known: Day,
}

/// Everything simulated for one municipality.
#[derive(Default)]
pub(crate) struct World {
    pub persons: Vec<PersonSim>,
    pub cases: Vec<CaseSim>,
    pub segments: Vec<SegmentSim>,
    pub notifications: Vec<NotificationSim>,
    pub investigations: Vec<InvestigationSim>,
    pub measures: Vec<MeasureSim>,
    pub decisions: Vec<DecisionSim>,
    pub plans: Vec<PlanSim>,
    pub goals: Vec<GoalSim>,
    pub followups: Vec<FollowupSim>,
    pub goal_scores: Vec<GoalScoreSim>,
    pub visits: Vec<VisitSim>,
    pub complaints: Vec<ComplaintSim>,
    pub waiting: Vec<WaitSim>,
    pub applications: Vec<ApplicationSim>,
    pub risks: Vec<RiskSim>,
}

/// The lengths of every table, to roll back a case that turns out to lie before the window.
#[derive(Clone, Copy)]
pub(crate) struct Mark([usize; 15]);

impl World {
    pub fn mark(&self) -> Mark {
        Mark([
            self.cases.len(),
            self.segments.len(),
            self.notifications.len(),
            self.investigations.len(),
            self.measures.len(),
            self.decisions.len(),
            self.plans.len(),
            self.goals.len(),
            self.followups.len(),
            self.goal_scores.len(),
            self.visits.len(),
            self.complaints.len(),
            self.waiting.len(),
            self.applications.len(),
            self.risks.len(),
        ])
    }

    pub fn rollback(&mut self, mark: Mark) {
        let [a, b, c, d, e, f, g, h, i, j, k, l, m, n, o] = mark.0;
        self.cases.truncate(a);
        self.segments.truncate(b);
        self.notifications.truncate(c);
        self.investigations.truncate(d);
        self.measures.truncate(e);
        self.decisions.truncate(f);
        self.plans.truncate(g);
        self.goals.truncate(h);
        self.followups.truncate(i);
        self.goal_scores.truncate(j);
        self.visits.truncate(k);
        self.complaints.truncate(l);
        self.waiting.truncate(m);
        self.applications.truncate(n);
        self.risks.truncate(o);
    }
}
