//! The organisation and its caseworkers over time: teams sized to their caseload, caseworkers
//! who leave and are replaced, and a day-ordered pass that gives every case a responsible
//! caseworker per phase, reassigning (sometimes after a gap) when one leaves.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use overblik_domain::codes::{AbsenceKind, OrgUnitKind, StaffRole, TeamType};

use crate::names::staff_name;
use crate::rates::TURNOVER;
use crate::util::{Day, Rng};
use crate::world::World;

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
        let case = &world.cases[segment.case as usize];
        let until = match world.segments.get(index + 1) {
            Some(next) if next.case == segment.case => next.from,
            _ => case.closed,
        };
        first_day = first_day.min(segment.from);
        let days = until.min(end + 1) - segment.from.max(start);
        if days > 0 {
            load[team_index(segment.team)] += f64::from(days) / window;
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
    let mut case_load: Vec<u32> = vec![0; org.staff.len()];
    let mut held: Vec<Vec<u32>> = vec![Vec::new(); org.staff.len()];

    let choose = |rng: &mut Rng, members: &[Vec<u32>], team: usize, case_load: &[u32]| {
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
        Some(if case_load[b as usize] < case_load[a as usize] {
            b
        } else {
            a
        })
    };

    // Gives `case` a caseworker of its current team from `day` (after any ended assignment).
    macro_rules! assign_case {
        ($case:expr, $day:expr) => {
            assign(
                rng,
                &mut org,
                &mut current,
                &mut case_load,
                &mut held,
                $case,
                $day.max(covered[$case] + 1),
                |rng, load| choose(rng, &members, team_now[$case] as usize, load),
            )
        };
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
                    case_load[old as usize] -= 1;
                    if org.assignments[index].from >= day {
                        // Two phases on one day: the later one decides the caseworker.
                        let worker = choose(rng, &members, team_now[case] as usize, &case_load)
                            .unwrap_or(old);
                        org.assignments[index].staff = worker;
                        case_load[worker as usize] += 1;
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
                    case_load[assignment.staff as usize] -= 1;
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
                    let index = assignment as usize;
                    case_load[w] -= 1;
                    if rng.chance(0.8)
                        && let Some(colleague) =
                            choose(rng, &members, team_now[case] as usize, &case_load)
                    {
                        // Handed over the same day.
                        case_load[colleague as usize] += 1;
                        held[colleague as usize].push(case as u32);
                        if org.assignments[index].from < day {
                            org.assignments[index].to = Some(day - 1);
                            covered[case] = day - 1;
                            org.assignments.push(AssignmentSim {
                                case: case as u32,
                                staff: colleague,
                                from: day,
                                to: None,
                            });
                            current[case] = Some((org.assignments.len() - 1) as u32);
                        } else {
                            org.assignments[index].staff = colleague;
                        }
                        continue;
                    }
                    // Left without a caseworker for a while.
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
                case_load.push(0);
                held.push(Vec::new());
                members[team_of_unit[unit as usize]].push(worker);
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

/// Gives `case` a caseworker from `day` (or leaves it without one when no one is employed).
#[allow(clippy::too_many_arguments)]
fn assign(
    rng: &mut Rng,
    org: &mut Org,
    current: &mut [Option<u32>],
    case_load: &mut [u32],
    held: &mut [Vec<u32>],
    case: usize,
    day: Day,
    choose: impl Fn(&mut Rng, &[u32]) -> Option<u32>,
) {
    if let Some(worker) = choose(rng, case_load) {
        org.assignments.push(AssignmentSim {
            case: case as u32,
            staff: worker,
            from: day,
            to: None,
        });
        current[case] = Some((org.assignments.len() - 1) as u32);
        case_load[worker as usize] += 1;
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
