//! Lookups built once per evaluation: rows grouped by case and person, sorted by date, so that
//! every rule runs in time linear in the data (plus one sort).

use std::collections::HashMap;

use chrono::NaiveDate;
use foldhash::fast::FixedState;

use super::AsOf;
use crate::Snapshot;
use crate::codes::Area;

type Map<'a> = HashMap<&'a str, u32, FixedState>;

/// Row indices grouped by an owner (a case or a person), each group sorted by a date key.
pub(super) struct Groups {
    offsets: Vec<u32>,
    rows: Vec<u32>,
}

impl Groups {
    /// Groups rows `0..len` by `owner(row)` (rows without an owner are left out), each group
    /// ordered by `key(row)` and then by row index.
    fn build<K: Ord + Copy>(
        owners: usize,
        len: usize,
        owner: impl Fn(usize) -> Option<u32>,
        key: impl Fn(usize) -> K,
    ) -> Groups {
        let mut entries: Vec<(u32, K, u32)> = (0..len)
            .filter_map(|row| owner(row).map(|owner| (owner, key(row), row as u32)))
            .collect();
        entries.sort_unstable();
        let mut offsets = vec![0u32; owners + 1];
        for (owner, _, _) in &entries {
            offsets[*owner as usize + 1] += 1;
        }
        for i in 0..owners {
            offsets[i + 1] += offsets[i];
        }
        Groups {
            offsets,
            rows: entries.into_iter().map(|(_, _, row)| row).collect(),
        }
    }

    /// The rows of `owner`, in key order.
    pub(super) fn of(&self, owner: u32) -> &[u32] {
        let owner = owner as usize;
        &self.rows[self.offsets[owner] as usize..self.offsets[owner + 1] as usize]
    }
}

pub(super) struct Index<'a> {
    pub(super) snapshot: &'a Snapshot,
    pub(super) as_of: AsOf,
    cases: Map<'a>,
    persons: Map<'a>,
    staff: Map<'a>,
    measures: Map<'a>,
    /// Per case, by date.
    pub(super) investigations: Groups,
    pub(super) decisions: Groups,
    pub(super) measures_of_case: Groups,
    pub(super) plans: Groups,
    pub(super) followups: Groups,
    pub(super) visits: Groups,
    assignments: Groups,
    /// Per person.
    pub(super) cases_of_person: Groups,
    pub(super) notifications_of_person: Groups,
}

impl<'a> Index<'a> {
    pub(super) fn build(snapshot: &'a Snapshot, as_of: AsOf) -> Index<'a> {
        let cases = map(snapshot.cases.iter().map(|case| case.case_id.as_str()));
        let persons = map(snapshot
            .persons
            .iter()
            .map(|person| person.person_id.as_str()));
        let staff = map(snapshot.staff.iter().map(|staff| staff.staff_id.as_str()));
        let measures = map(snapshot
            .measures
            .iter()
            .map(|measure| measure.measure_id.as_str()));
        let n_cases = snapshot.cases.len();
        let case = |id: &str| cases.get(id).copied();
        let s = snapshot;
        Index {
            investigations: Groups::build(
                n_cases,
                s.investigations.len(),
                |r| case(s.investigations[r].case_id.as_str()),
                |r| s.investigations[r].aware_at,
            ),
            decisions: Groups::build(
                n_cases,
                s.decisions.len(),
                |r| case(s.decisions[r].case_id.as_str()),
                |r| s.decisions[r].decided_at,
            ),
            measures_of_case: Groups::build(
                n_cases,
                s.measures.len(),
                |r| case(s.measures[r].case_id.as_str()),
                |r| s.measures[r].start_date,
            ),
            plans: Groups::build(
                n_cases,
                s.plans.len(),
                |r| case(s.plans[r].case_id.as_str()),
                |r| s.plans[r].created_at,
            ),
            followups: Groups::build(
                n_cases,
                s.followups.len(),
                |r| case(s.followups[r].case_id.as_str()),
                |r| s.followups[r].held_at,
            ),
            visits: Groups::build(
                n_cases,
                s.visits.len(),
                |r| case(s.visits[r].case_id.as_str()),
                |r| s.visits[r].visited_at,
            ),
            assignments: Groups::build(
                n_cases,
                s.assignments.len(),
                |r| case(s.assignments[r].case_id.as_str()),
                |r| s.assignments[r].from_date,
            ),
            cases_of_person: Groups::build(
                s.persons.len(),
                n_cases,
                |r| persons.get(s.cases[r].person_id.as_str()).copied(),
                |r| s.cases[r].opened_at,
            ),
            notifications_of_person: Groups::build(
                s.persons.len(),
                s.notifications.len(),
                |r| persons.get(s.notifications[r].person_id.as_str()).copied(),
                |r| s.notifications[r].received_at,
            ),
            snapshot,
            as_of,
            cases,
            persons,
            staff,
            measures,
        }
    }

    pub(super) fn case(&self, id: &str) -> Option<u32> {
        self.cases.get(id).copied()
    }

    pub(super) fn person(&self, id: &str) -> Option<u32> {
        self.persons.get(id).copied()
    }

    pub(super) fn staff(&self, id: &str) -> Option<u32> {
        self.staff.get(id).copied()
    }

    pub(super) fn measure(&self, id: &str) -> Option<u32> {
        self.measures.get(id).copied()
    }

    /// The case with `id` and the person it is about, if it is a children's case.
    pub(super) fn children_case(&self, id: &str) -> Option<(u32, u32)> {
        let case = self.case(id)?;
        (self.snapshot.cases[case as usize].area == Area::Children)
            .then(|| self.person_of_case(case))
            .flatten()
            .map(|person| (case, person))
    }

    /// The person a case is about.
    pub(super) fn person_of_case(&self, case: u32) -> Option<u32> {
        self.person(self.snapshot.cases[case as usize].person_id.as_str())
    }

    /// The caseworker assigned to `case` on `date` (assignments of one case do not overlap).
    pub(super) fn responsible_on(&self, case: u32, date: NaiveDate) -> Option<u32> {
        let assignments = &self.snapshot.assignments;
        self.assignments
            .of(case)
            .iter()
            .map(|row| &assignments[*row as usize])
            .take_while(|assignment| assignment.from_date <= date)
            .filter(|assignment| assignment.to_date.is_none_or(|to| date <= to))
            .last()
            .and_then(|assignment| self.staff(assignment.staff_id.as_str()))
    }

    /// The caseworker assigned to `case` at T.
    pub(super) fn responsible_at_as_of(&self, case: u32) -> Option<u32> {
        self.responsible_on(case, self.as_of.date)
    }
}

fn map<'a>(ids: impl Iterator<Item = &'a str>) -> Map<'a> {
    let mut map = Map::default();
    for (row, id) in ids.enumerate() {
        map.entry(id).or_insert(row as u32);
    }
    map
}
