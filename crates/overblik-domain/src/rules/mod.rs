//! The legal rule set as data: which obligations the law creates, their deadlines and legal
//! basis, with the dates each version governs, plus the measure catalogue and the values the
//! law leaves to the municipality.
//!
//! What a rule *means* (its trigger and what meets it) is code in [`crate::obligations`]; every
//! number and text a lawyer might change is data in the repository's `rules/` folder, loaded and
//! validated here. The files are embedded in the binary ([`RuleSet::embedded`]) and can be
//! replaced file by file ([`RuleSet::load`]).

mod catalogue;
mod load;
mod settings;
mod span;

use chrono::NaiveDate;

pub use catalogue::{MeasureCatalogue, MeasureEntry};
pub use load::{RuleError, RuleSource};
pub use settings::{AdultDeadline, ReceiptScope, Settings, paragraph_of};
pub use span::{Moment, Span, Unit};

use crate::calendar::Calendar;
use crate::codes::DecisionKind;

/// Declares the rules the engine knows, each with its id in the files and the version fields
/// it takes (marked `(required)` where a version must have it).
macro_rules! rule_ids {
    ($($variant:ident = $id:literal [$($param:ident $(($required:ident))?),*]),+ $(,)?) => {
        /// A rule the engine can evaluate.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum RuleId { $($variant),+ }

        impl RuleId {
            pub const ALL: &'static [RuleId] = &[$(RuleId::$variant),+];

            /// The id used in the rule files, the JSON output and the documentation.
            pub fn id(self) -> &'static str {
                match self { $(RuleId::$variant => $id),+ }
            }

            pub fn from_id(id: &str) -> Option<RuleId> {
                match id { $($id => Some(RuleId::$variant),)+ _ => None }
            }

            /// The rule-specific fields of a version and whether each is required.
            fn params(self) -> &'static [(&'static str, bool)] {
                match self { $(RuleId::$variant => &[$((stringify!($param), rule_ids!(@required $($required)?))),*]),+ }
            }
        }
    };
    (@required required) => { true };
    (@required) => { false };
}

rule_ids! {
    NotificationAssessment = "notification_assessment" [deadline(required)],
    NotificationReceipt = "notification_receipt" [deadline(required)],
    NotificationFeedback = "notification_feedback" [deadline],
    InvestigationCompletion = "investigation_completion" [deadline(required)],
    ChildConversationBeforeDecision = "child_conversation_before_decision" [decision_kinds(required)],
    PlanForPlacement = "plan_for_placement" [deadline(required), deadline_without_consent(required)],
    PlanForSupport = "plan_for_support" [deadline(required)],
    FollowupFirst = "followup_first" [deadline(required)],
    FollowupNext = "followup_next" [deadline, use_next_due],
    PlacementVisits = "placement_visits" [visits_per_year(required)],
    YouthPlan16 = "youth_plan_16" [age(required), deadline(required)],
    AftercareDecision = "aftercare_decision" [age(required), before(required)],
    AdultPublishedDeadline = "adult_published_deadline" [],
    AdultBreachNotice = "adult_breach_notice" [],
    AdultDrugTreatment = "adult_drug_treatment" [paragraph(required), deadline(required)],
}

impl std::fmt::Display for RuleId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

/// One version of a rule: the law and values that govern obligations triggered from `from`
/// to `to` (both inclusive; open ends are unbounded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleVersion {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// The legal basis shown to users, e.g. `BL § 20, stk. 3`.
    pub basis: String,
    pub deadline: Option<Span>,
    pub deadline_without_consent: Option<Span>,
    /// `followup_next` under barnets lov: the follow-up's own `next_due` sets the deadline.
    pub use_next_due: bool,
    pub visits_per_year: u32,
    pub age: u32,
    pub before: Option<Span>,
    pub decision_kinds: Vec<DecisionKind>,
    /// The section (§) of a legal basis the rule applies to (adult drug treatment: `101`).
    pub paragraph: Option<String>,
}

impl RuleVersion {
    fn governs(&self, date: NaiveDate) -> bool {
        self.from.is_none_or(|from| from <= date) && self.to.is_none_or(|to| date <= to)
    }

    /// The rule's deadline length; present whenever the rule's definition requires it
    /// (checked on load).
    pub fn deadline(&self) -> Span {
        self.deadline.unwrap_or(Span::ZERO_DAYS)
    }
}

/// A rule with its versions, oldest first, which do not overlap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub id: RuleId,
    /// The Danish title shown to users.
    pub title: String,
    /// The file the rule was read from (for messages).
    pub file: String,
    pub versions: Vec<RuleVersion>,
}

/// Everything the obligation engine needs to know about the law and the municipality.
#[derive(Debug, Clone)]
pub struct RuleSet {
    /// Indexed by `RuleId as usize`.
    rules: Vec<Rule>,
    pub settings: Settings,
    pub catalogue: MeasureCatalogue,
}

impl RuleSet {
    pub fn rule(&self, id: RuleId) -> &Rule {
        &self.rules[id as usize]
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// Whether the municipality has the rule switched on.
    pub fn enabled(&self, id: RuleId) -> bool {
        !self.settings.disabled_rules.contains(&id)
            && (id != RuleId::NotificationFeedback || self.settings.feedback_deadline.is_some())
    }

    /// The version governing an obligation triggered on `date`, with its index, if the rule is
    /// enabled and in force then.
    pub fn version(&self, id: RuleId, date: NaiveDate) -> Option<(u8, &RuleVersion)> {
        if !self.enabled(id) {
            return None;
        }
        self.rule(id)
            .versions
            .iter()
            .enumerate()
            .find(|(_, version)| version.governs(date))
            .map(|(index, version)| (index as u8, version))
    }

    /// The working-day calendar the municipality uses.
    pub fn calendar(&self) -> &'static Calendar {
        self.settings.calendar()
    }
}
