//! What every figure reads: the data, the obligations at T, the supplied files, lookups built
//! once, and the unit filter (the scope).

use std::collections::BTreeMap;

use super::settings::FigureSettings;
use crate::Snapshot;
use crate::ids::{IdMap, id_map};
use crate::obligations::{AsOf, Evaluation};
use crate::sources::Sources;
use crate::tables::{AnnualGoal, CaseFlag, FollowupScore, Indicator, PolicyTheme, WeightPoint};
use crate::workload::CaseWeights;

/// Id → row index of the tables others refer to.
pub struct Lookup<'a> {
    pub cases: IdMap<'a>,
    pub persons: IdMap<'a>,
    pub staff: IdMap<'a>,
    pub units: IdMap<'a>,
    pub measures: IdMap<'a>,
    /// Per case: the staff row assigned at T (an assignment active at T).
    pub assigned_at_t: Vec<Option<u32>>,
    /// Per case: the staff row of the latest assignment that started by T (the team a case
    /// belongs to when nobody is assigned at T).
    pub last_assigned: Vec<Option<u32>>,
    /// Per staff row: the unit row.
    pub unit_of_staff: Vec<Option<u32>>,
}

impl<'a> Lookup<'a> {
    pub fn build(s: &'a Snapshot, as_of: AsOf) -> Lookup<'a> {
        let cases = id_map(s.cases.iter().map(|c| c.case_id.as_str()));
        let staff = id_map(s.staff.iter().map(|x| x.staff_id.as_str()));
        let units = id_map(s.org_units.iter().map(|u| u.unit_id.as_str()));
        let mut assigned_at_t = vec![None; s.cases.len()];
        let mut last_assigned: Vec<Option<(chrono::NaiveDate, u32)>> = vec![None; s.cases.len()];
        for a in &s.assignments {
            if a.from_date > as_of.date {
                continue;
            }
            let (Some(&case), Some(&person)) = (
                cases.get(a.case_id.as_str()),
                staff.get(a.staff_id.as_str()),
            ) else {
                continue;
            };
            if a.to_date.is_none_or(|to| as_of.date <= to) {
                assigned_at_t[case as usize] = Some(person);
            }
            let last = &mut last_assigned[case as usize];
            if last.is_none_or(|(from, _)| from < a.from_date) {
                *last = Some((a.from_date, person));
            }
        }
        let unit_of_staff = s
            .staff
            .iter()
            .map(|x| units.get(x.unit_id.as_str()).copied())
            .collect();
        Lookup {
            persons: id_map(s.persons.iter().map(|p| p.person_id.as_str())),
            measures: id_map(s.measures.iter().map(|m| m.measure_id.as_str())),
            cases,
            staff,
            units,
            assigned_at_t,
            last_assigned: last_assigned
                .into_iter()
                .map(|l| l.map(|(_, s)| s))
                .collect(),
            unit_of_staff,
        }
    }

    pub fn case(&self, id: &str) -> Option<u32> {
        self.cases.get(id).copied()
    }

    pub fn person(&self, id: &str) -> Option<u32> {
        self.persons.get(id).copied()
    }

    pub fn measure(&self, id: &str) -> Option<u32> {
        self.measures.get(id).copied()
    }

    pub fn staff_row(&self, id: &str) -> Option<u32> {
        self.staff.get(id).copied()
    }

    pub fn unit(&self, id: &str) -> Option<u32> {
        self.units.get(id).copied()
    }
}

/// The tables entered in overblik that figures read: the case-weight model's points and the
/// leaders' flags (weights, KF09), the goal scores recorded at follow-ups (KF21, F11), and
/// the committee's political goals (F16, in the committee report).
/// Usually the snapshot's own ([`Entered::of`]); a server that keeps entered rows apart from
/// the imported data (so that a leader's change needs no reload of everything) passes its own.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Entered<'a> {
    pub weight_points: &'a [WeightPoint],
    pub case_flags: &'a [CaseFlag],
    pub followup_scores: &'a [FollowupScore],
    pub policy_themes: &'a [PolicyTheme],
    pub annual_goals: &'a [AnnualGoal],
    pub indicators: &'a [Indicator],
}

impl<'a> Entered<'a> {
    pub fn of(snapshot: &'a Snapshot) -> Entered<'a> {
        Entered {
            weight_points: &snapshot.weight_points,
            case_flags: &snapshot.case_flags,
            followup_scores: &snapshot.followup_scores,
            policy_themes: &snapshot.policy_themes,
            annual_goals: &snapshot.annual_goals,
            indicators: &snapshot.indicators,
        }
    }
}

/// The unit a figure is computed for: the unit and every unit below it. A case belongs to the
/// unit of the caseworker assigned at T, or, when nobody is, of the last caseworker assigned
/// before T (so a team sees its own cases without a caseworker). Rows without a case (a
/// notification not yet tied to one) belong to the unit of any case of the same person.
/// Without a unit, everything is in scope.
pub struct Scope {
    pub unit: Option<u32>,
    units: Vec<bool>,
    cases: Vec<bool>,
    persons: Vec<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("enheden `{0}` findes ikke i data")]
pub struct UnknownUnit(pub String);

impl Scope {
    pub fn build(
        s: &Snapshot,
        lookup: &Lookup<'_>,
        unit: Option<&str>,
    ) -> Result<Scope, UnknownUnit> {
        let Some(unit_id) = unit else {
            return Ok(Scope {
                unit: None,
                units: vec![true; s.org_units.len()],
                cases: vec![true; s.cases.len()],
                persons: vec![true; s.persons.len()],
            });
        };
        let root = lookup
            .unit(unit_id)
            .ok_or_else(|| UnknownUnit(unit_id.to_owned()))?;
        // A unit is inside when its chain of parents reaches the root (cycles end the walk).
        let parent: Vec<Option<u32>> = s
            .org_units
            .iter()
            .map(|u| u.parent_id.as_ref().and_then(|p| lookup.unit(p.as_str())))
            .collect();
        let units: Vec<bool> = (0..s.org_units.len() as u32)
            .map(|mut u| {
                for _ in 0..=s.org_units.len() {
                    if u == root {
                        return true;
                    }
                    match parent[u as usize] {
                        Some(p) => u = p,
                        None => return false,
                    }
                }
                false
            })
            .collect();
        let cases: Vec<bool> = (0..s.cases.len())
            .map(|c| {
                lookup.assigned_at_t[c]
                    .or(lookup.last_assigned[c])
                    .and_then(|staff| lookup.unit_of_staff[staff as usize])
                    .is_some_and(|u| units[u as usize])
            })
            .collect();
        let mut persons = vec![false; s.persons.len()];
        for (c, case) in s.cases.iter().enumerate() {
            if cases[c]
                && let Some(p) = lookup.person(case.person_id.as_str())
            {
                persons[p as usize] = true;
            }
        }
        Ok(Scope {
            unit: Some(root),
            units,
            cases,
            persons,
        })
    }

    pub fn is_filtered(&self) -> bool {
        self.unit.is_some()
    }

    pub fn has_unit(&self, unit: u32) -> bool {
        self.units[unit as usize]
    }

    pub fn has_case(&self, case: u32) -> bool {
        self.cases[case as usize]
    }

    pub fn has_person(&self, person: u32) -> bool {
        self.persons[person as usize]
    }
}

/// Everything a figure reads. Built once per (data, T, unit); each figure is then a function
/// of the context and a period.
pub struct Context<'a> {
    pub snapshot: &'a Snapshot,
    pub sources: &'a Sources,
    pub evaluation: &'a Evaluation,
    pub as_of: AsOf,
    pub settings: FigureSettings,
    pub lookup: Lookup<'a>,
    pub scope: Scope,
    /// The tables entered in overblik (weights, flags): the snapshot's own unless
    /// [`Context::with_entered`] says otherwise.
    pub entered: Entered<'a>,
    /// Every case's weight at T, computed when a figure first asks (or given).
    weights: std::sync::OnceLock<std::sync::Arc<CaseWeights>>,
}

impl<'a> Context<'a> {
    pub fn new(
        snapshot: &'a Snapshot,
        sources: &'a Sources,
        evaluation: &'a Evaluation,
        as_of: AsOf,
        unit: Option<&str>,
    ) -> Result<Context<'a>, UnknownUnit> {
        let lookup = Lookup::build(snapshot, as_of);
        let scope = Scope::build(snapshot, &lookup, unit)?;
        Ok(Context {
            snapshot,
            sources,
            evaluation,
            as_of,
            settings: FigureSettings::default(),
            lookup,
            scope,
            entered: Entered::of(snapshot),
            weights: std::sync::OnceLock::new(),
        })
    }

    /// The same context reading the entered tables from `entered` instead of the snapshot.
    pub fn with_entered(mut self, entered: Entered<'a>) -> Context<'a> {
        self.entered = entered;
        self.weights = std::sync::OnceLock::new();
        self
    }

    /// Every case's weight at T (the case-weight model, or the imported weight).
    pub fn weights(&self) -> &CaseWeights {
        self.weights.get_or_init(|| {
            std::sync::Arc::new(CaseWeights::compute(
                self.snapshot,
                self.entered,
                self.as_of.date,
            ))
        })
    }

    /// The same context with the weights already computed for the same data, T and entered
    /// rows (a server computes them once per data version).
    pub fn with_weights(self, weights: std::sync::Arc<CaseWeights>) -> Context<'a> {
        let _ = self.weights.set(weights);
        self
    }

    /// Whether the file `table` was supplied.
    pub fn has(&self, table: &str) -> bool {
        self.sources.has(table)
    }

    /// The case row of `id` if it resolves and is in scope.
    pub fn case_in_scope(&self, id: &str) -> Option<u32> {
        self.lookup.case(id).filter(|c| self.scope.has_case(*c))
    }
}

/// A figure part that depends on an input file: `None` (JSON null) when the file is absent.
pub type Available<T> = Option<T>;

/// Key for rows nobody is assigned to at T, in breakdowns by caseworker.
pub const WITHOUT_CASEWORKER: &str = "none";

/// Counts per caseworker: kept by staff row while counting (no string per row; a large
/// municipality counts ~10^5 rows) and keyed by staff id at the end.
pub struct StaffTally {
    by_row: Vec<u64>,
    without: u64,
}

impl StaffTally {
    pub fn new(ctx: &Context<'_>) -> StaffTally {
        StaffTally {
            by_row: vec![0; ctx.snapshot.staff.len()],
            without: 0,
        }
    }

    /// Counts one row of the caseworker `staff` (a staff row), or of nobody.
    pub fn add(&mut self, staff: Option<u32>) {
        match staff {
            Some(staff) => self.by_row[staff as usize] += 1,
            None => self.without += 1,
        }
    }

    /// The staff rows with a count above 0.
    pub fn counted(&self) -> impl Iterator<Item = (usize, u64)> + '_ {
        self.by_row
            .iter()
            .copied()
            .enumerate()
            .filter(|(_, n)| *n > 0)
    }

    /// Keyed by staff id, with [`WITHOUT_CASEWORKER`] when any row had nobody.
    pub fn by_staff_id(&self, ctx: &Context<'_>) -> BTreeMap<String, u64> {
        let mut out: BTreeMap<String, u64> = self
            .counted()
            .map(|(staff, n)| (ctx.snapshot.staff[staff].staff_id.as_str().to_owned(), n))
            .collect();
        if self.without > 0 {
            out.insert(WITHOUT_CASEWORKER.to_owned(), self.without);
        }
        out
    }
}
