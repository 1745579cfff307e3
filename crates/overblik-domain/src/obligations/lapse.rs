//! `overdue` or `lapsed` (legal-rules.md): an unmet obligation past its due date is a red
//! number only while someone can still meet it. Once its case is closed, its notification
//! handled, or the rule's window has closed (the decision made, the year over, the young person
//! 18, the measure ended, the application decided), it is `lapsed`: a breach that stays in the
//! statistics but leaves every to-do list.

use chrono::NaiveDate;

use super::{AsOf, Event, EventTable};
use crate::Snapshot;
use crate::rules::RuleId;

/// Why an unmet obligation can no longer be met.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Lapse {
    /// The case was closed (on or after the trigger).
    CaseClosed,
    /// A notification without a case got its outcome: it has been handled.
    NotificationHandled,
    /// The decision was made without the conversation that had to precede it.
    DecisionMade,
    /// The calendar year of the visits is over.
    YearEnded,
    /// The young person has turned 18.
    TurnedEighteen,
    /// The measure the obligation belongs to has ended.
    MeasureEnded,
    /// The adult application has been decided.
    ApplicationDecided,
}

impl Lapse {
    pub fn code(self) -> &'static str {
        match self {
            Lapse::CaseClosed => "case_closed",
            Lapse::NotificationHandled => "notification_handled",
            Lapse::DecisionMade => "decision_made",
            Lapse::YearEnded => "year_ended",
            Lapse::TurnedEighteen => "turned_18",
            Lapse::MeasureEnded => "measure_ended",
            Lapse::ApplicationDecided => "application_decided",
        }
    }

    /// Why it can no longer be met, as the end of a Danish sentence ("… fordi <reason>").
    pub fn reason_da(self) -> &'static str {
        match self {
            Lapse::CaseClosed => "sagen er lukket",
            Lapse::NotificationHandled => "underretningen er færdigbehandlet",
            Lapse::DecisionMade => "afgørelsen er truffet",
            Lapse::YearEnded => "kalenderåret er slut",
            Lapse::TurnedEighteen => "den unge er fyldt 18 år",
            Lapse::MeasureEnded => "indsatsen er ophørt",
            Lapse::ApplicationDecided => "ansøgningen er afgjort",
        }
    }
}

/// When a rule's window for meeting one obligation closes, besides the closing of its case.
/// Dates may lie after T: a window that closes after T is still open at T, so facts after T
/// are ignored by the comparison itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Window {
    /// Only the closing of the case (or the handling of a notification without case) ends it.
    CaseOnly,
    /// Closed from the trigger on (a conversation after the decision cannot precede it).
    Closed(Lapse),
    /// Open to the end of the given day, closed after it.
    Until(NaiveDate, Lapse),
}

impl Window {
    /// Open until the day before `date` (closed from `date` on): an 18th birthday, a decision.
    pub(super) fn before(date: NaiveDate, lapse: Lapse) -> Window {
        date.pred_opt()
            .map_or(Window::Closed(lapse), |last| Window::Until(last, lapse))
    }

    /// Open while a measure ending on `end` (inclusive) is active; no end: only the case.
    pub(super) fn measure(end: Option<NaiveDate>) -> Window {
        end.map_or(Window::CaseOnly, |end| {
            Window::Until(end, Lapse::MeasureEnded)
        })
    }

    fn closed_at(self, as_of: AsOf) -> Option<Lapse> {
        match self {
            Window::CaseOnly => None,
            Window::Closed(lapse) => Some(lapse),
            Window::Until(last, lapse) => (as_of.date > last).then_some(lapse),
        }
    }
}

/// Why an unmet obligation can no longer be met at T, if it cannot.
pub(super) fn lapse_at(
    snapshot: &Snapshot,
    as_of: AsOf,
    rule: RuleId,
    case: Option<u32>,
    trigger: Event,
    window: Window,
) -> Option<Lapse> {
    let case_closed = case
        .and_then(|case| snapshot.cases[case as usize].closed_at)
        .is_some_and(|closed| as_of.reached(closed) && trigger.at.date() <= closed);
    if case_closed {
        return Some(Lapse::CaseClosed);
    }
    // Feedback is triggered by the outcome itself, so the outcome cannot end it.
    let handled = case.is_none()
        && trigger.table == EventTable::Notification
        && rule != RuleId::NotificationFeedback
        && snapshot.notifications[trigger.row as usize]
            .outcome_at
            .is_some_and(|outcome| as_of.has_happened(super::Moment::Instant(outcome)));
    if handled {
        return Some(Lapse::NotificationHandled);
    }
    window.closed_at(as_of)
}
