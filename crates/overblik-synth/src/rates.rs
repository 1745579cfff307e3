//! The generator's default parameters. Targets come from statistics.md (section in each
//! comment); the behavioural knobs (risk classes, gaps, probabilities) have no published value
//! and were tuned so that `overblik generate --check` meets the targets nationally.

use overblik_domain::codes::{MeasureType, NotifierType};

/// Children notified for the first time (new to the municipality), per 1,000 children a year.
/// Together with the returns of known children this gives ≈74 distinct children a year (§10).
pub const NEW_CHILDREN_PER_1000: f64 = 24.5;

/// Risk classes: share of new children, mean gap in years between bursts of notifications,
/// probability that a burst starts an investigation, that it leads to early support without one,
/// and at the end of an investigation the probability of a placement and of support.
pub struct RiskClass {
    pub share: f64,
    pub gap_years: f64,
    pub investigation: f64,
    pub early_support: f64,
    pub placement: f64,
    pub support: f64,
    /// Weights of 1, 2, 3, 4, 5, 6+ notifications in a burst (§2.2 gives the mix over all).
    pub burst: [f64; 6],
}

pub const CLASSES: [RiskClass; 3] = [
    RiskClass {
        share: 0.50,
        gap_years: 9.0,
        investigation: 0.12,
        early_support: 0.23,
        placement: 0.01,
        support: 0.70,
        burst: [85.0, 11.0, 3.0, 0.7, 0.2, 0.1],
    },
    RiskClass {
        share: 0.33,
        gap_years: 3.0,
        investigation: 0.38,
        early_support: 0.33,
        placement: 0.07,
        support: 0.80,
        burst: [70.0, 19.0, 7.0, 2.5, 1.0, 0.5],
    },
    RiskClass {
        share: 0.17,
        gap_years: 1.4,
        investigation: 0.60,
        early_support: 0.28,
        placement: 0.23,
        support: 0.70,
        burst: [50.0, 23.0, 12.0, 7.0, 4.0, 4.0],
    },
];

/// Age at the first notification, weights for 0..=17 (notifications rise into the teens, §2.4).
pub const FIRST_AGE: [f64; 18] = [
    7.0, 4.0, 4.0, 4.0, 4.0, 4.5, 5.0, 5.0, 5.0, 5.5, 5.5, 6.0, 7.0, 8.0, 8.5, 8.5, 7.0, 5.0,
];

/// Boys' share of notified children (§2.4: 39,225 boys of 72,511 with a known sex).
pub const BOYS: f64 = 0.54;

/// Notifier types and their shares (§2.3: school 21.0 %, health 19.6 %, police 12.5 % in 2022;
/// daycare 5.7 % and anonymous 6.6 % in 2019; the rest, unpublished, split by assumption).
pub const NOTIFIERS: [(NotifierType, f64, bool); 11] = [
    (NotifierType::School, 21.0, true),
    (NotifierType::Health, 19.6, true),
    (NotifierType::Police, 12.5, true),
    (NotifierType::Daycare, 5.7, true),
    (NotifierType::Anonymous, 6.6, false),
    (NotifierType::SocialServices, 10.0, true),
    (NotifierType::ParentFamily, 8.0, false),
    (NotifierType::Citizen, 5.5, false),
    (NotifierType::OtherMunicipality, 4.0, true),
    (NotifierType::ChildSelf, 2.0, false),
    (NotifierType::Other, 5.1, false),
];

/// Share of notifications assessed within 24 hours (§2.6 / §9: 87 % in 2019, 88 % in 2021).
pub const ASSESSED_IN_24H: f64 = 0.88;

/// Share of investigations completed within 4 months (§9: 50 % in 2024).
pub const INVESTIGATION_ON_TIME: f64 = 0.50;

/// Share of decisions preceded by a conversation with the child (§9: 65 % in 2024).
pub const CHILD_CONVERSATION: f64 = 0.65;

/// Share of first follow-ups within 3 months of the measure's start (§9: 75 % in 2024).
pub const FIRST_FOLLOWUP_ON_TIME: f64 = 0.75;

/// Share of placements without consent (§3.4: ≈20-24 % of the stock 2017-19).
pub const WITHOUT_CONSENT: f64 = 0.22;

/// Mean placement length in years before the cut at 18 (the stock/flow ratio ≈4.1 years, §3.6).
pub const PLACEMENT_MEAN_YEARS: f64 = 20.0;

/// Share of placements that are short (1-11 months): most starts end within a year while only
/// 16 % of the stock leaves a year (§3.6).
pub const SHORT_PLACEMENTS: f64 = 0.35;

/// Placed young people whose placement continues after 18 (§5: residential aftercare ≈2,100).
pub const PLACEMENT_CONTINUES_AFTER_18: f64 = 0.8;

/// Placement types (§3.2, stock 2018: foster family 63 % — of which network ≈11 % (2010) and a
/// few municipal —, residential institution 17 %, socio-educational home 14 %, other 6 %), with
/// daily rates in kroner (§6.2-6.4: foster family ≈1,290/day, institution or home ≈3,180/day;
/// Vejle 3,859-5,309, opholdssteder 2,420-3,325; network families get no fee).
pub const PLACEMENTS: [(MeasureType, f64, u32, u32); 7] = [
    (MeasureType::PlacementKinshipFoster, 7.0, 350, 650),
    (MeasureType::PlacementFosterFamily, 53.0, 850, 1_450),
    (MeasureType::PlacementMunicipalFoster, 3.0, 1_500, 2_100),
    (
        MeasureType::PlacementResidentialInstitution,
        17.5,
        2_900,
        4_300,
    ),
    (MeasureType::PlacementSocioEducational, 14.0, 2_100, 2_950),
    (MeasureType::PlacementOwnRoom, 28.0, 500, 1_100),
    (MeasureType::PlacementBoardingSchool, 16.0, 600, 1_000),
];

/// Supportive measure types with weights, minimum age and daily rates (§6.5: contact person,
/// family treatment, respite care ≈9,000-12,000 kr./month; family residential like an institution).
pub const SUPPORT: [(MeasureType, f64, i32, u32, u32); 7] = [
    (MeasureType::FamilyTreatment, 30.0, 0, 280, 400),
    (MeasureType::HomeSupport, 16.0, 0, 180, 330),
    (MeasureType::ContactPerson, 22.0, 7, 300, 380),
    (MeasureType::RespiteCare, 10.0, 0, 290, 380),
    (MeasureType::FamilyResidential, 2.5, 0, 2_000, 3_200),
    (MeasureType::Internship, 4.5, 14, 150, 300),
    (MeasureType::OtherSupport, 15.0, 0, 100, 300),
];

/// Aftercare (efterværn / ungestøtte) daily rate range.
pub const AFTERCARE_RATE: (u32, u32) = (250, 600);

/// Median length of a supportive measure in days and its log-spread (stock ≈3.0 % of 0-22 at
/// ≈52 started per 1,000 children a year, §4.1 / §10).
pub const SUPPORT_MEDIAN_DAYS: f64 = 320.0;
pub const SUPPORT_SPREAD: f64 = 0.65;

/// Caseworker turnover a year (§7: nearly 1 in 4 leave within a year).
pub const TURNOVER: f64 = 0.23;

/// Target open children's cases per caseworker (§7: 31 in spring 2023).
pub const CASELOAD: f64 = 31.0;

/// Appeals decided on their merits: changed 9.0 %, remitted 28.5 %, confirmed 62.5 % (§8, 2022);
/// placements without consent: 99 % confirmed (§8, 2018).
pub const APPEAL_CHANGED: f64 = 0.090;
pub const APPEAL_REMITTED: f64 = 0.285;
pub const APPEAL_NO_CONSENT_REVERSED: f64 = 0.01;

/// Adult applications per 1,000 adults a year (no published figure; an assumption).
pub const ADULT_APPLICATIONS_PER_1000: f64 = 18.0;

/// Legal bases of adult applications with their weight and the published deadline in working
/// days (legal-rules.md: Gentofte's published deadlines; SEL § 101 is 14 calendar days).
pub const ADULT_BASES: [(&str, f64, i32); 11] = [
    ("SEL § 84", 14.0, 20),
    ("SEL § 85", 34.0, 30),
    ("SEL § 97", 7.0, 30),
    ("SEL § 98", 1.0, 30),
    ("SEL § 102", 3.0, 40),
    ("SEL § 103", 5.0, 40),
    ("SEL § 104", 8.0, 40),
    ("SEL § 96", 2.0, 60),
    ("SEL § 107", 6.0, 60),
    ("SEL § 108", 4.0, 90),
    ("SEL § 101", 16.0, 0),
];

/// Inhabitants of one year of age 18-22 relative to one of age 0-17 (the population table).
pub const YOUNG_ADULT_FACTOR: f64 = 0.97;
