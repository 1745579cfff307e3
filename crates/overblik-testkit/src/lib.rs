#![doc = include_str!("../README.md")]

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

use chrono::{Days, NaiveDate};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// How much data to write.
#[derive(Debug, Clone, Copy)]
pub struct BulkParams {
    pub seed: u64,
    /// Number of persons; every person brings about 20 rows in other tables.
    pub persons: usize,
}

/// Rows written per file, in the order the files were written.
#[derive(Debug, Clone, Default)]
pub struct BulkStats {
    pub files: Vec<(&'static str, u64)>,
}

impl BulkStats {
    pub fn total_rows(&self) -> u64 {
        self.files.iter().map(|(_, rows)| rows).sum()
    }
}

const TEAMS: usize = 6;
const STAFF_PER_TEAM: usize = 12;
const PROVIDERS: usize = 25;
const FIRST_DAY: NaiveDate = NaiveDate::from_ymd_opt(2016, 1, 1).unwrap();
const SPAN_DAYS: u64 = 3600;
const MEASURE_TYPES: &[&str] = &[
    "placement_kinship_foster",
    "placement_foster_family",
    "placement_residential_institution",
    "placement_socio_educational",
    "home_support",
    "family_treatment",
    "respite_care",
    "contact_person",
    "aftercare",
    "other_support",
];
const NOTIFIERS: &[&str] = &[
    "school",
    "daycare",
    "health",
    "police",
    "social_services",
    "parent_family",
    "citizen",
    "anonymous",
];
const SEVERITIES: &[&str] = &["acute", "serious", "concern"];

/// One CSV file being written, counting its rows.
struct Table {
    name: &'static str,
    out: BufWriter<File>,
    rows: u64,
}

impl Table {
    fn create(dir: &Path, name: &'static str, header: &str) -> io::Result<Self> {
        let mut out =
            BufWriter::with_capacity(1 << 16, File::create(dir.join(format!("{name}.csv")))?);
        writeln!(out, "{header}")?;
        Ok(Self { name, out, rows: 0 })
    }

    fn row(&mut self, line: std::fmt::Arguments<'_>) -> io::Result<()> {
        self.rows += 1;
        self.out.write_fmt(line)?;
        self.out.write_all(b"\n")
    }

    fn finish(mut self, stats: &mut BulkStats) -> io::Result<()> {
        self.out.flush()?;
        stats.files.push((self.name, self.rows));
        Ok(())
    }
}

fn day(rng: &mut StdRng) -> NaiveDate {
    FIRST_DAY + Days::new(rng.random_range(0..SPAN_DAYS))
}

fn after(date: NaiveDate, rng: &mut StdRng, max_days: u64) -> NaiveDate {
    date + Days::new(rng.random_range(0..=max_days))
}

fn pick<'a>(rng: &mut StdRng, items: &[&'a str]) -> &'a str {
    items[rng.random_range(0..items.len())]
}

/// `value` or an empty cell, one time in `one_in`.
fn sometimes<T: std::fmt::Display>(rng: &mut StdRng, one_in: u32, value: T) -> String {
    if rng.random_range(0..one_in) == 0 {
        String::new()
    } else {
        value.to_string()
    }
}

/// A synthetic CPR number for `birth`: sequence 4000-4999 with the century digit that fits.
fn synthetic_cpr(birth: NaiveDate, rng: &mut StdRng) -> String {
    use chrono::Datelike;
    let century_digit = if birth.year() >= 2000 { 4 } else { 2 };
    format!(
        "{}{century_digit}{:03}",
        birth.format("%d%m%y"),
        rng.random_range(0..1000)
    )
}

/// A timestamp on `date` in one of the accepted spellings, now and then moved to a DST night;
/// returns the day it fell on and its text.
fn timestamp(date: NaiveDate, rng: &mut StdRng) -> (NaiveDate, String) {
    let (hour, minute) = (rng.random_range(7..17), rng.random_range(0..60));
    let on = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    match rng.random_range(0..20) {
        0 => (on(2025, 10, 26), "2025-10-26T02:30:00+01:00".to_owned()),
        1 => (on(2025, 3, 30), "2025-03-30T03:15:00+02:00".to_owned()),
        2..=8 => (date, format!("{date} {hour:02}:{minute:02}")),
        9..=12 => (date, format!("{date}T{hour:02}:{minute:02}:00Z")),
        _ => (date, format!("{date}T{hour:02}:{minute:02}:00")),
    }
}

/// Writes a complete, valid data set (all 23 tables) into `dir`, which must exist.
pub fn write_dataset(dir: &Path, params: BulkParams) -> io::Result<BulkStats> {
    let mut rng = StdRng::seed_from_u64(params.seed);
    let mut stats = BulkStats::default();
    let staff_count = TEAMS * STAFF_PER_TEAM;

    let mut units = Table::create(
        dir,
        "org_units",
        "unit_id,parent_id,name,kind,team_type,valid_from,valid_to",
    )?;
    units.row(format_args!("M,,Bulk Kommune,municipality,,,"))?;
    units.row(format_args!("D,M,Børn og Familie,department,,2016-01-01,"))?;
    for team in 0..TEAMS {
        let kind = [
            "reception",
            "investigation",
            "children",
            "youth",
            "disability",
            "placement",
        ][team];
        units.row(format_args!(
            "T{team},D,Team {team},team,{kind},2016-01-01,"
        ))?;
    }
    units.finish(&mut stats)?;

    let mut staff = Table::create(
        dir,
        "staff",
        "staff_id,name,unit_id,role,fte,capacity_points,start_date,end_date",
    )?;
    let mut absences = Table::create(dir, "absences", "staff_id,from_date,to_date,kind")?;
    for s in 0..staff_count {
        let role = if s % STAFF_PER_TEAM == 0 {
            "team_leader"
        } else {
            "caseworker"
        };
        let fte = ["1", "0.8", "1", "0.5"][s % 4];
        let start = day(&mut rng);
        staff.row(format_args!(
            "S{s},Medarbejder {s},T{},{role},{fte},{},{start},",
            s / STAFF_PER_TEAM,
            30 + s % 10
        ))?;
        if s % 3 == 0 {
            let from = after(start, &mut rng, 300);
            absences.row(format_args!(
                "S{s},{from},{},sick",
                after(from, &mut rng, 20)
            ))?;
        }
    }
    staff.finish(&mut stats)?;
    absences.finish(&mut stats)?;

    let mut providers = Table::create(dir, "providers", "provider_id,name,internal,kind")?;
    for p in 0..PROVIDERS {
        providers.row(format_args!(
            "L{p},Leverandør {p},{},{}",
            p % 3 == 0,
            ["opholdssted", "plejefamilie", "ambulant"][p % 3]
        ))?;
    }

    let mut persons = Table::create(dir, "persons", "person_id,cpr,birth_date,sex,district")?;
    let mut cases = Table::create(
        dir,
        "cases",
        "case_id,person_id,area,opened_at,closed_at,closing_reason,weight",
    )?;
    let mut assignments = Table::create(dir, "assignments", "case_id,staff_id,from_date,to_date")?;
    let mut notifications = Table::create(
        dir,
        "notifications",
        "notification_id,person_id,case_id,received_at,notifier_type,professional,severity,assessed_at,receipt_sent_at,outcome,outcome_at,feedback_sent_at",
    )?;
    let mut investigations = Table::create(
        dir,
        "investigations",
        "investigation_id,case_id,aware_at,decided_at,preliminary_assessment_at,completed_at,child_conversation_at",
    )?;
    let mut measures = Table::create(
        dir,
        "measures",
        "measure_id,case_id,measure_type,legal_basis,provider_id,start_date,planned_end_date,end_date,end_reason,daily_rate",
    )?;
    let mut decisions = Table::create(
        dir,
        "decisions",
        "decision_id,case_id,decided_at,kind,subject,legal_basis,measure_id,consent,child_conversation_at",
    )?;
    let mut plans = Table::create(dir, "plans", "plan_id,case_id,created_at,measure_id")?;
    let mut visits = Table::create(
        dir,
        "visits",
        "visit_id,case_id,measure_id,visited_at,child_conversation",
    )?;
    let mut applications = Table::create(
        dir,
        "applications",
        "application_id,case_id,received_at,legal_basis,notice_sent_at,decided_at",
    )?;
    let mut goals = Table::create(dir, "goals", "goal_id,plan_id,category,set_at,closed_at")?;
    let mut followups = Table::create(
        dir,
        "followups",
        "followup_id,case_id,measure_id,held_at,child_conversation,next_due",
    )?;
    let mut goal_scores = Table::create(dir, "goal_scores", "goal_id,followup_id,score")?;
    let mut risks = Table::create(
        dir,
        "risk_assessments",
        "assessment_id,case_id,assessed_at,staff_id,event,probability,outcome",
    )?;
    let mut payments = Table::create(
        dir,
        "payments",
        "payment_id,case_id,measure_id,account,month,amount",
    )?;
    let mut waiting = Table::create(
        dir,
        "waiting_list",
        "entry_id,person_id,offer_type,listed_at,left_at,left_reason",
    )?;
    let mut complaints = Table::create(
        dir,
        "complaints",
        "complaint_id,decision_id,received_at,personal_contact_at,resolved_at,outcome,appeal_outcome",
    )?;

    for p in 0..params.persons {
        let birth =
            NaiveDate::from_ymd_opt(2000, 1, 1).unwrap() + Days::new(rng.random_range(0..8000));
        let cpr = if p % 4 == 0 {
            String::new()
        } else {
            synthetic_cpr(birth, &mut rng)
        };
        persons.row(format_args!(
            "P{p},{cpr},{birth},{},{}",
            pick(&mut rng, &["F", "M", "U"]),
            sometimes(&mut rng, 3, "Nord")
        ))?;

        let adult = p % 10 == 9;
        let opened = day(&mut rng);
        let closed = (rng.random_range(0..3) == 0).then(|| after(opened, &mut rng, 900));
        let closed_text = closed.map(|d| d.to_string()).unwrap_or_default();
        let area = if adult { "adults" } else { "children" };
        cases.row(format_args!(
            "C{p},P{p},{area},{opened},{closed_text},{},{}",
            if closed.is_some() { "afsluttet" } else { "" },
            sometimes(&mut rng, 2, 1 + p % 3)
        ))?;

        let worker = rng.random_range(0..staff_count);
        if rng.random_range(0..4) == 0 {
            let handover = after(opened, &mut rng, 200);
            assignments.row(format_args!("C{p},S{worker},{opened},{handover}"))?;
            assignments.row(format_args!(
                "C{p},S{},{},",
                (worker + 1) % staff_count,
                handover + Days::new(1 + rng.random_range(0..30))
            ))?;
        } else {
            assignments.row(format_args!("C{p},S{worker},{opened},"))?;
        }

        if adult {
            let received = after(opened, &mut rng, 30);
            let decided = after(received, &mut rng, 60);
            applications.row(format_args!(
                "A{p},C{p},{received},SEL § 85,,{}",
                sometimes(&mut rng, 3, decided)
            ))?;
            continue;
        }
        for n in 0..2 {
            let (received_on, received) = timestamp(after(opened, &mut rng, 300), &mut rng);
            let receipt = format!("{}T09:00:00+01:00", received_on + Days::new(1));
            notifications.row(format_args!(
                "N{p}-{n},P{p},{},{received},{},{},{},{},,{},,",
                sometimes(&mut rng, 4, format!("C{p}")),
                pick(&mut rng, NOTIFIERS),
                rng.random_bool(0.7),
                pick(&mut rng, SEVERITIES),
                sometimes(&mut rng, 5, receipt),
                sometimes(&mut rng, 3, "advice"),
            ))?;
        }
        if p % 2 == 0 {
            let aware = after(opened, &mut rng, 20);
            let completed = after(aware, &mut rng, 200);
            investigations.row(format_args!(
                "U{p},C{p},{aware},{aware},,{},",
                sometimes(&mut rng, 3, completed)
            ))?;
        }
        let start = after(opened, &mut rng, 60);
        let measure_type = pick(&mut rng, MEASURE_TYPES);
        let rate = format!(
            "{}.{:02}",
            rng.random_range(300..4000),
            rng.random_range(0..100)
        );
        let planned_end = after(start, &mut rng, 700);
        measures.row(format_args!(
            "I{p},C{p},{measure_type},BL § 32,L{},{start},{},,,{}",
            p % PROVIDERS,
            sometimes(&mut rng, 2, planned_end),
            sometimes(&mut rng, 5, rate),
        ))?;
        decisions.row(format_args!(
            "B{p},C{p},{start},grant,measure,BL § 32,I{p},{},",
            sometimes(&mut rng, 2, "ja")
        ))?;
        if p % 2 == 0 {
            plans.row(format_args!("H{p},C{p},{start},I{p}"))?;
            goals.row(format_args!("G{p},H{p},school,{start},"))?;
            let held = after(start, &mut rng, 120);
            followups.row(format_args!(
                "O{p},C{p},I{p},{held},{},{}",
                rng.random_bool(0.5),
                after(held, &mut rng, 180)
            ))?;
            goal_scores.row(format_args!("G{p},O{p},{}", rng.random_range(0..=10)))?;
        }
        if measure_type.starts_with("placement") {
            visits.row(format_args!(
                "V{p},C{p},I{p},{},true",
                after(start, &mut rng, 100)
            ))?;
        }
        if p % 5 == 0 {
            risks.row(format_args!(
                "R{p},C{p},{start},S{worker},renotification_12m,0.{:02},",
                rng.random_range(0..100)
            ))?;
        }
        for m in 0..8 {
            let month = start + chrono::Months::new(m);
            let amount = if m == 7 && p % 7 == 0 {
                "-1250.50".to_owned()
            } else {
                format!(
                    "{}.{:02}",
                    rng.random_range(1000..60000),
                    rng.random_range(0..100)
                )
            };
            payments.row(format_args!(
                "Y{p}-{m},C{p},I{p},5.28.21,{},{amount}",
                month.format("%Y-%m")
            ))?;
        }
        if p % 10 == 0 {
            waiting.row(format_args!("W{p},P{p},familiebehandling,{start},,"))?;
            complaints.row(format_args!("K{p},B{p},{},,,,", after(start, &mut rng, 30)))?;
        }
    }
    for table in [
        providers,
        persons,
        cases,
        assignments,
        notifications,
        investigations,
        measures,
        decisions,
        plans,
        visits,
        applications,
        goals,
        followups,
        goal_scores,
        risks,
        payments,
        waiting,
        complaints,
    ] {
        table.finish(&mut stats)?;
    }

    let mut budgets = Table::create(
        dir,
        "budgets",
        "year,unit_id,account,measure_type,amount,planned_full_year_persons",
    )?;
    let mut population = Table::create(dir, "population", "year,age,count")?;
    for year in 2016..=2026 {
        budgets.row(format_args!(
            "{year},D,5.28.21,,{}.00,",
            rng.random_range(1_000_000..9_000_000)
        ))?;
        budgets.row(format_args!(
            "{year},D,5.28.21,placement_foster_family,{}.50,{}",
            rng.random_range(100_000..900_000),
            rng.random_range(5..50)
        ))?;
        for age in 0..=22 {
            population.row(format_args!("{year},{age},{}", rng.random_range(50..1000)))?;
        }
    }
    budgets.finish(&mut stats)?;
    population.finish(&mut stats)?;
    Ok(stats)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_files_and_another_seed_differs() {
        let (a, b, c) = (tempdir(), tempdir(), tempdir());
        write_dataset(
            &a,
            BulkParams {
                seed: 7,
                persons: 50,
            },
        )
        .unwrap();
        write_dataset(
            &b,
            BulkParams {
                seed: 7,
                persons: 50,
            },
        )
        .unwrap();
        write_dataset(
            &c,
            BulkParams {
                seed: 8,
                persons: 50,
            },
        )
        .unwrap();
        let read = |dir: &Path| std::fs::read(dir.join("notifications.csv")).unwrap();
        assert_eq!(read(&a), read(&b));
        assert_ne!(read(&a), read(&c));
        for dir in [a, b, c] {
            std::fs::remove_dir_all(dir).unwrap();
        }
    }

    #[test]
    fn about_twenty_rows_per_person_across_all_tables() {
        let dir = tempdir();
        let stats = write_dataset(
            &dir,
            BulkParams {
                seed: 1,
                persons: 1000,
            },
        )
        .unwrap();
        assert_eq!(stats.files.len(), 23);
        let total = stats.total_rows();
        assert!((15_000..25_000).contains(&total), "{total}");
        std::fs::remove_dir_all(dir).unwrap();
    }

    fn tempdir() -> std::path::PathBuf {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("overblik-testkit-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }
}
