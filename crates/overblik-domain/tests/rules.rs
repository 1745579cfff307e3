//! The rule files: the embedded set is valid and says what legal-rules.md says; a broken file
//! is refused with a message naming the file, the rule and the field.

use overblik_domain::rules::{RuleId, RuleSet, RuleSource};

const CHILDREN: &str = include_str!("../../../rules/children.toml");

fn load_children(text: &str) -> String {
    RuleSet::load(&[RuleSource {
        name: "children.toml",
        text,
    }])
    .unwrap_err()
    .to_string()
}

#[test]
fn the_embedded_rule_set_has_every_rule_with_its_legal_bases() {
    let rules = RuleSet::embedded();
    let bases = |id: RuleId| -> Vec<&str> {
        rules
            .rule(id)
            .versions
            .iter()
            .map(|v| v.basis.as_str())
            .collect()
    };
    assert_eq!(
        bases(RuleId::NotificationAssessment),
        ["SEL § 155, stk. 2", "BL § 136"]
    );
    assert_eq!(
        bases(RuleId::InvestigationCompletion),
        ["SEL § 50, stk. 7", "BL § 20, stk. 3"]
    );
    assert_eq!(
        bases(RuleId::ChildConversationBeforeDecision),
        ["SEL § 48", "BL § 5"]
    );
    assert_eq!(
        bases(RuleId::PlanForPlacement),
        ["SEL § 140", "BL § 91, stk. 2"]
    );
    assert_eq!(bases(RuleId::FollowupFirst), ["SEL § 70", "BL § 95"]);
    assert_eq!(bases(RuleId::PlacementVisits), ["BL § 156, stk. 5"]);
    assert_eq!(bases(RuleId::YouthPlan16), ["BL § 108"]);
    assert_eq!(
        bases(RuleId::AftercareDecision),
        ["SEL § 68, stk. 11", "BL § 111"]
    );
    assert_eq!(bases(RuleId::AdultDrugTreatment), ["SEL § 101, stk. 2"]);
    for rule in rules.rules() {
        assert!(!rule.title.is_empty(), "{}", rule.id);
    }
    assert_eq!(rules.rules().len(), RuleId::ALL.len());
    // Gentofte's published deadlines are the default example.
    assert_eq!(
        rules
            .settings
            .adult_deadline("SEL § 108")
            .unwrap()
            .to_string(),
        "90 hverdage"
    );
    assert!(
        rules
            .catalogue
            .is_placement(overblik_domain::codes::MeasureType::PlacementOwnRoom)
    );
    assert_eq!(
        rules
            .catalogue
            .label(overblik_domain::codes::MeasureType::RespiteCare),
        "Aflastning"
    );
}

#[test]
fn an_unknown_field_is_named_with_its_file_and_rule() {
    let text = CHILDREN.replacen("deadline = \"4 months\"", "deadlin = \"4 months\"", 1);
    let message = load_children(&text);
    assert!(
        message.starts_with("regelfilen `children.toml`, `investigation_completion (version 1)`, felt `deadlin`: ukendt felt"),
        "{message}"
    );
}

#[test]
fn a_missing_legal_basis_is_refused() {
    let text = CHILDREN.replacen("  basis = \"BL § 108\"\n", "", 1);
    assert_eq!(
        load_children(&text),
        "regelfilen `children.toml`, `youth_plan_16 (version 1)`, felt `basis`: mangler"
    );
}

#[test]
fn a_negative_duration_is_refused() {
    let text = CHILDREN.replacen("deadline = \"3 months\"", "deadline = \"-3 months\"", 1);
    let message = load_children(&text);
    assert!(
        message.contains("`plan_for_placement (version 2)`, felt `deadline`"),
        "{message}"
    );
    assert!(message.contains("negativ"), "{message}");
}

#[test]
fn overlapping_versions_of_a_rule_are_refused() {
    let text = CHILDREN.replacen(
        "  to = \"2023-12-31\"\n  basis = \"SEL § 50, stk. 7\"",
        "  to = \"2024-01-01\"\n  basis = \"SEL § 50, stk. 7\"",
        1,
    );
    let message = load_children(&text);
    assert!(
        message.starts_with("regelfilen `children.toml`, `investigation_completion`, felt `version`: versionerne overlapper"),
        "{message}"
    );
}

#[test]
fn other_mistakes_in_rule_files_are_refused_with_their_place() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "children.toml",
            "[[rule]]\nid = \"no_such_rule\"\n",
            "felt `id`: ukendt regel `no_such_rule`",
        ),
        ("children.toml", "this is not toml", "ikke gyldig TOML"),
        (
            "adults.toml",
            "[[rule]]\nid = \"adult_drug_treatment\"\ntitle = \"x\"\n",
            "reglen har ingen versioner",
        ),
        (
            "municipality.toml",
            "calendar = \"sometimes\"\n",
            "felt `calendar`: `sometimes` er ukendt",
        ),
        (
            "municipality.toml",
            "disabled_rules = [\"nope\"]\n",
            "felt `disabled_rules`: ukendt regel `nope`",
        ),
        (
            "municipality.toml",
            "[caseload]\ndefault_capacity_points = 0\n",
            "felt `default_capacity_points`: skal være mindst 1",
        ),
        (
            "municipality.toml",
            "[[adult_deadline]]\nparagraph = \"85\"\ndeadline = \"-2 weeks\"\n",
            "`adult_deadline nr. 1`, felt `deadline`",
        ),
        (
            "measures.toml",
            "[[measure]]\ncode = \"respite_care\"\nlabel = \"Aflastning\"\nplacement = true\n",
            "felt `placement`: dataformatet siger",
        ),
        (
            "measures.toml",
            "[[measure]]\ncode = \"respite_care\"\nlabel = \"Aflastning\"\nplacement = false\n",
            "mangler i kataloget",
        ),
        ("local.toml", "", "ukendt regelfil"),
    ];
    for (name, text, expected) in cases {
        let message = RuleSet::load(&[RuleSource { name, text }])
            .unwrap_err()
            .to_string();
        assert!(message.contains(name), "{message}");
        assert!(message.contains(expected), "{name}: {message}");
    }
    // A rule set without one of the engine's rules is refused: switch it off instead.
    let message = RuleSet::load(&[RuleSource {
        name: "adults.toml",
        text: "",
    }])
    .unwrap_err()
    .to_string();
    assert!(
        message.contains("adult_published_deadline") && message.contains("disabled_rules"),
        "{message}"
    );
}

#[test]
fn the_default_capacity_is_a_municipal_setting() {
    use overblik_domain::figures::FigureSettings;
    use rust_decimal::Decimal;
    assert_eq!(
        FigureSettings::of(&RuleSet::embedded()).default_capacity_points,
        Decimal::from(25)
    );
    let own = RuleSet::load(&[RuleSource {
        name: "municipality.toml",
        text: "[caseload]\ndefault_capacity_points = 20\n",
    }])
    .unwrap();
    assert_eq!(
        FigureSettings::of(&own).default_capacity_points,
        Decimal::from(20)
    );
}
