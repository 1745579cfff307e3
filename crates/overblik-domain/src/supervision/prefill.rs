//! Legality items are prefilled from the deadline engine: an item naming a rule is met for a
//! case when every obligation of that rule in the case that was due by the day of the check
//! was met on time. The reviewer sees the basis and may correct it (the engine knows the
//! dates, not whether e.g. a child conversation was held properly).

use crate::obligations::{Evaluation, Status};
use crate::rules::RuleId;

/// The engine's answer to a legality item for one case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prefill {
    /// `Some(true)`: all due obligations met on time; `Some(false)`: one was late or is
    /// overdue; `None`: none due yet (not relevant).
    pub met: Option<bool>,
    /// Shown under the item: "3 frister: 2 overholdt, 1 overskredet".
    pub basis: String,
}

pub fn prefill(evaluation: &Evaluation, case: u32, rule: RuleId) -> Prefill {
    let mut due = 0;
    let (mut on_time, mut late, mut overdue, mut lapsed, mut open) = (0, 0, 0, 0, 0);
    for o in evaluation
        .obligations
        .iter()
        .filter(|o| o.case == Some(case) && o.rule == rule)
    {
        match o.status {
            Status::MetOnTime => on_time += 1,
            Status::MetLate | Status::LateWithPreliminary => late += 1,
            Status::Overdue => overdue += 1,
            // A breach no one can mend any more is still a breach for the legality check.
            Status::Lapsed => lapsed += 1,
            Status::Open => {
                open += 1;
                continue;
            }
        }
        due += 1;
    }
    let met = (due > 0).then_some(late == 0 && overdue == 0 && lapsed == 0);
    let basis = if due == 0 {
        match open {
            0 => "Ingen frister efter reglen i sagen.".to_owned(),
            n => format!("Ingen frister efter reglen er forfaldne endnu ({n} åbne)."),
        }
    } else {
        format!(
            "{due} forfaldne frister efter reglen: {on_time} overholdt, {late} for sent, {overdue} overskredne, {lapsed} ikke overholdt og ikke længere mulige."
        )
    };
    Prefill { met, basis }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::obligations::{Event, EventTable, Obligation};
    use crate::rules::Moment;

    fn obligation(case: u32, rule: RuleId, status: Status) -> Obligation {
        let at = Moment::Date(chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap());
        Obligation {
            rule,
            version: 0,
            case: Some(case),
            person: 0,
            trigger: Event {
                table: EventTable::Investigation,
                row: 0,
                at,
            },
            due: at,
            met_by: None,
            status,
            responsible: None,
            progress: None,
            lapse: None,
            findings: Vec::new(),
        }
    }

    #[test]
    fn met_only_when_every_due_obligation_of_the_rule_was_met_on_time() {
        let rule = RuleId::InvestigationCompletion;
        let evaluation = Evaluation {
            obligations: vec![
                obligation(1, rule, Status::MetOnTime),
                obligation(1, rule, Status::Open),
                obligation(2, rule, Status::MetOnTime),
                obligation(2, rule, Status::Overdue),
                obligation(3, RuleId::FollowupFirst, Status::Overdue),
                obligation(4, rule, Status::Open),
            ],
            ..Evaluation::default()
        };
        assert_eq!(prefill(&evaluation, 1, rule).met, Some(true));
        let two = prefill(&evaluation, 2, rule);
        assert_eq!(two.met, Some(false));
        assert!(two.basis.contains("1 overskredne"), "{}", two.basis);
        assert_eq!(prefill(&evaluation, 3, rule).met, None);
        assert_eq!(prefill(&evaluation, 4, rule).met, None);
    }
}
