//! `followup_first` and `followup_next`: follow-ups on measures for children.

use chrono::NaiveDate;

use super::index::Index;
use super::lapse::Window;
use super::{AsOf, Draft, Event, EventTable, Finding, Moment, Output};
use crate::rules::RuleId;
use crate::tables::{Followup, Measure};

pub(super) fn evaluate(out: &mut Output<'_>) {
    first(out);
    next(out);
}

/// The end of a measure as known at T (an end after T is not yet a fact).
pub(super) fn known_end(as_of: AsOf, measure: &Measure) -> Option<NaiveDate> {
    measure.end_date.filter(|end| as_of.reached(*end))
}

/// Whether `measure` is active on `date` as far as is known at T.
pub(super) fn active_on(as_of: AsOf, measure: &Measure, date: NaiveDate) -> bool {
    measure.start_date <= date && known_end(as_of, measure).is_none_or(|end| date <= end)
}

/// The measures of `case`, by start date.
pub(super) fn measures_of<'a>(
    index: &'a Index<'a>,
    case: u32,
) -> impl Iterator<Item = &'a Measure> {
    index
        .measures_of_case
        .of(case)
        .iter()
        .map(|row| &index.snapshot.measures[*row as usize])
}

/// Whether a follow-up is about `measure` (or about the case as a whole).
fn concerns(followup: &Followup, measure: &Measure) -> bool {
    followup
        .measure_id
        .as_ref()
        .is_none_or(|id| *id == measure.measure_id)
}

fn first(out: &mut Output<'_>) {
    let index = out.index;
    let snapshot = index.snapshot;
    let calendar = out.rules.calendar();
    for (row, measure) in snapshot.measures.iter().enumerate() {
        let start = measure.start_date;
        if !out.as_of.reached(start) {
            continue;
        }
        let Some((case, person)) = index.children_case(index.measures_of_case.owner_of(row)) else {
            continue;
        };
        let Some((version, rule)) = out.rules.version(RuleId::FollowupFirst, start) else {
            continue;
        };
        let mut findings = Vec::new();
        if measure.end_date.is_some_and(|end| end < start) {
            findings.push(Finding::MeasureEndsBeforeStart);
        }
        // An investigation running when the measure starts brings the first follow-up forward
        // to its completion (BL § 95, stk. 2).
        let investigations = &snapshot.investigations;
        let parallel_completion = index
            .investigations
            .of(case)
            .iter()
            .map(|row| &investigations[*row as usize])
            .filter(|inv| inv.aware_at <= start)
            .filter_map(|inv| {
                inv.completed_at
                    .filter(|done| *done >= start && out.as_of.reached(*done))
            })
            .min();
        let mut due = rule.deadline().after_date(start, calendar);
        if let Some(completed) = parallel_completion {
            due = due.min(completed);
        }
        let followups = &snapshot.followups;
        let mut met = None;
        for f_row in index.followups.of(case) {
            let followup = &followups[*f_row as usize];
            if !concerns(followup, measure) {
                continue;
            }
            if followup.held_at < start {
                if followup.measure_id.is_some() {
                    findings.push(Finding::FollowupBeforeMeasureStart);
                }
                continue;
            }
            met = Some(Event {
                table: EventTable::Followup,
                row: *f_row,
                at: Moment::Date(followup.held_at),
            });
            break;
        }
        findings.dedup();
        out.push(Draft {
            rule: RuleId::FollowupFirst,
            version,
            case: Some(case),
            person,
            trigger: Event {
                table: EventTable::Measure,
                row: row as u32,
                at: Moment::Date(start),
            },
            due: Moment::Date(due),
            met,
            window: Window::measure(measure.end_date),
            findings,
        });
    }
}

fn next(out: &mut Output<'_>) {
    let index = out.index;
    let snapshot = index.snapshot;
    let calendar = out.rules.calendar();
    let default_interval = out.rules.settings.followup_default_interval;
    for case in 0..snapshot.cases.len() as u32 {
        let Some((case, person)) = index.children_case(Some(case)) else {
            continue;
        };
        let rows = index.followups.of(case);
        for (position, f_row) in rows.iter().enumerate() {
            let followup = &snapshot.followups[*f_row as usize];
            let held = followup.held_at;
            if !out.as_of.reached(held) {
                break;
            }
            // Whether a measure the follow-up is about is active on `date`.
            let covered = |date| {
                measures_of(index, case)
                    .filter(|measure| concerns(followup, measure))
                    .any(|measure| active_on(out.as_of, measure, date))
            };
            if !covered(held) {
                continue;
            }
            let Some((version, rule)) = out.rules.version(RuleId::FollowupNext, held) else {
                continue;
            };
            let mut findings = Vec::new();
            let due = if rule.use_next_due {
                match followup.next_due {
                    Some(next) if next >= held => next,
                    Some(_) => {
                        findings.push(Finding::NextDueBeforeHeld);
                        default_interval.after_date(held, calendar)
                    }
                    None => default_interval.after_date(held, calendar),
                }
            } else {
                rule.deadline().after_date(held, calendar)
            };
            if !covered(due) {
                continue;
            }
            let met = rows[position + 1..]
                .iter()
                .map(|row| (*row, &snapshot.followups[*row as usize]))
                .find(|(_, later)| {
                    later.held_at > held
                        && (later.measure_id.is_none()
                            || followup.measure_id.is_none()
                            || later.measure_id == followup.measure_id)
                })
                .map(|(row, later)| Event {
                    table: EventTable::Followup,
                    row,
                    at: Moment::Date(later.held_at),
                });
            out.push(Draft {
                rule: RuleId::FollowupNext,
                version,
                case: Some(case),
                person,
                trigger: Event {
                    table: EventTable::Followup,
                    row: *f_row,
                    at: Moment::Date(held),
                },
                due: Moment::Date(due),
                met,
                // Only an unmet duty can lapse: spare the measure scan for the met ones.
                window: match met {
                    Some(event) if out.as_of.has_happened(event.at) => Window::CaseOnly,
                    _ => next_window(out.as_of, index, case, followup, held, due),
                },
                findings,
            });
        }
    }
}

/// The window of a `followup_next` obligation: it belongs to the measure the follow-up names,
/// or else to every measure of the case active on its held_at and on due (those active on due
/// when none is active on both), and lapses when all of them have ended.
fn next_window(
    as_of: AsOf,
    index: &Index<'_>,
    case: u32,
    followup: &Followup,
    held: NaiveDate,
    due: NaiveDate,
) -> Window {
    let owners = |on_held: bool| {
        measures_of(index, case)
            .filter(|measure| concerns(followup, measure) && active_on(as_of, measure, due))
            .filter(move |measure| !on_held || active_on(as_of, measure, held))
    };
    let on_both = owners(true).next().is_some();
    // The last end among them; one without an end keeps the window open while the case is.
    let mut last_end = None;
    for measure in owners(on_both) {
        let Some(end) = measure.end_date else {
            return Window::CaseOnly;
        };
        last_end = last_end.max(Some(end));
    }
    Window::measure(last_end)
}
