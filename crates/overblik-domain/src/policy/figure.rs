//! Which value of which key figure an indicator reads (one number per unit and period), its
//! unit and range, and how small numbers behind it are suppressed.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use crate::codes::{IndicatorDirection, IndicatorFigure as F};
use crate::figures::{Context, Period, Share, Stats};
use crate::figures::{
    activity, caseload, deadlines, investigations, notifications, results, waiting,
};
use crate::report::Suppression;
use crate::suppression;

/// What kind of number a figure gives: its range, its Danish unit and its suppression.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FigureUnit {
    /// A count of persons, cases or events.
    Count,
    /// A share, in percent 0-100.
    Percent,
    Hours,
    Days,
    /// Events per 100 cases.
    Per100,
    /// Persons per 1,000 inhabitants aged 0-17.
    Per1000,
    /// Full-year persons (average persons per day).
    FullYearPersons,
    /// A Brier score 0-1 (0 = perfect).
    Brier,
}

impl FigureUnit {
    /// The unit as shown after a value ("%", "dage").
    pub fn label_da(self) -> &'static str {
        match self {
            FigureUnit::Count => "antal",
            FigureUnit::Percent => "%",
            FigureUnit::Hours => "timer",
            FigureUnit::Days => "dage",
            FigureUnit::Per100 => "pr. 100 sager",
            FigureUnit::Per1000 => "pr. 1.000 børn",
            FigureUnit::FullYearPersons => "helårspersoner",
            FigureUnit::Brier => "Brier-score",
        }
    }

    /// The largest value the figure can take, if any (every figure is ≥ 0).
    pub fn max(self) -> Option<Decimal> {
        match self {
            FigureUnit::Percent => Some(Decimal::ONE_HUNDRED),
            FigureUnit::Brier => Some(Decimal::ONE),
            _ => None,
        }
    }
}

/// What a value rests on, for small-number suppression (key-figures.md).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Basis {
    /// The value is itself a count (or full-year persons): 1-4 is suppressed.
    Count,
    /// A share: suppressed when the denominator is 1-4.
    Share { numerator: u64, denominator: u64 },
    /// A statistic of `n` values (median, mean, score): suppressed when n < 5.
    Statistic { n: u64 },
    /// A rate of `count` events over a population: suppressed when the count is 1-4.
    Rate { count: u64 },
}

/// One indicator value: the figure's number in its unit, and what it rests on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Measured {
    pub value: f64,
    pub basis: Basis,
}

impl Measured {
    fn share(share: Share) -> Option<Measured> {
        share.value().map(|v| Measured {
            value: v * 100.0,
            basis: Basis::Share {
                numerator: share.numerator,
                denominator: share.denominator,
            },
        })
    }

    fn count(n: u64) -> Measured {
        Measured {
            value: n as f64,
            basis: Basis::Count,
        }
    }

    fn statistic(value: Option<f64>, stats: &Stats) -> Option<Measured> {
        value.map(|value| Measured {
            value,
            basis: Basis::Statistic { n: stats.n },
        })
    }

    /// Why the value may not be shown to an aggregate audience, if it may not.
    pub fn suppression(&self) -> Option<Suppression> {
        match self.basis {
            Basis::Count if suppression::is_small(self.value) => Some(Suppression::Primary),
            Basis::Count => None,
            Basis::Share {
                numerator,
                denominator,
            } => suppression::share(numerator, denominator).err(),
            Basis::Statistic { n } => {
                (!suppression::statistic_allowed(n)).then_some(Suppression::SmallDenominator)
            }
            Basis::Rate { count } => {
                suppression::is_small(count as f64).then_some(Suppression::Primary)
            }
        }
    }
}

impl F {
    pub fn unit(self) -> FigureUnit {
        match self {
            F::Kf01 | F::Kf02 | F::Kf08 | F::Kf10 | F::Kf16 => FigureUnit::Count,
            F::Kf03 | F::Kf05 | F::Kf06 | F::Kf15 | F::Kf21 | F::Kf22 => FigureUnit::Percent,
            F::Kf04 => FigureUnit::Hours,
            F::Kf07 | F::Kf14 => FigureUnit::Days,
            F::Kf11 => FigureUnit::Per100,
            F::Kf12 => FigureUnit::FullYearPersons,
            F::Kf13 => FigureUnit::Per1000,
            F::Kf23 => FigureUnit::Brier,
        }
    }

    /// The direction that is usually better, offered when an indicator is created.
    pub fn usually_better(self) -> IndicatorDirection {
        match self {
            F::Kf03 | F::Kf05 | F::Kf06 | F::Kf15 | F::Kf22 => IndicatorDirection::Higher,
            _ => IndicatorDirection::Lower,
        }
    }

    /// Whether the value reads the legal deadlines (an evaluation of the obligations as of
    /// the period's end).
    pub fn reads_obligations(self) -> bool {
        matches!(self, F::Kf05 | F::Kf15 | F::Kf16)
    }

    /// Whether the value is a stock at the period's end (as of its last day) rather than a
    /// flow over the period.
    pub fn is_stock(self) -> bool {
        matches!(
            self,
            F::Kf08 | F::Kf10 | F::Kf13 | F::Kf14 | F::Kf16 | F::Kf21
        )
    }

    /// What the value is, in Danish: shown with the indicator.
    pub fn value_da(self) -> &'static str {
        match self {
            F::Kf01 => "antal underretninger modtaget i perioden",
            F::Kf02 => "antal børn med mindst én underretning i perioden",
            F::Kf03 => "andel vurderet inden 24 timer",
            F::Kf04 => "median reaktionstid i timer",
            F::Kf05 => "andel kvitteringer sendt til tiden",
            F::Kf06 => "andel undersøgelser afsluttet inden 4 måneder (frist i perioden)",
            F::Kf07 => "gennemsnitlig sagsbehandlingstid i dage (afsluttet i perioden)",
            F::Kf08 => "åbne sager ved periodens udgang",
            F::Kf10 => "åbne sager uden aktiv sagsbehandler ved periodens udgang",
            F::Kf11 => "sagsbehandlerskift pr. 100 sager åbne i perioden",
            F::Kf12 => "helårspersoner i alle anbringelsestyper i perioden",
            F::Kf13 => "anbragte 0-17-årige pr. 1.000 0-17-årige ved periodens udgang",
            F::Kf14 => "median ventetid i dage for dem på ventelisten ved periodens udgang",
            F::Kf15 => "andel opfølgninger med frist i perioden holdt til tiden",
            F::Kf16 => "overskredne frister ved periodens udgang",
            F::Kf21 => "andel åbne mål med mindst to scorer og ingen fremgang",
            F::Kf22 => "andel klager med personlig kontakt inden 5 dage",
            F::Kf23 => "Brier-score for risikovurderinger med udfald (0 er bedst)",
        }
    }

    /// The value for `period` in `ctx` (T = the period's end); `None` when not available (an
    /// input file absent, nothing to divide by).
    pub fn measure(self, ctx: &Context<'_>, period: Period) -> Option<Measured> {
        match self {
            F::Kf01 => notifications::kf01(ctx, period).map(|k| Measured::count(k.total)),
            F::Kf02 => notifications::kf02(ctx, period).map(Measured::count),
            F::Kf03 => notifications::kf03(ctx, period).and_then(|k| Measured::share(k.on_time)),
            F::Kf04 => notifications::kf04(ctx, period)
                .and_then(|k| Measured::statistic(k.hours.median, &k.hours)),
            F::Kf05 => notifications::kf05(ctx, period).and_then(|k| Measured::share(k.on_time)),
            F::Kf06 => investigations::kf06(ctx, period).and_then(|k| Measured::share(k.on_time)),
            F::Kf07 => investigations::kf07(ctx, period)
                .and_then(|k| Measured::statistic(k.days.mean, &k.days)),
            F::Kf08 => Some(Measured::count(caseload::kf08(ctx).total)),
            F::Kf10 => Some(Measured::count(caseload::kf10(ctx).without_caseworker)),
            F::Kf11 => {
                let k = caseload::kf11(ctx, period);
                k.per_100_cases.map(|value| Measured {
                    value,
                    basis: Basis::Rate { count: k.changes },
                })
            }
            F::Kf12 => activity::kf12(ctx, period).map(|k| Measured {
                value: k.placements_total.total,
                basis: Basis::Count,
            }),
            F::Kf13 => activity::kf13(ctx).and_then(|k| {
                k.placements_per_1000_0_17.map(|value| Measured {
                    value,
                    basis: Basis::Rate {
                        count: k.placed_0_17,
                    },
                })
            }),
            F::Kf14 => waiting::kf14(ctx)
                .and_then(|k| Measured::statistic(k.waiting_days.median, &k.waiting_days)),
            F::Kf15 => Measured::share(deadlines::kf15(ctx, period).on_time),
            F::Kf16 => Some(Measured::count(deadlines::kf16(ctx, period).total)),
            F::Kf21 => results::kf21(ctx).and_then(|k| Measured::share(k.no_progress)),
            F::Kf22 => results::kf22(ctx, period)
                .and_then(|k| Measured::share(k.personal_contact_within_5_days)),
            F::Kf23 => results::kf23(ctx, period).and_then(|k| {
                k.brier.score.map(|value| Measured {
                    value,
                    basis: Basis::Statistic { n: k.brier.n },
                })
            }),
        }
    }
}

/// Why `target` is not a target `figure` can reach (a share above 100 %, a negative count),
/// in Danish; `None` when it is valid. The one check behind the form and the importer.
pub fn check_target(figure: F, target: Decimal) -> Option<String> {
    let unit = figure.unit();
    if target < Decimal::ZERO {
        return Some(format!(
            "{target} kan ikke være et mål for {}, som ikke kan være negativ",
            figure.code()
        ));
    }
    let max = unit.max()?;
    (target > max).then(|| {
        format!(
            "{target} ligger uden for området for {} ({}): 0-{max}",
            figure.code(),
            unit.label_da()
        )
    })
}

/// A decimal as the f64 the figures compute in.
pub(crate) fn to_f64(value: Decimal) -> f64 {
    value.to_f64().unwrap_or(f64::NAN)
}
