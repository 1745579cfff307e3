//! Synthetic municipalities for overblik: one municipality's children's and adult social
//! services simulated day by day over a number of years (notifications, investigations,
//! decisions, measures and placements, plans, follow-ups, visits, payments, budgets, waiting
//! lists, complaints, risk assessments and adult applications, with caseworkers who come and go),
//! calibrated to the published Danish figures, and the check that compares the result with them.
//!
//! Pure: [`generate`] returns a [`Snapshot`] and does no I/O; the same [`Params`] give the same
//! snapshot. No person has a CPR number.

mod adults;
mod check;
mod children;
mod emit;
mod interval;
mod municipalities;
mod names;
mod providers;
mod rates;
mod staff;
mod util;
mod world;

use chrono::NaiveDate;
use overblik_domain::Snapshot;

pub use check::{CheckRow, CheckTable, MODEL_TOLERANCE, Noise, Window, check};
pub use interval::Interval;
pub use municipalities::{
    MUNICIPALITIES, Municipality, NATIONAL_CHILD_SHARE, close_matches, find as find_municipality,
};

use crate::util::{Rng, day};

/// What to generate.
#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    /// The municipality's name (used in unit names; also selects the random stream).
    pub name: String,
    pub inhabitants: u32,
    /// Share of inhabitants aged 0-17.
    pub child_share: f64,
    /// Length of the window in years, ending on `end`.
    pub years: u32,
    pub seed: u64,
    /// The last day of the data (inclusive).
    pub end: NaiveDate,
    /// The calibrated rates; [`Calibration::default`] everywhere but in tests.
    pub calibration: Calibration,
}

/// Rates that are otherwise the constants of `rates.rs`, each with its published target, open to
/// change so that a deliberately mis-calibrated municipality can show that the calibration check
/// catches it: one a rate per 1,000 children, one a share, one a mean.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Calibration {
    /// Children notified for the first time per 1,000 children a year (all child rates follow).
    pub new_children_per_1000: f64,
    /// Share of notifications assessed within 24 hours.
    pub assessed_in_24h: f64,
    /// Open children's cases per caseworker that the organisation is staffed for.
    pub caseload: f64,
}

impl Default for Calibration {
    fn default() -> Self {
        Self {
            new_children_per_1000: rates::NEW_CHILDREN_PER_1000,
            assessed_in_24h: rates::ASSESSED_IN_24H,
            caseload: rates::CASELOAD,
        }
    }
}

/// Why parameters cannot be generated (messages in Danish, naming the argument).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParamError {
    #[error("--inhabitants skal være mindst 1 (fik {0})")]
    Inhabitants(u32),
    #[error("--years skal være mindst 1 (fik {0})")]
    Years(u32),
    #[error("--years må højst være 50 (fik {0})")]
    TooManyYears(u32),
    #[error("--inhabitants må højst være 10.000.000 (fik {0})")]
    TooMany(u32),
}

impl Params {
    /// [`Params::municipality`] with the inhabitants scaled by `scale` (at least 1): a smaller
    /// copy of the national set for tests.
    pub fn municipality_scaled(
        municipality: &Municipality,
        scale: f64,
        years: u32,
        seed: u64,
        end: NaiveDate,
    ) -> Self {
        Params {
            inhabitants: ((f64::from(municipality.inhabitants) * scale).round() as u32).max(1),
            ..Params::municipality(municipality, years, seed, end)
        }
    }

    /// One of the 98 municipalities.
    pub fn municipality(
        municipality: &Municipality,
        years: u32,
        seed: u64,
        end: NaiveDate,
    ) -> Self {
        Self {
            name: municipality.name.to_owned(),
            inhabitants: municipality.inhabitants,
            child_share: municipality.child_share,
            years,
            seed,
            end,
            calibration: Calibration::default(),
        }
    }

    /// A municipality of the given size with the national child share.
    pub fn sized(inhabitants: u32, years: u32, seed: u64, end: NaiveDate) -> Self {
        Self {
            name: "Syntetisk".to_owned(),
            inhabitants,
            child_share: NATIONAL_CHILD_SHARE,
            years,
            seed,
            end,
            calibration: Calibration::default(),
        }
    }

    pub fn validate(&self) -> Result<(), ParamError> {
        match (self.inhabitants, self.years) {
            (0, _) => Err(ParamError::Inhabitants(0)),
            (n, _) if n > 10_000_000 => Err(ParamError::TooMany(n)),
            (_, 0) => Err(ParamError::Years(0)),
            (_, y) if y > 50 => Err(ParamError::TooManyYears(y)),
            _ => Ok(()),
        }
    }

    /// The first day of the window.
    pub fn start(&self) -> NaiveDate {
        window_start(self.end, self.years)
    }
}

/// The first day of a window of `years` years ending on `end`.
pub(crate) fn window_start(end: NaiveDate, years: u32) -> NaiveDate {
    overblik_domain::calendar::add_months(end, -12 * years as i32)
        .succ_opt()
        .expect("a date within range")
}

const DISTRICTS: [&str; 6] = ["Midtby", "Nord", "Syd", "Øst", "Vest", "Opland"];

/// Years simulated before the window so that stocks (placements, aftercare, open cases) are
/// at their steady state when it starts: a child first notified at birth can be in care to 23.
const WARM_UP_YEARS: i32 = 23;

/// Generates one municipality. Panics if `params` do not [validate](Params::validate).
pub fn generate(params: &Params) -> Snapshot {
    params.validate().expect("valid parameters");
    let end = day(params.end);
    let start = day(params.start());
    let children = f64::from(params.inhabitants) * params.child_share;
    let mut rng = Rng::new(params.seed, stream_of(&params.name, params.inhabitants));
    let providers = providers::Providers::new(&params.name, params.inhabitants, &mut rng);
    let districts = (1 + params.inhabitants / 12_000).clamp(1, DISTRICTS.len() as u32) as u8;
    let mut world = world::World::default();

    let per_day = params.calibration.new_children_per_1000 * children / 1000.0 / 365.25;
    let mut simulation = children::Children {
        rng: &mut rng,
        world: &mut world,
        providers: &providers,
        start,
        end,
        districts,
        assessed_in_24h: params.calibration.assessed_in_24h,
    };
    for first in (start - WARM_UP_YEARS * 366)..=end {
        for _ in 0..simulation.rng.poisson(per_day) {
            simulation.child(first);
        }
    }
    let adults = f64::from(params.inhabitants) - children * 1.27;
    adults::simulate(
        &mut rng,
        &mut world,
        adults.max(0.0),
        start - 2 * 365,
        start,
        end,
        districts,
    );
    let org = staff::organise(
        &mut rng,
        &world,
        &params.name,
        params.inhabitants,
        params.calibration.caseload,
        start,
        end,
    );
    emit::snapshot(
        &emit::Input {
            world: &world,
            org: &org,
            providers: &providers,
            start,
            end,
            children,
            district_names: &DISTRICTS[..districts as usize],
        },
        &mut rng,
    )
}

/// The random stream of a municipality: its own, whatever else is generated alongside.
fn stream_of(name: &str, inhabitants: u32) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in name.bytes().chain(inhabitants.to_le_bytes()) {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

#[cfg(test)]
mod tests;
