//! The handover checklist (F8): every reassignment of a case creates a checklist, so that
//! nothing the former caseworker knew is "lost on the floor" (S1 ch. 5). The items are the
//! municipality's (`handover_items`), else [`DEFAULT_ITEMS`]; a handover copies them when it is
//! created, so a later change of the items does not rewrite handovers under way.

use chrono::NaiveDate;

use crate::Value;
use crate::field::{Count, Field};
use crate::ids::{HandoverId, ItemId};
use crate::tables::{HandoverCheck, HandoverItem};

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

/// The checklist of a new handover: every item in force, not done.
pub fn checklist(handover: &HandoverId, items: &[(String, String)]) -> Vec<HandoverCheck> {
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
