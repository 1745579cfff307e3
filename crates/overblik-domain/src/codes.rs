//! The code lists of the interchange format v1; the code is stable, labels are shown in Danish.

use crate::{ColumnKind, Value, field::Field};

/// Declares an enum of codes with its code list, parsing and Danish labels.
macro_rules! codes {
    ($($(#[$meta:meta])* $name:ident { $($variant:ident = $code:literal : $label:literal),+ $(,)? })*) => {$(
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name { $($variant),+ }

        impl $name {
            /// Every code, in the order of the format description.
            pub const CODES: &'static [&'static str] = &[$($code),+];
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// The label shown to users.
            pub fn label_da(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            pub fn from_code(code: &str) -> Option<Self> {
                match code { $($code => Some($name::$variant),)+ _ => None }
            }
        }

        impl Field for $name {
            const KIND: ColumnKind = ColumnKind::Code($name::CODES);
            fn from_value(value: &Value) -> Option<Self> {
                value.as_text().and_then($name::from_code)
            }
            fn to_value(&self) -> Value {
                Value::Text(self.code().to_owned())
            }
        }
    )*};
}

codes! {
    /// What a row of the case-weight model (`weight_points`) gives points for.
    WeightFactor {
        Area = "area": "Område",
        Placement = "placement": "Anbragt",
        OpenInvestigation = "open_investigation": "Igangværende børnefaglig undersøgelse",
        ActiveMeasure = "active_measure": "Pr. aktiv indsats",
        AgeBand = "age_band": "Aldersgruppe",
        Flag = "flag": "Kompleksitet (sat af leder)",
    }
    /// Whether a caseload review is still being filled in.
    ReviewStatus {
        Open = "open": "I gang",
        Closed = "closed": "Afsluttet",
    }
    /// What a caseload review agrees for a case (S2: up/down adjustments).
    Adjustment {
        Keep = "keep": "Fortsæt uændret",
        Up = "up": "Op: mere indsats",
        Down = "down": "Ned: mindre indsats",
        Close = "close": "Luk sagen",
    }
    /// Which open cases a management supervision round samples from (F10).
    SamplePopulation {
        Open = "open": "Alle åbne sager",
        Placed = "placed": "Anbragte børn og unge",
        Investigation = "investigation": "Sager med en igangværende børnefaglig undersøgelse",
        Recent = "recent": "Sager oprettet inden for de seneste 12 måneder",
    }
    /// How a supervision sample is drawn: simple random, or stratified so that every
    /// caseworker or team is represented in proportion to its cases.
    Strata {
        Simple = "none": "Simpel tilfældig stikprøve",
        Caseworker = "caseworker": "Fordelt pr. sagsbehandler",
        Team = "team": "Fordelt pr. team",
    }
    /// What a supervision checklist item checks: the law (prefilled from the deadline
    /// engine) or professional quality (scored by the reviewer).
    ChecklistKind {
        Legality = "legality": "Lovlighed",
        Quality = "quality": "Faglig kvalitet",
    }
    /// A key figure of key-figures.md that a political goal's indicator can be bound to (F16):
    /// the figures with one value per unit and period (`policy::figure` says which value).
    IndicatorFigure {
        Kf01 = "KF01": "Underretninger modtaget",
        Kf02 = "KF02": "Børn med underretning",
        Kf03 = "KF03": "Underretninger vurderet inden 24 timer",
        Kf04 = "KF04": "Reaktionstid på underretninger (median, timer)",
        Kf05 = "KF05": "Kvittering til fagperson til tiden",
        Kf06 = "KF06": "Børnefaglige undersøgelser afsluttet inden 4 måneder",
        Kf07 = "KF07": "Sagsbehandlingstid for undersøgelser (gennemsnit, dage)",
        Kf08 = "KF08": "Åbne sager",
        Kf10 = "KF10": "Sager uden aktiv sagsbehandler",
        Kf11 = "KF11": "Sagsbehandlerskift pr. 100 sager",
        Kf12 = "KF12": "Helårspersoner, anbragte i alt",
        Kf13 = "KF13": "Anbragte pr. 1.000 børn og unge (0-17 år)",
        Kf14 = "KF14": "Ventetid på venteliste (median, dage)",
        Kf15 = "KF15": "Opfølgninger til tiden",
        Kf16 = "KF16": "Overskredne frister",
        Kf21 = "KF21": "Mål uden fremgang",
        Kf22 = "KF22": "Klager med personlig kontakt inden 5 dage",
        Kf23 = "KF23": "Risikovurderingernes træfsikkerhed (Brier-score)",
    }
    /// Whether a political indicator's target is a floor or a ceiling.
    IndicatorDirection {
        Higher = "higher": "Højere er bedre",
        Lower = "lower": "Lavere er bedre",
    }
    /// How often a political indicator is reported: its value per month, quarter or year.
    ReportingFrequency {
        Monthly = "monthly": "Månedlig",
        Quarterly = "quarterly": "Kvartalsvis",
        Yearly = "yearly": "Årlig",
    }
    OrgUnitKind {
        Municipality = "municipality": "Kommune",
        Department = "department": "Forvaltning",
        Center = "center": "Center",
        Team = "team": "Team",
    }
    TeamType {
        Reception = "reception": "Modtagelse",
        Investigation = "investigation": "Undersøgelse",
        Children = "children": "Børn",
        Youth = "youth": "Unge",
        Disability = "disability": "Handicap",
        Placement = "placement": "Anbringelse",
        SchoolCounsellor = "school_counsellor": "Skolerådgivning",
        Other = "other": "Andet",
    }
    StaffRole {
        Caseworker = "caseworker": "Sagsbehandler",
        TeamLeader = "team_leader": "Teamleder",
        Head = "head": "Fagchef",
        Controller = "controller": "Controller",
        Director = "director": "Direktør",
        Other = "other": "Andet",
    }
    AbsenceKind {
        Sick = "sick": "Sygdom",
        Leave = "leave": "Orlov",
        Parental = "parental": "Barsel",
        Other = "other": "Andet",
    }
    Sex {
        Female = "F": "Pige/kvinde",
        Male = "M": "Dreng/mand",
        Unknown = "U": "Uoplyst",
    }
    Area {
        Children = "children": "Børn og unge",
        Adults = "adults": "Voksne",
    }
    NotifierType {
        School = "school": "Skole",
        Daycare = "daycare": "Dagtilbud",
        Health = "health": "Sundhed",
        Police = "police": "Politi",
        SocialServices = "social_services": "Socialforvaltning",
        OtherMunicipality = "other_municipality": "Anden kommune",
        ParentFamily = "parent_family": "Forældre/familie",
        ChildSelf = "child_self": "Barnet selv",
        Citizen = "citizen": "Borger",
        Anonymous = "anonymous": "Anonym",
        Other = "other": "Andet",
    }
    Severity {
        Acute = "acute": "Akut",
        Serious = "serious": "Alvorlig",
        Concern = "concern": "Bekymring",
    }
    NotificationOutcome {
        NoAction = "no_action": "Ingen handling",
        Advice = "advice": "Rådgivning",
        Screening = "screening": "Screening",
        Investigation = "investigation": "Børnefaglig undersøgelse",
        ExistingCase = "existing_case": "Eksisterende sag",
        AcuteMeasure = "acute_measure": "Akut foranstaltning",
        Referred = "referred": "Henvist",
    }
    DecisionKind {
        Grant = "grant": "Bevilling",
        Refusal = "refusal": "Afslag",
        Change = "change": "Ændring",
        Termination = "termination": "Ophør",
    }
    DecisionSubject {
        Measure = "measure": "Indsats",
        Placement = "placement": "Anbringelse",
        Aftercare = "aftercare": "Efterværn",
        Investigation = "investigation": "Undersøgelse",
        Other = "other": "Andet",
    }
    MeasureType {
        PlacementKinshipFoster = "placement_kinship_foster": "Netværksplejefamilie",
        PlacementFosterFamily = "placement_foster_family": "Plejefamilie",
        PlacementMunicipalFoster = "placement_municipal_foster": "Kommunal plejefamilie",
        PlacementResidentialInstitution = "placement_residential_institution": "Døgninstitution",
        PlacementSocioEducational = "placement_socio_educational": "Socialpædagogisk opholdssted",
        PlacementOwnRoom = "placement_own_room": "Eget værelse / kollegium",
        PlacementBoardingSchool = "placement_boarding_school": "Efterskole / kostskole",
        HomeSupport = "home_support": "Praktisk, pædagogisk eller anden støtte i hjemmet",
        FamilyTreatment = "family_treatment": "Familiebehandling",
        FamilyResidential = "family_residential": "Døgnophold for hele familien",
        RespiteCare = "respite_care": "Aflastning",
        ContactPerson = "contact_person": "Fast kontaktperson",
        Internship = "internship": "Praktiksted / formidling af praktik",
        Aftercare = "aftercare": "Efterværn (18-22 år)",
        OtherSupport = "other_support": "Anden støtte",
    }
    EndReason {
        GoalMet = "goal_met": "Mål nået",
        NoEffect = "no_effect": "Ingen effekt",
        Moved = "moved": "Fraflyttet",
        Age = "age": "Alder",
        Other = "other": "Andet",
    }
    GoalCategory {
        School = "school": "Skole",
        Health = "health": "Sundhed",
        Family = "family": "Familie",
        Social = "social": "Sociale relationer",
        Behaviour = "behaviour": "Adfærd",
        Independence = "independence": "Selvstændighed",
        Other = "other": "Andet",
    }
    RiskEvent {
        Renotification12m = "renotification_12m": "Ny underretning inden 12 mdr.",
        PlacementBreakdown12m = "placement_breakdown_12m": "Sammenbrud i anbringelse inden 12 mdr.",
        Placement12m = "placement_12m": "Anbringelse inden 12 mdr.",
    }
    LeftReason {
        Started = "started": "Startet",
        Withdrawn = "withdrawn": "Trukket tilbage",
        Other = "other": "Andet",
    }
    ComplaintOutcome {
        Upheld = "upheld": "Fastholdt",
        InformallyResolved = "informally_resolved": "Løst uformelt",
        ChangedByMunicipality = "changed_by_municipality": "Ændret af kommunen",
        SentToAppealsBoard = "sent_to_appeals_board": "Sendt til Ankestyrelsen",
    }
    AppealOutcome {
        Confirmed = "confirmed": "Stadfæstet",
        Changed = "changed": "Ændret",
        Remitted = "remitted": "Hjemvist",
        Dismissed = "dismissed": "Afvist",
    }
}

impl MeasureType {
    /// Whether the measure is a placement outside the home.
    pub fn is_placement(self) -> bool {
        self.code().starts_with("placement_")
    }
}
