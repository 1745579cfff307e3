//! Rules for placed children: supervision visits, the youth plan at 16 and the aftercare
//! decision before 18.

use chrono::{Datelike, NaiveDate};

use super::followups::{active_on, known_end, measures_of};
use super::lapse::{Lapse, Window};
use super::{Draft, Event, EventTable, Moment, Output, Status};
use crate::calendar::anniversary;
use crate::codes::DecisionSubject;
use crate::rules::RuleId;
use crate::tables::Measure;

pub(super) fn evaluate(out: &mut Output<'_>) {
    visits(out);
    age_rules(out);
}

fn is_placement(out: &Output<'_>, measure: &Measure) -> bool {
    out.rules.catalogue.is_placement(measure.measure_type)
}

/// `placement_visits`: per placement and calendar year, 2 visits with a conversation with the
/// child, or pro rata for a part of a year.
fn visits(out: &mut Output<'_>) {
    let index = out.index;
    let snapshot = index.snapshot;
    let as_of = out.as_of;
    for (row, measure) in snapshot.measures.iter().enumerate() {
        let start = measure.start_date;
        if !is_placement(out, measure) || !as_of.reached(start) {
            continue;
        }
        let Some((case, person)) = index.children_case(index.measures_of_case.owner_of(row)) else {
            continue;
        };
        let end = known_end(as_of, measure);
        if end.is_some_and(|end| end < start) {
            continue; // reported by followup_first as measure_ends_before_start
        }
        let last_year = end
            .map_or(as_of.date.year(), |end| end.year())
            .min(as_of.date.year());
        for year in start.year()..=last_year {
            let (Some(first_day), Some(last_day)) = (
                NaiveDate::from_ymd_opt(year, 1, 1),
                NaiveDate::from_ymd_opt(year, 12, 31),
            ) else {
                continue;
            };
            let from = start.max(first_day);
            let Some((version, rule)) = out.rules.version(RuleId::PlacementVisits, from) else {
                continue;
            };
            // While the placement has no known end it is expected to run to the year's end.
            let to = end.unwrap_or(last_day).min(last_day);
            let active_days = (to - from).num_days() + 1;
            let days_in_year = (last_day - first_day).num_days() + 1;
            let per_year = i64::from(rule.visits_per_year);
            let required = if active_days == days_in_year {
                per_year
            } else {
                per_year * active_days / days_in_year
            };
            if required == 0 {
                continue;
            }
            let visits = &snapshot.visits;
            let mut done = 0i64;
            let mut met = None;
            for v_row in index.visits.of(case) {
                let visit = &visits[*v_row as usize];
                let counts = visit.child_conversation
                    && (from..=to).contains(&visit.visited_at)
                    && as_of.reached(visit.visited_at)
                    && visit
                        .measure_id
                        .as_ref()
                        .is_none_or(|id| *id == measure.measure_id);
                if counts {
                    done += 1;
                    if done == required {
                        met = Some(Event {
                            table: EventTable::Visit,
                            row: *v_row,
                            at: Moment::Date(visit.visited_at),
                        });
                    }
                }
            }
            let due = Moment::Date(last_day);
            let status = match met {
                Some(_) => Status::MetOnTime,
                None if as_of.is_past(due) => Status::Overdue,
                None => Status::Open,
            };
            let draft = Draft {
                rule: RuleId::PlacementVisits,
                version,
                case: Some(case),
                person,
                trigger: Event {
                    table: EventTable::Measure,
                    row: row as u32,
                    at: Moment::Date(from),
                },
                due,
                met,
                window: Window::Until(last_day, Lapse::YearEnded),
                findings: Vec::new(),
            };
            let progress = (required.min(255) as u8, done.min(255) as u8);
            out.push_with(draft, status, Some(progress));
        }
    }
}

/// `youth_plan_16` and `aftercare_decision`: triggered by the age of a placed child.
fn age_rules(out: &mut Output<'_>) {
    let index = out.index;
    let snapshot = index.snapshot;
    let calendar = out.rules.calendar();
    for case in 0..snapshot.cases.len() as u32 {
        let Some((case, person)) = index.children_case(Some(case)) else {
            continue;
        };
        let birth = snapshot.persons[person as usize].birth_date;
        let (as_of, catalogue) = (out.as_of, &out.rules.catalogue);
        let placements = || {
            measures_of(index, case).filter(|measure| catalogue.is_placement(measure.measure_type))
        };
        if placements().next().is_none() {
            continue;
        }
        let placed_on = |date| placements().any(|measure| active_on(as_of, measure, date));
        let birthday_event = |date| Event {
            table: EventTable::Person,
            row: person,
            at: Moment::Date(date),
        };

        for (version, rule) in out
            .rules
            .rule(RuleId::YouthPlan16)
            .versions
            .iter()
            .enumerate()
        {
            let birthday = anniversary(birth, rule.age as i32);
            let Some((governing, _)) = out.rules.version(RuleId::YouthPlan16, birthday) else {
                continue;
            };
            if governing as usize != version || !out.as_of.reached(birthday) || !placed_on(birthday)
            {
                continue;
            }
            let due = rule.deadline().after_date(birthday, calendar);
            out.push(Draft {
                rule: RuleId::YouthPlan16,
                version: governing,
                case: Some(case),
                person,
                trigger: birthday_event(birthday),
                due: Moment::Date(due),
                met: super::children::plan_for(out, case, Some(birthday), due),
                window: until_eighteen(birth),
                findings: Vec::new(),
            });
        }

        for (version, rule) in out
            .rules
            .rule(RuleId::AftercareDecision)
            .versions
            .iter()
            .enumerate()
        {
            let Some(before) = rule.before else { continue };
            let day = before.before_date(anniversary(birth, rule.age as i32));
            let Some((governing, _)) = out.rules.version(RuleId::AftercareDecision, day) else {
                continue;
            };
            if governing as usize != version || !out.as_of.reached(day) || !placed_on(day) {
                continue;
            }
            out.push(Draft {
                rule: RuleId::AftercareDecision,
                version: governing,
                case: Some(case),
                person,
                trigger: birthday_event(day),
                due: Moment::Date(day),
                met: aftercare_decision(out, case, day),
                window: until_eighteen(birth),
                findings: Vec::new(),
            });
        }
    }
}

/// The aftercare decision of `case` that meets a deadline on `due`.
fn aftercare_decision(out: &Output<'_>, case: u32, due: NaiveDate) -> Option<Event> {
    let decisions = &out.index.snapshot.decisions;
    let events = out
        .index
        .decisions
        .of(case)
        .iter()
        .filter(|row| decisions[**row as usize].subject == Some(DecisionSubject::Aftercare))
        .map(|row| Event {
            table: EventTable::Decision,
            row: *row,
            at: Moment::Date(decisions[*row as usize].decided_at),
        });
    super::meeting_event(events, due, out.as_of)
}

/// Open until the young person turns 18 (29 Feb birthdays with the month clamp).
fn until_eighteen(birth: NaiveDate) -> Window {
    Window::before(anniversary(birth, 18), Lapse::TurnedEighteen)
}
