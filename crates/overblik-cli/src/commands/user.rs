//! `overblik user`: the local accounts of the web application — add, reset a password, disable,
//! enable, list.
//!
//! Every change is written together with its audit entry in one transaction (`user.add`,
//! `user.reset`, `user.disable`, `user.enable`; object `user` / the username). A password is
//! never echoed, logged or audited: a generated one is printed once on stdout, one given on
//! stdin is only hashed. All input is checked before anything is written, so a refused command
//! leaves the users table as it was.

use std::io::BufRead;
use std::process::ExitCode;

use anyhow::{Context, bail};
use chrono::{DateTime, SubsecRound, Utc};
use clap::{Args, Subcommand};
use overblik_domain::access::{Anchor, Role};
use overblik_domain::{Value, format_cell};
use overblik_store::{AuditEntry, NewUser, Store, UserRecord};
use overblik_web::accounts::{self, Actor};
use overblik_web::password::{generate_password, hash_password};

use crate::store_args::StoreArgs;

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Opret en bruger. Uden --password-stdin dannes en adgangskode, der vises én gang.
    Add(AddArgs),
    /// Giv en bruger en ny adgangskode (dannet eller fra stdin); ophæver også en spærring.
    Reset(ResetArgs),
    /// Deaktivér en bruger, så den ikke kan logge ind.
    Disable(UsernameArg),
    /// Genaktivér en deaktiveret bruger.
    Enable(UsernameArg),
    /// Vis alle brugere med rolle, tilknytning, status og seneste login.
    List,
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// Brugernavn: 2-64 tegn blandt a-z, 0-9, punktum, bindestreg og understregning.
    #[arg(value_name = "BRUGERNAVN")]
    pub username: String,
    /// Navnet, som det vises i webudgaven.
    #[arg(long, value_name = "NAVN")]
    pub name: String,
    /// Rolle: caseworker, team_leader, head, controller, director, committee, administrator
    /// eller auditor.
    #[arg(long, value_name = "ROLLE")]
    pub role: String,
    /// Sagsbehandlerens staff_id i data (kræves for rollen caseworker).
    #[arg(long, value_name = "STAFF_ID")]
    pub staff: Option<String>,
    /// Enheden (unit_id i data), som en teamleder eller fagchef leder (kræves for team_leader
    /// og head).
    #[arg(long, value_name = "UNIT_ID")]
    pub unit: Option<String>,
    /// Læs adgangskoden fra første linje på stdin (mindst 12 tegn) i stedet for at danne en.
    #[arg(long)]
    pub password_stdin: bool,
}

#[derive(Debug, Args)]
pub struct ResetArgs {
    /// Brugeren, der får en ny adgangskode.
    #[arg(value_name = "BRUGERNAVN")]
    pub username: String,
    /// Læs den nye adgangskode fra første linje på stdin (mindst 12 tegn) i stedet for at danne
    /// en.
    #[arg(long)]
    pub password_stdin: bool,
}

#[derive(Debug, Args)]
pub struct UsernameArg {
    #[arg(value_name = "BRUGERNAVN")]
    pub username: String,
}

pub fn run(store_args: &StoreArgs, command: UserCommand) -> anyhow::Result<ExitCode> {
    match command {
        UserCommand::Add(args) => add(store_args, args),
        UserCommand::Reset(args) => reset(store_args, args),
        UserCommand::Disable(args) => set_disabled(store_args, &args.username, true),
        UserCommand::Enable(args) => set_disabled(store_args, &args.username, false),
        UserCommand::List => list(store_args),
    }
}

fn add(store_args: &StoreArgs, args: AddArgs) -> anyhow::Result<ExitCode> {
    check_username(&args.username)?;
    let name = args.name.trim();
    if !accounts::valid_display_name(name) {
        bail!("--name: navnet skal have 1-200 tegn og ingen kontroltegn");
    }
    let role = Role::from_code(&args.role).with_context(|| {
        let valid: Vec<String> = Role::ALL
            .iter()
            .map(|role| format!("{} ({})", role.code(), role.label_da()))
            .collect();
        format!(
            "--role: ukendt rolle `{}`; gyldige roller er {}",
            args.role,
            valid.join(", ")
        )
    })?;
    let (staff, unit) = check_anchor(role, args.staff.as_deref(), args.unit.as_deref())?;

    let mut store = store_args.open()?;
    if let Some(staff) = staff
        && !store.staff_exists(staff)?
    {
        bail!("--staff: der er ingen medarbejder med staff_id `{staff}` i data");
    }
    if let Some(unit) = unit
        && !store.unit_exists(unit)?
    {
        bail!("--unit: der er ingen enhed med unit_id `{unit}` i data");
    }
    if store.user_by_name(&args.username)?.is_some() {
        bail!("brugeren `{}` findes allerede", args.username);
    }
    let password = new_password(args.password_stdin)?;
    let hash = hash_password(password.text()).map_err(password_error(args.password_stdin))?;

    accounts::add(
        &mut store,
        Actor::default(),
        &NewUser {
            username: &args.username,
            display_name: name,
            role: role.code(),
            staff_id: staff,
            unit_id: unit,
            password_hash: &hash,
        },
    )?;
    println!(
        "Brugeren `{}` ({name}, {}{}) er oprettet.",
        args.username,
        role.label_da(),
        link_text(staff, unit).map_or_else(String::new, |link| format!(", {link}"))
    );
    password.print_once();
    Ok(ExitCode::SUCCESS)
}

fn reset(store_args: &StoreArgs, args: ResetArgs) -> anyhow::Result<ExitCode> {
    let mut store = store_args.open()?;
    existing_user(&mut store, &args.username)?;
    let password = new_password(args.password_stdin)?;
    let hash = hash_password(password.text()).map_err(password_error(args.password_stdin))?;
    let detail = if args.password_stdin {
        "password=stdin"
    } else {
        "password=generated"
    };
    if !accounts::reset_password(&mut store, Actor::default(), &args.username, &hash, detail)? {
        bail!("brugeren `{}` findes ikke", args.username);
    }
    println!(
        "Brugeren `{}` har fået en ny adgangskode; en eventuel spærring er ophævet.",
        args.username
    );
    password.print_once();
    Ok(ExitCode::SUCCESS)
}

fn set_disabled(
    store_args: &StoreArgs,
    username: &str,
    disabled: bool,
) -> anyhow::Result<ExitCode> {
    let mut store = store_args.open()?;
    let before = existing_user(&mut store, username)?;
    if !accounts::set_disabled(&mut store, Actor::default(), username, disabled)? {
        bail!("brugeren `{username}` findes ikke");
    }
    let state = if disabled { "deaktiveret" } else { "aktiv" };
    let already = if before.disabled == disabled {
        " (det var den allerede)"
    } else {
        ""
    };
    println!("Brugeren `{username}` er nu {state}{already}.");
    Ok(ExitCode::SUCCESS)
}

fn list(store_args: &StoreArgs) -> anyhow::Result<ExitCode> {
    let mut store = store_args.open()?;
    let users = store.users().context("kunne ikke læse brugerne")?;
    store
        .audit(&AuditEntry {
            object_type: Some("user"),
            detail: Some(&format!("users={}", users.len())),
            ..AuditEntry::new("user.list")
        })
        .context("kunne ikke skrive til revisionsloggen; listen vises ikke")?;
    let now = Utc::now();
    let rows = users
        .iter()
        .map(|user| {
            vec![
                user.username.clone(),
                user.display_name.clone(),
                Role::from_code(&user.role)
                    .map_or_else(|| user.role.clone(), |role| role.label_da().to_owned()),
                link_text(user.staff_id.as_deref(), user.unit_id.as_deref())
                    .unwrap_or_else(|| "-".to_owned()),
                status(user, now),
                user.last_login_at
                    .map_or_else(|| "aldrig".to_owned(), local),
            ]
        })
        .collect();
    let mut text = format!("Brugere ({})\n", users.len());
    crate::commands::deadlines::write_table(
        &mut text,
        &[
            "Brugernavn",
            "Navn",
            "Rolle",
            "Tilknytning",
            "Status",
            "Seneste login",
        ],
        rows,
    );
    crate::output::write_stdout(&text)?;
    Ok(ExitCode::SUCCESS)
}

/// 2-64 characters from a-z, 0-9, `.`, `-` and `_`.
fn check_username(username: &str) -> anyhow::Result<()> {
    if !accounts::valid_username(username) {
        bail!(
            "brugernavn: `{}` er ugyldigt; brug 2-64 tegn blandt a-z, 0-9, punktum, bindestreg og understregning",
            username.escape_debug()
        );
    }
    Ok(())
}

/// The link the role needs (`--staff` for a caseworker, `--unit` for a leader) and no other.
fn check_anchor<'a>(
    role: Role,
    staff: Option<&'a str>,
    unit: Option<&'a str>,
) -> anyhow::Result<(Option<&'a str>, Option<&'a str>)> {
    let (code, label) = (role.code(), role.label_da());
    match role.anchor() {
        Anchor::Staff => {
            if unit.is_some() {
                bail!(
                    "--unit: rollen {code} ({label}) knyttes til en medarbejder med --staff, ikke til en enhed"
                );
            }
            let staff = staff.with_context(|| {
                format!(
                    "--staff: rollen {code} ({label}) kræver --staff med sagsbehandlerens staff_id"
                )
            })?;
            Ok((Some(staff), None))
        }
        Anchor::Unit => {
            if staff.is_some() {
                bail!(
                    "--staff: rollen {code} ({label}) knyttes til den enhed, den leder, med --unit, ikke til en medarbejder"
                );
            }
            let unit = unit.with_context(|| {
                format!(
                    "--unit: rollen {code} ({label}) kræver --unit med den ledede enheds unit_id"
                )
            })?;
            Ok((None, Some(unit)))
        }
        Anchor::Municipality => {
            if staff.is_some() {
                bail!(
                    "--staff: rollen {code} ({label}) ser hele kommunen og knyttes ikke til en medarbejder"
                );
            }
            if unit.is_some() {
                bail!(
                    "--unit: rollen {code} ({label}) ser hele kommunen og knyttes ikke til en enhed"
                );
            }
            Ok((None, None))
        }
    }
}

/// The stored user called `username`, or a message naming it.
fn existing_user(store: &mut Store, username: &str) -> anyhow::Result<UserRecord> {
    store
        .user_by_name(username)?
        .with_context(|| format!("brugeren `{username}` findes ikke"))
}

/// A new password: read from stdin, or generated (and then shown once).
enum NewPassword {
    FromStdin(String),
    Generated(String),
}

impl NewPassword {
    fn text(&self) -> &str {
        match self {
            NewPassword::FromStdin(text) | NewPassword::Generated(text) => text,
        }
    }

    /// Prints a generated password, the only time it is ever shown; a supplied one never.
    fn print_once(&self) {
        if let NewPassword::Generated(password) = self {
            println!("Adgangskode: {password}");
            println!(
                "Adgangskoden vises kun denne ene gang. Giv den til brugeren ad en sikker vej (ikke i en mail eller chat), og bed brugeren skifte den."
            );
        }
    }
}

fn new_password(from_stdin: bool) -> anyhow::Result<NewPassword> {
    if !from_stdin {
        return Ok(NewPassword::Generated(generate_password()));
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("--password-stdin: kunne ikke læse adgangskoden fra stdin")?;
    let password = line.strip_suffix('\n').unwrap_or(&line);
    let password = password.strip_suffix('\r').unwrap_or(password);
    Ok(NewPassword::FromStdin(password.to_owned()))
}

/// Names the source of a refused password in the message.
fn password_error(
    from_stdin: bool,
) -> impl FnOnce(overblik_web::password::PasswordError) -> anyhow::Error {
    move |error| {
        if from_stdin {
            anyhow::anyhow!("--password-stdin: {error}")
        } else {
            anyhow::anyhow!("{error}")
        }
    }
}

/// "medarbejder S1" / "enhed U3".
fn link_text(staff: Option<&str>, unit: Option<&str>) -> Option<String> {
    match (staff, unit) {
        (Some(staff), Some(unit)) => Some(format!("medarbejder {staff}, enhed {unit}")),
        (Some(staff), None) => Some(format!("medarbejder {staff}")),
        (None, Some(unit)) => Some(format!("enhed {unit}")),
        (None, None) => None,
    }
}

fn status(user: &UserRecord, now: DateTime<Utc>) -> String {
    match user.locked_until {
        _ if user.disabled => "deaktiveret".to_owned(),
        Some(until) if user.is_locked_at(now) => format!("spærret til {}", local(until)),
        _ => "aktiv".to_owned(),
    }
}

/// An instant in Danish local time, to the second (`2025-03-01T14:05:00+01:00`).
fn local(instant: DateTime<Utc>) -> String {
    format_cell(&Value::Timestamp(instant.trunc_subsecs(0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_short_lowercase_words() {
        for good in ["ab", "anna.hansen", "a-b_c.9", &"x".repeat(64)] {
            assert!(check_username(good).is_ok(), "{good}");
        }
        for bad in [
            "a",
            "",
            "Anna",
            "anna hansen",
            "æble",
            "a/b",
            &"x".repeat(65),
        ] {
            assert!(check_username(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn each_role_needs_its_own_link_and_no_other() {
        assert!(check_anchor(Role::Caseworker, Some("S1"), None).is_ok());
        assert!(check_anchor(Role::Caseworker, None, None).is_err());
        assert!(check_anchor(Role::Caseworker, Some("S1"), Some("U1")).is_err());
        assert!(check_anchor(Role::TeamLeader, None, Some("U1")).is_ok());
        assert!(check_anchor(Role::Head, Some("S1"), Some("U1")).is_err());
        assert!(check_anchor(Role::Director, None, None).is_ok());
        assert!(check_anchor(Role::Auditor, None, Some("U1")).is_err());
    }
}
