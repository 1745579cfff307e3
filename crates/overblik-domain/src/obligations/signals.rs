//! The two alert signals that are not deadlines: repeated notifications on one person, and a
//! notification on a person who already has a measure (which calls for a reassessment).

use super::followups::active_on;
use super::{Moment, Output};
use crate::calendar::local_date;
use crate::codes::Area;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AlertKind {
    /// At least the threshold number of notifications within the window (FOB 2014-19).
    RepeatedNotifications,
    /// A notification on a person with an active measure (BL § 137, stk. 1).
    ReassessmentNeeded,
}

impl AlertKind {
    pub fn code(self) -> &'static str {
        match self {
            AlertKind::RepeatedNotifications => "repeated_notifications",
            AlertKind::ReassessmentNeeded => "reassessment_needed",
        }
    }

    pub fn label_da(self) -> &'static str {
        match self {
            AlertKind::RepeatedNotifications => "Gentagne underretninger",
            AlertKind::ReassessmentNeeded => "Genvurdering med ny kollega (BL § 137)",
        }
    }
}

/// One alert, raised by one notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alert {
    pub kind: AlertKind,
    /// Index into `snapshot.notifications`: the notification that raised the alert.
    pub notification: u32,
    pub at: Moment,
    pub person: u32,
    /// The notification's case, or the case of the active measure.
    pub case: Option<u32>,
    /// Repeated notifications: how many fell within the window ending with this one.
    pub count: u32,
    /// Reassessment: index into `snapshot.measures` of the active measure.
    pub measure: Option<u32>,
    pub responsible: Option<u32>,
}

pub(super) fn evaluate(out: &mut Output<'_>) {
    let index = out.index;
    let snapshot = index.snapshot;
    let settings = &out.rules.settings;
    let threshold = settings.repeated_notifications_threshold as usize;
    let window_days = i64::from(settings.repeated_notifications_window_days);
    let mut alerts = Vec::new();
    for person in 0..snapshot.persons.len() as u32 {
        // Sorted by receipt, so the notifications received by T are a prefix.
        let all = index.notifications_of_person.of(person);
        let rows = &all[..all.partition_point(|row| {
            out.as_of.has_happened(Moment::Instant(
                snapshot.notifications[*row as usize].received_at,
            ))
        })];
        // Repeated notifications: a sliding window over the person's notifications by date.
        let mut window_start = 0;
        for (position, row) in rows.iter().enumerate() {
            let notification = &snapshot.notifications[*row as usize];
            let day = local_date(notification.received_at);
            while (day
                - local_date(snapshot.notifications[rows[window_start] as usize].received_at))
            .num_days()
                >= window_days
            {
                window_start += 1;
            }
            let count = position - window_start + 1;
            let case = notification
                .case_id
                .as_ref()
                .and_then(|id| index.case(id.as_str()));
            if count >= threshold {
                alerts.push(Alert {
                    kind: AlertKind::RepeatedNotifications,
                    notification: *row,
                    at: Moment::Instant(notification.received_at),
                    person,
                    case,
                    count: count as u32,
                    measure: None,
                    responsible: case.and_then(|case| index.responsible_at_as_of(case)),
                });
            }
            // Reassessment: any measure of the person's children's cases active on that day.
            let active = index.cases_of_person.of(person).iter().find_map(|case| {
                if snapshot.cases[*case as usize].area != Area::Children {
                    return None;
                }
                index
                    .measures_of_case
                    .of(*case)
                    .iter()
                    .find(|m| active_on(out.as_of, &snapshot.measures[**m as usize], day))
                    .map(|measure| (*case, *measure))
            });
            if let Some((case, measure)) = active {
                alerts.push(Alert {
                    kind: AlertKind::ReassessmentNeeded,
                    notification: *row,
                    at: Moment::Instant(notification.received_at),
                    person,
                    case: Some(case),
                    count: 1,
                    measure: Some(measure),
                    responsible: index.responsible_at_as_of(case),
                });
            }
        }
    }
    out.evaluation.alerts.extend(alerts);
}
