//! The adult area: applications with the municipality's published processing deadlines
//! (retssikkerhedsloven § 3, stk. 2), most decided in time, some late with or without notice.

use overblik_domain::codes::{Area, Sex, TeamType};

use crate::rates::{ADULT_APPLICATIONS_PER_1000, ADULT_BASES};
use crate::util::{Day, Rng, add_working_days};
use crate::world::*;

/// Simulates applications received from `from` to `end`, keeping cases open on or after `start`.
pub(crate) fn simulate(
    rng: &mut Rng,
    world: &mut World,
    adults: f64,
    from: Day,
    start: Day,
    end: Day,
    districts: u8,
) {
    let per_day = adults / 1000.0 * ADULT_APPLICATIONS_PER_1000 / 365.25;
    let weights: Vec<f64> = ADULT_BASES.iter().map(|b| b.1).collect();
    // Adults applying again: the person of an earlier application in this run.
    let mut recent: Vec<u32> = Vec::new();
    for received in from..=end {
        for _ in 0..rng.poisson(per_day) {
            let (basis, _, working_days) = ADULT_BASES[rng.pick(&weights)];
            let due = if working_days == 0 {
                received + 14
            } else {
                add_working_days(received, working_days)
            };
            let span = due - received;
            let (decided, notice) = match rng.pick(&[78.0, 14.0, 8.0]) {
                0 => (
                    received + (f64::from(span) * (0.25 + 0.73 * rng.f())) as i32,
                    None,
                ),
                late => {
                    let decided = due + 1 + (f64::from(span) * rng.f()) as i32;
                    let notice = (late == 1)
                        .then(|| received + (f64::from(span) * (0.6 + 0.38 * rng.f())) as i32);
                    (decided, notice)
                }
            };
            let granted = rng.chance(0.7);
            let closed = decided
                + if granted {
                    rng.int(30, 700)
                } else {
                    rng.int(0, 30)
                };
            if closed <= start {
                continue;
            }
            let person = match recent.len() {
                n if n > 20 && rng.chance(0.2) => recent[rng.int(0, n as i32 - 1) as usize],
                _ => {
                    let age_days = rng.int(18 * 365 + 1, 85 * 365);
                    world.persons.push(PersonSim {
                        birth: received - age_days,
                        sex: if rng.chance(0.5) {
                            Sex::Female
                        } else {
                            Sex::Male
                        },
                        district: rng.int(0, i32::from(districts) - 1) as u8,
                    });
                    let person = (world.persons.len() - 1) as u32;
                    if recent.len() < 500 {
                        recent.push(person);
                    } else {
                        let slot = rng.int(0, 499) as usize;
                        recent[slot] = person;
                    }
                    person
                }
            };
            let case = world.cases.len() as u32;
            world.cases.push(CaseSim {
                person,
                area: Area::Adults,
                opened: received,
                closed,
                closing_reason: if granted { "ydelse ophørt" } else { "afslag" },
                weight: 10,
            });
            world.segments.push(SegmentSim {
                case,
                from: received,
                team: TeamType::Other,
            });
            world.applications.push(ApplicationSim {
                case,
                received,
                basis,
                notice,
                decided,
            });
        }
    }
}
