//! The organisation and its caseworkers over time: teams sized to the weight of their cases,
//! caseworkers who leave and are replaced (the replacement taking over a caseload), and a
//! day-ordered pass that gives every case a responsible caseworker per phase, reassigning
//! (sometimes after a gap) when one leaves.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use overblik_domain::codes::{AbsenceKind, OrgUnitKind, StaffRole, TeamType};
use overblik_domain::workload::{CaseFacts, WeightModel};
use rust_decimal::prelude::ToPrimitive;

use crate::names::staff_name;
use crate::rates::TURNOVER;
use crate::util::{Day, Rng, age};
use crate::world::{InvestigationSim, MeasureSim, World};

pub(crate) struct UnitSim {
    pub name: String,
    pub parent: Option<u16>,
    pub kind: OrgUnitKind,
    pub team: Option<TeamType>,
}

pub(crate) struct StaffSim {
    pub name: String,
    pub unit: u16,
    pub role: StaffRole,
    /// Full-time equivalent in tenths.
    pub fte: u8,
    pub start: Day,
    /// Last day of employment; may lie after the end (then still employed).
    pub end: Option<Day>,
}

pub(crate) struct AssignmentSim {
    pub case: u32,
    pub staff: u32,
    pub from: Day,
    pub to: Option<Day>,
}

pub(crate) struct AbsenceSim {
    pub staff: u32,
    pub from: Day,
    pub to: Day,
    pub kind: AbsenceKind,
}

#[derive(Default)]
pub(crate) struct Org {
    pub units: Vec<UnitSim>,
    pub staff: Vec<StaffSim>,
    pub assignments: Vec<AssignmentSim>,
    pub absences: Vec<AbsenceSim>,
}

impl Org {
    /// Records an assignment of `case` to `staff` from `day`, open-ended; returns its index.
    fn begin(&mut self, case: usize, staff: u32, day: Day) -> u32 {
        self.assignments.push(AssignmentSim {
            case: case as u32,
            staff,
            from: day,
            to: None,
        });
        (self.assignments.len() - 1) as u32
    }
}

const CHILD_TEAMS: [(TeamType, &str); 6] = [
    (TeamType::Reception, "Modtagelsen"),
    (TeamType::Investigation, "Undersøgelsesteamet"),
    (TeamType::Children, "Børneteamet"),
    (TeamType::Youth, "Ungeteamet"),
    (TeamType::Disability, "Handicapteamet"),
    (TeamType::Placement, "Anbringelsesteamet"),
];

/// Caseworkers per team leader (seeds: one leader per 10-12 caseworkers).
const TEAM_SIZE: usize = 11;

fn team_index(team: TeamType) -> usize {
    match team {
        TeamType::Reception => 0,
        TeamType::Investigation => 1,
        TeamType::Children => 2,
        TeamType::Youth => 3,
        TeamType::Disability => 4,
        TeamType::Placement => 5,
        _ => 6,
    }
}

#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum Event {
    Leave(u32),
    Join(u16),
    Segment(u32),
    Reassign(u32, u32),
    Close(u32),
}

/// Builds the organisation, staffed for `caseload` open children's cases per caseworker, and
/// assigns caseworkers to the cases of `world`.
pub(crate) fn organise(
    rng: &mut Rng,
    world: &World,
    municipality: &str,
    inhabitants: u32,
    caseload: f64,
    start: Day,
    end: Day,
) -> Org {
    // Average open cases per team type over the window, from the cases' phases.
    let window = f64::from(end - start + 1);
    let mut load = [0.0f64; 7];
    let mut first_day = start - 365;
    for (index, segment) in world.segments.iter().enumerate() {
        first_day = first_day.min(segment.from);
        let days = segment_end(world, index).min(end + 1) - segment.from.max(start);
        if days > 0 {
            load[team_index(segment.team)] += f64::from(days) / window;
        }
    }
    // The children's department is staffed at DS's 31 cases per caseworker (statistics.md §7:
    // 31 in spring 2023), spread over its teams by the weight of their cases: the recommended
    // 20-30 is for a caseload mixing simple and complex cases, so a team of placements carries
    // fewer cases and the reception more. The load of a team becomes its cases' points in
    // units of the department's mean case.
    let weights = mean_weights(world, start, end);
    let (cases, points) = (0..6).fold((0.0, 0.0), |(cases, points), index| {
        (cases + load[index], points + load[index] * weights[index])
    });
    if points > 0.0 {
        for index in 0..6 {
            load[index] *= weights[index] * cases / points;
        }
    }
    // Small team types merge into the children's team.
    let mut serves = [0, 1, 2, 3, 4, 5, 6];
    for index in [0, 1, 3, 4, 5] {
        if load[index] / caseload < 1.5 {
            load[2] += load[index];
            load[index] = 0.0;
            serves[index] = 2;
        }
    }
    let mut org = Org::default();
    let unit = |org: &mut Org, name: String, parent, kind, team| {
        org.units.push(UnitSim {
            name,
            parent,
            kind,
            team,
        });
        (org.units.len() - 1) as u16
    };
    let top = unit(
        &mut org,
        format!("{municipality} Kommune"),
        None,
        OrgUnitKind::Municipality,
        None,
    );
    let children_department = unit(
        &mut org,
        "Børn og Familie".to_owned(),
        Some(top),
        OrgUnitKind::Department,
        None,
    );
    let adult_department = unit(
        &mut org,
        "Social og Handicap, voksne".to_owned(),
        Some(top),
        OrgUnitKind::Department,
        None,
    );
    let person = |org: &mut Org, rng: &mut Rng, unit: u16, role: StaffRole, start: Day| {
        let fte = if role == StaffRole::Caseworker && rng.chance(0.12) {
            8
        } else {
            10
        };
        org.staff.push(StaffSim {
            name: staff_name(rng),
            unit,
            role,
            fte,
            start,
            end: None,
        });
        (org.staff.len() - 1) as u32
    };
    let tenure = |rng: &mut Rng| first_day - rng.exp(6.0 * 365.0) as i32 - rng.int(0, 200);
    let first = tenure(rng);
    person(&mut org, rng, top, StaffRole::Director, first);
    let first = tenure(rng);
    person(&mut org, rng, children_department, StaffRole::Head, first);
    let first = tenure(rng);
    person(&mut org, rng, adult_department, StaffRole::Head, first);
    for _ in 0..(inhabitants / 60_000).max(1) {
        let first = tenure(rng);
        person(
            &mut org,
            rng,
            children_department,
            StaffRole::Controller,
            first,
        );
    }

    // Teams of at most TEAM_SIZE caseworkers, each with a leader.
    let mut teams_of: [Vec<u16>; 7] = Default::default();
    let mut members: Vec<Vec<u32>> = Vec::new();
    let mut team_of_unit: Vec<usize> = Vec::new();
    let mut add_teams = |org: &mut Org,
                         rng: &mut Rng,
                         index: usize,
                         name: &str,
                         team: TeamType,
                         parent: u16,
                         caseworkers: usize| {
        let count = caseworkers.div_ceil(TEAM_SIZE).max(1);
        for number in 0..count {
            let label = if count > 1 {
                format!("{name} {}", number + 1)
            } else {
                name.to_owned()
            };
            let unit_id = unit(org, label, Some(parent), OrgUnitKind::Team, Some(team));
            let first = tenure(rng);
            person(org, rng, unit_id, StaffRole::TeamLeader, first);
            let size = caseworkers / count + usize::from(number < caseworkers % count);
            let mut team_members = Vec::new();
            for _ in 0..size.max(1) {
                let first = tenure(rng);
                team_members.push(person(org, rng, unit_id, StaffRole::Caseworker, first));
            }
            while team_of_unit.len() <= unit_id as usize {
                team_of_unit.push(usize::MAX);
            }
            team_of_unit[unit_id as usize] = members.len();
            members.push(team_members);
            teams_of[index].push(unit_id);
        }
    };
    for (index, (team, name)) in CHILD_TEAMS.iter().enumerate() {
        if serves[index] == index {
            let caseworkers = (load[index] / caseload).round().max(1.0) as usize;
            add_teams(
                &mut org,
                rng,
                index,
                name,
                *team,
                children_department,
                caseworkers,
            );
        }
    }
    let adult_caseworkers = (load[6] / 45.0).round().max(1.0) as usize;
    add_teams(
        &mut org,
        rng,
        6,
        "Voksenteamet",
        TeamType::Other,
        adult_department,
        adult_caseworkers,
    );

    // The day-ordered pass.
    let mut queue: BinaryHeap<Reverse<(Day, Event)>> = BinaryHeap::new();
    let daily_leave = TURNOVER / 365.25;
    for (index, staff) in org.staff.iter().enumerate() {
        if staff.role == StaffRole::Caseworker {
            let leave = first_day + (rng.exp(1.0 / daily_leave) as i32);
            queue.push(Reverse((leave, Event::Leave(index as u32))));
        }
    }
    for (index, segment) in world.segments.iter().enumerate() {
        queue.push(Reverse((segment.from, Event::Segment(index as u32))));
        let is_last = world
            .segments
            .get(index + 1)
            .is_none_or(|next| next.case != segment.case);
        if is_last {
            let closed = world.cases[segment.case as usize].closed;
            queue.push(Reverse((closed, Event::Close(segment.case))));
        }
    }
    let cases = world.cases.len();
    let mut current: Vec<Option<u32>> = vec![None; cases];
    let mut team_now: Vec<u8> = vec![0; cases];
    let mut generation: Vec<u32> = vec![0; cases];
    let mut closed: Vec<bool> = vec![false; cases];
    // The last day covered by an ended assignment of each case: the next one starts after it.
    let mut covered: Vec<Day> = vec![Day::MIN; cases];
    let mut loads = Loads {
        cases: vec![0; org.staff.len()],
        fte: org.staff.iter().map(|s| s.fte).collect(),
    };
    let mut held: Vec<Vec<u32>> = vec![Vec::new(); org.staff.len()];

    // The less loaded of two random caseworkers of the team type, by cases per full-time
    // equivalent: a part-timer carries a smaller caseload.
    let choose = |rng: &mut Rng, members: &[Vec<u32>], team: usize, loads: &Loads| {
        let units = &teams_of[serves[team]];
        let pool: Vec<u32> = units
            .iter()
            .flat_map(|unit| members[team_of_unit[*unit as usize]].iter().copied())
            .collect();
        let pool = if pool.is_empty() {
            teams_of[2]
                .iter()
                .flat_map(|unit| members[team_of_unit[*unit as usize]].iter().copied())
                .collect()
        } else {
            pool
        };
        if pool.is_empty() {
            return None;
        }
        let a = pool[rng.int(0, pool.len() as i32 - 1) as usize];
        let b = pool[rng.int(0, pool.len() as i32 - 1) as usize];
        Some(if loads.lighter(b, a) { b } else { a })
    };

    // Gives `case` a caseworker of its current team from `day` (after any ended assignment).
    macro_rules! assign_case {
        ($case:expr, $day:expr) => {
            assign(
                rng,
                &mut org,
                &mut current,
                &mut loads,
                &mut held,
                $case,
                $day.max(covered[$case] + 1),
                |rng, loads| choose(rng, &members, team_now[$case] as usize, loads),
            )
        };
    }

    // Moves `case` from its current caseworker to `to` from `day` (the same day if the current
    // assignment only begins then).
    macro_rules! hand_over {
        ($case:expr, $to:expr, $day:expr) => {{
            let (case, to, day) = ($case, $to, $day);
            let index = current[case].expect("a case with a caseworker") as usize;
            loads.cases[org.assignments[index].staff as usize] -= 1;
            loads.cases[to as usize] += 1;
            held[to as usize].push(case as u32);
            if org.assignments[index].from < day {
                org.assignments[index].to = Some(day - 1);
                covered[case] = day - 1;
                current[case] = Some(org.begin(case, to, day));
            } else {
                org.assignments[index].staff = to;
            }
        }};
    }

    while let Some(Reverse((day, event))) = queue.pop() {
        if day > end {
            break;
        }
        match event {
            Event::Segment(index) => {
                let segment = &world.segments[index as usize];
                let case = segment.case as usize;
                team_now[case] = team_index(segment.team) as u8;
                generation[case] += 1;
                if let Some(index) = current[case] {
                    let index = index as usize;
                    let old = org.assignments[index].staff;
                    loads.cases[old as usize] -= 1;
                    if org.assignments[index].from >= day {
                        // Two phases on one day: the later one decides the caseworker.
                        let worker =
                            choose(rng, &members, team_now[case] as usize, &loads).unwrap_or(old);
                        org.assignments[index].staff = worker;
                        loads.cases[worker as usize] += 1;
                        held[worker as usize].push(case as u32);
                        continue;
                    }
                    org.assignments[index].to = Some(day - 1);
                    covered[case] = day - 1;
                    current[case] = None;
                }
                assign_case!(case, day);
            }
            Event::Close(case) => {
                let case = case as usize;
                closed[case] = true;
                generation[case] += 1;
                if let Some(assignment) = current[case].take() {
                    let assignment = &mut org.assignments[assignment as usize];
                    loads.cases[assignment.staff as usize] -= 1;
                    assignment.to = Some((day - 1).max(assignment.from));
                }
            }
            Event::Leave(worker) => {
                let w = worker as usize;
                org.staff[w].end = Some(day);
                let unit = org.staff[w].unit;
                let team = team_of_unit[unit as usize];
                members[team].retain(|m| *m != worker);
                let replacement = day + rng.int(14, 75);
                queue.push(Reverse((replacement, Event::Join(unit))));
                for case in std::mem::take(&mut held[w]) {
                    let case = case as usize;
                    let Some(assignment) = current[case] else {
                        continue;
                    };
                    if org.assignments[assignment as usize].staff != worker || closed[case] {
                        continue;
                    }
                    if rng.chance(0.8)
                        && let Some(colleague) =
                            choose(rng, &members, team_now[case] as usize, &loads)
                    {
                        // Handed over the same day.
                        hand_over!(case, colleague, day);
                        continue;
                    }
                    // Left without a caseworker for a while.
                    let index = assignment as usize;
                    loads.cases[w] -= 1;
                    let to = (day - 1).max(org.assignments[index].from);
                    org.assignments[index].to = Some(to);
                    covered[case] = to;
                    current[case] = None;
                    generation[case] += 1;
                    let gap = rng.int(5, 45);
                    queue.push(Reverse((
                        day + 1 + gap,
                        Event::Reassign(case as u32, generation[case]),
                    )));
                }
            }
            Event::Reassign(case, stamp) => {
                let case = case as usize;
                if closed[case] || generation[case] != stamp || current[case].is_some() {
                    continue;
                }
                assign_case!(case, day);
            }
            Event::Join(unit) => {
                let worker = person(&mut org, rng, unit, StaffRole::Caseworker, day);
                loads.cases.push(0);
                loads.fte.push(org.staff[worker as usize].fte);
                held.push(Vec::new());
                let team = &mut members[team_of_unit[unit as usize]];
                team.push(worker);
                // The newcomer takes over a caseload: cases of the most loaded colleagues of the
                // team until they carry their share per full-time equivalent. New cases alone
                // would leave them nearly empty for months in a team whose cases run for years
                // (placements), and the colleagues who covered the vacancy far above the team's
                // ≈31 cases each (statistics.md §7).
                let target = loads.fair_share(team, worker);
                while loads.cases[worker as usize] < target {
                    let Some(donor) = team
                        .iter()
                        .copied()
                        .filter(|&m| m != worker)
                        .max_by(|&a, &b| loads.compare(a, b))
                        .filter(|&donor| loads.lighter(worker, donor))
                    else {
                        break;
                    };
                    // The donor's most recent case it still holds (`held` keeps stale entries).
                    let mut taken = None;
                    while let Some(case) = held[donor as usize].pop() {
                        let case = case as usize;
                        if current[case].is_some_and(|a| org.assignments[a as usize].staff == donor)
                        {
                            taken = Some(case);
                            break;
                        }
                    }
                    let Some(case) = taken else {
                        break;
                    };
                    hand_over!(case, worker, day);
                }
                let leave = day + (rng.exp(1.0 / daily_leave) as i32).max(30);
                queue.push(Reverse((leave, Event::Leave(worker))));
            }
        }
    }
    // Staff employed since before their first assignment.
    for assignment in &org.assignments {
        let staff = &mut org.staff[assignment.staff as usize];
        staff.start = staff.start.min(assignment.from);
    }
    absences(rng, &mut org, start, end);
    org
}

/// The open cases each caseworker (by staff index) holds, and their full-time equivalents in
/// tenths.
struct Loads {
    cases: Vec<u32>,
    fte: Vec<u8>,
}

impl Loads {
    /// Orders two caseworkers by their cases per full-time equivalent.
    fn compare(&self, a: u32, b: u32) -> std::cmp::Ordering {
        let (a, b) = (a as usize, b as usize);
        (self.cases[a] * u32::from(self.fte[b])).cmp(&(self.cases[b] * u32::from(self.fte[a])))
    }

    /// Whether `a` carries fewer cases per full-time equivalent than `b`.
    fn lighter(&self, a: u32, b: u32) -> bool {
        self.compare(a, b).is_lt()
    }

    /// `worker`'s share of the cases of `team` by full-time equivalent, rounded down.
    fn fair_share(&self, team: &[u32], worker: u32) -> u32 {
        let cases: u32 = team.iter().map(|&m| self.cases[m as usize]).sum();
        let fte: u32 = team.iter().map(|&m| u32::from(self.fte[m as usize])).sum();
        cases * u32::from(self.fte[worker as usize]) / fte.max(1)
    }
}

/// The day after the last of segment `index` of `world.segments`: the next segment of its case
/// begins, or the case closes.
fn segment_end(world: &World, index: usize) -> Day {
    let segment = &world.segments[index];
    match world.segments.get(index + 1) {
        Some(next) if next.case == segment.case => next.from,
        _ => world.cases[segment.case as usize].closed,
    }
}

/// Days between the days on which [`mean_weights`] weighs the open cases.
const WEIGHT_SAMPLE_DAYS: usize = 30;

/// Per team type, the mean weight of its open cases in the built-in case-weight model
/// (`overblik_domain::workload`), over every 30th day of the window back from `end`; 1 for a
/// team type with no case on those days.
fn mean_weights(world: &World, start: Day, end: Day) -> [f64; 7] {
    let model = WeightModel::default();
    let mut measures: Vec<Vec<&MeasureSim>> = vec![Vec::new(); world.cases.len()];
    for m in &world.measures {
        measures[m.case as usize].push(m);
    }
    let mut investigations: Vec<Vec<&InvestigationSim>> = vec![Vec::new(); world.cases.len()];
    for i in &world.investigations {
        investigations[i.case as usize].push(i);
    }
    let mut days: Vec<Day> = (start..=end).rev().step_by(WEIGHT_SAMPLE_DAYS).collect();
    days.reverse();
    let mut points = [0.0; 7];
    let mut counts = [0u32; 7];
    for (index, segment) in world.segments.iter().enumerate() {
        let case = &world.cases[segment.case as usize];
        let until = segment_end(world, index);
        let first = days.partition_point(|&d| d < segment.from);
        for &d in days[first..].iter().take_while(|&&d| d < until) {
            let active = measures[segment.case as usize]
                .iter()
                .filter(|m| m.start <= d && d <= m.end);
            let facts = CaseFacts {
                placed: active.clone().any(|m| m.kind.is_placement()),
                open_investigation: investigations[segment.case as usize]
                    .iter()
                    .any(|i| i.aware <= d && d < i.completed),
                active_measures: active.count() as u32,
                age: Some(age(world.persons[case.person as usize].birth, d).max(0) as u32),
                flags: Vec::new(),
            };
            let team = team_index(segment.team);
            points[team] += model.weigh(case.area, &facts).to_f64().unwrap_or(0.0);
            counts[team] += 1;
        }
    }
    std::array::from_fn(|team| {
        if counts[team] == 0 {
            1.0
        } else {
            points[team] / f64::from(counts[team])
        }
    })
}

/// Gives `case` a caseworker from `day` (or leaves it without one when no one is employed).
#[allow(clippy::too_many_arguments)]
fn assign(
    rng: &mut Rng,
    org: &mut Org,
    current: &mut [Option<u32>],
    loads: &mut Loads,
    held: &mut [Vec<u32>],
    case: usize,
    day: Day,
    choose: impl Fn(&mut Rng, &Loads) -> Option<u32>,
) {
    if let Some(worker) = choose(rng, loads) {
        current[case] = Some(org.begin(case, worker, day));
        loads.cases[worker as usize] += 1;
        held[worker as usize].push(case as u32);
    }
}

/// Sick days, parental leave and other absences of caseworkers and leaders, from a year before
/// the window.
fn absences(rng: &mut Rng, org: &mut Org, start: Day, end: Day) {
    for (index, staff) in org.staff.iter().enumerate() {
        if !matches!(staff.role, StaffRole::Caseworker | StaffRole::TeamLeader) {
            continue;
        }
        let last = staff.end.unwrap_or(end).min(end);
        let mut day = staff.start.max(start - 365);
        loop {
            day += rng.exp(365.0 / 3.5) as i32 + 1;
            if day > last {
                break;
            }
            let (kind, length) = match rng.pick(&[90.0, 4.0, 1.5, 4.5]) {
                0 => (AbsenceKind::Sick, rng.int(1, 12)),
                1 => (AbsenceKind::Parental, rng.int(90, 300)),
                2 => (AbsenceKind::Leave, rng.int(30, 120)),
                _ => (AbsenceKind::Other, rng.int(1, 5)),
            };
            let to = (day + length - 1).min(last);
            org.absences.push(AbsenceSim {
                staff: index as u32,
                from: day,
                to,
                kind,
            });
            day = to + 1;
        }
    }
}
