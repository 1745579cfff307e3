//! The reproducible sample of a supervision round. The population is the unit's open cases at
//! the day of drawing that fit the theme (area, and placed children, open investigations or
//! recent cases), in case-id order; the sample is drawn from it by a seeded generator, either
//! simply or stratified per caseworker or team (each stratum gets its proportional share,
//! largest remainders first). The generator is SplitMix64, a fixed published algorithm, so a
//! seed draws the same sample on any machine and in any later version of overblik.

use std::collections::BTreeMap;

use chrono::Months;

use crate::codes::{SamplePopulation, Strata};
use crate::figures::Context;
use crate::figures::caseload::open_cases;
use crate::tables::SupervisionTheme;

/// Why a sample cannot be drawn (shown to the leader; names no person).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SampleError {
    #[error("stikprøven skal have mindst én sag")]
    Empty,
    #[error(
        "stikprøven på {size} sager er større end de {population} sager, der passer til temaet i enheden"
    )]
    TooLarge { size: usize, population: usize },
}

/// A case of the population with the stratum it belongs to: its caseworker or team at the day
/// of drawing ("" for none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stratum {
    pub case: u32,
    pub caseworker: Option<u32>,
    pub team: Option<u32>,
}

/// The cases of `ctx` (a unit at the day of drawing) that `theme` samples from, in case-id
/// order (the order the draw depends on).
pub fn population(ctx: &Context<'_>, theme: &SupervisionTheme) -> Vec<Stratum> {
    let s = ctx.snapshot;
    let t = ctx.as_of.date;
    let recent = t.checked_sub_months(Months::new(12)).unwrap_or(t);
    let weights = ctx.weights();
    let mut cases: Vec<Stratum> = open_cases(ctx)
        .filter(|&c| {
            let case = &s.cases[c as usize];
            let facts = weights.facts(c);
            theme.area.is_none_or(|area| case.area == area)
                && match theme.population {
                    SamplePopulation::Open => true,
                    SamplePopulation::Placed => facts.placed,
                    SamplePopulation::Investigation => facts.open_investigation,
                    SamplePopulation::Recent => case.opened_at > recent,
                }
        })
        .map(|c| {
            let caseworker = ctx.lookup.assigned_at_t[c as usize];
            Stratum {
                case: c,
                caseworker,
                team: caseworker.and_then(|w| ctx.lookup.unit_of_staff[w as usize]),
            }
        })
        .collect();
    cases.sort_by(|a, b| {
        s.cases[a.case as usize]
            .case_id
            .cmp(&s.cases[b.case as usize].case_id)
    });
    cases
}

/// Draws `size` of `population` (positions into it, ascending) with `seed`.
pub fn draw(
    population: &[Stratum],
    size: usize,
    seed: u64,
    strata: Strata,
) -> Result<Vec<usize>, SampleError> {
    if size == 0 {
        return Err(SampleError::Empty);
    }
    if size > population.len() {
        return Err(SampleError::TooLarge {
            size,
            population: population.len(),
        });
    }
    let mut rng = SplitMix64(seed);
    let groups: BTreeMap<Option<u32>, Vec<usize>> = match strata {
        Strata::Simple => BTreeMap::from([(None, (0..population.len()).collect())]),
        Strata::Caseworker | Strata::Team => {
            let mut groups: BTreeMap<Option<u32>, Vec<usize>> = BTreeMap::new();
            for (position, member) in population.iter().enumerate() {
                let key = if strata == Strata::Caseworker {
                    member.caseworker
                } else {
                    member.team
                };
                groups.entry(key).or_default().push(position);
            }
            groups
        }
    };
    let shares = allocate(&groups.values().map(Vec::len).collect::<Vec<_>>(), size);
    let mut drawn = Vec::with_capacity(size);
    for (members, share) in groups.values().zip(shares) {
        drawn.extend(choose(members, share, &mut rng));
    }
    drawn.sort_unstable();
    Ok(drawn)
}

/// Proportional shares of `size` over groups of `sizes` (largest remainder; ties to the
/// earlier group), each at most its group's size.
fn allocate(sizes: &[usize], size: usize) -> Vec<usize> {
    let total: usize = sizes.iter().sum();
    let mut shares: Vec<usize> = sizes.iter().map(|n| n * size / total).collect();
    let mut order: Vec<usize> = (0..sizes.len()).collect();
    // Remainder of n·size/total, compared exactly as n·size mod total.
    order.sort_by_key(|&g| std::cmp::Reverse(sizes[g] * size % total));
    let mut left = size - shares.iter().sum::<usize>();
    for g in order.into_iter().cycle() {
        if left == 0 {
            break;
        }
        if shares[g] < sizes[g] {
            shares[g] += 1;
            left -= 1;
        }
    }
    shares
}

/// `k` of `members` by a partial Fisher–Yates shuffle.
fn choose(members: &[usize], k: usize, rng: &mut SplitMix64) -> Vec<usize> {
    let mut pool = members.to_vec();
    for i in 0..k {
        let j = i + rng.below((pool.len() - i) as u64) as usize;
        pool.swap(i, j);
    }
    pool.truncate(k);
    pool
}

/// SplitMix64 (Steele, Lea and Flood 2014): a tiny generator with a fixed output for a seed.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A uniform number below `n` (> 0), without modulo bias (rejection).
    fn below(&mut self, n: u64) -> u64 {
        let zone = u64::MAX - u64::MAX % n;
        loop {
            let x = self.next();
            if x < zone {
                return x % n;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn people(caseworkers: &[u32]) -> Vec<Stratum> {
        caseworkers
            .iter()
            .enumerate()
            .map(|(c, &w)| Stratum {
                case: c as u32,
                caseworker: Some(w),
                team: Some(w / 10),
            })
            .collect()
    }

    #[test]
    fn splitmix_gives_the_published_sequence() {
        // The reference outputs for seed 1234567 (Vigna's splitmix64.c).
        let mut rng = SplitMix64(1234567);
        assert_eq!(rng.next(), 6457827717110365317);
        assert_eq!(rng.next(), 3203168211198807973);
    }

    #[test]
    fn the_same_seed_draws_the_same_sample_and_another_seed_another() {
        let population = people(&(0..200).map(|n| n % 7).collect::<Vec<_>>());
        let a = draw(&population, 12, 4711, Strata::Simple).unwrap();
        assert_eq!(a, draw(&population, 12, 4711, Strata::Simple).unwrap());
        assert_ne!(a, draw(&population, 12, 4712, Strata::Simple).unwrap());
        assert_eq!(a.len(), 12);
        assert!(a.windows(2).all(|w| w[0] < w[1]), "distinct and sorted");
    }

    #[test]
    fn a_stratified_sample_gives_each_caseworker_a_proportional_share() {
        // Caseworker 1 holds 60 cases, 2 holds 30, 3 holds 10: a sample of 10 takes 6, 3, 1.
        let mut holders = vec![1; 60];
        holders.extend([2; 30]);
        holders.extend([3; 10]);
        let population = people(&holders);
        let drawn = draw(&population, 10, 99, Strata::Caseworker).unwrap();
        let count = |w: u32| {
            drawn
                .iter()
                .filter(|&&p| population[p].caseworker == Some(w))
                .count()
        };
        assert_eq!((count(1), count(2), count(3)), (6, 3, 1));
        assert_eq!(allocate(&[5, 3, 1], 4), vec![2, 1, 1]);
        assert_eq!(allocate(&[1, 1, 1], 3), vec![1, 1, 1]);
    }

    #[test]
    fn a_sample_larger_than_the_population_or_empty_is_refused() {
        let population = people(&[1, 2, 3]);
        assert_eq!(
            draw(&population, 4, 1, Strata::Simple),
            Err(SampleError::TooLarge {
                size: 4,
                population: 3
            })
        );
        assert_eq!(
            draw(&population, 0, 1, Strata::Team),
            Err(SampleError::Empty)
        );
        assert_eq!(
            draw(&population, 3, 1, Strata::Team).unwrap(),
            vec![0, 1, 2]
        );
    }
}
