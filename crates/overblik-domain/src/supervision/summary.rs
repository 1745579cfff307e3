//! The summary of a supervision round: per checklist item and team, how many of the assessed
//! cases met it. A legality item is met when the reviewer says so; a quality item when its
//! score is in the upper half of its scale 1-N, the middle of an odd scale not included
//! (2 · score > N + 1: 3 and 4 of 1-4, 4 and 5 of 1-5). Items
//! not assessed, or not relevant to a case, are left out of the share.

use std::collections::BTreeMap;

use crate::codes::ChecklistKind;
use crate::figures::Share;
use crate::tables::{ChecklistItem, SupervisionCase, SupervisionFinding};

/// One item of the round's checklist, with its share met (met of assessed) per team (by team id; `None`: cases
/// without a team) and in all.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemTally {
    pub item_id: String,
    pub kind: ChecklistKind,
    pub per_team: BTreeMap<Option<String>, Share>,
    pub total: Share,
}

/// The top of a quality item's scale when none is given.
pub const DEFAULT_SCALE_MAX: i64 = 4;

impl ChecklistItem {
    /// The top of the item's quality scale (1 to this).
    pub fn scale_top(&self) -> i64 {
        self.scale_max
            .as_ref()
            .map_or(DEFAULT_SCALE_MAX, |m| *m.get())
    }
}

/// Whether `finding` meets `item` (None: not assessed or not relevant).
pub fn finding_met(item: &ChecklistItem, finding: &SupervisionFinding) -> Option<bool> {
    match item.kind {
        ChecklistKind::Legality => finding.met,
        ChecklistKind::Quality => {
            let max = item.scale_top();
            finding.score.as_ref().map(|s| 2 * *s.get() > max + 1)
        }
    }
}

/// Met of assessed over the findings of one case, `items` being the round's checklist.
pub fn case_share(items: &[&ChecklistItem], findings: &[&SupervisionFinding]) -> Share {
    let mut share = Share::default();
    for f in findings {
        let met = items
            .iter()
            .find(|i| i.item_id == f.item_id)
            .and_then(|item| finding_met(item, f));
        if let Some(met) = met {
            share.count(met);
        }
    }
    share
}

/// The round's tallies, one per item in checklist order.
pub fn tally(
    items: &[&ChecklistItem],
    cases: &[&SupervisionCase],
    findings: &[&SupervisionFinding],
) -> Vec<ItemTally> {
    let team_of: BTreeMap<&str, Option<String>> = cases
        .iter()
        .map(|c| {
            (
                c.case_id.as_str(),
                c.team_id.as_ref().map(|t| t.as_str().to_owned()),
            )
        })
        .collect();
    items
        .iter()
        .map(|item| {
            let mut out = ItemTally {
                item_id: item.item_id.as_str().to_owned(),
                kind: item.kind,
                per_team: BTreeMap::new(),
                total: Share::default(),
            };
            for finding in findings.iter().filter(|f| f.item_id == item.item_id) {
                let (Some(met), Some(team)) = (
                    finding_met(item, finding),
                    team_of.get(finding.case_id.as_str()),
                ) else {
                    continue;
                };
                out.per_team.entry(team.clone()).or_default().count(met);
                out.total.count(met);
            }
            out
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Snapshot;

    #[test]
    fn shares_per_item_and_team_count_assessed_findings_only() {
        let mut s = Snapshot::default();
        s.add(
            "supervision_themes",
            &[
                ("theme_id", "T1"),
                ("month", "2025-03"),
                ("title", "x"),
                ("population", "open"),
            ],
        )
        .unwrap();
        for (id, kind, max) in [("L", "legality", ""), ("Q", "quality", "4")] {
            s.add(
                "checklist_items",
                &[
                    ("theme_id", "T1"),
                    ("item_id", id),
                    ("kind", kind),
                    ("text", "x"),
                    ("scale_max", max),
                    ("position", "1"),
                ],
            )
            .unwrap();
        }
        for (case, team) in [("C1", "A"), ("C2", "A"), ("C3", "B")] {
            s.add(
                "supervision_cases",
                &[("round_id", "R1"), ("case_id", case), ("team_id", team)],
            )
            .unwrap();
        }
        for (case, item, met, score) in [
            ("C1", "L", "ja", ""),
            ("C2", "L", "nej", ""),
            ("C3", "L", "", ""),
            ("C1", "Q", "", "3"),
            ("C2", "Q", "", "2"),
            ("C3", "Q", "", "4"),
        ] {
            s.add(
                "supervision_findings",
                &[
                    ("round_id", "R1"),
                    ("case_id", case),
                    ("item_id", item),
                    ("met", met),
                    ("score", score),
                    ("recorded_on", "2025-03-12"),
                    ("recorded_by", "leder"),
                ],
            )
            .unwrap();
        }
        let items: Vec<&ChecklistItem> = s.checklist_items.iter().collect();
        let cases: Vec<&SupervisionCase> = s.supervision_cases.iter().collect();
        let findings: Vec<&SupervisionFinding> = s.supervision_findings.iter().collect();
        let tallies = tally(&items, &cases, &findings);
        let team = |t: &str| Some(t.to_owned());
        // Legality: A met 1 of 2; B's case not relevant, so not counted.
        assert_eq!(tallies[0].per_team[&team("A")], Share::new(1, 2));
        assert!(!tallies[0].per_team.contains_key(&team("B")));
        // Quality 1-4: 3 and 4 are met, 2 is not (and 3 of 1-5 would not be: the middle).
        assert_eq!(tallies[1].per_team[&team("A")], Share::new(1, 2));
        assert_eq!(tallies[1].total, Share::new(2, 3));
        assert_eq!(tallies[1].total.value(), Some(2.0 / 3.0));
    }
}
