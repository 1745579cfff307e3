//! Distribution support (F7): for a case without a caseworker, the caseworkers who could take
//! it, ranked by remaining capacity, continuity, district and competence, each with the reasons
//! in Danish. The leader decides; this only orders the candidates and says why (S1 ch. 5: cases
//! are distributed by load, competence and continuity, not by CPR number).
//!
//! Points of the score (documented in docs/workload.md):
//! - free capacity: up to [`CAPACITY`] for a caseworker with all capacity free, negative when
//!   over capacity;
//! - continuity: [`SAME_CASE`] for an earlier caseworker of this case, else [`SAME_PERSON`] for
//!   one who has or had another case of the person;
//! - district: [`DISTRICT`] when the person's district is one the caseworker covers;
//! - competence: [`COMPETENCE`] per need of the case the caseworker has as a competence;
//! - team: [`TEAM_TYPE`] when the team's type fits what the case is in (investigation,
//!   placement, youth).

use std::collections::BTreeSet;

use chrono::NaiveDate;

use super::weigh::CaseFacts;
use crate::codes::{Area, StaffRole, TeamType};
use crate::figures::Context;
use crate::ids::StaffId;
use crate::tables::{Assignment, StaffProfile};

pub const CAPACITY: f64 = 40.0;
pub const SAME_CASE: f64 = 30.0;
pub const SAME_PERSON: f64 = 25.0;
pub const DISTRICT: f64 = 10.0;
pub const COMPETENCE: f64 = 8.0;
pub const TEAM_TYPE: f64 = 5.0;

/// The needs a case may have and competences a caseworker may list (`staff_profiles`), with
/// their Danish names. A complexity flag's code is a need too.
pub const NEEDS: &[(&str, &str)] = &[
    ("placement", "anbringelse"),
    ("investigation", "børnefaglig undersøgelse"),
    ("small_children", "små børn (0-5 år)"),
    ("youth", "unge (12-17 år)"),
    ("adults", "voksne"),
];

/// One caseworker who could take the case.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// The staff row.
    pub staff: u32,
    pub score: f64,
    /// Capacity minus the points of the open cases at T.
    pub free_points: f64,
    pub reasons: Vec<String>,
}

/// The needs of a case at T: what a caseworker's competences are matched against.
pub fn needs(area: Area, facts: &CaseFacts) -> BTreeSet<String> {
    let mut needs = BTreeSet::new();
    let mut add = |code: &str| {
        needs.insert(code.to_owned());
    };
    if area == Area::Adults {
        add("adults");
    }
    if facts.placed {
        add("placement");
    }
    if facts.open_investigation {
        add("investigation");
    }
    match facts.age.map(super::WeightModel::age_band) {
        Some("0-5") => add("small_children"),
        Some("12-17") => add("youth"),
        _ => {}
    }
    for flag in &facts.flags {
        add(flag);
    }
    needs
}

fn need_label(code: &str) -> String {
    NEEDS
        .iter()
        .find(|(c, _)| *c == code)
        .map_or_else(|| code.replace('_', " "), |(_, label)| (*label).to_owned())
}

/// Whether a team of `team_type` takes cases of `area`: adults' cases go to disability and
/// other teams, children's cases to every other type; a team without a type takes both.
fn takes(team_type: Option<TeamType>, area: Area) -> bool {
    match (team_type, area) {
        (None | Some(TeamType::Other), _) => true,
        (Some(TeamType::Disability), area) => area == Area::Adults,
        (Some(_), area) => area == Area::Children,
    }
}

/// The caseworkers in the context's scope who could take case row `case` at T, best first.
/// Not candidates: other roles, staff not employed at T, caseworkers absent at T, and teams
/// that do not take the case's area.
pub fn suggest(ctx: &Context<'_>, case: u32, profiles: &[StaffProfile]) -> Vec<Candidate> {
    let s = ctx.snapshot;
    let t = ctx.as_of.date;
    let record = &s.cases[case as usize];
    let facts = ctx.weights().facts(case);
    let needs = needs(record.area, facts);
    // KF09 lists every caseworker in scope with their load, capacity and absence at T.
    let loads = crate::figures::caseload::kf09(ctx);
    let district = ctx
        .lookup
        .persons
        .get(record.person_id.as_str())
        .and_then(|&p| s.persons[p as usize].district.clone());
    let (had_case, had_person) = history(ctx, case, t);
    let mut candidates: Vec<Candidate> = Vec::new();
    for (row, staff) in s.staff.iter().enumerate() {
        let row = row as u32;
        let Some(load) = loads.by_caseworker.get(staff.staff_id.as_str()) else {
            continue;
        };
        // KF09 also counts one who has left but still holds cases: not a candidate.
        let employed = crate::figures::caseload::is_employed_on(staff, t);
        let Some(unit) = ctx.lookup.unit_of_staff[row as usize] else {
            continue;
        };
        let team_type = s.org_units[unit as usize].team_type;
        if staff.role != StaffRole::Caseworker
            || !employed
            || load.absent == Some(true)
            || !takes(team_type, record.area)
        {
            continue;
        }
        let mut reasons = Vec::new();
        let mut score = 0.0;
        let (points, capacity) = (load.points, load.capacity);
        let free = capacity - points;
        if capacity > 0.0 {
            let share = (free / capacity).clamp(-1.0, 1.0);
            score += CAPACITY * share;
            reasons.push(format!(
                "Ledig kapacitet {} af {} point",
                decimal(free),
                decimal(capacity)
            ));
        } else {
            reasons.push("Ingen kapacitet".to_owned());
        }
        if had_case.contains(&row) {
            score += SAME_CASE;
            reasons.push("Har haft sagen før".to_owned());
        } else if had_person.contains(&row) {
            score += SAME_PERSON;
            reasons.push("Har eller har haft en anden sag om personen".to_owned());
        }
        let profile = profiles
            .iter()
            .find(|p| p.staff_id.as_str() == staff.staff_id.as_str());
        if let (Some(district), Some(profile)) = (&district, profile)
            && list(profile.districts.as_deref()).any(|d| d.eq_ignore_ascii_case(district))
        {
            score += DISTRICT;
            reasons.push(format!("Dækker distriktet {district}"));
        }
        if let Some(profile) = profile {
            let competences: BTreeSet<&str> = list(profile.competences.as_deref()).collect();
            for need in &needs {
                if competences.contains(need.as_str()) {
                    score += COMPETENCE;
                    reasons.push(format!("Kompetence: {}", need_label(need)));
                }
            }
        }
        let fits = match team_type {
            Some(TeamType::Investigation) => facts.open_investigation,
            Some(TeamType::Placement) => facts.placed,
            Some(TeamType::Youth) => facts.age.map(super::WeightModel::age_band) == Some("12-17"),
            _ => false,
        };
        if fits {
            score += TEAM_TYPE;
            reasons.push(format!(
                "Teamet er et {}-team",
                team_type.map_or("", |t| t.label_da()).to_lowercase()
            ));
        }
        candidates.push(Candidate {
            staff: row,
            score,
            free_points: free,
            reasons,
        });
    }
    candidates.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(b.free_points.total_cmp(&a.free_points))
            .then_with(|| {
                s.staff[a.staff as usize]
                    .staff_id
                    .cmp(&s.staff[b.staff as usize].staff_id)
            })
    });
    candidates
}

/// Why an assignment cannot be recorded (shown to the leader; names no person).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AssignError {
    #[error("medarbejderen findes ikke")]
    UnknownStaff,
    #[error("medarbejderen er ikke sagsbehandler")]
    NotCaseworker,
    #[error("sagsbehandleren er fratrådt pr. {0}")]
    Left(NaiveDate),
    #[error("sagsbehandleren er endnu ikke tiltrådt (fra {0})")]
    NotStarted(NaiveDate),
    #[error("sagen er lukket")]
    Closed,
    #[error("sagen har allerede en sagsbehandler fra {0}; en ny tildeling må ikke overlappe")]
    Overlap(NaiveDate),
    #[error("sagsbehandleren har allerede sagen")]
    AlreadyAssigned,
}

/// An assignment checked and ready to record: the new assignment, the current one it ends
/// (a reassignment, e.g. away from an absent caseworker), and the caseworker the case is
/// handed over from (the current or the last one; none for a first assignment).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssignmentPlan {
    pub new: Assignment,
    /// The current assignment as it is stored, and as it reads once ended the day before.
    pub ends: Option<(Assignment, Assignment)>,
    pub handover_from: Option<StaffId>,
}

/// Checks an assignment of case row `case` to `staff_id` from `from` (open-ended), as the
/// format requires of assignments (no overlaps per case) and as a leader would expect. A
/// current assignment begun before `from` is ended the day before (reassignment); one begun on
/// or after `from` is an overlap.
pub fn plan_assignment(
    snapshot: &crate::Snapshot,
    case: u32,
    staff_id: &str,
    from: NaiveDate,
) -> Result<AssignmentPlan, AssignError> {
    let staff = snapshot
        .staff
        .iter()
        .find(|s| s.staff_id.as_str() == staff_id)
        .ok_or(AssignError::UnknownStaff)?;
    if staff.role != StaffRole::Caseworker {
        return Err(AssignError::NotCaseworker);
    }
    if let Some(end) = staff.end_date.filter(|end| *end < from) {
        return Err(AssignError::Left(end));
    }
    if let Some(start) = staff.start_date.filter(|start| *start > from) {
        return Err(AssignError::NotStarted(start));
    }
    let record = &snapshot.cases[case as usize];
    if record.closed_at.is_some_and(|closed| closed <= from) {
        return Err(AssignError::Closed);
    }
    let of_case = || {
        snapshot
            .assignments
            .iter()
            .filter(|a| a.case_id == record.case_id)
    };
    if of_case().any(|a| {
        a.staff_id == staff.staff_id && a.from_date <= from && a.to_date.is_none_or(|to| to >= from)
    }) {
        return Err(AssignError::AlreadyAssigned);
    }
    if let Some(later) = of_case().find(|a| a.from_date >= from) {
        return Err(AssignError::Overlap(later.from_date));
    }
    let current: Vec<&Assignment> = of_case()
        .filter(|a| a.to_date.is_none_or(|to| to >= from))
        .collect();
    let ends = match current.as_slice() {
        [] => None,
        [current] if current.staff_id == staff.staff_id => {
            return Err(AssignError::AlreadyAssigned);
        }
        [current] => {
            let ended = Assignment {
                to_date: from.pred_opt(),
                ..(*current).clone()
            };
            Some(((*current).clone(), ended))
        }
        [_, second, ..] => return Err(AssignError::Overlap(second.from_date)),
    };
    let handover_from = match &ends {
        Some((current, _)) => Some(current.staff_id.clone()),
        None => of_case()
            .max_by_key(|a| a.from_date)
            .map(|a| a.staff_id.clone()),
    }
    // A case coming back to its last caseworker after a gap is not handed over.
    .filter(|from| *from != staff.staff_id);
    Ok(AssignmentPlan {
        new: Assignment {
            case_id: record.case_id.clone(),
            staff_id: staff.staff_id.clone(),
            from_date: from,
            to_date: None,
        },
        ends,
        handover_from,
    })
}

/// Staff rows that were ever assigned to `case` (by T), and to any other case of its person.
fn history(ctx: &Context<'_>, case: u32, t: NaiveDate) -> (BTreeSet<u32>, BTreeSet<u32>) {
    let s = ctx.snapshot;
    let person = &s.cases[case as usize].person_id;
    let mut had_case = BTreeSet::new();
    let mut had_person = BTreeSet::new();
    for a in &s.assignments {
        if a.from_date > t {
            continue;
        }
        let (Some(c), Some(staff)) = (
            ctx.lookup.case(a.case_id.as_str()),
            ctx.lookup.staff_row(a.staff_id.as_str()),
        ) else {
            continue;
        };
        if c == case {
            had_case.insert(staff);
        } else if s.cases[c as usize].person_id == *person {
            had_person.insert(staff);
        }
    }
    (had_case, had_person)
}

/// The items of a `;`- or `,`-separated list cell (`staff_profiles`), trimmed.
pub fn list(cell: Option<&str>) -> impl Iterator<Item = &str> {
    cell.unwrap_or_default()
        .split([';', ','])
        .map(str::trim)
        .filter(|item| !item.is_empty())
}

fn decimal(value: f64) -> String {
    format!("{value:.1}").replace('.', ",")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Snapshot;
    use crate::obligations::{AsOf, Evaluation};
    use crate::sources::Sources;
    use rust_decimal::prelude::ToPrimitive;

    fn add(s: &mut Snapshot, table: &str, cells: &[(&str, &str)]) {
        s.add(table, cells).unwrap_or_else(|e| panic!("{e}"));
    }

    /// Two children's teams and an adults' team; caseworkers A (busy), B (free), C (adults),
    /// D (left), E (absent); a new case C9 of person P1, whose earlier case C1 B had.
    fn world() -> Snapshot {
        let mut s = Snapshot::default();
        add(
            &mut s,
            "org_units",
            &[
                ("unit_id", "K"),
                ("name", "Kommune"),
                ("kind", "municipality"),
            ],
        );
        for (id, kind) in [
            ("T1", "investigation"),
            ("T2", "children"),
            ("T3", "disability"),
        ] {
            add(
                &mut s,
                "org_units",
                &[
                    ("unit_id", id),
                    ("parent_id", "K"),
                    ("name", id),
                    ("kind", "team"),
                    ("team_type", kind),
                ],
            );
        }
        for (id, unit, end) in [
            ("A", "T1", ""),
            ("B", "T2", ""),
            ("C", "T3", ""),
            ("D", "T1", "2025-01-31"),
            ("E", "T2", ""),
        ] {
            add(
                &mut s,
                "staff",
                &[
                    ("staff_id", id),
                    ("name", id),
                    ("unit_id", unit),
                    ("role", "caseworker"),
                    ("capacity_points", "10"),
                    ("end_date", end),
                ],
            );
        }
        add(
            &mut s,
            "absences",
            &[("staff_id", "E"), ("from_date", "2025-05-01")],
        );
        add(
            &mut s,
            "persons",
            &[
                ("person_id", "P1"),
                ("birth_date", "2011-01-01"),
                ("district", "Nord"),
            ],
        );
        add(
            &mut s,
            "persons",
            &[("person_id", "P2"), ("birth_date", "2016-01-01")],
        );
        let case = |s: &mut Snapshot, id: &str, person: &str, closed: &str| {
            add(
                s,
                "cases",
                &[
                    ("case_id", id),
                    ("person_id", person),
                    ("area", "children"),
                    ("opened_at", "2024-01-01"),
                    ("closed_at", closed),
                ],
            );
        };
        case(&mut s, "C1", "P1", "2024-12-31");
        for n in 2..=9 {
            case(&mut s, &format!("C{n}"), "P2", "");
        }
        case(&mut s, "C10", "P1", "");
        add(
            &mut s,
            "assignments",
            &[
                ("case_id", "C1"),
                ("staff_id", "B"),
                ("from_date", "2024-01-01"),
                ("to_date", "2024-12-31"),
            ],
        );
        // A carries eight open cases of a 9-year-old without measures (see `free_share_of_a`).
        for n in 2..=9 {
            add(
                &mut s,
                "assignments",
                &[
                    ("case_id", &format!("C{n}")),
                    ("staff_id", "A"),
                    ("from_date", "2024-01-01"),
                ],
            );
        }
        add(
            &mut s,
            "investigations",
            &[
                ("investigation_id", "I1"),
                ("case_id", "C10"),
                ("aware_at", "2025-05-01"),
            ],
        );
        s
    }

    /// A's free capacity as a share: eight plain cases of the model's points of a case each
    /// out of 10 points.
    fn free_share_of_a() -> f64 {
        let case = crate::workload::WeightModel::default()
            .area(Area::Children)
            .to_f64()
            .unwrap();
        (10.0 - 8.0 * case) / 10.0
    }

    fn ranked(s: &Snapshot, profiles: &[(&str, &str, &str)]) -> Vec<(String, f64, Vec<String>)> {
        let mut with_profiles = s.clone();
        for (staff, competences, districts) in profiles {
            add(
                &mut with_profiles,
                "staff_profiles",
                &[
                    ("staff_id", staff),
                    ("competences", competences),
                    ("districts", districts),
                ],
            );
        }
        let sources = Sources::all_present();
        let evaluation = Evaluation::default();
        let as_of = AsOf::end_of(NaiveDate::from_ymd_opt(2025, 6, 1).unwrap());
        let ctx = Context::new(&with_profiles, &sources, &evaluation, as_of, None).unwrap();
        let case = ctx.lookup.case("C10").unwrap();
        suggest(&ctx, case, &with_profiles.staff_profiles)
            .into_iter()
            .map(|c| {
                (
                    with_profiles.staff[c.staff as usize]
                        .staff_id
                        .as_str()
                        .to_owned(),
                    c.score,
                    c.reasons,
                )
            })
            .collect()
    }

    #[test]
    fn continuity_and_free_capacity_rank_first_and_the_unavailable_are_left_out() {
        let list = ranked(&world(), &[]);
        let ids: Vec<&str> = list.iter().map(|(id, ..)| id.as_str()).collect();
        // C: adults' team; D: left; E: absent.
        assert_eq!(ids, ["B", "A"]);
        let (_, score_b, reasons_b) = &list[0];
        assert_eq!(*score_b, CAPACITY + SAME_PERSON);
        assert_eq!(
            reasons_b,
            &[
                "Ledig kapacitet 10,0 af 10,0 point",
                "Har eller har haft en anden sag om personen"
            ]
        );
        // A: part of its capacity free, and an investigation team for a case under
        // investigation.
        let (_, score_a, reasons_a) = &list[1];
        assert!(
            (score_a - (CAPACITY * free_share_of_a() + TEAM_TYPE)).abs() < 1e-9,
            "{score_a}"
        );
        assert_eq!(reasons_a.last().unwrap(), "Teamet er et undersøgelse-team");
    }

    #[test]
    fn an_assignment_to_a_leaver_or_over_another_is_refused() {
        let s = world();
        let day = NaiveDate::from_ymd_opt(2025, 6, 1).unwrap();
        let row = |id: &str| {
            s.cases
                .iter()
                .position(|c| c.case_id.as_str() == id)
                .unwrap() as u32
        };
        let plan = plan_assignment(&s, row("C10"), "B", day).unwrap();
        assert_eq!(plan.new.staff_id.as_str(), "B");
        assert_eq!(plan.new.from_date, day);
        assert_eq!(plan.ends, None);
        assert_eq!(
            plan_assignment(&s, row("C10"), "D", day),
            Err(AssignError::Left(
                NaiveDate::from_ymd_opt(2025, 1, 31).unwrap()
            ))
        );
        assert_eq!(
            plan_assignment(&s, row("C10"), "X", day),
            Err(AssignError::UnknownStaff)
        );
        // An assignment begun on the day (or later) is not ended: that would be an overlap.
        let start_of_c2 = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
        assert_eq!(
            plan_assignment(&s, row("C2"), "B", start_of_c2),
            Err(AssignError::Overlap(start_of_c2))
        );
        assert_eq!(
            plan_assignment(&s, row("C1"), "B", day),
            Err(AssignError::Closed)
        );
    }

    #[test]
    fn a_reassignment_ends_the_current_assignment_the_day_before_and_hands_over() {
        let s = world();
        let day = NaiveDate::from_ymd_opt(2025, 6, 1).unwrap();
        let c2 = s
            .cases
            .iter()
            .position(|c| c.case_id.as_str() == "C2")
            .unwrap() as u32;
        let current = s
            .assignments
            .iter()
            .find(|a| a.case_id.as_str() == "C2" && a.to_date.is_none())
            .unwrap()
            .clone();
        let other = if current.staff_id.as_str() == "B" {
            "A"
        } else {
            "B"
        };
        let plan = plan_assignment(&s, c2, other, day).unwrap();
        let (stored, ended) = plan.ends.unwrap();
        assert_eq!(stored, current);
        assert_eq!(ended.to_date, NaiveDate::from_ymd_opt(2025, 5, 31));
        assert_eq!(ended.from_date, current.from_date);
        assert_eq!(plan.handover_from, Some(current.staff_id.clone()));
        assert_eq!(
            plan_assignment(&s, c2, current.staff_id.as_str(), day),
            Err(AssignError::AlreadyAssigned)
        );
    }

    #[test]
    fn competence_and_district_count_from_the_profiles() {
        let list = ranked(&world(), &[("A", "investigation; youth", "nord")]);
        let (_, score, reasons) = list.iter().find(|(id, ..)| id == "A").unwrap();
        assert!(
            (score - (CAPACITY * free_share_of_a() + TEAM_TYPE + DISTRICT + 2.0 * COMPETENCE))
                .abs()
                < 1e-9,
            "{score}"
        );
        assert!(
            reasons.contains(&"Dækker distriktet Nord".to_owned()),
            "{reasons:?}"
        );
        assert!(reasons.contains(&"Kompetence: børnefaglig undersøgelse".to_owned()));
        assert!(reasons.contains(&"Kompetence: unge (12-17 år)".to_owned()));
    }
}
