//! Children's trajectories: bursts of notifications over the child's years, each handled as a
//! case (screening, investigation, support, placement, aftercare) with the decisions, plans,
//! follow-ups, visits and complaints the process produces, day by day.

use overblik_domain::codes::*;

use crate::providers::Providers;
use crate::rates::*;
use crate::util::{Day, Rng, add_months, age, birthday, local_instant, sub_months};
use crate::world::*;

/// Simulates children notified for the first time on the given days into `world`, keeping only
/// the cases that are open at some point on or after `start`.
pub(crate) struct Children<'a> {
    pub rng: &'a mut Rng,
    pub world: &'a mut World,
    pub providers: &'a Providers,
    pub start: Day,
    pub end: Day,
    pub districts: u8,
    /// Share of notifications assessed within 24 hours (`rates::ASSESSED_IN_24H` by default).
    pub assessed_in_24h: f64,
}

/// The child whose case is being simulated.
#[derive(Clone, Copy)]
struct Child {
    person: u32,
    birth: Day,
    class: usize,
    disability: bool,
}

/// The case being simulated.
#[derive(Clone, Copy)]
struct Open {
    case: u32,
    opened: Day,
}

impl Children<'_> {
    /// One child, first notified on `first`, simulated until 18 (23 for aftercare) or the end.
    pub fn child(&mut self, first: Day) {
        let shares = CLASSES.map(|c| c.share);
        let class = self.rng.pick(&shares);
        let first_age = self.rng.pick(&FIRST_AGE) as i32;
        let birth = first - first_age * 365 - self.rng.int(0, 364);
        let adult = birthday(birth, 18);
        let sex = if self.rng.chance(BOYS) {
            Sex::Male
        } else {
            Sex::Female
        };
        let disability = self.rng.chance(0.07);

        // The child's notification days: bursts separated by class-specific gaps.
        let mut days = Vec::new();
        let mut burst = first;
        let profile = &CLASSES[class];
        while burst < adult && burst <= self.end {
            let size = match self.rng.pick(&profile.burst) {
                5 => 6 + self.rng.int(0, 3),
                index => index as i32 + 1,
            };
            days.push(burst);
            for _ in 1..size {
                let day = burst + self.rng.int(1, 320);
                if day < adult && day <= self.end {
                    days.push(day);
                }
            }
            burst += (self.rng.exp(profile.gap_years * 365.25) as i32).max(45);
        }
        days.sort_unstable();

        let person_mark = self.world.persons.len();
        let district = self.rng.int(0, i32::from(self.districts) - 1) as u8;
        self.world.persons.push(PersonSim {
            birth,
            sex,
            district,
        });
        let child = Child {
            person: person_mark as u32,
            birth,
            class,
            disability,
        };
        let risk_mark = self.world.risks.len();
        let mut current: Option<(Open, Day, Mark)> = None;
        for &day in &days {
            match current {
                Some((open, closed, _)) if day < closed => {
                    let severity = self.severity();
                    self.notification(child, open, day, severity, None);
                }
                _ => {
                    if let Some((_, closed, mark)) = current.take()
                        && closed <= self.start
                    {
                        self.world.rollback(mark);
                    }
                    let mark = self.world.mark();
                    let (open, closed) = self.open_case(child, day);
                    current = Some((open, closed, mark));
                }
            }
        }
        if let Some((_, closed, mark)) = current
            && closed <= self.start
        {
            self.world.rollback(mark);
        }
        if self
            .world
            .cases
            .last()
            .is_none_or(|c| c.person != child.person)
        {
            self.world.persons.truncate(person_mark);
            return;
        }
        // Risk outcomes: a new notification within 12 months of the assessment.
        for risk in &mut self.world.risks[risk_mark..] {
            if risk.event == RiskEvent::Renotification12m {
                risk.outcome = Some(days.iter().any(|&d| d > risk.day && d <= risk.day + 365));
            }
        }
    }

    fn severity(&mut self) -> Severity {
        [Severity::Acute, Severity::Serious, Severity::Concern][self.rng.pick(&[6.0, 34.0, 60.0])]
    }

    /// Opens a case for a notification that finds no open case, and simulates what follows.
    /// Returns the case and the day it closes.
    fn open_case(&mut self, child: Child, day: Day) -> (Open, Day) {
        let case = self.world.cases.len() as u32;
        self.world.cases.push(CaseSim {
            person: child.person,
            area: Area::Children,
            opened: day,
            closed: day,
            closing_reason: "",
            weight: 5,
        });
        let open = Open { case, opened: day };
        self.segment(case, day, TeamType::Reception);
        let severity = self.severity();
        let profile = &CLASSES[child.class];
        let acute = severity == Severity::Acute
            && self.rng.chance(if child.class == 2 { 0.30 } else { 0.04 })
            && age(child.birth, day) < 18;
        let draw = self.rng.f();
        let (outcome, outcome_day, episode_end, reason) = if acute || draw < profile.investigation {
            let (decided, last) = self.investigation(child, open, day, acute);
            let outcome = if acute {
                NotificationOutcome::AcuteMeasure
            } else {
                NotificationOutcome::Investigation
            };
            (outcome, decided, last, "forløb afsluttet")
        } else if draw < profile.investigation + profile.early_support {
            let outcome_day = day + self.rng.int(2, 20);
            let from = outcome_day + self.rng.int(0, 10);
            let last = self.support(child, open, from, 0.5);
            (
                NotificationOutcome::Screening,
                outcome_day,
                last,
                "indsats afsluttet",
            )
        } else {
            let outcome = [
                NotificationOutcome::NoAction,
                NotificationOutcome::Advice,
                NotificationOutcome::Screening,
                NotificationOutcome::Referred,
            ][self.rng.pick(&[40.0, 30.0, 18.0, 12.0])];
            let outcome_day = match outcome {
                NotificationOutcome::Screening => day + self.rng.int(5, 30),
                _ => day + self.rng.int(0, 4),
            };
            if self.rng.chance(0.04) {
                self.decision(
                    open,
                    outcome_day,
                    DecisionKind::Refusal,
                    DecisionSubject::Measure,
                    None,
                    Basis::Measure(MeasureType::OtherSupport, true),
                    None,
                );
            }
            (outcome, outcome_day, outcome_day, "ingen foranstaltning")
        };
        self.notification(child, open, day, severity, Some((outcome, outcome_day)));
        let closed = episode_end.max(day) + self.rng.int(1, 30);
        let case_record = &mut self.world.cases[case as usize];
        case_record.closed = closed;
        case_record.closing_reason = reason;
        (open, closed)
    }

    /// The responsible team changes on `day` (a new caseworker).
    fn segment(&mut self, case: u32, day: Day, team: TeamType) {
        if let Some(last) = self.world.segments.last_mut()
            && last.case == case
            && last.from >= day
        {
            last.team = team;
            return;
        }
        self.world.segments.push(SegmentSim {
            case,
            from: day,
            team,
        });
    }

    fn notification(
        &mut self,
        child: Child,
        open: Open,
        day: Day,
        severity: Severity,
        outcome: Option<(NotificationOutcome, Day)>,
    ) {
        let weights = NOTIFIERS.map(|n| n.1);
        let (notifier, _, professional) = NOTIFIERS[self.rng.pick(&weights)];
        let minute = if notifier == NotifierType::Police || self.rng.chance(0.12) {
            self.rng.int(0, 1439) as u32
        } else {
            self.rng.int(7 * 60, 16 * 60) as u32
        };
        let received = local_instant(day, minute);
        let delay_minutes = if severity == Severity::Acute {
            (self.rng.exp(120.0) as i64).clamp(5, 1400)
        } else if self.rng.chance(self.assessed_in_24h - 0.006) {
            (self.rng.exp(420.0) as i64).clamp(10, 1435)
        } else {
            1441 + self.rng.exp(2500.0) as i64
        };
        let assessed = received + chrono::TimeDelta::minutes(delay_minutes);
        let receipt = professional.then(|| {
            let days = if self.rng.chance(0.88) {
                self.rng.int(0, 5)
            } else {
                self.rng.int(10, 25)
            };
            received + chrono::TimeDelta::minutes(i64::from(days) * 1440 + 60)
        });
        let (outcome, outcome_at) = match outcome {
            Some((outcome, outcome_day)) => {
                let at = local_instant(outcome_day, self.rng.int(9 * 60, 15 * 60) as u32);
                (outcome, at.max(assessed))
            }
            None => (NotificationOutcome::ExistingCase, assessed),
        };
        let feedback =
            (professional && outcome == NotificationOutcome::Investigation && self.rng.chance(0.6))
                .then(|| outcome_at + chrono::TimeDelta::days(i64::from(self.rng.int(1, 20))));
        self.world.notifications.push(NotificationSim {
            person: child.person,
            case: open.case,
            received,
            notifier,
            professional,
            severity,
            assessed,
            receipt,
            outcome,
            outcome_at,
            feedback,
        });
    }

    /// A child investigation from `day`; returns the decision day and the last day of what
    /// follows (support, placement).
    fn investigation(&mut self, child: Child, open: Open, day: Day, acute: bool) -> (Day, Day) {
        let decided = day + self.rng.int(0, 10);
        self.decision(
            open,
            decided,
            DecisionKind::Grant,
            DecisionSubject::Investigation,
            None,
            Basis::Investigation,
            None,
        );
        let due = add_months(day, 4);
        let on_time = self.rng.chance(INVESTIGATION_ON_TIME);
        let completed = if on_time {
            day + self.rng.int(25.min(due - day), due - day)
        } else {
            due + 1 + self.rng.exp(55.0) as i32
        };
        let preliminary = (!on_time && self.rng.chance(0.5)).then(|| due - self.rng.int(0, 25));
        let conversation = self
            .rng
            .chance(0.7)
            .then(|| day + self.rng.int(5, (completed - day - 1).max(5)));
        self.world.investigations.push(InvestigationSim {
            case: open.case,
            aware: day,
            decided,
            preliminary,
            completed,
            conversation,
        });
        self.world.cases[open.case as usize].weight = 10;
        let profile = &CLASSES[child.class];
        let base = [15.0, 35.0, 60.0][child.class];
        if self.rng.chance(0.3) {
            let probability = (base + 12.0 * self.rng.normal()).clamp(2.0, 97.0) as u8;
            self.world.risks.push(RiskSim {
                case: open.case,
                day: completed,
                event: RiskEvent::Renotification12m,
                probability,
                outcome: None,
                known: completed + 365,
            });
        }
        let placement_risk = self.rng.chance(0.2).then(|| {
            let base = [3.0, 8.0, 30.0][child.class];
            (base + 6.0 * self.rng.normal()).clamp(1.0, 95.0) as u8
        });
        let mut placed_on = None;
        let last = if acute {
            let start = day + self.rng.int(0, 2);
            placed_on = Some(start);
            self.placement(child, open, start, true)
        } else {
            self.segment(open.case, decided, TeamType::Investigation);
            let draw = self.rng.f();
            if draw < profile.placement {
                let start = completed + self.rng.int(0, 40);
                placed_on = Some(start);
                self.placement(child, open, start, false)
            } else if draw < profile.placement + profile.support {
                let from = completed + self.rng.int(0, 14);
                self.support(child, open, from, 0.8)
            } else {
                completed
            }
        };
        if let Some(probability) = placement_risk {
            self.world.risks.push(RiskSim {
                case: open.case,
                day,
                event: RiskEvent::Placement12m,
                probability,
                outcome: Some(placed_on.is_some_and(|p| p <= day + 365)),
                known: day + 365,
            });
        }
        (decided, last.max(completed))
    }

    /// A decision with its child conversation and, sometimes, a complaint; returns its index.
    #[allow(clippy::too_many_arguments)]
    fn decision(
        &mut self,
        open: Open,
        day: Day,
        kind: DecisionKind,
        subject: DecisionSubject,
        measure: Option<u32>,
        basis: Basis,
        consent: Option<bool>,
    ) -> u32 {
        let day = day.max(open.opened);
        let conversation = if kind == DecisionKind::Refusal {
            None
        } else if self.rng.chance(CHILD_CONVERSATION) {
            Some((day - self.rng.int(0, 30)).max(open.opened))
        } else if self.rng.chance(0.1) {
            Some(day + self.rng.int(1, 20))
        } else {
            None
        };
        let index = self.world.decisions.len() as u32;
        self.world.decisions.push(DecisionSim {
            case: open.case,
            day,
            kind,
            subject,
            measure,
            basis,
            consent,
            conversation,
        });
        let no_consent = consent == Some(false);
        let complaint_chance = match kind {
            _ if no_consent => 0.45,
            DecisionKind::Refusal => 0.20,
            DecisionKind::Termination => 0.08,
            DecisionKind::Change => 0.05,
            DecisionKind::Grant if subject == DecisionSubject::Investigation => 0.004,
            DecisionKind::Grant => 0.012,
        };
        if self.rng.chance(complaint_chance) {
            self.complaint(index, day, no_consent);
        }
        index
    }

    fn complaint(&mut self, decision: u32, day: Day, no_consent: bool) {
        let received = day + self.rng.int(3, 50);
        let contact = match self.rng.pick(&[80.0, 12.0, 8.0]) {
            0 => Some(received + self.rng.int(0, 5)),
            1 => Some(received + self.rng.int(6, 20)),
            _ => None,
        };
        let outcome = [
            ComplaintOutcome::SentToAppealsBoard,
            ComplaintOutcome::InformallyResolved,
            ComplaintOutcome::ChangedByMunicipality,
            ComplaintOutcome::Upheld,
        ][self.rng.pick(&[67.0, 20.0, 8.0, 5.0])];
        let (resolved, appeal) = if outcome == ComplaintOutcome::SentToAppealsBoard {
            let appeal = if self.rng.chance(0.07) {
                AppealOutcome::Dismissed
            } else if no_consent {
                if self.rng.chance(APPEAL_NO_CONSENT_REVERSED) {
                    AppealOutcome::Changed
                } else {
                    AppealOutcome::Confirmed
                }
            } else {
                [
                    AppealOutcome::Confirmed,
                    AppealOutcome::Changed,
                    AppealOutcome::Remitted,
                ][self.rng.pick(&[
                    1.0 - APPEAL_CHANGED - APPEAL_REMITTED,
                    APPEAL_CHANGED,
                    APPEAL_REMITTED,
                ])]
            };
            (received + self.rng.int(60, 240), Some(appeal))
        } else {
            (received + self.rng.int(5, 40), None)
        };
        self.world.complaints.push(ComplaintSim {
            decision,
            received,
            contact,
            resolved,
            outcome,
            appeal,
        });
    }

    /// Supportive measures from `from`; returns the last day of the last measure.
    fn support(&mut self, child: Child, open: Open, from: Day, plan_chance: f64) -> Day {
        let adult = birthday(child.birth, 18);
        if from >= adult - 30 {
            return from;
        }
        let years = age(child.birth, from);
        let team = if child.disability {
            TeamType::Disability
        } else if years >= 14 {
            TeamType::Youth
        } else {
            TeamType::Children
        };
        self.segment(open.case, from, team);
        let count = self.rng.pick(&[55.0, 32.0, 13.0]) + 1;
        let weights = SUPPORT.map(|s| if years >= s.2 { s.1 } else { 0.0 });
        let mut last = from;
        for index in 0..count {
            let (kind, _, _, low, high) = SUPPORT[self.rng.pick(&weights)];
            let decided =
                from + self.rng.int(0, 14) + if index > 0 { self.rng.int(0, 60) } else { 0 };
            let waits = matches!(
                kind,
                MeasureType::FamilyTreatment
                    | MeasureType::ContactPerson
                    | MeasureType::RespiteCare
            ) && self.rng.chance(0.25);
            let start = decided
                + if waits {
                    self.rng.int(14, 100)
                } else {
                    self.rng.int(0, 14)
                };
            if start >= adult - 14 {
                continue;
            }
            let length = self
                .rng
                .lognormal(SUPPORT_MEDIAN_DAYS, SUPPORT_SPREAD)
                .clamp(30.0, 1500.0) as i32;
            let mut end = start + length;
            let mut reason = [
                EndReason::GoalMet,
                EndReason::NoEffect,
                EndReason::Moved,
                EndReason::Other,
            ][self.rng.pick(&[50.0, 18.0, 6.0, 26.0])];
            if end >= adult {
                end = adult - 1;
                reason = EndReason::Age;
            }
            let planned_end = add_months(start, if self.rng.chance(0.5) { 6 } else { 12 });
            let measure = self.measure(
                open,
                kind,
                start,
                planned_end,
                end,
                reason,
                (low, high),
                true,
            );
            if waits {
                self.world.waiting.push(WaitSim {
                    person: child.person,
                    offer: kind,
                    listed: decided,
                    left: start,
                    reason: LeftReason::Started,
                });
            }
            self.decision(
                open,
                decided,
                DecisionKind::Grant,
                DecisionSubject::Measure,
                Some(measure),
                Basis::Measure(kind, true),
                None,
            );
            self.plan_and_followups(open, measure, decided, start, end, plan_chance, None);
            if self.rng.chance(0.35) {
                let on = (end - self.rng.int(0, 14)).max(start);
                self.decision(
                    open,
                    on,
                    DecisionKind::Termination,
                    DecisionSubject::Measure,
                    Some(measure),
                    Basis::Measure(kind, true),
                    None,
                );
            }
            last = last.max(end);
        }
        if self.rng.chance(0.03) {
            let listed = from + self.rng.int(0, 10);
            self.world.waiting.push(WaitSim {
                person: child.person,
                offer: MeasureType::FamilyTreatment,
                listed,
                left: listed + self.rng.int(10, 60),
                reason: LeftReason::Withdrawn,
            });
        }
        self.world.cases[open.case as usize].weight =
            self.world.cases[open.case as usize].weight.max(10);
        last
    }

    #[allow(clippy::too_many_arguments)]
    fn measure(
        &mut self,
        open: Open,
        kind: MeasureType,
        start: Day,
        planned_end: Day,
        end: Day,
        end_reason: EndReason,
        (low, high): (u32, u32),
        consent: bool,
    ) -> u32 {
        let index = self.world.measures.len() as u32;
        let provider = self.providers.pick(self.rng, kind);
        let daily_rate = self.rng.int(low as i32, high as i32) as u32;
        self.world.measures.push(MeasureSim {
            case: open.case,
            kind,
            provider,
            start,
            planned_end: planned_end.max(start),
            end,
            end_reason,
            daily_rate,
            consent,
        });
        index
    }

    /// A placement from `start`; returns the last day of the placement and what follows it.
    fn placement(&mut self, child: Child, open: Open, start: Day, acute: bool) -> Day {
        let adult = birthday(child.birth, 18);
        if start >= adult - 30 {
            return start;
        }
        let years = age(child.birth, start);
        let weights = PLACEMENTS.map(|p| match p.0 {
            MeasureType::PlacementOwnRoom if years < 15 => 0.0,
            MeasureType::PlacementBoardingSchool if years < 14 => 0.0,
            _ => p.1,
        });
        let (kind, _, low, high) = PLACEMENTS[self.rng.pick(&weights)];
        let consent = !self.rng.chance(WITHOUT_CONSENT);
        let decided = if acute {
            start
        } else {
            start - self.rng.int(0, 25)
        }
        .max(open.opened);
        let length = if self.rng.chance(SHORT_PLACEMENTS) {
            self.rng.int(30, 330)
        } else {
            self.rng.exp(PLACEMENT_MEAN_YEARS * 365.25) as i32 + 30
        };
        let mut end = start + length;
        let mut reason = [
            EndReason::GoalMet,
            EndReason::Moved,
            EndReason::NoEffect,
            EndReason::Other,
        ][self.rng.pick(&[45.0, 10.0, 15.0, 30.0])];
        let continues = end >= adult && self.rng.chance(PLACEMENT_CONTINUES_AFTER_18);
        if end >= adult {
            if continues {
                end = end
                    .min(adult + self.rng.int(540, 5 * 365))
                    .min(birthday(child.birth, 23) - 1);
            } else {
                end = adult - 1;
                reason = EndReason::Age;
            }
        }
        let planned_end = if years < 15 {
            adult - 1
        } else {
            add_months(start, 12)
        };
        let measure = self.measure(
            open,
            kind,
            start,
            planned_end,
            end,
            reason,
            (low, high),
            consent,
        );
        self.segment(open.case, start, TeamType::Placement);
        self.world.cases[open.case as usize].weight = 15;
        self.decision(
            open,
            decided,
            DecisionKind::Grant,
            DecisionSubject::Placement,
            Some(measure),
            Basis::Measure(kind, consent),
            Some(consent),
        );
        let plan_day = if consent {
            decided
                + if self.rng.chance(0.85) {
                    self.rng.int(0, 85)
                } else {
                    self.rng.int(95, 160)
                }
        } else {
            (decided - self.rng.int(0, 10)).max(open.opened)
        };
        self.plan_and_followups(open, measure, decided, start, end, 1.0, Some(plan_day));
        // Supervision visits, about two a year (BL § 156).
        let mut visit = start + self.rng.int(20, 120);
        while visit <= end {
            if !self.rng.chance(0.08) {
                let conversation = self.rng.chance(0.85);
                self.world.visits.push(VisitSim {
                    case: open.case,
                    measure,
                    day: visit,
                    conversation,
                });
            }
            visit += self.rng.int(140, 210);
        }
        let half_year_before = sub_months(adult, 6);
        if start < half_year_before && end >= half_year_before {
            let on = match self.rng.pick(&[70.0, 20.0, 10.0]) {
                0 => Some(half_year_before - self.rng.int(0, 60)),
                1 => Some(half_year_before + self.rng.int(1, 120)),
                _ => None,
            };
            if let Some(on) = on {
                self.decision(
                    open,
                    on.max(start),
                    DecisionKind::Grant,
                    DecisionSubject::Aftercare,
                    None,
                    Basis::Measure(MeasureType::Aftercare, true),
                    None,
                );
            }
        }
        let mut last = end;
        let adult_end = birthday(child.birth, 23) - 1;
        if end >= half_year_before && end < adult_end - 90 && self.rng.chance(0.55) {
            let from = end + 1;
            let (low, high) = AFTERCARE_RATE;
            let until = (from + self.rng.int(180, 1100)).min(adult_end);
            let aftercare = self.measure(
                open,
                MeasureType::Aftercare,
                from,
                add_months(from, 12),
                until,
                EndReason::Other,
                (low, high),
                true,
            );
            self.segment(open.case, from, TeamType::Youth);
            let on = from - self.rng.int(0, 20);
            self.decision(
                open,
                on,
                DecisionKind::Grant,
                DecisionSubject::Aftercare,
                Some(aftercare),
                Basis::Measure(MeasureType::Aftercare, true),
                None,
            );
            self.plan_and_followups(open, aftercare, from, from, until, 0.6, None);
            last = until;
        } else if end < adult - 365 && reason != EndReason::Moved && self.rng.chance(0.35) {
            last = last.max(self.support(child, open, end + 1, 0.8));
        }
        last
    }

    /// The plan (with goals) of a measure and its follow-ups with goal scores.
    #[allow(clippy::too_many_arguments)]
    fn plan_and_followups(
        &mut self,
        open: Open,
        measure: u32,
        decided: Day,
        start: Day,
        end: Day,
        plan_chance: f64,
        plan_day: Option<Day>,
    ) {
        let mut goals = Vec::new();
        if plan_day.is_some() || self.rng.chance(plan_chance) {
            let day = plan_day.unwrap_or_else(|| {
                decided
                    + if self.rng.chance(0.8) {
                        self.rng.int(0, 80)
                    } else {
                        self.rng.int(95, 150)
                    }
            });
            let plan = self.world.plans.len() as u32;
            self.world.plans.push(PlanSim {
                case: open.case,
                day,
                measure: Some(measure),
            });
            for _ in 0..self.rng.int(1, 3) {
                let category = GoalCategory::ALL[self.rng.int(0, 6) as usize];
                let goal = self.world.goals.len() as u32;
                self.world.goals.push(GoalSim {
                    plan,
                    category,
                    set: day,
                    closed: end.max(day) + self.rng.int(0, 30),
                });
                goals.push((goal, day, self.rng.int(1, 5)));
            }
        }
        let due = add_months(start, 3);
        let mut held = if self.rng.chance(FIRST_FOLLOWUP_ON_TIME) {
            start + self.rng.int(20.min(due - start), due - start)
        } else {
            due + self.rng.int(1, 75)
        };
        loop {
            let next_due = add_months(held, 6);
            let conversation = Some(self.rng.chance(0.6));
            let followup = self.world.followups.len() as u32;
            self.world.followups.push(FollowupSim {
                case: open.case,
                measure: Some(measure),
                held,
                conversation,
                next_due: Some(next_due),
            });
            for (goal, set, score) in &mut goals {
                if *set <= held {
                    let step = 0.6 + 1.3 * self.rng.normal();
                    *score = (f64::from(*score) + step).round().clamp(0.0, 10.0) as i32;
                    self.world.goal_scores.push(GoalScoreSim {
                        goal: *goal,
                        followup,
                        score: *score as u8,
                    });
                }
            }
            if next_due > end || held > self.end {
                break;
            }
            held = if self.rng.chance(0.85) {
                next_due - self.rng.int(0, 45)
            } else {
                next_due + self.rng.int(1, 60)
            }
            .max(held + 1);
        }
    }
}
