//! The case-weight model: points by case content. The built-in points are a starting point a
//! department adjusts (`weight_points`, an extension table entered in overblik): a row there
//! replaces the built-in points of its factor and value, and adds flags.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use crate::codes::{Area, WeightFactor};
use crate::tables::WeightPoint;

/// The age bands of the model, by the person's age at T: (code, first age, last age).
pub const AGE_BANDS: [(&str, u32, u32); 4] = [
    ("0-5", 0, 5),
    ("6-11", 6, 11),
    ("12-17", 12, 17),
    ("18+", 18, u32::MAX),
];

/// A complexity flag a leader may set on a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlagDef {
    pub code: String,
    pub label: String,
    pub points: Decimal,
}

/// Points by (factor, value). Values: `area` → `children`/`adults`; `placement` and
/// `open_investigation` → `yes`; `active_measure` → `each`; `age_band` → a code of
/// [`AGE_BANDS`]; `flag` → the flag's code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeightModel {
    points: BTreeMap<(WeightFactor, String), Decimal>,
    flags: Vec<FlagDef>,
}

/// The built-in model's relative points: the case itself 1, and placements, open
/// investigations and several measures more (S1 ch. 5: caseload must reflect content, not only
/// the number of cases); small children need more risk assessment, teenagers more than
/// school children. The points used are these times [`SCALE`], to two decimals.
const BUILT_IN: &[(WeightFactor, &str, &str)] = &[
    (WeightFactor::Area, "children", "1"),
    (WeightFactor::Area, "adults", "1"),
    (WeightFactor::Placement, "yes", "1"),
    (WeightFactor::OpenInvestigation, "yes", "1"),
    (WeightFactor::ActiveMeasure, "each", "0.25"),
    (WeightFactor::AgeBand, "0-5", "0.5"),
    (WeightFactor::AgeBand, "6-11", "0"),
    (WeightFactor::AgeBand, "12-17", "0.25"),
    (WeightFactor::AgeBand, "18+", "0"),
];

/// Built-in complexity flags: (code, label, relative points), scaled like [`BUILT_IN`].
const BUILT_IN_FLAGS: &[(&str, &str, &str)] = &[
    ("violence", "Vold eller overgreb", "1"),
    ("high_conflict", "Højkonflikt mellem forældrene", "0.5"),
    ("substance_abuse", "Misbrug i familien", "0.5"),
    ("many_parties", "Mange samarbejdsparter", "0.5"),
    ("interpreter", "Tolk nødvendig", "0.25"),
    ("other_complex", "Særligt kompleks af anden grund", "1"),
];

/// The scale of the built-in points, in ten-thousandths: 1 ÷ 1.7472, the mean relative weight
/// of an open children's case in the national synthetic data (`overblik-synth`, all 98
/// municipalities, 5 years to 2025-06-30, seed 1: 75,851 cases). So the mean open children's
/// case weighs 1 point (key-figures.md KF09), and a capacity of 25 points is DS's recommended
/// 20-30 children's cases per caseworker (statistics.md §7). Recalibrate with
/// `cargo run --release -p overblik-synth --example caseload -- 2025-06-30 national 1` (it
/// prints the mean of the current model: multiply the scale by it); the synth test
/// `an_open_childrens_case_weighs_one_point_on_average` fails when the model drifts.
const SCALE: i64 = 5723;

impl Default for WeightModel {
    fn default() -> Self {
        let decimal = |text: &str| {
            let relative = text.parse::<Decimal>().expect("built-in points");
            (relative * Decimal::new(SCALE, 4)).round_dp(2).normalize()
        };
        WeightModel {
            points: BUILT_IN
                .iter()
                .map(|(factor, value, points)| ((*factor, (*value).to_owned()), decimal(points)))
                .collect(),
            flags: BUILT_IN_FLAGS
                .iter()
                .map(|(code, label, points)| FlagDef {
                    code: (*code).to_owned(),
                    label: (*label).to_owned(),
                    points: decimal(points),
                })
                .collect(),
        }
    }
}

impl WeightModel {
    /// The built-in model with `rows` laid over it: each row replaces the points of its factor
    /// and value (0 switches a part off); a `flag` row with a new code adds a flag.
    pub fn from_rows(rows: &[WeightPoint]) -> WeightModel {
        let mut model = WeightModel::default();
        for row in rows {
            let points = *row.points.get();
            if row.factor == WeightFactor::Flag {
                match model.flags.iter_mut().find(|f| f.code == row.value) {
                    Some(flag) => {
                        flag.points = points;
                        if let Some(label) = &row.label {
                            flag.label = label.clone();
                        }
                    }
                    None => model.flags.push(FlagDef {
                        code: row.value.clone(),
                        label: row.label.clone().unwrap_or_else(|| row.value.clone()),
                        points,
                    }),
                }
            } else {
                model.points.insert((row.factor, row.value.clone()), points);
            }
        }
        model
    }

    /// The points of `factor` with `value`; 0 when the model has none.
    pub fn points(&self, factor: WeightFactor, value: &str) -> Decimal {
        self.points
            .get(&(factor, value.to_owned()))
            .copied()
            .unwrap_or(Decimal::ZERO)
    }

    pub fn area(&self, area: Area) -> Decimal {
        self.points(WeightFactor::Area, area.code())
    }

    pub fn flags(&self) -> &[FlagDef] {
        &self.flags
    }

    pub fn flag(&self, code: &str) -> Option<&FlagDef> {
        self.flags.iter().find(|f| f.code == code)
    }

    /// Every (factor, value, points) of the model except the flags, in factor order: for
    /// showing the model.
    pub fn table(&self) -> impl Iterator<Item = (WeightFactor, &str, Decimal)> {
        self.points
            .iter()
            .map(|((factor, value), points)| (*factor, value.as_str(), *points))
    }

    /// The code of the age band of `age`.
    pub fn age_band(age: u32) -> &'static str {
        AGE_BANDS
            .iter()
            .find(|(_, from, to)| (*from..=*to).contains(&age))
            .map_or("18+", |(code, ..)| code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::field::{Field, NonNegative};
    use crate::value::Value;

    fn row(factor: WeightFactor, value: &str, points: &str, label: Option<&str>) -> WeightPoint {
        WeightPoint {
            factor,
            value: value.to_owned(),
            points: NonNegative::from_value(&Value::Decimal(points.parse().unwrap())).unwrap(),
            label: label.map(str::to_owned),
        }
    }

    #[test]
    fn rows_replace_built_in_points_and_add_flags() {
        let model = WeightModel::from_rows(&[
            row(WeightFactor::Placement, "yes", "2", None),
            row(WeightFactor::Flag, "violence", "0", None),
            row(WeightFactor::Flag, "trauma", "1.5", Some("Traume")),
        ]);
        assert_eq!(model.points(WeightFactor::Placement, "yes"), Decimal::TWO);
        assert_eq!(
            model.area(Area::Children),
            WeightModel::default().area(Area::Children)
        );
        assert_eq!(model.flag("violence").unwrap().points, Decimal::ZERO);
        let trauma = model.flag("trauma").unwrap();
        assert_eq!(
            (trauma.label.as_str(), trauma.points.to_string().as_str()),
            ("Traume", "1.5")
        );
        assert_eq!(model.flags().len(), BUILT_IN_FLAGS.len() + 1);
    }

    #[test]
    fn age_bands_cover_every_age() {
        assert_eq!(WeightModel::age_band(0), "0-5");
        assert_eq!(WeightModel::age_band(5), "0-5");
        assert_eq!(WeightModel::age_band(6), "6-11");
        assert_eq!(WeightModel::age_band(17), "12-17");
        assert_eq!(WeightModel::age_band(18), "18+");
        assert_eq!(WeightModel::age_band(90), "18+");
    }

    #[test]
    fn the_built_in_points_are_those_documented_in_workload_md() {
        let model = WeightModel::default();
        let points = |factor, value: &str| model.points(factor, value).to_string();
        assert_eq!(points(WeightFactor::Area, "children"), "0.57");
        assert_eq!(points(WeightFactor::Placement, "yes"), "0.57");
        assert_eq!(points(WeightFactor::ActiveMeasure, "each"), "0.14");
        assert_eq!(points(WeightFactor::AgeBand, "0-5"), "0.29");
        assert_eq!(points(WeightFactor::AgeBand, "6-11"), "0");
        assert_eq!(model.flag("violence").unwrap().points.to_string(), "0.57");
        assert_eq!(
            model.flag("interpreter").unwrap().points.to_string(),
            "0.14"
        );
    }
}
