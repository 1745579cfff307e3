//! Data-quality findings on obligations: facts that contradict each other or leave a rule
//! unable to say what is due. They are shown with the obligation and counted in reports.

/// A problem in the data behind one obligation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Finding {
    /// `notifications.assessed_at` is before `received_at`.
    AssessedBeforeReceived,
    /// `notifications.receipt_sent_at` is before `received_at`.
    ReceiptBeforeReceived,
    /// `notifications.feedback_sent_at` is before `outcome_at`.
    FeedbackBeforeOutcome,
    /// `investigations.completed_at` is before `aware_at`.
    CompletedBeforeAware,
    /// A placement decision without `consent`: judged as with consent (the longer deadline).
    ConsentMissing,
    /// A decision refers to a measure of another case.
    MeasureOfOtherCase,
    /// A follow-up of this measure is dated before the measure started; it does not count.
    FollowupBeforeMeasureStart,
    /// `followups.next_due` is before `held_at`: the default interval is used instead.
    NextDueBeforeHeld,
    /// `measures.end_date` is before `start_date`.
    MeasureEndsBeforeStart,
    /// The application's legal basis has no published deadline in the municipality's settings.
    NoPublishedDeadline,
    /// The application's `decided_at` is before `received_at`.
    DecidedBeforeReceived,
}

impl Finding {
    pub fn code(self) -> &'static str {
        match self {
            Finding::AssessedBeforeReceived => "assessed_before_received",
            Finding::ReceiptBeforeReceived => "receipt_before_received",
            Finding::FeedbackBeforeOutcome => "feedback_before_outcome",
            Finding::CompletedBeforeAware => "completed_before_aware",
            Finding::ConsentMissing => "consent_missing",
            Finding::MeasureOfOtherCase => "measure_of_other_case",
            Finding::FollowupBeforeMeasureStart => "followup_before_measure_start",
            Finding::NextDueBeforeHeld => "next_due_before_held",
            Finding::MeasureEndsBeforeStart => "measure_ends_before_start",
            Finding::NoPublishedDeadline => "no_published_deadline",
            Finding::DecidedBeforeReceived => "decided_before_received",
        }
    }

    /// What is wrong, in Danish, for the user who must correct the source system.
    pub fn message_da(self) -> &'static str {
        match self {
            Finding::AssessedBeforeReceived => {
                "vurderingen er dateret før modtagelsen af underretningen"
            }
            Finding::ReceiptBeforeReceived => {
                "kvitteringen er dateret før modtagelsen af underretningen"
            }
            Finding::FeedbackBeforeOutcome => {
                "tilbagemeldingen er dateret før underretningens udfald"
            }
            Finding::CompletedBeforeAware => {
                "undersøgelsen er afsluttet før kommunen blev opmærksom på sagen"
            }
            Finding::ConsentMissing => {
                "anbringelsesafgørelsen mangler oplysning om samtykke; fristen for anbringelse med samtykke er brugt"
            }
            Finding::MeasureOfOtherCase => "afgørelsen henviser til en indsats i en anden sag",
            Finding::FollowupBeforeMeasureStart => {
                "en opfølgning på indsatsen er dateret før indsatsens start og tæller ikke"
            }
            Finding::NextDueBeforeHeld => {
                "næste opfølgning er sat til før opfølgningen blev holdt; standardintervallet er brugt"
            }
            Finding::MeasureEndsBeforeStart => "indsatsen slutter før den starter",
            Finding::NoPublishedDeadline => {
                "der er ingen offentliggjort sagsbehandlingsfrist for ansøgningens lovgrundlag (municipality.toml)"
            }
            Finding::DecidedBeforeReceived => "afgørelsen er dateret før ansøgningen blev modtaget",
        }
    }
}
