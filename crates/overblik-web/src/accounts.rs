//! Changes to user accounts, each written together with its audit entry in one transaction, so
//! no change goes unrecorded. The CLI's `overblik user` and the administrator's page both go
//! through here; they differ only in how they ask and answer.

use overblik_store::{AuditEntry, NewUser, Store, StoreError};

/// Who makes the change: a web user (id and client address) or the CLI (neither; the
/// operating system's account is the actor).
#[derive(Debug, Clone, Copy, Default)]
pub struct Actor<'a> {
    pub user_id: Option<i64>,
    pub client: Option<&'a str>,
}

/// Usernames are 2-64 characters from a-z, 0-9, `.`, `-` and `_`.
pub fn valid_username(username: &str) -> bool {
    (2..=64).contains(&username.chars().count())
        && username
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-' | '_'))
}

/// Display names are 1-200 characters (after trimming) without control characters.
pub fn valid_display_name(name: &str) -> bool {
    let name = name.trim();
    !name.is_empty() && name.chars().count() <= 200 && !name.chars().any(char::is_control)
}

fn record(
    store: &mut Store,
    actor: Actor<'_>,
    action: &'static str,
    username: &str,
    detail: Option<&str>,
) -> Result<(), StoreError> {
    store
        .audit(&AuditEntry {
            user_id: actor.user_id,
            object_type: Some("user"),
            object_id: Some(username),
            detail,
            client: actor.client,
            ..AuditEntry::new(action)
        })
        .map(|_| ())
}

/// Creates `user` (refused with `StoreError::UserExists` if the name is taken); audited as
/// `user.add` with the role and link.
pub fn add(store: &mut Store, actor: Actor<'_>, user: &NewUser<'_>) -> Result<i64, StoreError> {
    let link = match (user.staff_id, user.unit_id) {
        (Some(staff), _) => format!(" staff={staff}"),
        (_, Some(unit)) => format!(" unit={unit}"),
        _ => String::new(),
    };
    let detail = format!("role={}{link}", user.role);
    store.transaction(|store| {
        let id = store.add_user(user)?;
        record(store, actor, "user.add", user.username, Some(&detail))?;
        Ok(id)
    })
}

/// Sets a new password hash (which also lifts a lockout); audited as `user.reset` with
/// `detail` (how the password was made). `false`, and nothing written, when there is no such
/// user.
pub fn reset_password(
    store: &mut Store,
    actor: Actor<'_>,
    username: &str,
    password_hash: &str,
    detail: &str,
) -> Result<bool, StoreError> {
    store.transaction(|store| {
        if !store.set_password(username, password_hash)? {
            return Ok(false);
        }
        record(store, actor, "user.reset", username, Some(detail))?;
        Ok(true)
    })
}

/// Disables or enables `username`; audited as `user.disable` / `user.enable`. `false`, and
/// nothing written, when there is no such user.
pub fn set_disabled(
    store: &mut Store,
    actor: Actor<'_>,
    username: &str,
    disabled: bool,
) -> Result<bool, StoreError> {
    let action = if disabled {
        "user.disable"
    } else {
        "user.enable"
    };
    store.transaction(|store| {
        if !store.set_disabled(username, disabled)? {
            return Ok(false);
        }
        record(store, actor, action, username, None)?;
        Ok(true)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_have_no_control_characters() {
        assert!(valid_display_name(" Anne Hansen "));
        assert!(!valid_display_name("   "));
        assert!(!valid_display_name("Anne\u{7}"));
        assert!(!valid_display_name(&"x".repeat(201)));
    }
}
