//! Need-to-know in terms of the data: which cases a user may open, and which unit their
//! aggregates are for. Roles say *what* may be seen (`overblik_domain::access`); the user's
//! link to the organisation (`users.staff_id`, `users.unit_id`) says *which part*.

use std::sync::Arc;

use overblik_domain::access::Role;
use overblik_domain::figures::Lookup;
use overblik_domain::figures::Scope;

use crate::auth::CurrentUser;
use crate::data::Data;

/// The cases a user may see.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum CaseScope {
    /// A caseworker: the cases assigned to them at T.
    Own(String),
    /// A team leader or head: the cases of the unit and the units below it (by the caseworker
    /// at T, else the last one), as the figures count them.
    Unit(String),
    /// Every case (the controller's economy lists).
    All,
    /// No case at all.
    Nothing,
}

impl CaseScope {
    pub fn of(user: &CurrentUser) -> CaseScope {
        match (user.role, &user.staff_id, &user.unit_id) {
            (Role::Caseworker, Some(staff), _) => CaseScope::Own(staff.clone()),
            (Role::TeamLeader | Role::Head, _, Some(unit)) => CaseScope::Unit(unit.clone()),
            (Role::Controller, _, _) => CaseScope::All,
            // A case role without its link sees nothing rather than everything.
            _ => CaseScope::Nothing,
        }
    }

    fn key(&self) -> String {
        match self {
            CaseScope::Own(staff) => format!("cases:own:{staff}"),
            CaseScope::Unit(unit) => format!("cases:unit:{unit}"),
            CaseScope::All => "cases:all".into(),
            CaseScope::Nothing => "cases:none".into(),
        }
    }
}

/// What a [`CaseScope`] may see: per case row of the snapshot, and per person for the rows
/// without a case (a notification not tied to one), which belong to the unit of any case of
/// the same person, as the figures count them. Derefs to the per-case flags.
pub struct Visible {
    cases: Vec<bool>,
    persons_without_case: Vec<bool>,
}

impl Visible {
    /// Whether a row of `person` that has no case (a notification) may be seen.
    pub fn person_without_case(&self, person: u32) -> bool {
        self.persons_without_case[person as usize]
    }
}

impl std::ops::Deref for Visible {
    type Target = [bool];

    fn deref(&self) -> &[bool] {
        &self.cases
    }
}

/// Which cases (and case-less rows) `scope` may see. Computed once per data version.
pub async fn visible_cases(data: &Arc<Data>, scope: &CaseScope) -> Arc<Visible> {
    let owned = scope.clone();
    data.cached(scope.key(), move |data| {
        let s = &data.snapshot;
        let all = |seen: bool| Visible {
            cases: vec![seen; s.cases.len()],
            persons_without_case: vec![seen; s.persons.len()],
        };
        match &owned {
            CaseScope::All => all(true),
            CaseScope::Nothing => all(false),
            // A caseworker holds cases, never a notification without one.
            CaseScope::Own(staff) => {
                let lookup = Lookup::build(s, data.as_of);
                let Some(row) = lookup.staff_row(staff) else {
                    return all(false);
                };
                Visible {
                    cases: lookup
                        .assigned_at_t
                        .iter()
                        .map(|assigned| *assigned == Some(row))
                        .collect(),
                    persons_without_case: vec![false; s.persons.len()],
                }
            }
            CaseScope::Unit(unit) => {
                let lookup = Lookup::build(s, data.as_of);
                match Scope::build(s, &lookup, Some(unit)) {
                    Ok(scope) => Visible {
                        cases: (0..s.cases.len() as u32)
                            .map(|c| scope.has_case(c))
                            .collect(),
                        persons_without_case: (0..s.persons.len() as u32)
                            .map(|p| scope.has_person(p))
                            .collect(),
                    },
                    Err(_) => all(false),
                }
            }
        }
    })
    .await
}

/// The figures' context of the user's unit ([`figures_unit`]) at the end of today.
pub fn unit_context<'a>(
    user: &CurrentUser,
    data: &'a Data,
) -> Result<overblik_domain::figures::Context<'a>, crate::error::AppError> {
    Ok(data.context(figures_unit(user, data).as_deref())?)
}

/// The unit a user's aggregates are for: the caseworker's team, the unit led, or (None) the
/// whole municipality.
pub fn figures_unit(user: &CurrentUser, data: &Data) -> Option<String> {
    match user.role {
        Role::Caseworker => user.staff_id.as_ref().and_then(|staff| {
            data.snapshot
                .staff
                .iter()
                .find(|x| x.staff_id.as_str() == staff)
                .map(|x| x.unit_id.as_str().to_owned())
        }),
        Role::TeamLeader | Role::Head => user.unit_id.clone(),
        _ => None,
    }
}
