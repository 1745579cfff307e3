//! The embedded migrations and the rules for applying them; each backend runs the SQL.
//!
//! Migrations are hand-written SQL, one file per backend per version (see
//! `migrations/README.md`). A database that has a version this build does not know was migrated
//! by a newer overblik and is refused before anything is written to it.

use crate::StoreError;

/// One schema version, in both dialects.
#[derive(Debug)]
pub(crate) struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sqlite: &'static str,
    pub postgres: &'static str,
}

/// Every migration, oldest first. Never edit an applied one; add a new version to both sets.
pub(crate) const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "0001_initial",
        sqlite: include_str!("../migrations/sqlite/0001_initial.sql"),
        postgres: include_str!("../migrations/postgres/0001_initial.sql"),
    },
    Migration {
        version: 2,
        name: "0002_web_access",
        sqlite: include_str!("../migrations/sqlite/0002_web_access.sql"),
        postgres: include_str!("../migrations/postgres/0002_web_access.sql"),
    },
    Migration {
        version: 3,
        name: "0003_workload",
        sqlite: include_str!("../migrations/sqlite/0003_workload.sql"),
        postgres: include_str!("../migrations/postgres/0003_workload.sql"),
    },
    Migration {
        version: 4,
        name: "0004_handover_supervision",
        sqlite: include_str!("../migrations/sqlite/0004_handover_supervision.sql"),
        postgres: include_str!("../migrations/postgres/0004_handover_supervision.sql"),
    },
    Migration {
        version: 5,
        name: "0005_results_political_goals",
        sqlite: include_str!("../migrations/sqlite/0005_results_political_goals.sql"),
        postgres: include_str!("../migrations/postgres/0005_results_political_goals.sql"),
    },
];

/// The newest schema version this build knows.
pub(crate) fn supported_version() -> i64 {
    MIGRATIONS.last().map_or(0, |migration| migration.version)
}

/// Refuses a database migrated by a newer overblik.
pub(crate) fn check_not_newer(applied: &[i64]) -> Result<(), StoreError> {
    let supported = supported_version();
    match applied.iter().max() {
        Some(&found) if found > supported => Err(StoreError::NewerSchema { found, supported }),
        _ => Ok(()),
    }
}

/// The migrations not yet applied, oldest first.
pub(crate) fn pending(applied: &[i64]) -> Vec<&'static Migration> {
    MIGRATIONS
        .iter()
        .filter(|migration| !applied.contains(&migration.version))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_increase_and_names_carry_the_version() {
        for (position, migration) in MIGRATIONS.iter().enumerate() {
            assert_eq!(migration.version, position as i64 + 1);
            assert!(
                migration
                    .name
                    .starts_with(&format!("{:04}_", migration.version))
            );
            assert!(!migration.sqlite.trim().is_empty());
            assert!(!migration.postgres.trim().is_empty());
        }
    }

    #[test]
    fn a_newer_database_is_refused_and_pending_lists_the_rest() {
        assert!(check_not_newer(&[]).is_ok());
        assert!(check_not_newer(&[1]).is_ok());
        let error = check_not_newer(&[1, supported_version() + 1]).unwrap_err();
        assert!(
            matches!(error, StoreError::NewerSchema { found, .. } if found == supported_version() + 1)
        );
        assert_eq!(pending(&[]).len(), MIGRATIONS.len());
        assert!(pending(&[1]).iter().all(|migration| migration.version != 1));
    }
}
