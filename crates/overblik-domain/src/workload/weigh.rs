//! Weighing every case at T: one sweep over measures, investigations and flags, then the
//! model's points per case, with the parts kept so a reader can see why a case weighs what it
//! does.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::model::{FlagDef, WeightModel};
use crate::calendar::age_at;
use crate::codes::{Area, WeightFactor};
use crate::figures::Entered;
use crate::ids::id_map;
use crate::tables::Snapshot;

/// One reason a case weighs what it does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// What the points are for, in Danish ("Anbragt", "2 aktive indsatser", a flag's label).
    pub label: String,
    pub points: Decimal,
}

/// A case's weight at T.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Weighted {
    pub points: Decimal,
    /// Set when the case system supplied the weight (`cases.weight`): it replaces the model's
    /// points for the case's content, and the leader's flags still add to it; `parts` are then
    /// what the model would have said.
    pub imported: bool,
    pub parts: Vec<Part>,
    /// The codes of the complexity flags set on the case.
    pub flags: Vec<String>,
}

/// The weight of every case at T, by case row, and the facts it was weighed from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseWeights {
    by_case: Vec<Weighted>,
    facts: Vec<CaseFacts>,
}

/// What the model looks at, per case, at T.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct CaseFacts {
    /// An active placement.
    pub placed: bool,
    pub open_investigation: bool,
    pub active_measures: u32,
    /// The person's age in whole years (None when the person is missing).
    pub age: Option<u32>,
    /// The codes of the complexity flags set on the case, sorted.
    pub flags: Vec<String>,
}

impl CaseWeights {
    /// Weighs every case of `snapshot` at `t` with the model of `entered.weight_points` and
    /// the flags of `entered.case_flags`.
    pub fn compute(snapshot: &Snapshot, entered: Entered<'_>, t: NaiveDate) -> CaseWeights {
        let model = WeightModel::from_rows(entered.weight_points);
        let cases = id_map(snapshot.cases.iter().map(|c| c.case_id.as_str()));
        let persons = id_map(snapshot.persons.iter().map(|p| p.person_id.as_str()));
        let mut facts = vec![CaseFacts::default(); snapshot.cases.len()];
        for m in &snapshot.measures {
            if m.start_date <= t
                && m.end_date.is_none_or(|end| t <= end)
                && let Some(&c) = cases.get(m.case_id.as_str())
            {
                let f = &mut facts[c as usize];
                f.active_measures += 1;
                f.placed |= m.measure_type.is_placement();
            }
        }
        for i in &snapshot.investigations {
            if i.aware_at <= t
                && i.completed_at.is_none_or(|d| d > t)
                && let Some(&c) = cases.get(i.case_id.as_str())
            {
                facts[c as usize].open_investigation = true;
            }
        }
        for flag in entered.case_flags {
            if let Some(&c) = cases.get(flag.case_id.as_str()) {
                facts[c as usize].flags.push(flag.flag.clone());
            }
        }
        for (case, facts) in snapshot.cases.iter().zip(&mut facts) {
            facts.flags.sort();
            facts.age = persons
                .get(case.person_id.as_str())
                .map(|&p| age_at(snapshot.persons[p as usize].birth_date, t));
        }
        let by_case = snapshot
            .cases
            .iter()
            .zip(&facts)
            .map(|(case, facts)| {
                let (parts, flagged) = parts(&model, case.area, facts);
                let modelled: Decimal = parts.iter().map(|p| p.points).sum();
                let imported = case.weight.as_ref().map(|w| *w.get() + flagged);
                Weighted {
                    points: imported.unwrap_or(modelled),
                    imported: imported.is_some(),
                    parts,
                    flags: facts.flags.clone(),
                }
            })
            .collect();
        CaseWeights { by_case, facts }
    }

    /// The weight of the case in row `case`.
    pub fn of(&self, case: u32) -> &Weighted {
        &self.by_case[case as usize]
    }

    /// What the case in row `case` was weighed from.
    pub fn facts(&self, case: u32) -> &CaseFacts {
        &self.facts[case as usize]
    }
}

/// What a part of a case's weight is for.
enum PartOf<'m> {
    Case(Area),
    Placement,
    OpenInvestigation,
    Measures(u32),
    AgeBand(&'static str),
    Flag(&'m FlagDef),
}

/// Calls `each` with every part of the model that applies to a case of `area` with `facts`,
/// in the order they are shown, also those of 0 points. A flag the model does not know (set
/// under an older model) is no part.
fn for_each_part<'m>(
    model: &'m WeightModel,
    area: Area,
    facts: &CaseFacts,
    mut each: impl FnMut(PartOf<'m>, Decimal),
) {
    each(PartOf::Case(area), model.area(area));
    if facts.placed {
        each(
            PartOf::Placement,
            model.points(WeightFactor::Placement, "yes"),
        );
    }
    if facts.open_investigation {
        each(
            PartOf::OpenInvestigation,
            model.points(WeightFactor::OpenInvestigation, "yes"),
        );
    }
    if facts.active_measures > 0 {
        each(
            PartOf::Measures(facts.active_measures),
            model.points(WeightFactor::ActiveMeasure, "each")
                * Decimal::from(facts.active_measures),
        );
    }
    if let Some(age) = facts.age {
        let band = WeightModel::age_band(age);
        each(
            PartOf::AgeBand(band),
            model.points(WeightFactor::AgeBand, band),
        );
    }
    for code in &facts.flags {
        if let Some(flag) = model.flag(code) {
            each(PartOf::Flag(flag), flag.points);
        }
    }
}

impl WeightModel {
    /// The model's points for a case of `area` with `facts` (no imported weight): the sum of
    /// the parts [`CaseWeights`] shows.
    pub fn weigh(&self, area: Area, facts: &CaseFacts) -> Decimal {
        let mut points = Decimal::ZERO;
        for_each_part(self, area, facts, |_, p| points += p);
        points
    }
}

/// The model's parts for a case (those of 0 points left out, except the case itself), and the
/// points of its flags among them.
fn parts(model: &WeightModel, area: Area, facts: &CaseFacts) -> (Vec<Part>, Decimal) {
    let mut parts = Vec::new();
    let mut flagged = Decimal::ZERO;
    for_each_part(model, area, facts, |part, points| {
        let label = match part {
            PartOf::Case(area) => format!("Sag ({})", area.label_da().to_lowercase()),
            _ if points.is_zero() => return,
            PartOf::Placement => "Anbragt".to_owned(),
            PartOf::OpenInvestigation => "Igangværende børnefaglig undersøgelse".to_owned(),
            PartOf::Measures(1) => "1 aktiv indsats".to_owned(),
            PartOf::Measures(n) => format!("{n} aktive indsatser"),
            PartOf::AgeBand(band) => format!("Alder {band} år"),
            PartOf::Flag(flag) => {
                flagged += points;
                flag.label.clone()
            }
        };
        parts.push(Part { label, points });
    });
    (parts, flagged)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshot() -> Snapshot {
        let mut s = Snapshot::default();
        s.add(
            "org_units",
            &[
                ("unit_id", "K"),
                ("name", "Kommune"),
                ("kind", "municipality"),
            ],
        )
        .unwrap();
        s.add(
            "persons",
            &[("person_id", "P1"), ("birth_date", "2022-06-01")],
        )
        .unwrap();
        s.add(
            "persons",
            &[("person_id", "P2"), ("birth_date", "2015-01-01")],
        )
        .unwrap();
        for (case, person) in [("C1", "P1"), ("C2", "P2")] {
            s.add(
                "cases",
                &[
                    ("case_id", case),
                    ("person_id", person),
                    ("area", "children"),
                    ("opened_at", "2024-01-01"),
                ],
            )
            .unwrap();
        }
        s
    }

    fn measure(s: &mut Snapshot, id: &str, kind: &str, start: &str, end: &str) {
        s.add(
            "measures",
            &[
                ("measure_id", id),
                ("case_id", "C1"),
                ("measure_type", kind),
                ("start_date", start),
                ("end_date", end),
            ],
        )
        .unwrap();
    }

    fn t() -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 6, 1).unwrap()
    }

    #[test]
    fn a_plain_school_age_case_weighs_the_points_of_a_case() {
        let w = CaseWeights::compute(&snapshot(), Entered::of(&snapshot()), t());
        assert_eq!(w.of(1).points, WeightModel::default().area(Area::Children));
        assert_eq!(w.of(1).parts.len(), 1);
    }

    #[test]
    fn content_at_t_adds_points_with_reasons() {
        let mut s = snapshot();
        measure(&mut s, "M1", "placement_foster_family", "2025-01-01", "");
        measure(&mut s, "M2", "family_treatment", "2025-02-01", "2025-06-01");
        // Ended before T: not counted.
        measure(&mut s, "M3", "family_treatment", "2024-01-01", "2025-05-31");
        s.add(
            "investigations",
            &[
                ("investigation_id", "I1"),
                ("case_id", "C1"),
                ("aware_at", "2025-05-01"),
            ],
        )
        .unwrap();
        s.add(
            "case_flags",
            &[
                ("case_id", "C1"),
                ("flag", "violence"),
                ("set_at", "2025-05-02T10:00:00Z"),
                ("set_by", "tl"),
            ],
        )
        .unwrap();
        let w = CaseWeights::compute(&s, Entered::of(&s), t());
        let c1 = w.of(0);
        let labels: Vec<&str> = c1.parts.iter().map(|p| p.label.as_str()).collect();
        assert_eq!(
            labels,
            [
                "Sag (børn og unge)",
                "Anbragt",
                "Igangværende børnefaglig undersøgelse",
                "2 aktive indsatser",
                "Alder 0-5 år",
                "Vold eller overgreb"
            ]
        );
        let model = WeightModel::default();
        let expected = model.area(Area::Children)
            + model.points(WeightFactor::Placement, "yes")
            + model.points(WeightFactor::OpenInvestigation, "yes")
            + Decimal::TWO * model.points(WeightFactor::ActiveMeasure, "each")
            + model.points(WeightFactor::AgeBand, "0-5")
            + model.flag("violence").unwrap().points;
        assert_eq!(c1.points, expected);
        let shown: Decimal = c1.parts.iter().map(|p| p.points).sum();
        assert_eq!(shown, c1.points);
        assert_eq!(model.weigh(Area::Children, w.facts(0)), c1.points);
        assert_eq!(c1.flags, ["violence"]);
        assert!(!c1.imported);
    }

    #[test]
    fn an_imported_weight_wins_and_the_model_still_explains() {
        let mut s = snapshot();
        s.cases[1] = {
            let mut other = Snapshot::default();
            other
                .add(
                    "cases",
                    &[
                        ("case_id", "C2"),
                        ("person_id", "P2"),
                        ("area", "children"),
                        ("opened_at", "2024-01-01"),
                        ("weight", "3"),
                    ],
                )
                .unwrap();
            other.cases.remove(0)
        };
        let w = CaseWeights::compute(&s, Entered::of(&s), t());
        assert_eq!(w.of(1).points, Decimal::from(3));
        assert!(w.of(1).imported);
        let model = WeightModel::default();
        assert_eq!(w.of(1).parts[0].points, model.area(Area::Children));
        // The leader's flags add to the imported weight.
        s.add(
            "case_flags",
            &[
                ("case_id", "C2"),
                ("flag", "interpreter"),
                ("set_at", "2025-05-02T10:00:00Z"),
                ("set_by", "tl"),
            ],
        )
        .unwrap();
        let w = CaseWeights::compute(&s, Entered::of(&s), t());
        assert_eq!(
            w.of(1).points,
            Decimal::from(3) + model.flag("interpreter").unwrap().points
        );
    }

    #[test]
    fn age_counts_whole_years() {
        use crate::calendar::age_at;
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert_eq!(age_at(d(2010, 6, 2), d(2016, 6, 1)), 5);
        assert_eq!(age_at(d(2010, 6, 1), d(2016, 6, 1)), 6);
        assert_eq!(age_at(d(2030, 1, 1), d(2016, 6, 1)), 0);
    }
}
