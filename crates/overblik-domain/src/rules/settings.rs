//! The values the law leaves to the municipality (`municipality.toml`).

use crate::calendar::{Calendar, CalendarMode};

use super::{Moment, RuleId, Span};

/// Who gets a receipt for a notification (`notification_receipt`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ReceiptScope {
    /// Notifiers with a duty to notify (the law's minimum).
    #[default]
    Professional,
    /// Every notifier who is not anonymous.
    Named,
}

/// A published processing deadline for adult applications under one section (§).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdultDeadline {
    /// The section number as written after `§`, e.g. `85` or `101 a` (normalised: lowercase,
    /// no spaces).
    pub paragraph: String,
    pub deadline: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub calendar: CalendarMode,
    /// Move the municipality's date deadlines off weekends and holidays (default: no).
    pub extend_to_working_day: bool,
    pub disabled_rules: Vec<RuleId>,
    pub receipt_scope: ReceiptScope,
    /// `notification_feedback` is off while this is `None`.
    pub feedback_deadline: Option<Span>,
    /// `followup_next` under barnets lov when a follow-up sets no `next_due`.
    pub followup_default_interval: Span,
    pub repeated_notifications_threshold: u32,
    pub repeated_notifications_window_days: u32,
    pub adult_deadlines: Vec<AdultDeadline>,
    /// Capacity points of a full-time caseworker whose `capacity_points` is empty (KF09): 25,
    /// DS's recommended 20-30 children's cases with the mean open children's case at 1 point.
    pub default_capacity_points: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            calendar: CalendarMode::Strict,
            extend_to_working_day: false,
            disabled_rules: Vec::new(),
            receipt_scope: ReceiptScope::Professional,
            feedback_deadline: None,
            followup_default_interval: Span {
                amount: 6,
                unit: super::Unit::Months,
            },
            repeated_notifications_threshold: 3,
            repeated_notifications_window_days: 365,
            adult_deadlines: Vec::new(),
            default_capacity_points: 25,
        }
    }
}

impl Settings {
    pub fn calendar(&self) -> &'static Calendar {
        Calendar::of(self.calendar)
    }

    /// A due moment as the municipality counts it: with `extend_to_working_day`, a date on a
    /// weekend or holiday moves to the next working day.
    pub fn adjust_due(&self, due: Moment) -> Moment {
        match due {
            Moment::Date(date) if self.extend_to_working_day => {
                let calendar = self.calendar();
                match date.pred_opt() {
                    Some(before) if !calendar.is_working_day(date) => {
                        Moment::Date(calendar.add_working_days(before, 1))
                    }
                    _ => due,
                }
            }
            other => other,
        }
    }

    /// The published deadline for an application whose legal basis is `basis` (matched on its
    /// first section number, e.g. `SEL § 85, stk. 1` → `85`).
    pub fn adult_deadline(&self, basis: &str) -> Option<Span> {
        let paragraph = paragraph_of(basis)?;
        self.adult_deadlines
            .iter()
            .find(|entry| entry.paragraph == paragraph)
            .map(|entry| entry.deadline)
    }
}

/// The section a legal-basis text refers to: the number (and letter) after the first `§`,
/// normalised to lowercase without spaces (`SEL § 101 a, stk. 2` → `101a`).
pub fn paragraph_of(basis: &str) -> Option<String> {
    let after = basis.split_once('§')?.1.trim_start();
    let digits: String = after.chars().take_while(char::is_ascii_digit).collect();
    if digits.is_empty() {
        return None;
    }
    let rest = after[digits.len()..].trim_start();
    let mut letters = rest.chars();
    let letter = match (letters.next(), letters.next()) {
        (Some(letter), next)
            if letter.is_alphabetic() && next.is_none_or(|c| !c.is_alphanumeric()) =>
        {
            Some(letter.to_lowercase().collect::<String>())
        }
        _ => None,
    };
    Some(digits + letter.as_deref().unwrap_or(""))
}

/// Normalises a configured section (`"101 a"` → `"101a"`).
pub(super) fn normalise_paragraph(text: &str) -> Option<String> {
    paragraph_of(&format!("§ {text}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_are_read_from_legal_basis_texts() {
        for (basis, paragraph) in [
            ("SEL § 85", Some("85")),
            ("SEL §85, stk. 1", Some("85")),
            ("serviceloven § 101 a", Some("101a")),
            ("SEL § 101, stk. 2", Some("101")),
            ("SEL § 107 og § 108", Some("107")),
            ("Retssikkerhedsloven", None),
        ] {
            assert_eq!(paragraph_of(basis).as_deref(), paragraph, "{basis}");
        }
    }
}
