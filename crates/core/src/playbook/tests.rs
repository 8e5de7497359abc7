use std::collections::BTreeMap;

use super::{BuiltinPlaybook, ParamValue, Playbook, PlaybookError, PlaybookSpec, RuleId, RuleSpec};
use crate::Channel;

/// Rules as (id, enabled, params).
type Rows<'a> = &'a [(&'a str, bool, &'a [(&'a str, ParamValue)])];

fn spec(extends: Option<&str>, rules: Rows<'_>) -> PlaybookSpec {
    PlaybookSpec {
        name: "Coach Kim's".to_owned(),
        extends: extends.map(str::to_owned),
        rules: rules
            .iter()
            .map(|(rule, enabled, params)| {
                (
                    (*rule).to_owned(),
                    RuleSpec {
                        enabled: *enabled,
                        params: params
                            .iter()
                            .map(|(n, v)| ((*n).to_owned(), v.clone()))
                            .collect(),
                    },
                )
            })
            .collect(),
    }
}

#[test]
fn builtins_differ_as_their_coaches_advise() {
    let balanced = Playbook::balanced();
    assert_eq!(balanced.enabled_rules().len(), RuleId::ALL.len());
    assert_eq!(balanced.params().max_emails, 1);
    assert_eq!(balanced.params().period_days, 7);
    assert_eq!(balanced.params().follow_up_channel, Channel::Email);

    let email_only = Playbook::builtin(BuiltinPlaybook::EmailOnly);
    assert!(!email_only.params().calls_allowed);
    assert!(!email_only.is_enabled(RuleId::CallNoVoicemail));

    let caller = Playbook::builtin(BuiltinPlaybook::PersistentCaller);
    assert_eq!(caller.params().follow_up_channel, Channel::Phone);
    assert!(caller.params().email_first_industries.is_empty());

    let closer = Playbook::builtin(BuiltinPlaybook::CollaborativeCloser);
    assert_eq!(closer.params().lead_business_days, 3);

    let names: Vec<_> = Playbook::builtins()
        .iter()
        .map(|p| p.name().to_owned())
        .collect();
    assert_eq!(
        names,
        [
            "balanced",
            "email_only",
            "persistent_caller",
            "collaborative_closer"
        ]
    );
}

#[test]
fn custom_playbook_extends_a_builtin() {
    let custom = Playbook::from_spec(&spec(
        Some("balanced"),
        &[
            (
                "email_weekly_cap",
                true,
                &[("max_emails", ParamValue::Integer(2))],
            ),
            ("move_on", false, &[]),
        ],
    ))
    .unwrap();
    assert_eq!(custom.name(), "Coach Kim's");
    assert_eq!(custom.params().max_emails, 2);
    assert!(!custom.is_enabled(RuleId::MoveOn));
    assert!(custom.is_enabled(RuleId::WaitForPromise));
}

#[test]
fn without_a_base_only_listed_rules_apply() {
    let custom = Playbook::from_spec(&spec(
        None,
        &[(
            "channel_preference",
            true,
            &[(
                "email_first_industries",
                ParamValue::List(vec!["  Podcasts ".to_owned()]),
            )],
        )],
    ))
    .unwrap();
    assert_eq!(custom.enabled_rules(), [RuleId::ChannelPreference]);
    assert!(custom.params().is_email_first("podcasts"));
    assert_eq!(custom.params().silence_days, 7);
}

#[test]
fn invalid_playbooks_are_refused_with_the_reason() {
    let err = |rules: Rows<'_>| Playbook::from_spec(&spec(None, rules)).unwrap_err();
    assert_eq!(
        err(&[("nag_daily", true, &[])]),
        PlaybookError::UnknownRule {
            rule: "nag_daily".to_owned()
        }
    );
    let unknown = err(&[(
        "email_weekly_cap",
        true,
        &[("per_day", ParamValue::Integer(1))],
    )]);
    assert_eq!(
        unknown.to_string(),
        "rule `email_weekly_cap` has no parameter `per_day`; expected one of: max_emails, period_days, \
             cap_scope"
    );
    let range = err(&[(
        "email_weekly_cap",
        true,
        &[("max_emails", ParamValue::Integer(0))],
    )]);
    assert_eq!(
        range,
        PlaybookError::OutOfRange {
            rule: RuleId::EmailWeeklyCap,
            parameter: "max_emails",
            value: 0,
            min: 1,
            max: 7
        }
    );
    assert_eq!(
        range.to_string(),
        "`email_weekly_cap.max_emails` must be between 1 and 7, not 0"
    );
    let wrong = err(&[(
        "move_on",
        true,
        &[("stale_days", ParamValue::Text("30".to_owned()))],
    )]);
    assert!(matches!(
        wrong,
        PlaybookError::WrongType {
            expected: "integer",
            ..
        }
    ));
    let channel = err(&[(
        "follow_up_after_silence",
        true,
        &[("channel", ParamValue::Text("fax".to_owned()))],
    )]);
    assert_eq!(
        channel.to_string(),
        "`follow_up_after_silence.channel`: `fax` is not one of: email, phone"
    );
    let none = err(&[(
        "wait_for_promise",
        true,
        &[("x", ParamValue::Boolean(true))],
    )]);
    assert_eq!(
        none.to_string(),
        "rule `wait_for_promise` has no parameter `x`; it takes none"
    );
    let blank = err(&[(
        "channel_preference",
        true,
        &[(
            "email_first_industries",
            ParamValue::List(vec![" ".to_owned()]),
        )],
    )]);
    assert!(matches!(blank, PlaybookError::InvalidValue { .. }));
    let base = Playbook::from_spec(&spec(Some("aggressive"), &[])).unwrap_err();
    assert!(matches!(base, PlaybookError::UnknownBase { .. }));
    let name = Playbook::from_spec(&PlaybookSpec {
        name: "  ".to_owned(),
        extends: None,
        rules: BTreeMap::new(),
    });
    assert_eq!(name, Err(PlaybookError::InvalidName));
}

#[test]
fn playbooks_round_trip_through_json() {
    for playbook in Playbook::builtins() {
        let json = serde_json::to_string(&playbook).unwrap();
        let back: Playbook = serde_json::from_str(&json).unwrap();
        assert_eq!(back, playbook);
    }
    let json = r#"{"name":"mine","extends":"email_only",
                   "rules":{"email_weekly_cap":{"params":{"period_days":14}}}}"#;
    let mine: Playbook = serde_json::from_str(json).unwrap();
    assert_eq!(mine.params().period_days, 14);
    assert!(!mine.params().calls_allowed);
    assert_eq!(
        mine.param(RuleId::EmailWeeklyCap, "period_days"),
        Some(ParamValue::Integer(14))
    );
    let bad = serde_json::from_str::<Playbook>(
        r#"{"name":"x","rules":{"move_on":{"params":{"stale_days":3}}}}"#,
    );
    assert!(bad.unwrap_err().to_string().contains("between 7 and 365"));
}
