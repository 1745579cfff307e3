//! The adult rules: published processing deadlines, the notice when one cannot be kept, and
//! the treatment guarantee for drug misuse.

use super::lapse::{Lapse, Window};
use super::{Draft, Event, EventTable, Finding, Moment, Output};
use crate::rules::RuleId;
use crate::rules::paragraph_of;

pub(super) fn evaluate(out: &mut Output<'_>) {
    let index = out.index;
    let snapshot = index.snapshot;
    let as_of = out.as_of;
    let calendar = out.rules.calendar();
    for (row, application) in snapshot.applications.iter().enumerate() {
        let received = application.received_at;
        if !as_of.reached(received) {
            continue;
        }
        let Some(case) = index.case(application.case_id.as_str()) else {
            continue;
        };
        let Some(person) = index.person_of_case(case) else {
            continue;
        };
        let event = |date| Event {
            table: EventTable::Application,
            row: row as u32,
            at: Moment::Date(date),
        };
        let trigger = event(received);
        let decided = application.decided_at.map(event);
        let mut findings = Vec::new();
        if application.decided_at.is_some_and(|date| date < received) {
            findings.push(Finding::DecidedBeforeReceived);
        }

        if let Some((version, _)) = out.rules.version(RuleId::AdultPublishedDeadline, received) {
            match out.rules.settings.adult_deadline(&application.legal_basis) {
                None => out.unevaluable(
                    RuleId::AdultPublishedDeadline,
                    Some(case),
                    person,
                    trigger,
                    Finding::NoPublishedDeadline,
                ),
                Some(span) => {
                    // Settled here because whether a breach notice is owed depends on it;
                    // `push` leaves a settled date as it is.
                    let due = out
                        .rules
                        .settings
                        .adjust_due(Moment::Date(span.after_date(received, calendar)));
                    out.push(Draft {
                        rule: RuleId::AdultPublishedDeadline,
                        version,
                        case: Some(case),
                        person,
                        trigger,
                        due,
                        met: decided,
                        window: Window::CaseOnly,
                        findings: findings.clone(),
                    });
                    let decided_on_time = decided.is_some_and(|event| {
                        as_of.has_happened(event.at) && event.at.on_or_before(due)
                    });
                    if !decided_on_time
                        && let Some((version, _)) =
                            out.rules.version(RuleId::AdultBreachNotice, received)
                    {
                        out.push(Draft {
                            rule: RuleId::AdultBreachNotice,
                            version,
                            case: Some(case),
                            person,
                            trigger,
                            due,
                            met: application.notice_sent_at.map(event),
                            window: application.decided_at.map_or(Window::CaseOnly, |date| {
                                Window::before(date, Lapse::ApplicationDecided)
                            }),
                            findings: Vec::new(),
                        });
                    }
                }
            }
        }

        if let Some((version, rule)) = out.rules.version(RuleId::AdultDrugTreatment, received)
            && rule.paragraph.is_some()
            && paragraph_of(&application.legal_basis) == rule.paragraph
        {
            out.push(Draft {
                rule: RuleId::AdultDrugTreatment,
                version,
                case: Some(case),
                person,
                trigger,
                due: Moment::Date(rule.deadline().after_date(received, calendar)),
                met: decided,
                window: Window::CaseOnly,
                findings,
            });
        }
    }
}
