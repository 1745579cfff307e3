//! The children's rules on notifications, investigations and decisions.

use chrono::NaiveDate;

use super::lapse::{Lapse, Window};
use super::{Draft, Event, EventTable, Finding, Moment, Output, Status};
use crate::calendar::local_date;
use crate::codes::{DecisionKind, DecisionSubject, NotifierType};
use crate::rules::{ReceiptScope, RuleId};

/// `notification_assessment`, `notification_receipt` and `notification_feedback`.
pub(super) fn notifications(out: &mut Output<'_>) {
    let index = out.index;
    let calendar = out.rules.calendar();
    for (row, n) in index.snapshot.notifications.iter().enumerate() {
        let at = |instant| Event {
            table: EventTable::Notification,
            row: row as u32,
            at: Moment::Instant(instant),
        };
        let trigger = at(n.received_at);
        let (Some(person), true) = (
            index.person(n.person_id.as_str()),
            out.as_of.has_happened(trigger.at),
        ) else {
            continue;
        };
        let case = n.case_id.as_ref().and_then(|id| index.case(id.as_str()));
        let received_on = local_date(n.received_at);

        if let Some((version, rule)) = out
            .rules
            .version(RuleId::NotificationAssessment, received_on)
        {
            let mut findings = Vec::new();
            if n.assessed_at
                .is_some_and(|assessed| assessed < n.received_at)
            {
                findings.push(Finding::AssessedBeforeReceived);
            }
            out.push(Draft {
                rule: RuleId::NotificationAssessment,
                version,
                case,
                person,
                trigger,
                due: rule.deadline().after_instant(n.received_at, calendar),
                met: n.assessed_at.map(at),
                window: Window::CaseOnly,
                findings,
            });
        }

        let in_receipt_scope = match out.rules.settings.receipt_scope {
            ReceiptScope::Professional => n.professional,
            ReceiptScope::Named => n.notifier_type != NotifierType::Anonymous,
        };
        if in_receipt_scope
            && let Some((version, rule)) =
                out.rules.version(RuleId::NotificationReceipt, received_on)
        {
            let mut findings = Vec::new();
            if n.receipt_sent_at.is_some_and(|sent| sent < n.received_at) {
                findings.push(Finding::ReceiptBeforeReceived);
            }
            out.push(Draft {
                rule: RuleId::NotificationReceipt,
                version,
                case,
                person,
                trigger,
                due: rule.deadline().after_instant(n.received_at, calendar),
                met: n.receipt_sent_at.map(at),
                window: Window::CaseOnly,
                findings,
            });
        }

        // Feedback is due from the outcome, and only once the outcome has been decided.
        if let (true, Some(outcome_at), Some(deadline)) = (
            n.professional,
            n.outcome_at,
            out.rules.settings.feedback_deadline,
        ) && out.as_of.has_happened(Moment::Instant(outcome_at))
            && let Some((version, _)) = out
                .rules
                .version(RuleId::NotificationFeedback, local_date(outcome_at))
        {
            let mut findings = Vec::new();
            if n.feedback_sent_at.is_some_and(|sent| sent < outcome_at) {
                findings.push(Finding::FeedbackBeforeOutcome);
            }
            out.push(Draft {
                rule: RuleId::NotificationFeedback,
                version,
                case,
                person,
                trigger: at(outcome_at),
                due: deadline.after_instant(outcome_at, calendar),
                met: n.feedback_sent_at.map(at),
                window: Window::CaseOnly,
                findings,
            });
        }
    }
}

/// `investigation_completion`, with the preliminary assessment as the lesser way to be late.
pub(super) fn investigations(out: &mut Output<'_>) {
    let index = out.index;
    let as_of = out.as_of;
    let calendar = out.rules.calendar();
    for (row, inv) in index.snapshot.investigations.iter().enumerate() {
        let event = |date| Event {
            table: EventTable::Investigation,
            row: row as u32,
            at: Moment::Date(date),
        };
        if !as_of.reached(inv.aware_at) {
            continue;
        }
        let Some(case) = index.investigations.owner_of(row) else {
            continue;
        };
        let Some(person) = index.person_of_case(case) else {
            continue;
        };
        let Some((version, rule)) = out
            .rules
            .version(RuleId::InvestigationCompletion, inv.aware_at)
        else {
            continue;
        };
        let mut findings = Vec::new();
        if inv
            .completed_at
            .is_some_and(|completed| completed < inv.aware_at)
        {
            findings.push(Finding::CompletedBeforeAware);
        }
        let completed = inv
            .completed_at
            .filter(|date| as_of.reached(*date))
            .map(event);
        let mut draft = Draft {
            rule: RuleId::InvestigationCompletion,
            version,
            case: Some(case),
            person,
            trigger: event(inv.aware_at),
            due: Moment::Date(rule.deadline().after_date(inv.aware_at, calendar)),
            met: completed,
            window: Window::CaseOnly,
            findings,
        };
        draft.due = out.settled_due(&draft);
        let preliminary_by_due = inv
            .preliminary_assessment_at
            .is_some_and(|date| as_of.reached(date) && Moment::Date(date).on_or_before(draft.due));
        let mut status = super::judge(draft.due, completed, as_of);
        if preliminary_by_due && matches!(status, Status::MetLate | Status::Overdue) {
            status = Status::LateWithPreliminary;
        }
        out.push_with(draft, status, None);
    }
}

/// `child_conversation_before_decision`, `plan_for_placement` and `plan_for_support`.
pub(super) fn decisions(out: &mut Output<'_>) {
    let index = out.index;
    let snapshot = index.snapshot;
    let calendar = out.rules.calendar();
    for (row, decision) in snapshot.decisions.iter().enumerate() {
        if !out.as_of.reached(decision.decided_at) {
            continue;
        }
        let Some((case, person)) = index.children_case(index.decisions.owner_of(row)) else {
            continue;
        };
        let decided = decision.decided_at;
        let trigger = Event {
            table: EventTable::Decision,
            row: row as u32,
            at: Moment::Date(decided),
        };

        if let Some((version, rule)) = out
            .rules
            .version(RuleId::ChildConversationBeforeDecision, decided)
            && rule.decision_kinds.contains(&decision.kind)
        {
            out.push(Draft {
                rule: RuleId::ChildConversationBeforeDecision,
                version,
                case: Some(case),
                person,
                trigger,
                due: Moment::Date(decided),
                met: decision.child_conversation_at.map(|date| Event {
                    at: Moment::Date(date),
                    ..trigger
                }),
                window: Window::Closed(Lapse::DecisionMade),
                findings: Vec::new(),
            });
        }

        if decision.kind != DecisionKind::Grant {
            continue;
        }
        let mut findings = Vec::new();
        let measure = decision
            .measure_id
            .as_ref()
            .and_then(|id| index.measure(id.as_str()));
        if let Some(measure) = measure
            && snapshot.measures[measure as usize].case_id != decision.case_id
        {
            findings.push(Finding::MeasureOfOtherCase);
        }
        let measure_is_placement = measure.map(|m| {
            out.rules
                .catalogue
                .is_placement(snapshot.measures[m as usize].measure_type)
        });
        let subject = decision.subject.unwrap_or(DecisionSubject::Measure);
        let placement = subject == DecisionSubject::Placement || measure_is_placement == Some(true);
        let (rule_id, support) = match (placement, subject) {
            (true, _) => (RuleId::PlanForPlacement, false),
            (false, DecisionSubject::Measure) => (RuleId::PlanForSupport, true),
            _ => continue,
        };
        let Some((version, rule)) = out.rules.version(rule_id, decided) else {
            continue;
        };
        let span = match (support, decision.consent) {
            (true, _) | (false, Some(true)) => rule.deadline(),
            (false, Some(false)) => rule.deadline_without_consent.unwrap_or(rule.deadline()),
            (false, None) => {
                findings.push(Finding::ConsentMissing);
                rule.deadline()
            }
        };
        let due = span.after_date(decided, calendar);
        out.push(Draft {
            rule: rule_id,
            version,
            case: Some(case),
            person,
            trigger,
            due: Moment::Date(due),
            met: plan_for(out, case, None, due),
            // A grant without a measure lapses only with its case.
            window: Window::measure(measure.and_then(|m| snapshot.measures[m as usize].end_date)),
            findings,
        });
    }
}

/// The plan that meets a plan deadline `due` in `case`, among the plans created from `from` on.
pub(super) fn plan_for(
    out: &Output<'_>,
    case: u32,
    from: Option<NaiveDate>,
    due: NaiveDate,
) -> Option<Event> {
    let plans = &out.index.snapshot.plans;
    let events = out.index.plans.of(case).iter().map(|row| Event {
        table: EventTable::Plan,
        row: *row,
        at: Moment::Date(plans[*row as usize].created_at),
    });
    super::meeting_event(
        events.filter(|event| from.is_none_or(|from| event.at.date() >= from)),
        due,
        out.as_of,
    )
}
