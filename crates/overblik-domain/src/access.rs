//! Roles and need-to-know: which role may see what. Pure policy, enforced by the web server
//! on every page, API call and export (and tested route by route there).
//!
//! The policy is a default-deny table: a role gets a capability only when it is listed here.
//! Case-level access is narrowed further by the user's own place in the organisation
//! ([`CaseScope`]): a caseworker sees the cases assigned to them, a team leader the team's, a
//! head the department's.

use crate::report::Kind;

/// A user's role. The codes are stored in `users.role` and given to `overblik user add --role`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    Caseworker,
    TeamLeader,
    Head,
    Controller,
    Director,
    Committee,
    Administrator,
    Auditor,
}

/// What a page, API call or export needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Capability {
    /// Aggregated figures of the user's own unit (team, department or municipality).
    UnitFigures,
    /// The weekly report.
    WeeklyReport,
    /// The caseload report (per caseworker).
    CaseloadReport,
    /// The monthly committee report (always suppressed).
    CommitteeReport,
    /// The budget report (economy).
    BudgetReport,
    /// Lists of cases and obligations, with case ids (personal data), within the case scope.
    CaseLists,
    /// The full case timeline: every event, notifications and conversations included.
    CaseTimeline,
    /// Economy lists with case ids (measures, payments), without notification or conversation
    /// details.
    EconomyCases,
    /// Set and clear complexity flags on cases in scope (they add to the case's weight).
    SetCaseFlags,
    /// See the cases without a caseworker and assign them (distribution).
    DistributeCases,
    /// Hold and record the monthly caseload reviews with the caseworkers.
    ReviewCaseloads,
    /// Follow the handover checklists of reassigned cases in scope (the caseworkers hand over
    /// and take over; the leaders follow up and set the items).
    HandOverCases,
    /// Run management supervision rounds in the own unit: draw samples, record findings.
    Supervise,
    /// Plan the department's annual supervision wheel: themes and their checklists.
    PlanSupervision,
    /// Set what organising the work uses across the municipality: the points of the
    /// case-weight model and the handover checklist's items.
    ConfigureWork,
    /// Record goal scores at a follow-up (F11).
    ScoreGoals,
    /// See the political goals and their indicators (F16).
    PoliticalGoals,
    /// Set the political goals: themes, annual goals, indicators (F16).
    SetPoliticalGoals,
    /// Data quality (freshness, completeness, contradictions); counts only.
    DataQuality,
    /// Users: create, disable, reset.
    ManageUsers,
    /// Import data files.
    ImportData,
    /// Read and search the audit log.
    ReadAuditLog,
}

impl Capability {
    /// A stable name, for the audit log's record of a refusal.
    pub fn code(self) -> &'static str {
        match self {
            Capability::UnitFigures => "unit_figures",
            Capability::WeeklyReport => "weekly_report",
            Capability::CaseloadReport => "caseload_report",
            Capability::CommitteeReport => "committee_report",
            Capability::BudgetReport => "budget_report",
            Capability::CaseLists => "case_lists",
            Capability::CaseTimeline => "case_timeline",
            Capability::EconomyCases => "economy_cases",
            Capability::SetCaseFlags => "set_case_flags",
            Capability::DistributeCases => "distribute_cases",
            Capability::ReviewCaseloads => "review_caseloads",
            Capability::HandOverCases => "hand_over_cases",
            Capability::Supervise => "supervise",
            Capability::PlanSupervision => "plan_supervision",
            Capability::ConfigureWork => "configure_work",
            Capability::ScoreGoals => "score_goals",
            Capability::PoliticalGoals => "political_goals",
            Capability::SetPoliticalGoals => "set_political_goals",
            Capability::DataQuality => "data_quality",
            Capability::ManageUsers => "manage_users",
            Capability::ImportData => "import_data",
            Capability::ReadAuditLog => "audit_log",
        }
    }

    /// The capability that opens a report of `kind`.
    pub fn for_report(kind: Kind) -> Capability {
        match kind {
            Kind::Weekly => Capability::WeeklyReport,
            Kind::Committee => Capability::CommitteeReport,
            Kind::Budget => Capability::BudgetReport,
            Kind::Caseload => Capability::CaseloadReport,
        }
    }
}

impl Role {
    pub const ALL: [Role; 8] = [
        Role::Caseworker,
        Role::TeamLeader,
        Role::Head,
        Role::Controller,
        Role::Director,
        Role::Committee,
        Role::Administrator,
        Role::Auditor,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Role::Caseworker => "caseworker",
            Role::TeamLeader => "team_leader",
            Role::Head => "head",
            Role::Controller => "controller",
            Role::Director => "director",
            Role::Committee => "committee",
            Role::Administrator => "administrator",
            Role::Auditor => "auditor",
        }
    }

    pub fn from_code(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.code() == code)
    }

    pub fn label_da(self) -> &'static str {
        match self {
            Role::Caseworker => "Sagsbehandler",
            Role::TeamLeader => "Teamleder",
            Role::Head => "Fagchef",
            Role::Controller => "Controller",
            Role::Director => "Direktør",
            Role::Committee => "Udvalgsmedlem",
            Role::Administrator => "Administrator",
            Role::Auditor => "Revisor",
        }
    }

    /// Whether the role has `capability` (default deny).
    pub fn may(self, capability: Capability) -> bool {
        use Capability as C;
        use Role as R;
        match capability {
            // Unsuppressed unit figures: not for the director and the committee, who see
            // aggregates only and only suppressed (their landing page and the committee report
            // suppress small counts; the weekly report and the figures API do not).
            C::UnitFigures => matches!(
                self,
                R::Caseworker | R::TeamLeader | R::Head | R::Controller
            ),
            C::WeeklyReport => matches!(self, R::Caseworker | R::TeamLeader | R::Head),
            C::CaseloadReport => matches!(self, R::TeamLeader | R::Head),
            C::CommitteeReport => matches!(self, R::Committee | R::Director | R::Head),
            C::BudgetReport => matches!(self, R::Controller | R::Head | R::Director),
            C::CaseLists | C::CaseTimeline => {
                matches!(self, R::Caseworker | R::TeamLeader | R::Head)
            }
            C::EconomyCases => matches!(self, R::Controller),
            // Leaders judge complexity (S2: the leader adjusts the caseload with the caseworker).
            C::SetCaseFlags | C::DistributeCases | C::ReviewCaseloads | C::Supervise => {
                matches!(self, R::TeamLeader | R::Head)
            }
            C::HandOverCases => matches!(self, R::Caseworker | R::TeamLeader | R::Head),
            // The department plans the wheel (S1 ch. 6: the head of department owns supervision).
            // The department owns supervision and the weight model, which are the same for
            // every team.
            C::PlanSupervision | C::ConfigureWork => self == R::Head,
            // Scores are recorded at the follow-up by those who work the case.
            C::ScoreGoals => matches!(self, R::Caseworker | R::TeamLeader | R::Head),
            // The children's policy is for everyone who works under it (S1: caseworkers rarely
            // know it); committee and director see its figures suppressed.
            C::PoliticalGoals => self != R::Auditor,
            C::SetPoliticalGoals => matches!(self, R::Head | R::Administrator),
            C::DataQuality => matches!(
                self,
                R::TeamLeader | R::Head | R::Controller | R::Director | R::Administrator
            ),
            C::ManageUsers | C::ImportData => self == R::Administrator,
            C::ReadAuditLog => self == R::Auditor,
        }
    }

    /// Whether the role may open at least one report.
    pub fn may_any_report(self) -> bool {
        Kind::ALL
            .into_iter()
            .any(|kind| self.may(Capability::for_report(kind)))
    }

    /// Whether figures shown to this role must be suppressed (small cells hidden): roles that
    /// see aggregates only and no case may never be able to single out a child.
    pub fn sees_suppressed_figures(self) -> bool {
        matches!(self, Role::Director | Role::Committee)
    }

    /// Where the role's place in the organisation comes from: a caseworker is a staff member,
    /// team leaders and heads lead a unit, the others see the whole municipality.
    pub fn anchor(self) -> Anchor {
        match self {
            Role::Caseworker => Anchor::Staff,
            Role::TeamLeader | Role::Head => Anchor::Unit,
            _ => Anchor::Municipality,
        }
    }
}

/// What a user account must be linked to for its role to work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    /// `users.staff_id`: the caseworker's own staff id.
    Staff,
    /// `users.unit_id`: the team or department led.
    Unit,
    /// Nothing: the whole municipality.
    Municipality,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::from_code(role.code()), Some(role));
        }
        assert_eq!(Role::from_code("root"), None);
    }

    #[test]
    fn aggregate_only_roles_never_see_cases() {
        for role in [
            Role::Director,
            Role::Committee,
            Role::Administrator,
            Role::Auditor,
        ] {
            assert!(!role.may(Capability::CaseLists), "{role:?}");
            assert!(!role.may(Capability::CaseTimeline), "{role:?}");
            assert!(!role.may(Capability::EconomyCases), "{role:?}");
        }
    }

    #[test]
    fn aggregate_only_roles_get_no_unsuppressed_figures() {
        for role in Role::ALL
            .into_iter()
            .filter(|r| r.sees_suppressed_figures())
        {
            for capability in [
                Capability::UnitFigures,
                Capability::WeeklyReport,
                Capability::CaseloadReport,
            ] {
                assert!(!role.may(capability), "{role:?} {capability:?}");
            }
        }
        assert!(Role::Director.sees_suppressed_figures());
        assert!(Role::Committee.sees_suppressed_figures());
    }

    #[test]
    fn the_controller_sees_economy_cases_but_no_timeline() {
        assert!(Role::Controller.may(Capability::EconomyCases));
        assert!(!Role::Controller.may(Capability::CaseTimeline));
        assert!(!Role::Controller.may(Capability::CaseLists));
    }

    #[test]
    fn only_the_auditor_reads_the_audit_log_and_only_the_administrator_manages_users() {
        for role in Role::ALL {
            assert_eq!(
                role.may(Capability::ReadAuditLog),
                role == Role::Auditor,
                "{role:?}"
            );
            assert_eq!(
                role.may(Capability::ManageUsers),
                role == Role::Administrator,
                "{role:?}"
            );
        }
    }
}
