//! From the simulation's records to the domain's: ids, legal-basis texts, payments, budgets and
//! population, with everything after the end date cut away (rows dropped, dates left empty).

use chrono::{DateTime, Datelike, Utc};
use overblik_domain::codes::*;
use overblik_domain::field::{Age, Count, Field, Fraction, NonNegative, PersonName, Score, Year};
use overblik_domain::figures::FigureSettings;
use overblik_domain::ids::*;
use overblik_domain::tables::*;
use overblik_domain::{Snapshot, Value, YearMonth};
use rust_decimal::Decimal;

use crate::providers::Providers;
use crate::rates::YOUNG_ADULT_FACTOR;
use crate::staff::Org;
use crate::util::{Day, Rng, date, day, local_day};
use crate::world::{Basis, World};

/// The first day of the Children's Act (barnets lov); SEL before.
fn children_act_from() -> Day {
    day(chrono::NaiveDate::from_ymd_opt(2024, 1, 1).expect("a date"))
}

/// The legal basis of a decision or measure on `on`. The BL § 32 numbering follows the order of
/// the catalogue (an assumption); SEL § 52, stk. 3 numbers are the Service Act's.
fn legal_basis(basis: Basis, on: Day) -> String {
    let children_act = on >= children_act_from();
    let text = match (basis, children_act) {
        (Basis::Investigation, true) => "BL § 20, stk. 1",
        (Basis::Investigation, false) => "SEL § 50, stk. 1",
        (Basis::Measure(kind, consent), true) => match kind {
            _ if kind.is_placement() && consent => "BL § 46, stk. 1",
            _ if kind.is_placement() => "BL § 47, stk. 1",
            MeasureType::HomeSupport => "BL § 32, stk. 1, nr. 1",
            MeasureType::FamilyTreatment => "BL § 32, stk. 1, nr. 2",
            MeasureType::FamilyResidential => "BL § 32, stk. 1, nr. 3",
            MeasureType::RespiteCare => "BL § 32, stk. 1, nr. 4",
            MeasureType::ContactPerson => "BL § 32, stk. 1, nr. 5",
            MeasureType::Internship => "BL § 32, stk. 1, nr. 6",
            MeasureType::Aftercare => "BL § 114",
            _ => "BL § 32, stk. 1, nr. 8",
        },
        (Basis::Measure(kind, consent), false) => match kind {
            _ if kind.is_placement() && consent => "SEL § 52, stk. 3, nr. 7",
            _ if kind.is_placement() => "SEL § 58, stk. 1",
            MeasureType::HomeSupport => "SEL § 52, stk. 3, nr. 2",
            MeasureType::FamilyTreatment => "SEL § 52, stk. 3, nr. 3",
            MeasureType::FamilyResidential => "SEL § 52, stk. 3, nr. 4",
            MeasureType::RespiteCare => "SEL § 52, stk. 3, nr. 5",
            MeasureType::ContactPerson => "SEL § 52, stk. 3, nr. 6",
            MeasureType::Internship => "SEL § 52, stk. 3, nr. 8",
            MeasureType::Aftercare => "SEL § 76, stk. 2",
            _ => "SEL § 52, stk. 3, nr. 9",
        },
    };
    text.to_owned()
}

/// The account (kontoplan, function 5.28.2x) a measure type is paid from.
pub fn account(kind: MeasureType) -> &'static str {
    match kind {
        MeasureType::PlacementKinshipFoster
        | MeasureType::PlacementFosterFamily
        | MeasureType::PlacementMunicipalFoster => "5.28.20",
        MeasureType::PlacementResidentialInstitution => "5.28.23",
        MeasureType::PlacementSocioEducational
        | MeasureType::PlacementOwnRoom
        | MeasureType::PlacementBoardingSchool => "5.28.22",
        _ => "5.28.21",
    }
}

macro_rules! id {
    ($ty:ident, $prefix:literal, $n:expr) => {
        $ty::parse(&format!(concat!($prefix, "{}"), $n)).expect("a generated id is valid")
    };
}

fn field<T: Field>(value: Value) -> T {
    T::from_value(&value).expect("a generated value fits its column")
}

fn decimal(value: Decimal) -> NonNegative {
    field(Value::Decimal(value.normalize()))
}

/// The instant if it lies on or before the end day.
fn by_end(instant: DateTime<Utc>, end: Day) -> Option<DateTime<Utc>> {
    (local_day(instant) <= end).then_some(instant)
}

fn by(day: Day, end: Day) -> Option<chrono::NaiveDate> {
    (day <= end).then(|| date(day))
}

pub(crate) struct Input<'a> {
    pub world: &'a World,
    pub org: &'a Org,
    pub providers: &'a Providers,
    pub start: Day,
    pub end: Day,
    pub children: f64,
    pub district_names: &'a [&'a str],
}

pub(crate) fn snapshot(input: &Input<'_>, rng: &mut Rng) -> Snapshot {
    let Input {
        world,
        org,
        providers,
        end,
        ..
    } = *input;
    let mut out = Snapshot::default();

    let unit_ids: Vec<OrgUnitId> = (0..org.units.len())
        .map(|i| id!(OrgUnitId, "E", i + 1))
        .collect();
    for (index, unit) in org.units.iter().enumerate() {
        out.org_units.push(OrgUnit {
            unit_id: unit_ids[index].clone(),
            parent_id: unit.parent.map(|p| unit_ids[p as usize].clone()),
            name: unit.name.clone(),
            kind: unit.kind,
            team_type: unit.team,
            valid_from: None,
            valid_to: None,
        });
    }
    let staff_ids: Vec<StaffId> = (0..org.staff.len())
        .map(|i| id!(StaffId, "MA", i + 1))
        .collect();
    let capacity = FigureSettings::default().default_capacity_points;
    for (index, staff) in org.staff.iter().enumerate() {
        let caseworker = staff.role == StaffRole::Caseworker;
        out.staff.push(Staff {
            staff_id: staff_ids[index].clone(),
            name: field::<PersonName>(Value::Text(staff.name.clone())),
            unit_id: unit_ids[staff.unit as usize].clone(),
            role: staff.role,
            fte: Some(field::<Fraction>(Value::Decimal(
                Decimal::new(i64::from(staff.fte), 1).normalize(),
            ))),
            // The default capacity (KF09: 25 points for DS's 20-30 cases, statistics.md §7).
            capacity_points: caseworker.then(|| decimal(capacity)),
            start_date: Some(date(staff.start)),
            end_date: staff.end.and_then(|e| by(e, end)),
        });
    }
    for absence in &org.absences {
        out.absences.push(Absence {
            staff_id: staff_ids[absence.staff as usize].clone(),
            from_date: date(absence.from),
            to_date: Some(date(absence.to)),
            kind: Some(absence.kind),
        });
    }
    let person_ids: Vec<PersonId> = (0..world.persons.len())
        .map(|i| id!(PersonId, "P", i + 1))
        .collect();
    for (index, person) in world.persons.iter().enumerate() {
        out.persons.push(Person {
            person_id: person_ids[index].clone(),
            cpr: None,
            birth_date: date(person.birth),
            sex: Some(person.sex),
            district: Some(input.district_names[person.district as usize].to_owned()),
        });
    }
    let case_ids: Vec<CaseId> = (0..world.cases.len())
        .map(|i| id!(CaseId, "S", i + 1))
        .collect();
    for (index, case) in world.cases.iter().enumerate() {
        let closed = by(case.closed, end);
        out.cases.push(Case {
            case_id: case_ids[index].clone(),
            person_id: person_ids[case.person as usize].clone(),
            area: case.area,
            opened_at: date(case.opened),
            closed_at: closed,
            closing_reason: closed.map(|_| case.closing_reason.to_owned()),
            // Case systems rarely carry a weight; overblik's case-weight model gives it from
            // the case's content (the simulation's own weight only steers who gets the case).
            weight: None,
        });
    }
    // Assignments, and per case the chain of its assignments (for risk assessments' staff).
    let mut first_of_case = vec![u32::MAX; world.cases.len()];
    let mut next_of = vec![u32::MAX; org.assignments.len()];
    for (index, assignment) in org.assignments.iter().enumerate() {
        next_of[index] = first_of_case[assignment.case as usize];
        first_of_case[assignment.case as usize] = index as u32;
        out.assignments.push(Assignment {
            case_id: case_ids[assignment.case as usize].clone(),
            staff_id: staff_ids[assignment.staff as usize].clone(),
            from_date: date(assignment.from),
            to_date: assignment.to.map(date),
        });
    }
    for (index, n) in world.notifications.iter().enumerate() {
        let outcome_at = by_end(n.outcome_at, end);
        out.notifications.push(Notification {
            notification_id: id!(NotificationId, "U", index + 1),
            person_id: person_ids[n.person as usize].clone(),
            case_id: Some(case_ids[n.case as usize].clone()),
            received_at: n.received,
            notifier_type: n.notifier,
            professional: n.professional,
            severity: n.severity,
            assessed_at: by_end(n.assessed, end),
            receipt_sent_at: n.receipt.and_then(|r| by_end(r, end)),
            outcome: outcome_at.map(|_| n.outcome),
            outcome_at,
            feedback_sent_at: n.feedback.and_then(|f| by_end(f, end)),
        });
    }
    for (index, i) in world.investigations.iter().enumerate() {
        if i.aware > end {
            continue;
        }
        out.investigations.push(Investigation {
            investigation_id: id!(InvestigationId, "BU", index + 1),
            case_id: case_ids[i.case as usize].clone(),
            aware_at: date(i.aware),
            decided_at: by(i.decided, end),
            preliminary_assessment_at: i.preliminary.and_then(|p| by(p, end)),
            completed_at: by(i.completed, end),
            child_conversation_at: i.conversation.and_then(|c| by(c, end)),
        });
    }
    let provider_ids: Vec<ProviderId> = (0..providers.list.len())
        .map(|i| id!(ProviderId, "L", i + 1))
        .collect();
    for (index, provider) in providers.list.iter().enumerate() {
        out.providers.push(overblik_domain::tables::Provider {
            provider_id: provider_ids[index].clone(),
            name: provider.name.clone(),
            internal: provider.internal,
            kind: Some(provider.kind.to_owned()),
        });
    }
    let mut measure_ids: Vec<Option<MeasureId>> = Vec::with_capacity(world.measures.len());
    for (index, m) in world.measures.iter().enumerate() {
        if m.start > end {
            measure_ids.push(None);
            continue;
        }
        let measure_id = id!(MeasureId, "I", index + 1);
        measure_ids.push(Some(measure_id.clone()));
        let ended = m.end <= end;
        out.measures.push(Measure {
            measure_id,
            case_id: case_ids[m.case as usize].clone(),
            measure_type: m.kind,
            legal_basis: Some(legal_basis(Basis::Measure(m.kind, m.consent), m.start)),
            provider_id: Some(provider_ids[m.provider as usize].clone()),
            start_date: date(m.start),
            planned_end_date: Some(date(m.planned_end)),
            end_date: ended.then(|| date(m.end)),
            end_reason: ended.then_some(m.end_reason),
            daily_rate: Some(decimal(Decimal::from(m.daily_rate))),
        });
    }
    let measure_ref = |m: Option<u32>| m.and_then(|m| measure_ids[m as usize].clone());
    let mut decision_ids: Vec<Option<DecisionId>> = Vec::with_capacity(world.decisions.len());
    for (index, d) in world.decisions.iter().enumerate() {
        if d.day > end {
            decision_ids.push(None);
            continue;
        }
        let decision_id = id!(DecisionId, "A", index + 1);
        decision_ids.push(Some(decision_id.clone()));
        out.decisions.push(Decision {
            decision_id,
            case_id: case_ids[d.case as usize].clone(),
            decided_at: date(d.day),
            kind: d.kind,
            subject: Some(d.subject),
            legal_basis: legal_basis(d.basis, d.day),
            measure_id: measure_ref(d.measure),
            consent: d.consent,
            child_conversation_at: d.conversation.and_then(|c| by(c, end)),
        });
    }
    let mut plan_ids: Vec<Option<PlanId>> = Vec::with_capacity(world.plans.len());
    for (index, p) in world.plans.iter().enumerate() {
        if p.day > end {
            plan_ids.push(None);
            continue;
        }
        let plan_id = id!(PlanId, "H", index + 1);
        plan_ids.push(Some(plan_id.clone()));
        out.plans.push(Plan {
            plan_id,
            case_id: case_ids[p.case as usize].clone(),
            created_at: date(p.day),
            measure_id: measure_ref(p.measure),
        });
    }
    for (index, v) in world.visits.iter().enumerate() {
        if v.day > end {
            continue;
        }
        out.visits.push(Visit {
            visit_id: id!(VisitId, "T", index + 1),
            case_id: case_ids[v.case as usize].clone(),
            measure_id: measure_ref(Some(v.measure)),
            visited_at: date(v.day),
            child_conversation: v.conversation,
        });
    }
    for (index, a) in world.applications.iter().enumerate() {
        out.applications.push(Application {
            application_id: id!(ApplicationId, "AN", index + 1),
            case_id: case_ids[a.case as usize].clone(),
            received_at: date(a.received),
            legal_basis: a.basis.to_owned(),
            notice_sent_at: a.notice.and_then(|n| by(n, end)),
            decided_at: by(a.decided, end),
        });
    }
    let mut goal_ids: Vec<Option<GoalId>> = Vec::with_capacity(world.goals.len());
    for (index, g) in world.goals.iter().enumerate() {
        let Some(plan_id) = plan_ids[g.plan as usize].clone() else {
            goal_ids.push(None);
            continue;
        };
        let goal_id = id!(GoalId, "M", index + 1);
        goal_ids.push(Some(goal_id.clone()));
        out.goals.push(Goal {
            goal_id,
            plan_id,
            category: g.category,
            set_at: date(g.set),
            closed_at: by(g.closed, end),
        });
    }
    let mut followup_ids: Vec<Option<FollowupId>> = Vec::with_capacity(world.followups.len());
    for (index, f) in world.followups.iter().enumerate() {
        if f.held > end {
            followup_ids.push(None);
            continue;
        }
        let followup_id = id!(FollowupId, "O", index + 1);
        followup_ids.push(Some(followup_id.clone()));
        out.followups.push(Followup {
            followup_id,
            case_id: case_ids[f.case as usize].clone(),
            measure_id: measure_ref(f.measure),
            held_at: date(f.held),
            child_conversation: f.conversation,
            next_due: f.next_due.map(date),
        });
    }
    for s in &world.goal_scores {
        if let (Some(goal_id), Some(followup_id)) = (
            goal_ids[s.goal as usize].clone(),
            followup_ids[s.followup as usize].clone(),
        ) {
            out.goal_scores.push(GoalScore {
                goal_id,
                followup_id,
                score: field::<Score>(Value::Int(i64::from(s.score))),
            });
        }
    }
    // An assessment made while the case had no caseworker is put on the first one.
    let first_caseworker = org
        .staff
        .iter()
        .position(|s| s.role == StaffRole::Caseworker)
        .map(|p| p as u32);
    for (index, r) in world.risks.iter().enumerate() {
        if r.day > end {
            continue;
        }
        // The caseworker responsible on the day, else the last one before it.
        let mut staff = None;
        let mut cursor = first_of_case[r.case as usize];
        while cursor != u32::MAX {
            let a = &org.assignments[cursor as usize];
            if a.from <= r.day {
                staff = Some(a.staff);
                if a.to.is_none_or(|to| to >= r.day) {
                    break;
                }
            }
            cursor = next_of[cursor as usize];
        }
        let Some(staff) = staff.or(first_caseworker) else {
            continue;
        };
        out.risk_assessments.push(RiskAssessment {
            assessment_id: id!(AssessmentId, "R", index + 1),
            case_id: case_ids[r.case as usize].clone(),
            assessed_at: date(r.day),
            staff_id: staff_ids[staff as usize].clone(),
            event: r.event,
            probability: field::<Fraction>(Value::Decimal(
                Decimal::new(i64::from(r.probability), 2).normalize(),
            )),
            outcome: if r.known <= end { r.outcome } else { None },
        });
    }
    payments(&mut out, input, &case_ids, &measure_ids, rng);
    budgets(&mut out, input, rng);
    for (index, w) in world.waiting.iter().enumerate() {
        if w.listed > end {
            continue;
        }
        let left = by(w.left, end);
        out.waiting_list.push(WaitingListEntry {
            entry_id: id!(EntryId, "V", index + 1),
            person_id: person_ids[w.person as usize].clone(),
            offer_type: w.offer.label_da().to_owned(),
            listed_at: date(w.listed),
            left_at: left,
            left_reason: left.map(|_| w.reason),
        });
    }
    for (index, c) in world.complaints.iter().enumerate() {
        let Some(decision_id) = decision_ids[c.decision as usize].clone() else {
            continue;
        };
        if c.received > end {
            continue;
        }
        let resolved = by(c.resolved, end);
        out.complaints.push(Complaint {
            complaint_id: id!(ComplaintId, "K", index + 1),
            decision_id,
            received_at: date(c.received),
            personal_contact_at: c.contact.and_then(|d| by(d, end)),
            resolved_at: resolved,
            outcome: resolved.map(|_| c.outcome),
            appeal_outcome: resolved.and(c.appeal),
        });
    }
    population(&mut out, input, rng);
    out
}

/// Monthly payments per measure in the window (daily rate × active days), a few refunds.
fn payments(
    out: &mut Snapshot,
    input: &Input<'_>,
    case_ids: &[CaseId],
    measure_ids: &[Option<MeasureId>],
    rng: &mut Rng,
) {
    let (start, end) = (input.start, input.end);
    let first_month = YearMonth::of(date(start));
    let last_month = YearMonth::of(date(end));
    let mut number = 0u64;
    for (index, m) in input.world.measures.iter().enumerate() {
        let Some(measure_id) = &measure_ids[index] else {
            continue;
        };
        let last = m.end.min(end);
        if last < start {
            continue;
        }
        let account = account(m.kind);
        let mut month = YearMonth::of(date(m.start)).max(first_month);
        while month <= last_month {
            let first = day(month.first_day());
            let next = next_month(month);
            let month_end = day(next.first_day()) - 1;
            let from = first.max(m.start);
            let to = month_end.min(last);
            if from > to {
                break;
            }
            let amount = Decimal::from(i64::from(m.daily_rate) * i64::from(to - from + 1));
            number += 1;
            out.payments.push(Payment {
                payment_id: id!(PaymentId, "B", number),
                case_id: Some(case_ids[m.case as usize].clone()),
                measure_id: Some(measure_id.clone()),
                account: account.to_owned(),
                month,
                amount,
            });
            if next <= last_month && rng.chance(0.012) {
                number += 1;
                let refund = amount * Decimal::new(i64::from(rng.int(5, 30)), 2);
                out.payments.push(Payment {
                    payment_id: id!(PaymentId, "B", number),
                    case_id: Some(case_ids[m.case as usize].clone()),
                    measure_id: Some(measure_id.clone()),
                    account: account.to_owned(),
                    month: next,
                    amount: -refund.round_dp(2).normalize(),
                });
            }
            month = next;
        }
    }
}

fn next_month(month: YearMonth) -> YearMonth {
    if month.month() == 12 {
        YearMonth::new(month.year() + 1, 1)
    } else {
        YearMonth::new(month.year(), month.month() + 1)
    }
    .expect("a month within range")
}

/// Yearly budgets per team, account and measure type: the year's simulated spend and activity
/// as the budget's assumption, off by a few per cent either way.
fn budgets(out: &mut Snapshot, input: &Input<'_>, rng: &mut Rng) {
    let unit_of = |team: TeamType| {
        input
            .org
            .units
            .iter()
            .position(|u| u.team == Some(team))
            .or_else(|| {
                input
                    .org
                    .units
                    .iter()
                    .position(|u| u.team == Some(TeamType::Children))
            })
            .unwrap_or(0)
    };
    let placement_unit = unit_of(TeamType::Placement);
    let support_unit = unit_of(TeamType::Children);
    for year in date(input.start).year()..=date(input.end).year() {
        let first = day(chrono::NaiveDate::from_ymd_opt(year, 1, 1).expect("a date"));
        let last = day(chrono::NaiveDate::from_ymd_opt(year, 12, 31).expect("a date"));
        let mut spend = [0i64; MeasureType::ALL.len()];
        let mut person_days = [0i64; MeasureType::ALL.len()];
        for m in &input.world.measures {
            let from = m.start.max(first);
            let to = m.end.min(last);
            if from <= to {
                let position = m.kind as usize;
                let days = i64::from(to - from + 1);
                spend[position] += days * i64::from(m.daily_rate);
                person_days[position] += days;
            }
        }
        let days_in_year = f64::from(last - first + 1);
        for (position, kind) in MeasureType::ALL.iter().enumerate() {
            if spend[position] == 0 {
                continue;
            }
            let amount =
                (spend[position] as f64 * (0.93 + 0.14 * rng.f()) / 1000.0).round() as i64 * 1000;
            let persons = person_days[position] as f64 / days_in_year * (0.92 + 0.16 * rng.f());
            let unit = if kind.is_placement() {
                placement_unit
            } else {
                support_unit
            };
            out.budgets.push(Budget {
                year: field::<Year>(Value::Int(i64::from(year))),
                unit_id: out.org_units[unit].unit_id.clone(),
                account: account(*kind).to_owned(),
                measure_type: Some(*kind),
                amount: Decimal::from(amount),
                planned_full_year_persons: Some(decimal(Decimal::new(
                    (persons * 10.0).round() as i64,
                    1,
                ))),
            });
        }
    }
}

/// Inhabitants aged 0-22 per year of the window.
fn population(out: &mut Snapshot, input: &Input<'_>, rng: &mut Rng) {
    let per_age = input.children / 18.0;
    for year in date(input.start).year()..=date(input.end).year() {
        for age in 0..=22i64 {
            let base = if age >= 18 {
                per_age * YOUNG_ADULT_FACTOR
            } else {
                per_age
            };
            let count = (base * (1.0 + 0.02 * rng.normal())).round().max(0.0) as i64;
            out.population.push(Population {
                year: field::<Year>(Value::Int(i64::from(year))),
                age: field::<Age>(Value::Int(age)),
                count: field::<Count>(Value::Int(count)),
            });
        }
    }
}
