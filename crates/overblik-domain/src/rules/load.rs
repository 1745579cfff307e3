//! Reading and validating the rule files. Every problem names the file, the rule (or entry)
//! and the field, because the people who edit these files are not programmers.

use std::fmt;

use chrono::NaiveDate;
use toml::{Table, Value};

use super::catalogue::{MeasureCatalogue, MeasureEntry};
use super::settings::{AdultDeadline, ReceiptScope, Settings, normalise_paragraph};
use super::{Rule, RuleId, RuleSet, RuleVersion, Span};
use crate::calendar::CalendarMode;
use crate::codes::{DecisionKind, MeasureType};

/// The text of one rule file and the name it is reported under.
#[derive(Debug, Clone, Copy)]
pub struct RuleSource<'a> {
    pub name: &'a str,
    pub text: &'a str,
}

/// The files of the rule set, by name. `children.toml` and `adults.toml` (and any other name)
/// hold `[[rule]]`s; these two hold the catalogue and the settings.
const CATALOGUE_FILE: &str = "measures.toml";
const SETTINGS_FILE: &str = "municipality.toml";

/// The rule files shipped with overblik (the repository's `rules/` folder).
pub const EMBEDDED: &[RuleSource<'static>] = &[
    RuleSource {
        name: "children.toml",
        text: include_str!("../../../../rules/children.toml"),
    },
    RuleSource {
        name: "adults.toml",
        text: include_str!("../../../../rules/adults.toml"),
    },
    RuleSource {
        name: CATALOGUE_FILE,
        text: include_str!("../../../../rules/measures.toml"),
    },
    RuleSource {
        name: SETTINGS_FILE,
        text: include_str!("../../../../rules/municipality.toml"),
    },
];

/// A rule file that cannot be used. overblik refuses to start with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct RuleError {
    pub file: String,
    /// The rule id, measure code or settings section the problem is in.
    pub rule: Option<String>,
    pub field: Option<String>,
    pub message: String,
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "regelfilen `{}`", self.file)?;
        if let Some(rule) = &self.rule {
            write!(f, ", `{rule}`")?;
        }
        if let Some(field) = &self.field {
            write!(f, ", felt `{field}`")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl RuleSet {
    /// The rule set shipped with overblik.
    pub fn embedded() -> RuleSet {
        RuleSet::load(&[]).expect("the embedded rule files are valid (tested)")
    }

    /// Loads the embedded rule files, each replaced by the source of the same name in
    /// `overrides`, and validates the whole set.
    pub fn load(overrides: &[RuleSource<'_>]) -> Result<RuleSet, RuleError> {
        let mut sources: Vec<RuleSource<'_>> = EMBEDDED.to_vec();
        for source in overrides {
            match sources.iter_mut().find(|s| s.name == source.name) {
                Some(slot) => *slot = *source,
                None => {
                    return Err(RuleError {
                        file: source.name.to_owned(),
                        rule: None,
                        field: None,
                        message: format!(
                            "ukendt regelfil; kendte filer er {}",
                            EMBEDDED
                                .iter()
                                .map(|s| s.name)
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    });
                }
            }
        }
        let mut rules: Vec<Option<Rule>> = vec![None; RuleId::ALL.len()];
        let mut settings = None;
        let mut catalogue = None;
        for source in &sources {
            let table = parse(source)?;
            match source.name {
                CATALOGUE_FILE => catalogue = Some(read_catalogue(source.name, &table)?),
                SETTINGS_FILE => settings = Some(read_settings(source.name, &table)?),
                _ => read_rules(source.name, &table, &mut rules)?,
            }
        }
        let rules = rules
            .into_iter()
            .zip(RuleId::ALL)
            .map(|(rule, id)| {
                rule.ok_or_else(|| RuleError {
                    file: "children.toml, adults.toml".to_owned(),
                    rule: Some(id.id().to_owned()),
                    field: None,
                    message: "reglen mangler; slå den fra i municipality.toml (disabled_rules) i stedet for at slette den".to_owned(),
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(RuleSet {
            rules,
            settings: settings.unwrap_or_default(),
            catalogue: catalogue.expect("the catalogue file is always among the sources"),
        })
    }
}

fn parse(source: &RuleSource<'_>) -> Result<Table, RuleError> {
    source.text.parse::<Table>().map_err(|error| RuleError {
        file: source.name.to_owned(),
        rule: None,
        field: None,
        message: format!("ikke gyldig TOML: {}", error.message()),
    })
}

/// A TOML table being read, with where it is for messages.
struct Fields<'a> {
    file: &'a str,
    entry: Option<String>,
    table: &'a Table,
}

impl<'a> Fields<'a> {
    fn error(&self, field: Option<&str>, message: impl Into<String>) -> RuleError {
        RuleError {
            file: self.file.to_owned(),
            rule: self.entry.clone(),
            field: field.map(str::to_owned),
            message: message.into(),
        }
    }

    /// Refuses any key not in `allowed` (a misspelt field must not be silently ignored).
    fn only(&self, allowed: &[&str]) -> Result<(), RuleError> {
        match self
            .table
            .keys()
            .find(|key| !allowed.contains(&key.as_str()))
        {
            Some(key) => Err(self.error(
                Some(key),
                format!("ukendt felt; tilladte felter her er {}", allowed.join(", ")),
            )),
            None => Ok(()),
        }
    }

    fn text(&self, field: &str) -> Result<Option<&'a str>, RuleError> {
        match self.table.get(field) {
            None => Ok(None),
            Some(Value::String(text)) if text.trim().is_empty() => {
                Err(self.error(Some(field), "må ikke være tom"))
            }
            Some(Value::String(text)) => Ok(Some(text)),
            Some(_) => Err(self.error(Some(field), "skal være en tekst i anførselstegn")),
        }
    }

    fn required_text(&self, field: &str) -> Result<&'a str, RuleError> {
        self.text(field)?
            .ok_or_else(|| self.error(Some(field), "mangler"))
    }

    fn date(&self, field: &str) -> Result<Option<NaiveDate>, RuleError> {
        self.text(field)?
            .map(|text| {
                NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
                    self.error(
                        Some(field),
                        format!("`{text}` er ikke en dato (ÅÅÅÅ-MM-DD)"),
                    )
                })
            })
            .transpose()
    }

    fn span(&self, field: &str) -> Result<Option<Span>, RuleError> {
        self.text(field)?
            .map(|text| Span::parse(text).map_err(|message| self.error(Some(field), message)))
            .transpose()
    }

    fn bool(&self, field: &str) -> Result<Option<bool>, RuleError> {
        match self.table.get(field) {
            None => Ok(None),
            Some(Value::Boolean(value)) => Ok(Some(*value)),
            Some(_) => Err(self.error(Some(field), "skal være true eller false")),
        }
    }

    fn count(&self, field: &str, max: u32) -> Result<Option<u32>, RuleError> {
        match self.table.get(field) {
            None => Ok(None),
            Some(Value::Integer(value)) if (0..=i64::from(max)).contains(value) => {
                Ok(Some(*value as u32))
            }
            Some(Value::Integer(value)) => Err(self.error(
                Some(field),
                format!("`{value}` skal ligge mellem 0 og {max}"),
            )),
            Some(_) => Err(self.error(Some(field), "skal være et helt tal")),
        }
    }

    fn text_list(&self, field: &str) -> Result<Option<Vec<&'a str>>, RuleError> {
        match self.table.get(field) {
            None => Ok(None),
            Some(Value::Array(items)) => items
                .iter()
                .map(|item| {
                    item.as_str()
                        .ok_or_else(|| self.error(Some(field), "skal være en liste af tekster"))
                })
                .collect::<Result<Vec<_>, _>>()
                .map(Some),
            Some(_) => Err(self.error(Some(field), "skal være en liste, fx [\"a\", \"b\"]")),
        }
    }

    /// The tables of an array-of-tables field (`[[rule]]`), each read by `f`.
    fn tables(
        &self,
        field: &str,
        mut f: impl FnMut(usize, &'a Table) -> Result<(), RuleError>,
    ) -> Result<(), RuleError> {
        match self.table.get(field) {
            None => Ok(()),
            Some(Value::Array(items)) => {
                items
                    .iter()
                    .enumerate()
                    .try_for_each(|(index, item)| match item.as_table() {
                        Some(table) => f(index, table),
                        None => Err(self.error(Some(field), "skal være en tabel ([[...]])")),
                    })
            }
            Some(_) => Err(self.error(Some(field), "skal skrives som [[...]]-tabeller")),
        }
    }

    fn section(&self, field: &str) -> Result<Option<Fields<'a>>, RuleError> {
        match self.table.get(field) {
            None => Ok(None),
            Some(Value::Table(table)) => Ok(Some(Fields {
                file: self.file,
                entry: Some(format!("[{field}]")),
                table,
            })),
            Some(_) => Err(self.error(Some(field), "skal være en sektion ([...])")),
        }
    }
}

fn read_rules(file: &str, table: &Table, rules: &mut [Option<Rule>]) -> Result<(), RuleError> {
    let root = Fields {
        file,
        entry: None,
        table,
    };
    root.only(&["rule"])?;
    root.tables("rule", |index, table| {
        let fields = Fields {
            file,
            entry: Some(format!("regel nr. {}", index + 1)),
            table,
        };
        let id_text = fields.required_text("id")?;
        let id = RuleId::from_id(id_text).ok_or_else(|| {
            fields.error(
                Some("id"),
                format!(
                    "ukendt regel `{id_text}`; kendte regler er {}",
                    RuleId::ALL
                        .iter()
                        .map(|id| id.id())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
        })?;
        let fields = Fields {
            entry: Some(id.id().to_owned()),
            ..fields
        };
        fields.only(&["id", "title", "version"])?;
        if rules[id as usize].is_some() {
            return Err(fields.error(Some("id"), "reglen er defineret mere end én gang"));
        }
        let title = fields.required_text("title")?.to_owned();
        let mut versions = Vec::new();
        fields.tables("version", |index, table| {
            let version = Fields {
                file,
                entry: Some(format!("{id} (version {})", index + 1)),
                table,
            };
            versions.push(read_version(id, &version)?);
            Ok(())
        })?;
        if versions.is_empty() {
            return Err(fields.error(
                Some("version"),
                "reglen har ingen versioner ([[rule.version]])",
            ));
        }
        check_versions(&fields, &mut versions)?;
        rules[id as usize] = Some(Rule {
            id,
            title,
            file: file.to_owned(),
            versions,
        });
        Ok(())
    })
}

fn read_version(id: RuleId, fields: &Fields<'_>) -> Result<RuleVersion, RuleError> {
    let params = id.params();
    let mut allowed = vec!["from", "to", "basis"];
    allowed.extend(params.iter().map(|(name, _)| *name));
    fields.only(&allowed)?;
    for (name, required) in params {
        if *required && !fields.table.contains_key(*name) {
            return Err(fields.error(Some(name), "mangler; reglen kræver det"));
        }
    }
    let decision_kinds = fields
        .text_list("decision_kinds")?
        .unwrap_or_default()
        .into_iter()
        .map(|code| {
            DecisionKind::from_code(code).ok_or_else(|| {
                fields.error(
                    Some("decision_kinds"),
                    format!(
                        "ukendt afgørelsestype `{code}`; brug {}",
                        DecisionKind::CODES.join(", ")
                    ),
                )
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let paragraph = fields
        .text("paragraph")?
        .map(|text| {
            normalise_paragraph(text).ok_or_else(|| {
                fields.error(
                    Some("paragraph"),
                    format!("`{text}` er ikke et paragrafnummer"),
                )
            })
        })
        .transpose()?;
    let version = RuleVersion {
        from: fields.date("from")?,
        to: fields.date("to")?,
        basis: fields.required_text("basis")?.trim().to_owned(),
        deadline: fields.span("deadline")?,
        deadline_without_consent: fields.span("deadline_without_consent")?,
        use_next_due: fields.bool("use_next_due")?.unwrap_or(false),
        visits_per_year: fields.count("visits_per_year", 52)?.unwrap_or(0),
        age: fields.count("age", 22)?.unwrap_or(0),
        before: fields.span("before")?,
        decision_kinds,
        paragraph,
    };
    if let (Some(from), Some(to)) = (version.from, version.to)
        && to < from
    {
        return Err(fields.error(
            Some("to"),
            format!("slutdatoen {to} ligger før startdatoen {from}"),
        ));
    }
    if id == RuleId::FollowupNext && !version.use_next_due && version.deadline.is_none() {
        return Err(fields.error(
            Some("deadline"),
            "mangler; angiv `deadline` eller `use_next_due = true`",
        ));
    }
    if id == RuleId::PlacementVisits && version.visits_per_year == 0 {
        return Err(fields.error(Some("visits_per_year"), "skal være mindst 1"));
    }
    if version
        .deadline
        .is_some_and(|span| span.unit == super::Unit::Hours)
        && !matches!(id, RuleId::NotificationAssessment)
    {
        return Err(fields.error(
            Some("deadline"),
            "timer kan kun bruges, hvor anledningen har et klokkeslæt (notification_assessment)",
        ));
    }
    Ok(version)
}

/// Sorts the versions by start and refuses overlaps: one trigger must have one governing law.
fn check_versions(fields: &Fields<'_>, versions: &mut [RuleVersion]) -> Result<(), RuleError> {
    versions.sort_by_key(|version| version.from);
    for pair in versions.windows(2) {
        let (earlier, later) = (&pair[0], &pair[1]);
        let overlaps = match (earlier.to, later.from) {
            (Some(to), Some(from)) => from <= to,
            _ => true,
        };
        if overlaps {
            return Err(fields.error(
                Some("version"),
                format!(
                    "versionerne overlapper: `{}` ({} til {}) og `{}` ({} til {}); hver dato må kun høre under én version",
                    earlier.basis,
                    show(earlier.from),
                    show(earlier.to),
                    later.basis,
                    show(later.from),
                    show(later.to),
                ),
            ));
        }
    }
    Ok(())
}

fn show(date: Option<NaiveDate>) -> String {
    date.map_or_else(|| "ubegrænset".to_owned(), |date| date.to_string())
}

fn read_catalogue(file: &str, table: &Table) -> Result<MeasureCatalogue, RuleError> {
    let root = Fields {
        file,
        entry: None,
        table,
    };
    root.only(&["measure"])?;
    let mut entries: Vec<MeasureEntry> = Vec::new();
    root.tables("measure", |index, table| {
        let fields = Fields {
            file,
            entry: Some(format!("indsats nr. {}", index + 1)),
            table,
        };
        fields.only(&["code", "label", "placement"])?;
        let code_text = fields.required_text("code")?;
        let code = MeasureType::from_code(code_text).ok_or_else(|| {
            fields.error(
                Some("code"),
                format!("`{code_text}` er ikke en indsatstype i dataformatet v1"),
            )
        })?;
        let fields = Fields {
            entry: Some(code_text.to_owned()),
            ..fields
        };
        if entries.iter().any(|entry| entry.code == code) {
            return Err(fields.error(Some("code"), "indsatstypen er angivet mere end én gang"));
        }
        let placement = fields
            .bool("placement")?
            .ok_or_else(|| fields.error(Some("placement"), "mangler"))?;
        if placement != code.is_placement() {
            return Err(fields.error(
                Some("placement"),
                format!(
                    "dataformatet siger, at typen {}er en anbringelse",
                    if code.is_placement() { "" } else { "ikke " }
                ),
            ));
        }
        entries.push(MeasureEntry {
            code,
            label: fields.required_text("label")?.to_owned(),
            placement,
        });
        Ok(())
    })?;
    if let Some(missing) = MeasureType::ALL
        .iter()
        .find(|code| !entries.iter().any(|entry| entry.code == **code))
    {
        return Err(root.error(
            Some("measure"),
            format!("indsatstypen `{}` mangler i kataloget", missing.code()),
        ));
    }
    Ok(MeasureCatalogue::new(entries))
}

fn read_settings(file: &str, table: &Table) -> Result<Settings, RuleError> {
    let root = Fields {
        file,
        entry: None,
        table,
    };
    root.only(&[
        "calendar",
        "extend_to_working_day",
        "disabled_rules",
        "notification_receipt",
        "notification_feedback",
        "followup_next",
        "repeated_notifications",
        "adult_deadline",
        "caseload",
    ])?;
    let mut settings = Settings::default();
    if let Some(calendar) = root.text("calendar")? {
        settings.calendar = match calendar {
            "strict" => CalendarMode::Strict,
            "lenient" => CalendarMode::Lenient,
            other => {
                return Err(root.error(
                    Some("calendar"),
                    format!("`{other}` er ukendt; brug \"strict\" eller \"lenient\""),
                ));
            }
        };
    }
    settings.extend_to_working_day = root.bool("extend_to_working_day")?.unwrap_or(false);
    for id in root.text_list("disabled_rules")?.unwrap_or_default() {
        let rule = RuleId::from_id(id)
            .ok_or_else(|| root.error(Some("disabled_rules"), format!("ukendt regel `{id}`")))?;
        settings.disabled_rules.push(rule);
    }
    if let Some(section) = root.section("notification_receipt")? {
        section.only(&["scope"])?;
        if let Some(scope) = section.text("scope")? {
            settings.receipt_scope = match scope {
                "professional" => ReceiptScope::Professional,
                "named" => ReceiptScope::Named,
                other => {
                    return Err(section.error(
                        Some("scope"),
                        format!("`{other}` er ukendt; brug \"professional\" eller \"named\""),
                    ));
                }
            };
        }
    }
    if let Some(section) = root.section("notification_feedback")? {
        section.only(&["deadline"])?;
        settings.feedback_deadline = section.span("deadline")?;
    }
    if let Some(section) = root.section("followup_next")? {
        section.only(&["default_interval"])?;
        if let Some(span) = section.span("default_interval")? {
            if span.amount == 0 {
                return Err(section.error(Some("default_interval"), "skal være længere end 0"));
            }
            settings.followup_default_interval = span;
        }
    }
    if let Some(section) = root.section("repeated_notifications")? {
        section.only(&["threshold", "window_days"])?;
        if let Some(threshold) = section.count("threshold", 100)? {
            if threshold < 2 {
                return Err(section.error(Some("threshold"), "skal være mindst 2"));
            }
            settings.repeated_notifications_threshold = threshold;
        }
        if let Some(days) = section.count("window_days", 3660)? {
            if days == 0 {
                return Err(section.error(Some("window_days"), "skal være mindst 1"));
            }
            settings.repeated_notifications_window_days = days;
        }
    }
    if let Some(section) = root.section("caseload")? {
        section.only(&["default_capacity_points"])?;
        if let Some(points) = section.count("default_capacity_points", 200)? {
            if points == 0 {
                return Err(section.error(Some("default_capacity_points"), "skal være mindst 1"));
            }
            settings.default_capacity_points = points;
        }
    }
    root.tables("adult_deadline", |index, table| {
        let fields = Fields {
            file,
            entry: Some(format!("adult_deadline nr. {}", index + 1)),
            table,
        };
        fields.only(&["paragraph", "deadline"])?;
        let text = fields.required_text("paragraph")?;
        let paragraph = normalise_paragraph(text).ok_or_else(|| {
            fields.error(
                Some("paragraph"),
                format!("`{text}` er ikke et paragrafnummer"),
            )
        })?;
        if settings
            .adult_deadlines
            .iter()
            .any(|entry| entry.paragraph == paragraph)
        {
            return Err(fields.error(Some("paragraph"), format!("§ {text} har allerede en frist")));
        }
        let deadline = fields
            .span("deadline")?
            .ok_or_else(|| fields.error(Some("deadline"), "mangler"))?;
        settings.adult_deadlines.push(AdultDeadline {
            paragraph,
            deadline,
        });
        Ok(())
    })?;
    Ok(settings)
}
