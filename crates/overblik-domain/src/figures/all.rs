//! Every key figure for one (data, T, period, unit): the object `overblik figures --json`
//! prints and the JSON API returns. Field names are the figure ids of key-figures.md; the
//! shape is documented in the README (it is part of the API).

use chrono::NaiveDate;
use serde::Serialize;

use super::activity::{Kf12, Kf13, kf12, kf13};
use super::caseload::{Kf08, Kf09, Kf10, Kf11, kf08, kf09, kf10, kf11};
use super::deadlines::{Kf15, Kf16, kf15, kf16};
use super::economy::{Kf17, Kf18, Kf19, Kf20, kf17, kf18_to_kf20};
use super::investigations::{Kf06, Kf07, kf06, kf07};
use super::notifications::{Kf01, Kf03, Kf04, Kf05, kf01, kf02, kf03, kf04, kf05};
use super::results::{Kf21, Kf22, Kf23, kf21, kf22, kf23};
use super::waiting::{Kf14, kf14};
use super::{Context, Exclusion, Period};

/// KF01-KF23 for one period. `None` (JSON null) = not available: the input file is absent.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figures {
    #[serde(rename = "KF01")]
    pub kf01: Option<Kf01>,
    #[serde(rename = "KF02")]
    pub kf02: Option<u64>,
    #[serde(rename = "KF03")]
    pub kf03: Option<Kf03>,
    #[serde(rename = "KF04")]
    pub kf04: Option<Kf04>,
    #[serde(rename = "KF05")]
    pub kf05: Option<Kf05>,
    #[serde(rename = "KF06")]
    pub kf06: Option<Kf06>,
    #[serde(rename = "KF07")]
    pub kf07: Option<Kf07>,
    #[serde(rename = "KF08")]
    pub kf08: Kf08,
    #[serde(rename = "KF09")]
    pub kf09: Kf09,
    #[serde(rename = "KF10")]
    pub kf10: Kf10,
    #[serde(rename = "KF11")]
    pub kf11: Kf11,
    #[serde(rename = "KF12")]
    pub kf12: Option<Kf12>,
    #[serde(rename = "KF13")]
    pub kf13: Option<Kf13>,
    #[serde(rename = "KF14")]
    pub kf14: Option<Kf14>,
    #[serde(rename = "KF15")]
    pub kf15: Kf15,
    #[serde(rename = "KF16")]
    pub kf16: Kf16,
    #[serde(rename = "KF17")]
    pub kf17: Option<Kf17>,
    #[serde(rename = "KF18")]
    pub kf18: Option<Kf18>,
    #[serde(rename = "KF19")]
    pub kf19: Option<Kf19>,
    #[serde(rename = "KF20")]
    pub kf20: Option<Kf20>,
    #[serde(rename = "KF21")]
    pub kf21: Option<Kf21>,
    #[serde(rename = "KF22")]
    pub kf22: Option<Kf22>,
    #[serde(rename = "KF23")]
    pub kf23: Option<Kf23>,
}

/// The output of `overblik figures --json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FiguresDocument {
    pub as_of: NaiveDate,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The unit id, or null for the whole municipality.
    pub unit: Option<String>,
    pub figures: Figures,
}

impl Figures {
    /// Computes every figure. The stock figures (KF08-KF10, KF13, KF14, KF16) are at T; the
    /// year figures (KF18-KF20) are for the year of T; the others are over `period`.
    pub fn compute(ctx: &Context<'_>, period: Period) -> Figures {
        let (kf18, kf19, kf20) = kf18_to_kf20(ctx);
        Figures {
            kf01: kf01(ctx, period),
            kf02: kf02(ctx, period),
            kf03: kf03(ctx, period),
            kf04: kf04(ctx, period),
            kf05: kf05(ctx, period),
            kf06: kf06(ctx, period),
            kf07: kf07(ctx, period),
            kf08: kf08(ctx),
            kf09: kf09(ctx),
            kf10: kf10(ctx),
            kf11: kf11(ctx, period),
            kf12: kf12(ctx, period),
            kf13: kf13(ctx),
            kf14: kf14(ctx),
            kf15: kf15(ctx, period),
            kf16: kf16(ctx, period),
            kf17: kf17(ctx, period),
            kf18,
            kf19,
            kf20,
            kf21: kf21(ctx),
            kf22: kf22(ctx, period),
            kf23: kf23(ctx, period),
        }
    }

    /// Every figure's excluded rows, for the data quality section (which leaves out the
    /// empty lists).
    pub fn exclusions(&self) -> Vec<(&'static str, Vec<Exclusion>)> {
        let mut out: Vec<(&'static str, Vec<Exclusion>)> = Vec::new();
        let mut add = |id: &'static str, list: Option<&[Exclusion]>| {
            if let Some(list) = list {
                out.push((id, list.to_vec()));
            }
        };
        add("KF03", self.kf03.as_ref().map(|f| f.excluded.list()));
        add("KF04", self.kf04.as_ref().map(|f| f.excluded.list()));
        add("KF06", self.kf06.as_ref().map(|f| f.excluded.list()));
        add("KF07", self.kf07.as_ref().map(|f| f.excluded.list()));
        add("KF12", self.kf12.as_ref().map(|f| f.excluded.list()));
        add("KF13", self.kf13.as_ref().map(|f| f.excluded.list()));
        add("KF17", self.kf17.as_ref().map(|f| f.excluded.list()));
        add("KF18", self.kf18.as_ref().map(|f| f.excluded.list()));
        add("KF19", self.kf19.as_ref().map(|f| f.excluded.list()));
        add("KF20", self.kf20.as_ref().map(|f| f.excluded.list()));
        add("KF23", self.kf23.as_ref().map(|f| f.excluded.list()));
        out
    }
}

/// The first day the data covers: the earliest case opening or notification. A figure as of
/// an earlier day would describe nothing.
pub fn data_starts(snapshot: &crate::Snapshot) -> Option<NaiveDate> {
    let cases = snapshot.cases.iter().map(|c| c.opened_at);
    let notifications = snapshot
        .notifications
        .iter()
        .map(|n| crate::calendar::local_date(n.received_at));
    cases.chain(notifications).min()
}
