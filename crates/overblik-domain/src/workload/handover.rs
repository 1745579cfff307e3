//! The handover checklist (F8): every reassignment of a case creates a checklist, so that
//! nothing the former caseworker knew is "lost on the floor" (S1 ch. 5). The items are the
//! municipality's (`handover_items`), else [`DEFAULT_ITEMS`]; a handover copies them when it is
//! created, so a later change of the items does not rewrite handovers under way.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::Value;
use crate::field::{Count, Field};
use crate::figures::Context;
use crate::figures::caseload::is_open_on;
use crate::ids::{CaseId, HandoverId, ItemId, StaffId};
use crate::tables::{Assignment, Handover, HandoverCheck, HandoverItem};

/// The built-in items (id, label), in order: what good leaders check at a handover.
pub const DEFAULT_ITEMS: &[(&str, &str)] = &[
    ("deadlines", "Åbne frister gennemgået og overdraget"),
    ("plan", "Seneste plan og afgørelser læst"),
    (
        "network",
        "Netværk og samarbejdspartnere orienteret om ny sagsbehandler",
    ),
    ("citizen", "Barnet/familien orienteret om ny sagsbehandler"),
    (
        "meeting",
        "Overdragelsesmøde holdt eller skriftlig overdragelse modtaget",
    ),
];

/// The items in force (id, label), in order: the municipality's rows, or the built-in ones.
pub fn items(rows: &[HandoverItem]) -> Vec<(String, String)> {
    if rows.is_empty() {
        return DEFAULT_ITEMS
            .iter()
            .map(|(id, label)| (id.to_string(), label.to_string()))
            .collect();
    }
    let mut sorted: Vec<&HandoverItem> = rows.iter().collect();
    sorted.sort_by(|a, b| {
        a.position
            .get()
            .cmp(b.position.get())
            .then(a.item_id.cmp(&b.item_id))
    });
    sorted
        .into_iter()
        .map(|item| (item.item_id.as_str().to_owned(), item.label.clone()))
        .collect()
}

/// The item rows for `labels` in order, keeping the id of a label that is already an item
/// (so findings and handovers under way keep referring to it) and numbering new ones.
pub fn item_rows(current: &[(String, String)], labels: &[String]) -> Vec<HandoverItem> {
    let mut next = 1;
    let mut rows: Vec<HandoverItem> = Vec::new();
    for (position, label) in labels.iter().enumerate() {
        let id = match current.iter().find(|(_, l)| l == label) {
            Some((id, _)) => id.clone(),
            None => loop {
                let id = format!("item{next}");
                next += 1;
                if !current.iter().any(|(c, _)| *c == id) {
                    break id;
                }
            },
        };
        if rows.iter().any(|r| r.item_id.as_str() == id) {
            continue;
        }
        rows.push(HandoverItem {
            item_id: ItemId::parse(&id).expect("an item id is a valid id"),
            label: label.clone(),
            position: count(position as i64 + 1),
        });
    }
    rows
}

/// A new handover of `case` from `from` to `to` on `on`, with its checklist of `items`.
pub fn new(
    id: HandoverId,
    case: CaseId,
    from: StaffId,
    to: StaffId,
    on: NaiveDate,
    items: &[(String, String)],
) -> (Handover, Vec<HandoverCheck>) {
    let checks = checklist(&id, items);
    let handover = Handover {
        handover_id: id,
        case_id: case,
        from_staff: Some(from),
        to_staff: to,
        created_on: on,
        completed_on: None,
        version: count(0),
    };
    (handover, checks)
}

/// The checklist of a new handover: every item in force, not done.
fn checklist(handover: &HandoverId, items: &[(String, String)]) -> Vec<HandoverCheck> {
    items
        .iter()
        .map(|(id, label)| HandoverCheck {
            handover_id: handover.clone(),
            item_id: ItemId::parse(id).expect("item ids are valid ids"),
            label: label.clone(),
            done_on: None,
            done_by: None,
            note: None,
        })
        .collect()
}

/// When a handover is complete: the day its last item was done, once every item is.
pub fn completed_on(checks: &[HandoverCheck]) -> Option<NaiveDate> {
    if checks.is_empty() || checks.iter().any(|c| c.done_on.is_none()) {
        return None;
    }
    checks.iter().filter_map(|c| c.done_on).max()
}

/// A change of caseworker without a handover: the case's current assignment (begun on `on`,
/// by T) follows one of another caseworker, and no handover to the new caseworker was created
/// since. Changes arrive with the case system's `assignments` too, not only from overblik.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub case: u32,
    pub from: StaffId,
    pub to: StaffId,
    pub on: NaiveDate,
}

/// The changes of caseworker since `since` (by T) in `ctx`'s scope that have no handover.
pub fn changes_without_handover(
    ctx: &Context<'_>,
    handovers: &[Handover],
    since: NaiveDate,
) -> Vec<Change> {
    let s = ctx.snapshot;
    let t = ctx.as_of.date;
    let mut by_case: BTreeMap<u32, Vec<&Assignment>> = BTreeMap::new();
    for a in &s.assignments {
        if a.from_date > t {
            continue;
        }
        if let Some(c) = ctx.lookup.case(a.case_id.as_str()) {
            by_case.entry(c).or_default().push(a);
        }
    }
    let mut out = Vec::new();
    for (case, mut list) in by_case {
        if !ctx.scope.has_case(case) || !is_open_on(&s.cases[case as usize], t) {
            continue;
        }
        list.sort_by_key(|a| a.from_date);
        let [.., before, current] = list.as_slice() else {
            continue;
        };
        let active = current.to_date.is_none_or(|to| to >= t);
        if !active || current.from_date < since || before.staff_id == current.staff_id {
            continue;
        }
        let followed = handovers.iter().any(|h| {
            h.case_id == current.case_id
                && h.to_staff == current.staff_id
                && h.created_on >= current.from_date
        });
        if !followed {
            out.push(Change {
                case,
                from: before.staff_id.clone(),
                to: current.staff_id.clone(),
                on: current.from_date,
            });
        }
    }
    out
}

fn count(n: i64) -> Count {
    Count::from_value(&Value::Int(n)).expect("a position is a count")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(s: &str) -> HandoverId {
        HandoverId::parse(s).unwrap()
    }

    #[test]
    fn without_rows_the_built_in_items_apply_in_order() {
        let items = items(&[]);
        assert_eq!(items.len(), DEFAULT_ITEMS.len());
        assert_eq!(items[0].0, "deadlines");
    }

    #[test]
    fn edited_labels_keep_their_ids_and_new_ones_are_numbered() {
        let current = items(&[]);
        let labels = vec![
            "Seneste plan og afgørelser læst".to_owned(),
            "Ny opgave".to_owned(),
            "Åbne frister gennemgået og overdraget".to_owned(),
        ];
        let rows = item_rows(&current, &labels);
        let ids: Vec<&str> = rows.iter().map(|r| r.item_id.as_str()).collect();
        assert_eq!(ids, ["plan", "item1", "deadlines"]);
        assert_eq!(*rows[2].position.get(), 3);
        assert_eq!(super::items(&rows)[1].1, "Ny opgave");
    }

    #[test]
    fn a_change_of_caseworker_without_a_handover_is_found_until_one_is_created() {
        use crate::Snapshot;
        use crate::figures::Context;
        use crate::obligations::{AsOf, Evaluation};
        use crate::sources::Sources;
        let mut s = Snapshot::default();
        s.add(
            "org_units",
            &[("unit_id", "K"), ("name", "K"), ("kind", "municipality")],
        )
        .unwrap();
        for staff in ["A", "B"] {
            s.add(
                "staff",
                &[
                    ("staff_id", staff),
                    ("name", "X"),
                    ("unit_id", "K"),
                    ("role", "caseworker"),
                ],
            )
            .unwrap();
        }
        s.add(
            "persons",
            &[("person_id", "P"), ("birth_date", "2015-01-01")],
        )
        .unwrap();
        for case in ["C1", "C2"] {
            s.add(
                "cases",
                &[
                    ("case_id", case),
                    ("person_id", "P"),
                    ("area", "children"),
                    ("opened_at", "2024-01-01"),
                ],
            )
            .unwrap();
        }
        for (case, staff, from, to) in [
            ("C1", "A", "2024-01-01", "2025-02-28"),
            ("C1", "B", "2025-03-01", ""),
            ("C2", "A", "2024-01-01", ""),
        ] {
            s.add(
                "assignments",
                &[
                    ("case_id", case),
                    ("staff_id", staff),
                    ("from_date", from),
                    ("to_date", to),
                ],
            )
            .unwrap();
        }
        let t = NaiveDate::from_ymd_opt(2025, 3, 10).unwrap();
        let (sources, evaluation) = (Sources::all_present(), Evaluation::default());
        let ctx = Context::new(&s, &sources, &evaluation, AsOf::end_of(t), None).unwrap();
        let since = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
        let changes = changes_without_handover(&ctx, &[], since);
        assert_eq!(changes.len(), 1, "{changes:?}");
        assert_eq!(
            (changes[0].from.as_str(), changes[0].to.as_str()),
            ("A", "B")
        );
        // Before `since`: not listed.
        assert!(changes_without_handover(&ctx, &[], t).is_empty());
        let handover = Handover {
            handover_id: id("H1"),
            case_id: s.cases[0].case_id.clone(),
            from_staff: Some(changes[0].from.clone()),
            to_staff: changes[0].to.clone(),
            created_on: t,
            completed_on: None,
            version: count(0),
        };
        assert!(changes_without_handover(&ctx, &[handover], since).is_empty());
    }

    #[test]
    fn a_handover_is_complete_on_the_day_of_its_last_item() {
        let mut checks = checklist(&id("H1"), &items(&[]));
        assert_eq!(completed_on(&checks), None);
        for (n, check) in checks.iter_mut().enumerate() {
            check.done_on = NaiveDate::from_ymd_opt(2025, 3, 1 + n as u32);
        }
        assert_eq!(completed_on(&checks), NaiveDate::from_ymd_opt(2025, 3, 5));
        checks[1].done_on = None;
        assert_eq!(completed_on(&checks), None);
        assert_eq!(completed_on(&[]), None);
    }
}
