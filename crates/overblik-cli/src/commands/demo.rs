//! `overblik demo`: a synthetic mid-size municipality (five years ending today) in a local
//! SQLite file, demo users for every role, then the web server.
//!
//! A demo database that already holds data is reused as it is, so a second start is quick.
//! The demo caseworker, team leader and head are linked to the data: the caseworker with the
//! most cases (preferably one with overdue deadlines, in a team where other caseworkers have
//! cases too, so there is something to see on every level), that caseworker's team, and the
//! department above it.

use std::collections::{HashMap, HashSet};
use std::net::{SocketAddr, TcpListener};
use std::process::ExitCode;

use anyhow::Context;
use chrono::NaiveDate;
use clap::Args;
use overblik_domain::Snapshot;
use overblik_domain::codes::{OrgUnitKind, StaffRole};
use overblik_domain::figures::Context as FigureContext;
use overblik_domain::figures::caseload::{absent_at_t, is_open_on};
use overblik_domain::obligations::{AsOf, evaluate};
use overblik_domain::rules::RuleSet;
use overblik_ingest::{ExportFormat, Source};
use overblik_store::{NewUser, Store};
use overblik_synth::Params;
use overblik_web::password::hash_password;

use crate::commands::serve::serve_until_ctrl_c;
use crate::import_run::{format_summary, import_generated};
use crate::rules_args::RulesArgs;
use crate::store_args::{DEFAULT_DATABASE, StoreArgs};

/// The database the demo uses unless `--database` names another.
const DEMO_DATABASE: &str = "sqlite://overblik-demo.db";

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Adresse og port, serveren lytter på (er porten optaget, bruges en ledig).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Antal indbyggere i demo-kommunen.
    #[arg(long, default_value_t = 50_000)]
    pub inhabitants: u32,
    /// Antal år med data (til og med i dag).
    #[arg(long, default_value_t = 5)]
    pub years: u32,
    /// Indlæs data og opret brugere, men start ikke serveren.
    #[arg(long)]
    pub no_serve: bool,
}

/// One demo user per role: username, display name, role code. The password is
/// `demo-<username>`, so every username has at least 7 characters (the minimum length).
const USERS: [(&str, &str, &str); 8] = [
    ("sagsbehandler", "Demo sagsbehandler", "caseworker"),
    ("teamleder", "Demo teamleder", "team_leader"),
    ("fagchef", "Demo fagchef", "head"),
    ("controller", "Demo controller", "controller"),
    ("direktoer", "Demo direktør", "director"),
    ("udvalgsmedlem", "Demo udvalgsmedlem", "committee"),
    ("administrator", "Demo administrator", "administrator"),
    ("revisor", "Demo revisor", "auditor"),
];

pub fn run(
    store_args: &StoreArgs,
    rules_args: &RulesArgs,
    args: DemoArgs,
) -> anyhow::Result<ExitCode> {
    let rules = rules_args.load()?;
    let database = if store_args.database == DEFAULT_DATABASE {
        DEMO_DATABASE.to_owned()
    } else {
        store_args.database.clone()
    };
    let mut store =
        Store::open(&database, &store_args.keys()).context("kunne ikke åbne demodatabasen")?;
    let today = crate::clock::today();
    let stored: u64 = store.row_counts()?.iter().map(|(_, n)| n).sum();
    let snapshot = if stored > 0 {
        println!(
            "Demodatabasen {} har allerede data ({stored} rækker); de genbruges. Slet filen for at danne nye.",
            overblik_store::redact_url(&database)
        );
        store.load_snapshot()?
    } else {
        let params = Params {
            name: "Demokommune".to_owned(),
            ..Params::sized(args.inhabitants, args.years, 2026, today)
        };
        params.validate()?;
        println!(
            "Danner Demokommune: {} indbyggere, {} år til og med {today} …",
            params.inhabitants, params.years
        );
        let snapshot = overblik_synth::generate(&params);
        let workdir = tempfile::Builder::new()
            .prefix("overblik-demo-")
            .tempdir()
            .context("kunne ikke oprette en midlertidig mappe")?;
        let data_dir = workdir.path().join("data");
        overblik_ingest::export(ExportFormat::Csv, &data_dir, &mut &snapshot)
            .context("kunne ikke skrive demodata")?;
        let summary = import_generated(&mut store, &Source::open(&data_dir)?, today)?;
        print!("{}", format_summary(&summary));
        // The import round trip is lossless (tested), so the generated data is what is stored.
        snapshot
    };
    println!(
        "{}",
        crate::commands::deadlines::overview(&snapshot, &rules, today)
    );
    let logins = demo_users(&mut store, &DemoLinks::find(&snapshot, &rules, today))?;
    let listener = if args.no_serve {
        None
    } else {
        Some(listen_on(args.listen)?)
    };
    println!();
    println!("Demodatabase: {}", overblik_store::redact_url(&database));
    if let Some(listener) = &listener {
        println!("Adresse: http://{}/", listener.local_addr()?);
    }
    println!("Logins (demo; kun til afprøvning):");
    println!(
        "  {:<15} {:<20} {:<15} tilknytning",
        "brugernavn", "adgangskode", "rolle"
    );
    for login in &logins {
        let line = format!(
            "  {:<15} {:<20} {:<15} {}",
            login.username, login.password, login.role, login.link
        );
        println!("{}", line.trim_end());
    }
    if let Some(listener) = listener {
        serve_until_ctrl_c(
            listener,
            &database,
            store_args.keys(),
            rules,
            overblik_web::WebConfig::default(),
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

/// A demo login as printed.
struct Login {
    username: &'static str,
    password: String,
    role: &'static str,
    /// "medarbejder S1", "enhed U3" or "".
    link: String,
}

/// Creates (or refreshes) one user per role, the caseworker, team leader and head linked to
/// the data.
fn demo_users(store: &mut Store, links: &DemoLinks) -> anyhow::Result<Vec<Login>> {
    let mut logins = Vec::new();
    for (username, display_name, role) in USERS {
        let password = format!("demo-{username}");
        let hash = hash_password(&password)?;
        let (staff_id, unit_id) = match role {
            "caseworker" => (links.caseworker.as_deref(), None),
            "team_leader" => (None, links.team.as_deref()),
            "head" => (None, links.department.as_deref()),
            _ => (None, None),
        };
        store.upsert_user(&NewUser {
            username,
            display_name,
            role,
            staff_id,
            unit_id,
            password_hash: &hash,
        })?;
        let link = match (staff_id, unit_id) {
            (Some(staff), _) => format!("medarbejder {staff}"),
            (_, Some(unit)) => format!("enhed {unit}"),
            _ => String::new(),
        };
        logins.push(Login {
            username,
            password,
            role,
            link,
        });
    }
    Ok(logins)
}

/// What the demo caseworker, team leader and head are linked to.
#[derive(Debug, Default, PartialEq, Eq)]
struct DemoLinks {
    /// The caseworker (staff role `caseworker`) with the most cases assigned at `today`,
    /// preferring one in a children's team who is not absent today, in a team where another
    /// caseworker has cases too, then one with at least one overdue obligation.
    caseworker: Option<String>,
    /// That caseworker's unit (a team).
    team: Option<String>,
    /// The department above the team (else the team's parent, else the team).
    department: Option<String>,
}

impl DemoLinks {
    fn find(snapshot: &Snapshot, rules: &RuleSet, today: NaiveDate) -> DemoLinks {
        let as_of = AsOf::end_of(today);
        let evaluation = evaluate(snapshot, rules, as_of);
        // The figures' view of the day: who holds each case, who is absent.
        let sources = overblik_domain::sources::Sources::all_present();
        let Ok(ctx) = FigureContext::new(snapshot, &sources, &evaluation, as_of, None) else {
            return DemoLinks::default();
        };
        let with_overdue: HashSet<u32> = evaluation
            .obligations
            .iter()
            .filter(|obligation| obligation.is_red())
            .filter_map(|obligation| obligation.responsible)
            .collect();
        // Who holds each open case at `today`, and who held it last.
        let lookup = &ctx.lookup;
        let open = (0..snapshot.cases.len()).filter(|&c| is_open_on(&snapshot.cases[c], today));
        let mut cases: HashMap<&str, usize> = HashMap::new();
        let mut with_unassigned: HashSet<&str> = HashSet::new();
        for c in open {
            match (lookup.assigned_at_t[c], lookup.last_assigned[c]) {
                (Some(staff), _) => {
                    *cases
                        .entry(snapshot.staff[staff as usize].staff_id.as_str())
                        .or_default() += 1
                }
                // Teams whose open cases include some without a caseworker now (by the last
                // one who held them): the team leader then has cases to distribute.
                (None, Some(last)) => {
                    with_unassigned.insert(snapshot.staff[last as usize].unit_id.as_str());
                }
                (None, None) => {}
            }
        }
        // Caseworkers with cases per team: the team leader should see more than one.
        let mut busy_in_team: HashMap<&str, usize> = HashMap::new();
        for staff in &snapshot.staff {
            if staff.role == StaffRole::Caseworker && cases.contains_key(staff.staff_id.as_str()) {
                *busy_in_team.entry(staff.unit_id.as_str()).or_default() += 1;
            }
        }
        // Who is absent today (the figures' rule): a demo caseworker should be at work.
        let absent = absent_at_t(&ctx);
        // Children's teams: the product's main users, and the demo's walk-through is of
        // children's cases (the synthetic adult team can be the busier one on a given day).
        let children_teams: HashSet<&str> = snapshot
            .org_units
            .iter()
            .filter(|unit| unit.team_type == Some(overblik_domain::codes::TeamType::Children))
            .map(|unit| unit.unit_id.as_str())
            .collect();
        // Preferably in a children's team, in a team where others have cases too, with cases
        // to distribute and with overdue deadlines; then the most cases; the smallest staff id
        // among equals (stable across runs).
        let caseworker = snapshot
            .staff
            .iter()
            .enumerate()
            .filter(|(_, staff)| staff.role == StaffRole::Caseworker)
            .max_by_key(|(index, staff)| {
                let id = staff.staff_id.as_str();
                (
                    children_teams.contains(staff.unit_id.as_str()),
                    cases.contains_key(id) && !absent[*index],
                    busy_in_team
                        .get(staff.unit_id.as_str())
                        .copied()
                        .unwrap_or(0)
                        >= 2,
                    with_unassigned.contains(staff.unit_id.as_str()),
                    with_overdue.contains(&(*index as u32)),
                    cases.get(id).copied().unwrap_or(0),
                    std::cmp::Reverse(id),
                )
            })
            .map(|(_, staff)| staff);
        let Some(caseworker) = caseworker else {
            return DemoLinks::default();
        };
        let team = caseworker.unit_id.as_str();
        let units: HashMap<&str, &overblik_domain::tables::OrgUnit> = snapshot
            .org_units
            .iter()
            .map(|unit| (unit.unit_id.as_str(), unit))
            .collect();
        let parent_of = |id: &str| {
            units
                .get(id)
                .and_then(|unit| unit.parent_id.as_ref())
                .map(|parent| parent.as_str())
        };
        let mut department = None;
        let mut next = parent_of(team);
        // Bounded: a cycle in the data cannot hang the demo.
        for _ in 0..units.len() {
            let Some(id) = next else { break };
            if units
                .get(id)
                .is_some_and(|unit| unit.kind == OrgUnitKind::Department)
            {
                department = Some(id);
                break;
            }
            next = parent_of(id);
        }
        let department = department.or_else(|| parent_of(team)).unwrap_or(team);
        DemoLinks {
            caseworker: Some(caseworker.staff_id.as_str().to_owned()),
            team: Some(team.to_owned()),
            department: Some(department.to_owned()),
        }
    }
}

/// A listener on `wanted` if it can be bound, else on a free port of the same address. The
/// listener is handed to the server as it is, so no other program can take the port in between.
fn listen_on(wanted: SocketAddr) -> anyhow::Result<TcpListener> {
    if let Ok(listener) = TcpListener::bind(wanted) {
        return Ok(listener);
    }
    let listener = TcpListener::bind(SocketAddr::new(wanted.ip(), 0))
        .with_context(|| format!("kunne ikke finde en ledig port på {}", wanted.ip()))?;
    println!(
        "Port {} er optaget; bruger {}.",
        wanted.port(),
        listener.local_addr()?
    );
    Ok(listener)
}

#[cfg(test)]
mod tests {
    use super::*;
    use overblik_domain::codes::TeamType;

    /// The demo's users are linked to data that shows something on every date a demo (or the
    /// test server) may be started on: DST days, a leap day, the year's last day, a Monday in
    /// ISO week 1, a public holiday.
    #[test]
    fn the_demo_users_are_linked_to_a_working_children_team_on_any_date() {
        let rules = RuleSet::embedded();
        let dates = [
            "2024-01-01", // a Monday in ISO week 1
            "2024-02-29", // leap day
            "2024-03-31", // DST starts
            "2024-10-27", // DST ends
            "2025-03-30", // DST starts
            "2025-06-05", // Grundlovsdag
            "2025-10-26", // DST ends
            "2025-12-24",
            "2025-12-31",
            "2026-11-30", // the test server's day
        ];
        for date in dates {
            let today: NaiveDate = date.parse().unwrap();
            let snapshot = overblik_synth::generate(&Params::sized(8000, 2, 2026, today));
            let links = DemoLinks::find(&snapshot, &rules, today);
            let staff_id = links.caseworker.as_deref().expect("a demo caseworker");
            let (row, staff) = snapshot
                .staff
                .iter()
                .enumerate()
                .find(|(_, s)| s.staff_id.as_str() == staff_id)
                .unwrap();
            let team = links.team.as_deref().unwrap();
            assert_eq!(staff.unit_id.as_str(), team, "{date}");
            let unit = |id: &str| {
                snapshot
                    .org_units
                    .iter()
                    .find(|u| u.unit_id.as_str() == id)
                    .unwrap()
            };
            assert_eq!(unit(team).team_type, Some(TeamType::Children), "{date}");
            // Cases of their own today, and at work.
            let evaluation = overblik_domain::obligations::Evaluation::default();
            let sources = overblik_domain::sources::Sources::all_present();
            let ctx =
                FigureContext::new(&snapshot, &sources, &evaluation, AsOf::end_of(today), None)
                    .unwrap();
            let own = overblik_domain::figures::caseload::open_cases_of(&ctx, row as u32).count();
            assert!(own > 0, "{date}: the demo caseworker has no open case");
            assert!(
                !absent_at_t(&ctx)[row],
                "{date}: the demo caseworker is absent"
            );
            // The head's department is above the team.
            let department = links.department.as_deref().unwrap();
            assert_eq!(unit(department).kind, OrgUnitKind::Department, "{date}");
            assert_eq!(
                unit(team).parent_id.as_ref().map(|p| p.as_str()),
                Some(department),
                "{date}"
            );
        }
    }
}
