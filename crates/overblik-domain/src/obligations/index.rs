//! Lookups built once per evaluation: rows grouped by case and person, sorted by date, so that
//! every rule runs in time linear in the data (plus one sort).

use chrono::NaiveDate;

use super::AsOf;
use crate::Snapshot;
use crate::codes::Area;
use crate::ids::{IdMap as Map, id_map as map};

/// Row indices grouped by an owner (a case or a person), each group sorted by a date key; and
/// each row's owner, so a rule looks an id up once per evaluation rather than once per rule.
pub(super) struct Groups {
    offsets: Vec<u32>,
    rows: Vec<u32>,
    owners: Vec<u32>,
}

const NO_OWNER: u32 = u32::MAX;

impl Groups {
    /// Groups rows `0..len` by `owner(row)` (rows without an owner are left out), each group
    /// ordered by `key(row)` and then by row index.
    fn build<K: Ord + Copy>(
        owners: usize,
        len: usize,
        owner: impl Fn(usize) -> Option<u32>,
        key: impl Fn(usize) -> K,
    ) -> Groups {
        let owner_of_row: Vec<u32> = (0..len).map(|row| owner(row).unwrap_or(NO_OWNER)).collect();
        let mut entries: Vec<(u32, K, u32)> = owner_of_row
            .iter()
            .enumerate()
            .filter(|(_, owner)| **owner != NO_OWNER)
            .map(|(row, owner)| (*owner, key(row), row as u32))
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
            owners: owner_of_row,
        }
    }

    /// The owner of `row`, if its reference resolved.
    pub(super) fn owner_of(&self, row: usize) -> Option<u32> {
        Some(self.owners[row]).filter(|owner| *owner != NO_OWNER)
    }

    /// The rows of `owner`, in key order.
    pub(super) fn of(&self, owner: u32) -> &[u32] {
        let owner = owner as usize;
        &self.rows[self.offsets[owner] as usize..self.offsets[owner + 1] as usize]
    }
}

pub(super) struct Index<'a> {
    pub(super) snapshot: &'a Snapshot,
    cases: Map<'a>,
    persons: Map<'a>,
    measures: Map<'a>,
    /// Per case, by date.
    pub(super) investigations: Groups,
    pub(super) decisions: Groups,
    pub(super) measures_of_case: Groups,
    pub(super) plans: Groups,
    pub(super) followups: Groups,
    pub(super) visits: Groups,
    /// Per person.
    pub(super) cases_of_person: Groups,
    pub(super) notifications_of_person: Groups,
    /// Per case: the caseworker assigned at T.
    responsible: Vec<Option<u32>>,
}

impl<'a> Index<'a> {
    pub(super) fn build(snapshot: &'a Snapshot, as_of: AsOf) -> Index<'a> {
        let s = snapshot;
        // The maps, then the groups, each half on one of the machine's cores.
        let ((cases, measures), (persons, staff)) = std::thread::scope(|scope| {
            let half = scope.spawn(|| {
                let cases = map(s.cases.iter().map(|case| case.case_id.as_str()));
                let measures = map(s.measures.iter().map(|m| m.measure_id.as_str()));
                (cases, measures)
            });
            let persons = map(s.persons.iter().map(|person| person.person_id.as_str()));
            let staff = map(s.staff.iter().map(|staff| staff.staff_id.as_str()));
            (join(half), (persons, staff))
        });
        let n_cases = s.cases.len();
        let case = |id: &str| cases.get(id).copied();
        let person = |id: &str| persons.get(id).copied();
        let by_case =
            |len: usize, id: &dyn Fn(usize) -> &'a str, key: &dyn Fn(usize) -> NaiveDate| {
                Groups::build(n_cases, len, |r| case(id(r)), key)
            };
        let (
            (investigations, decisions, measures_of_case, plans),
            (followups, visits, cases_of_person, responsible),
        ) = std::thread::scope(|scope| {
            let half = scope.spawn(|| {
                (
                    by_case(
                        s.investigations.len(),
                        &|r| s.investigations[r].case_id.as_str(),
                        &|r| s.investigations[r].aware_at,
                    ),
                    by_case(
                        s.decisions.len(),
                        &|r| s.decisions[r].case_id.as_str(),
                        &|r| s.decisions[r].decided_at,
                    ),
                    by_case(
                        s.measures.len(),
                        &|r| s.measures[r].case_id.as_str(),
                        &|r| s.measures[r].start_date,
                    ),
                    by_case(s.plans.len(), &|r| s.plans[r].case_id.as_str(), &|r| {
                        s.plans[r].created_at
                    }),
                )
            });
            let assignments = by_case(
                s.assignments.len(),
                &|r| s.assignments[r].case_id.as_str(),
                &|r| s.assignments[r].from_date,
            );
            let responsible = (0..n_cases as u32)
                .map(|case| {
                    assignments
                        .of(case)
                        .iter()
                        .map(|row| &s.assignments[*row as usize])
                        .take_while(|a| a.from_date <= as_of.date)
                        .filter(|a| a.to_date.is_none_or(|to| as_of.date <= to))
                        .last()
                        .and_then(|a| staff.get(a.staff_id.as_str()).copied())
                })
                .collect();
            let other = (
                by_case(
                    s.followups.len(),
                    &|r| s.followups[r].case_id.as_str(),
                    &|r| s.followups[r].held_at,
                ),
                by_case(s.visits.len(), &|r| s.visits[r].case_id.as_str(), &|r| {
                    s.visits[r].visited_at
                }),
                Groups::build(
                    s.persons.len(),
                    n_cases,
                    |r| person(s.cases[r].person_id.as_str()),
                    |r| s.cases[r].opened_at,
                ),
                responsible,
            );
            (join(half), other)
        });
        let notifications_of_person = Groups::build(
            s.persons.len(),
            s.notifications.len(),
            |r| person(s.notifications[r].person_id.as_str()),
            |r| s.notifications[r].received_at,
        );
        Index {
            snapshot,
            investigations,
            decisions,
            measures_of_case,
            plans,
            followups,
            visits,
            cases_of_person,
            notifications_of_person,
            responsible,
            cases,
            persons,
            measures,
        }
    }

    pub(super) fn case(&self, id: &str) -> Option<u32> {
        self.cases.get(id).copied()
    }

    pub(super) fn person(&self, id: &str) -> Option<u32> {
        self.persons.get(id).copied()
    }

    pub(super) fn measure(&self, id: &str) -> Option<u32> {
        self.measures.get(id).copied()
    }

    /// The case and the person it is about, if it is a children's case.
    pub(super) fn children_case(&self, case: Option<u32>) -> Option<(u32, u32)> {
        let case = case?;
        (self.snapshot.cases[case as usize].area == Area::Children)
            .then(|| self.person_of_case(case))
            .flatten()
            .map(|person| (case, person))
    }

    /// The person a case is about.
    pub(super) fn person_of_case(&self, case: u32) -> Option<u32> {
        self.cases_of_person.owner_of(case as usize)
    }

    /// The caseworker assigned to `case` at T (assignments of one case do not overlap).
    pub(super) fn responsible_at_as_of(&self, case: u32) -> Option<u32> {
        self.responsible[case as usize]
    }
}

/// The result of a scoped thread; a panic in it is re-raised here.
pub(super) fn join<T>(handle: std::thread::ScopedJoinHandle<'_, T>) -> T {
    handle
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}
