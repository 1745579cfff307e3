//! Every table of the interchange format v1, defined once: the typed record and its spec.
//!
//! Each entry below generates a record struct (validated on construction through
//! [`Field::from_value`]) and a `static` [`TableSpec`] that drives import, storage and export.
//! [`TABLES`] lists them parents first, the order in which rows can be inserted.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;

use crate::codes::*;
use crate::field::{Age, Count, Field, Fraction, NonNegative, PersonName, Score, Year};
use crate::ids::*;
use crate::{ColumnSpec, Cpr, Row, TableSpec, YearMonth};

/// A row whose values do not fit its record type (a programming error upstream, or a NULL in a
/// required column).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{table}.{column}: value does not fit the column")]
pub struct RecordError {
    pub table: &'static str,
    pub column: &'static str,
}

macro_rules! tables {
    ($(
        $(#[$meta:meta])*
        $record:ident, $spec:ident = $table:ident $([$marker:ident])? key [$($key:literal),+] {
            $( $field:ident : $ty:ty $(=> $target:literal)? ),* $(,)?
        }
    )*) => {
        $(
            $(#[$meta])*
            #[derive(Debug, Clone, PartialEq, Eq)]
            pub struct $record { $(pub $field: $ty),* }

            #[doc = concat!("The spec of `", stringify!($table), ".csv`.")]
            pub static $spec: TableSpec = TableSpec {
                name: stringify!($table),
                required_file: tables!(@required $($marker)?),
                entered: tables!(@entered $($marker)?),
                key: &[$($key),+],
                columns: &[$(ColumnSpec {
                    name: stringify!($field),
                    kind: <$ty as Field>::KIND,
                    required: <$ty as Field>::REQUIRED,
                    references: tables!(@references $($target)?),
                }),*],
            };

            impl $record {
                pub fn spec() -> &'static TableSpec {
                    &$spec
                }

                /// Builds the record from a row parsed against [`Self::spec`].
                pub fn from_row(row: &Row) -> Result<Self, RecordError> {
                    let mut values = row.0.iter();
                    Ok(Self {$(
                        $field: values
                            .next()
                            .and_then(<$ty as Field>::from_value)
                            .ok_or(RecordError { table: stringify!($table), column: stringify!($field) })?,
                    )*})
                }

                pub fn to_row(&self) -> Row {
                    Row(vec![$(self.$field.to_value()),*])
                }
            }
        )*

        /// Every table, parents before children.
        pub static TABLES: &[&TableSpec] = &[$(&$spec),*];

        /// One municipality's data in memory, as typed records: what the pure figures and rules
        /// are computed from. Rows keep the order in which they were added.
        #[derive(Debug, Clone, Default, PartialEq, Eq)]
        pub struct Snapshot {
            $(pub $table: Vec<$record>,)*
        }

        impl Snapshot {
            /// Adds a row parsed against `spec` to its table.
            pub fn push_row(&mut self, spec: &TableSpec, row: &Row) -> Result<(), RecordError> {
                match spec.name {
                    $(stringify!($table) => self.$table.push($record::from_row(row)?),)*
                    _ => unreachable!("`{}` is not a table of the format", spec.name),
                }
                Ok(())
            }

            /// Calls `f` with every row of `spec`, in stored order.
            pub fn for_each_row<E>(
                &self,
                spec: &TableSpec,
                f: &mut dyn FnMut(Row) -> Result<(), E>,
            ) -> Result<(), E> {
                match spec.name {
                    $(stringify!($table) => self.$table.iter().try_for_each(|record| f(record.to_row())),)*
                    _ => unreachable!("`{}` is not a table of the format", spec.name),
                }
            }

            /// The number of rows of every table, in [`TABLES`] order.
            pub fn row_counts(&self) -> Vec<(&'static str, usize)> {
                vec![$((stringify!($table), self.$table.len())),*]
            }

            /// The number of rows of all tables.
            pub fn total_rows(&self) -> usize {
                0 $(+ self.$table.len())*
            }
        }
    };
    (@required required) => { true };
    (@required $other:ident) => { false };
    (@required) => { false };
    (@entered entered) => { true };
    (@entered $other:ident) => { false };
    (@entered) => { false };
    (@references $target:literal) => { Some($target) };
    (@references) => { None };
}

tables! {
    /// An organisational unit (municipality, department, centre, team).
    OrgUnit, ORG_UNITS = org_units [required] key ["unit_id"] {
        unit_id: OrgUnitId,
        parent_id: Option<OrgUnitId> => "org_units",
        name: String,
        kind: OrgUnitKind,
        team_type: Option<TeamType>,
        valid_from: Option<NaiveDate>,
        valid_to: Option<NaiveDate>,
    }
    /// An employee.
    Staff, STAFF = staff [required] key ["staff_id"] {
        staff_id: StaffId,
        name: PersonName,
        unit_id: OrgUnitId => "org_units",
        role: StaffRole,
        fte: Option<Fraction>,
        capacity_points: Option<NonNegative>,
        start_date: Option<NaiveDate>,
        end_date: Option<NaiveDate>,
    }
    /// A period of absence of an employee.
    Absence, ABSENCES = absences key ["staff_id", "from_date"] {
        staff_id: StaffId => "staff",
        from_date: NaiveDate,
        to_date: Option<NaiveDate>,
        kind: Option<AbsenceKind>,
    }
    /// A citizen (child, young person or adult).
    Person, PERSONS = persons [required] key ["person_id"] {
        person_id: PersonId,
        cpr: Option<Cpr>,
        birth_date: NaiveDate,
        sex: Option<Sex>,
        district: Option<String>,
    }
    /// A case about one person.
    Case, CASES = cases [required] key ["case_id"] {
        case_id: CaseId,
        person_id: PersonId => "persons",
        area: Area,
        opened_at: NaiveDate,
        closed_at: Option<NaiveDate>,
        closing_reason: Option<String>,
        weight: Option<NonNegative>,
    }
    /// The responsible caseworker of a case over a period.
    Assignment, ASSIGNMENTS = assignments key ["case_id", "from_date"] {
        case_id: CaseId => "cases",
        staff_id: StaffId => "staff",
        from_date: NaiveDate,
        to_date: Option<NaiveDate>,
    }
    /// A notification of concern (underretning).
    Notification, NOTIFICATIONS = notifications key ["notification_id"] {
        notification_id: NotificationId,
        person_id: PersonId => "persons",
        case_id: Option<CaseId> => "cases",
        received_at: DateTime<Utc>,
        notifier_type: NotifierType,
        professional: bool,
        severity: Severity,
        assessed_at: Option<DateTime<Utc>>,
        receipt_sent_at: Option<DateTime<Utc>>,
        outcome: Option<NotificationOutcome>,
        outcome_at: Option<DateTime<Utc>>,
        feedback_sent_at: Option<DateTime<Utc>>,
    }
    /// A child investigation (børnefaglig undersøgelse).
    Investigation, INVESTIGATIONS = investigations key ["investigation_id"] {
        investigation_id: InvestigationId,
        case_id: CaseId => "cases",
        aware_at: NaiveDate,
        decided_at: Option<NaiveDate>,
        preliminary_assessment_at: Option<NaiveDate>,
        completed_at: Option<NaiveDate>,
        child_conversation_at: Option<NaiveDate>,
    }
    /// A provider of measures.
    Provider, PROVIDERS = providers key ["provider_id"] {
        provider_id: ProviderId,
        name: String,
        internal: bool,
        kind: Option<String>,
    }
    /// A measure (indsats) or placement.
    Measure, MEASURES = measures key ["measure_id"] {
        measure_id: MeasureId,
        case_id: CaseId => "cases",
        measure_type: MeasureType,
        legal_basis: Option<String>,
        provider_id: Option<ProviderId> => "providers",
        start_date: NaiveDate,
        planned_end_date: Option<NaiveDate>,
        end_date: Option<NaiveDate>,
        end_reason: Option<EndReason>,
        daily_rate: Option<NonNegative>,
    }
    /// A decision (afgørelse); `subject` absent means `measure`.
    Decision, DECISIONS = decisions key ["decision_id"] {
        decision_id: DecisionId,
        case_id: CaseId => "cases",
        decided_at: NaiveDate,
        kind: DecisionKind,
        subject: Option<DecisionSubject>,
        legal_basis: String,
        measure_id: Option<MeasureId> => "measures",
        consent: Option<bool>,
        child_conversation_at: Option<NaiveDate>,
    }
    /// A child's plan or action plan.
    Plan, PLANS = plans key ["plan_id"] {
        plan_id: PlanId,
        case_id: CaseId => "cases",
        created_at: NaiveDate,
        measure_id: Option<MeasureId> => "measures",
    }
    /// A supervision visit to a placed child.
    Visit, VISITS = visits key ["visit_id"] {
        visit_id: VisitId,
        case_id: CaseId => "cases",
        measure_id: Option<MeasureId> => "measures",
        visited_at: NaiveDate,
        child_conversation: bool,
    }
    /// An adult's application with a published processing deadline.
    Application, APPLICATIONS = applications key ["application_id"] {
        application_id: ApplicationId,
        case_id: CaseId => "cases",
        received_at: NaiveDate,
        legal_basis: String,
        notice_sent_at: Option<NaiveDate>,
        decided_at: Option<NaiveDate>,
    }
    /// A goal of a plan.
    Goal, GOALS = goals key ["goal_id"] {
        goal_id: GoalId,
        plan_id: PlanId => "plans",
        category: GoalCategory,
        set_at: NaiveDate,
        closed_at: Option<NaiveDate>,
    }
    /// A follow-up (opfølgning) on a case or measure.
    Followup, FOLLOWUPS = followups key ["followup_id"] {
        followup_id: FollowupId,
        case_id: CaseId => "cases",
        measure_id: Option<MeasureId> => "measures",
        held_at: NaiveDate,
        child_conversation: Option<bool>,
        next_due: Option<NaiveDate>,
    }
    /// The progress score of a goal at a follow-up.
    GoalScore, GOAL_SCORES = goal_scores key ["goal_id", "followup_id"] {
        goal_id: GoalId => "goals",
        followup_id: FollowupId => "followups",
        score: Score,
    }
    /// A risk estimate recorded as a probability, scored against the outcome later.
    RiskAssessment, RISK_ASSESSMENTS = risk_assessments key ["assessment_id"] {
        assessment_id: AssessmentId,
        case_id: CaseId => "cases",
        assessed_at: NaiveDate,
        staff_id: StaffId => "staff",
        event: RiskEvent,
        probability: Fraction,
        outcome: Option<bool>,
    }
    /// A payment from the economy system (negative = refund).
    Payment, PAYMENTS = payments key ["payment_id"] {
        payment_id: PaymentId,
        case_id: Option<CaseId> => "cases",
        measure_id: Option<MeasureId> => "measures",
        account: String,
        month: YearMonth,
        amount: Decimal,
    }
    /// A yearly budget line and the activity it assumes.
    Budget, BUDGETS = budgets key ["year", "unit_id", "account", "measure_type"] {
        year: Year,
        unit_id: OrgUnitId => "org_units",
        account: String,
        measure_type: Option<MeasureType>,
        amount: Decimal,
        planned_full_year_persons: Option<NonNegative>,
    }
    /// A person on a waiting list for an offer.
    WaitingListEntry, WAITING_LIST = waiting_list key ["entry_id"] {
        entry_id: EntryId,
        person_id: PersonId => "persons",
        offer_type: String,
        listed_at: NaiveDate,
        left_at: Option<NaiveDate>,
        left_reason: Option<LeftReason>,
    }
    /// A complaint about a decision.
    Complaint, COMPLAINTS = complaints key ["complaint_id"] {
        complaint_id: ComplaintId,
        decision_id: DecisionId => "decisions",
        received_at: NaiveDate,
        personal_contact_at: Option<NaiveDate>,
        resolved_at: Option<NaiveDate>,
        outcome: Option<ComplaintOutcome>,
        appeal_outcome: Option<AppealOutcome>,
    }
    /// The number of inhabitants of one age in one year (for rates per 1,000 children).
    Population, POPULATION = population key ["year", "age"] {
        year: Year,
        age: Age,
        count: Count,
    }
    /// Extension, entered in overblik: the points of the case-weight model, one row per
    /// factor and value (`area`/`children`, `placement`/`yes`, `flag`/`violence`, …). Without
    /// rows the built-in model applies (`workload::WeightModel::default`).
    WeightPoint, WEIGHT_POINTS = weight_points [entered] key ["factor", "value"] {
        factor: WeightFactor,
        value: String,
        points: NonNegative,
        label: Option<String>,
    }
    /// Extension, entered in overblik: what a caseworker is good at and where they work, for
    /// distributing cases (`workload::distribute`): competences and districts as `;`-separated
    /// lists (competence codes: `workload::distribute::NEEDS` and complexity flag codes).
    StaffProfile, STAFF_PROFILES = staff_profiles [entered] key ["staff_id"] {
        staff_id: StaffId => "staff",
        competences: Option<String>,
        districts: Option<String>,
    }
    /// Extension, entered in overblik: a monthly caseload review (F9), a leader and a caseworker
    /// going through the caseworker's open cases. `version` grows with every save, so that two
    /// leaders saving the same review are detected instead of one overwriting the other.
    Review, REVIEWS = reviews [entered] key ["review_id"] {
        review_id: ReviewId,
        staff_id: StaffId => "staff",
        held_on: NaiveDate,
        leader: String,
        status: ReviewStatus,
        version: Count,
        note: Option<String>,
    }
    /// Extension, entered in overblik: one case in a caseload review, with the adjustment agreed
    /// and a note.
    ReviewLine, REVIEW_LINES = review_lines [entered] key ["review_id", "case_id"] {
        review_id: ReviewId => "reviews",
        case_id: CaseId => "cases",
        adjustment: Adjustment,
        note: Option<String>,
    }
    /// Extension, entered in overblik: an item of the handover checklist (F8), created for
    /// every reassignment of a case. Without rows the built-in items apply
    /// (`workload::handover::DEFAULT_ITEMS`).
    HandoverItem, HANDOVER_ITEMS = handover_items [entered] key ["item_id"] {
        item_id: ItemId,
        label: String,
        position: Count,
    }
    /// Extension, entered in overblik: the handover of a case from one caseworker to another
    /// (F8), followed until every item of its checklist is done. `version` grows with every
    /// save (concurrent edits are detected).
    Handover, HANDOVERS = handovers [entered] key ["handover_id"] {
        handover_id: HandoverId,
        case_id: CaseId => "cases",
        from_staff: Option<StaffId> => "staff",
        to_staff: StaffId => "staff",
        created_on: NaiveDate,
        completed_on: Option<NaiveDate>,
        version: Count,
    }
    /// Extension, entered in overblik: one item of a handover's checklist, with its label as
    /// it read when the handover was created.
    HandoverCheck, HANDOVER_CHECKS = handover_checks [entered] key ["handover_id", "item_id"] {
        handover_id: HandoverId => "handovers",
        item_id: ItemId,
        label: String,
        done_on: Option<NaiveDate>,
        done_by: Option<String>,
        note: Option<String>,
    }
    /// Extension, entered in overblik: a theme of the department's annual supervision wheel
    /// (F10), planned for a month, with the cases it samples from.
    SupervisionTheme, SUPERVISION_THEMES = supervision_themes [entered] key ["theme_id"] {
        theme_id: ThemeId,
        month: YearMonth,
        title: String,
        area: Option<Area>,
        population: SamplePopulation,
        description: Option<String>,
    }
    /// Extension, entered in overblik: an item of a theme's supervision checklist. A legality
    /// item names the rule (`rules/*.toml`) whose obligations prefill it; a quality item is
    /// scored from 1 to `scale_max`.
    ChecklistItem, CHECKLIST_ITEMS = checklist_items [entered] key ["theme_id", "item_id"] {
        theme_id: ThemeId => "supervision_themes",
        item_id: ItemId,
        kind: ChecklistKind,
        text: String,
        rule: Option<String>,
        scale_max: Option<Count>,
        position: Count,
    }
    /// Extension, entered in overblik: a supervision round, a reproducible sample of a unit's
    /// cases for a theme. The sample is drawn from `seed`, so it can be drawn again and checked.
    SupervisionRound, SUPERVISION_ROUNDS = supervision_rounds [entered] key ["round_id"] {
        round_id: RoundId,
        theme_id: ThemeId => "supervision_themes",
        unit_id: OrgUnitId => "org_units",
        drawn_on: NaiveDate,
        seed: Count,
        size: Count,
        strata: Strata,
        leader: String,
        status: ReviewStatus,
        learning_points: Option<String>,
        version: Count,
    }
    /// Extension, entered in overblik: a case drawn in a supervision round, with its
    /// caseworker and team when it was drawn (the summary is per team).
    SupervisionCase, SUPERVISION_CASES = supervision_cases [entered] key ["round_id", "case_id"] {
        round_id: RoundId => "supervision_rounds",
        case_id: CaseId => "cases",
        staff_id: Option<StaffId> => "staff",
        team_id: Option<OrgUnitId> => "org_units",
    }
    /// Extension, entered in overblik: the reviewer's finding on one checklist item of one
    /// sampled case: met or not (legality; empty: not relevant), or a score (quality).
    SupervisionFinding, SUPERVISION_FINDINGS = supervision_findings [entered] key ["round_id", "case_id", "item_id"] {
        round_id: RoundId => "supervision_rounds",
        case_id: CaseId => "cases",
        item_id: ItemId,
        met: Option<bool>,
        score: Option<Count>,
        note: Option<String>,
        recorded_on: NaiveDate,
        recorded_by: String,
    }
    /// Extension, entered in overblik: a goal's progress score recorded in overblik at a
    /// follow-up (F11), beside the case system's `goal_scores`. Where both have a score for
    /// the same goal and follow-up, the case system's wins.
    FollowupScore, FOLLOWUP_SCORES = followup_scores [entered] key ["goal_id", "followup_id"] {
        goal_id: GoalId => "goals",
        followup_id: FollowupId => "followups",
        score: Score,
        recorded_on: NaiveDate,
        recorded_by: String,
    }
    /// Extension, entered in overblik: a theme of the committee's children's policy (F16).
    PolicyTheme, POLICY_THEMES = policy_themes [entered] key ["theme_id"] {
        theme_id: PolicyThemeId,
        title: String,
        description: Option<String>,
    }
    /// Extension, entered in overblik: an annual goal under a policy theme (F16), typically
    /// three to five a year.
    AnnualGoal, ANNUAL_GOALS = annual_goals [entered] key ["annual_goal_id"] {
        annual_goal_id: AnnualGoalId,
        theme_id: PolicyThemeId => "policy_themes",
        year: Year,
        title: String,
        description: Option<String>,
    }
    /// Extension, entered in overblik: an indicator of an annual goal (F16), bound to a key
    /// figure for a unit (empty: the whole municipality), with a target in the figure's unit
    /// (a share in percent), the direction that is better, and how often it is reported.
    /// `tolerance` is how far from the target still counts as "at risk" (empty: 10 % of the
    /// target; `policy::status`).
    Indicator, INDICATORS = indicators [entered] key ["indicator_id"] {
        indicator_id: IndicatorId,
        annual_goal_id: AnnualGoalId => "annual_goals",
        figure: IndicatorFigure,
        unit_id: Option<OrgUnitId> => "org_units",
        target: Decimal,
        direction: IndicatorDirection,
        frequency: ReportingFrequency,
        tolerance: Option<NonNegative>,
    }
    /// Extension, entered in overblik: a complexity flag a leader set on a case; the flag's
    /// points (`weight_points`, factor `flag`) add to the case's weight.
    CaseFlag, CASE_FLAGS = case_flags [entered] key ["case_id", "flag"] {
        case_id: CaseId => "cases",
        flag: String,
        set_at: DateTime<Utc>,
        set_by: String,
    }
}

/// The spec of the table called `name`.
pub fn table(name: &str) -> Option<&'static TableSpec> {
    TABLES.iter().copied().find(|spec| spec.name == name)
}

impl TableSpec {
    /// Whether the table has no id column: its rows are a snapshot, replaced as a whole when
    /// the file is imported again (nothing refers to these rows).
    pub fn is_snapshot(&self) -> bool {
        self.key.len() > 1
    }
}

impl Snapshot {
    /// Adds a row to `table` from named interchange-format cell texts (other columns empty),
    /// failing with the table and column on a bad cell. For tests and tools that build small
    /// data sets by hand; the importer reads whole files instead.
    pub fn add(&mut self, table: &str, cells: &[(&str, &str)]) -> Result<(), String> {
        let spec = self::table(table).ok_or_else(|| format!("unknown table `{table}`"))?;
        let mut row = vec![""; spec.columns.len()];
        for (column, value) in cells {
            let index = spec
                .column_index(column)
                .ok_or_else(|| format!("{table}.{column}: unknown column"))?;
            row[index] = value;
        }
        let row = spec.parse_row(&row)?;
        self.push_row(spec, &row).map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ColumnKind, Value};

    #[test]
    fn every_reference_points_to_an_earlier_table() {
        for (position, spec) in TABLES.iter().enumerate() {
            for column in spec.columns {
                if let Some(target) = column.references {
                    let target_position = TABLES.iter().position(|t| t.name == target).unwrap();
                    // org_units refers to itself (the parent unit).
                    assert!(
                        target_position <= position,
                        "{}.{} -> {target}",
                        spec.name,
                        column.name
                    );
                }
            }
        }
    }

    #[test]
    fn keys_are_columns_and_required_except_optional_key_parts() {
        for spec in TABLES {
            for key in spec.key {
                assert!(spec.column_index(key).is_some(), "{}: {key}", spec.name);
            }
        }
        assert_eq!(TABLES.len(), 40);
        assert_eq!(TABLES.iter().filter(|t| t.entered).count(), 17);
        assert_eq!(TABLES.iter().filter(|t| t.required_file).count(), 4);
    }

    #[test]
    fn a_record_round_trips_through_its_row() {
        let cells = [
            "N1",
            "P1",
            "",
            "2025-03-01 14:05",
            "school",
            "ja",
            "serious",
            "",
            "",
            "",
            "",
            "",
        ];
        let row = NOTIFICATIONS.parse_row(&cells).unwrap();
        let record = Notification::from_row(&row).unwrap();
        assert_eq!(record.notifier_type, NotifierType::School);
        assert!(record.professional);
        assert_eq!(record.to_row(), row);
        assert_eq!(NOTIFICATIONS.key_of(&row), "N1");
    }

    #[test]
    fn a_single_id_key_is_borrowed_and_a_composite_key_joins_its_parts() {
        let person = PERSONS
            .parse_row(&["P1", "", "1990-01-01", "", ""])
            .unwrap();
        assert!(matches!(
            PERSONS.key_of(&person),
            std::borrow::Cow::Borrowed("P1")
        ));
        for cells in [
            ["2025", "U1", "5.28.21", "", "10", ""],
            ["2025", "U1", "5.28.21", "aftercare", "10", ""],
        ] {
            let budget = BUDGETS.parse_row(&cells).unwrap();
            assert_eq!(
                BUDGETS.key_of(&budget),
                format!("2025\u{1f}U1\u{1f}5.28.21\u{1f}{}", cells[3])
            );
        }
    }

    #[test]
    fn parse_row_names_the_bad_cell_and_checks_the_width() {
        assert_eq!(
            POPULATION.parse_row(&["2025", "23", "10"]).unwrap_err(),
            "population.age: out_of_range: `23` skal ligge mellem 0 og 22"
        );
        assert!(POPULATION.parse_row(&["2025", "3"]).is_err());
    }

    #[test]
    fn a_record_cannot_be_built_with_a_missing_required_value() {
        let mut row = Row(vec![Value::Null; POPULATION.columns.len()]);
        assert_eq!(Population::from_row(&row).unwrap_err().column, "year");
        row.0 = vec![Value::Int(2025), Value::Int(23), Value::Int(10)];
        assert_eq!(Population::from_row(&row).unwrap_err().column, "age");
        assert_eq!(
            POPULATION.columns[1].kind,
            ColumnKind::Integer { min: 0, max: 22 }
        );
    }

    #[test]
    fn names_are_redacted_in_debug_output() {
        let staff = STAFF.columns.iter().find(|c| c.name == "name").unwrap();
        assert_eq!(staff.kind, ColumnKind::Name);
        let name = PersonName::from_value(&Value::Text("Hanne Hansen".into())).unwrap();
        assert!(!format!("{name:?}").contains("Hanne"));
    }
}
