//! Plain-value builders for facts.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use followup_core::{
    ActionKind, BusinessCalendar, Channel, Contact, ContactRole, Facts, Interaction,
    InteractionKind, NextAction, Opportunity, Playbook, Profile, Promise, PromiseDue, PromiseWhat,
    Seeker, Stage, StageChange,
};

pub fn utc(rfc3339: &str) -> DateTime<Utc> {
    rfc3339.parse().unwrap()
}

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

pub fn seeker(tz: Tz) -> Seeker {
    Seeker {
        id: "jane".to_owned(),
        name: "Jane Doe".to_owned(),
        calendar: BusinessCalendar::new(tz),
        // A seeker who reads German: drafts keep their templates, and every
        // test checks that they render (see `translatable`).
        locale: followup_core::l10n::Locale::parse("de").unwrap(),
    }
}

pub fn facts(seeker: Seeker, opportunities: Vec<Opportunity>) -> Facts {
    Facts {
        seeker,
        opportunities,
    }
}

pub fn opportunity(id: &str, company: &str, stage: Stage) -> Opportunity {
    Opportunity {
        id: id.to_owned(),
        company: company.to_owned(),
        employer: None,
        title: "Managing Editor".to_owned(),
        industry: None,
        stage,
        offer_deadline: None,
        offer_terms: Default::default(),
        holiday_calendar: None,
        playbook: None,
        history: Vec::new(),
        contacts: Vec::new(),
        interactions: Vec::new(),
        promises: Vec::new(),
        profile: Profile::default(),
    }
}

pub fn contact(id: &str, name: &str, role: ContactRole, tz: Tz) -> Contact {
    Contact {
        id: id.to_owned(),
        name: name.to_owned(),
        role,
        email: Some(format!("{id}@employer.example")),
        phone: Some("+1 555 0100".to_owned()),
        time_zone: Some(tz),
        preferred_channel: Channel::Any,
        best_time: None,
        holiday_calendar: None,
    }
}

pub fn interaction(id: &str, kind: InteractionKind, contact: &str, at: &str) -> Interaction {
    Interaction {
        id: id.into(),
        kind,
        contact_id: Some(contact.into()),
        occurred_at: utc(at),
        out_of_office_until: None,
        rejection_reason: None,
    }
}

pub fn promise(id: &str, contact: &str, due: NaiveDate, made_at: &str) -> Promise {
    Promise {
        id: id.to_owned(),
        contact_id: Some(contact.to_owned()),
        what: PromiseWhat::Call,
        due: PromiseDue::Date(due),
        made_at: utc(made_at),
        cancelled: false,
        kept_at: None,
    }
}

pub fn moved(from: Option<Stage>, to: Stage, at: &str) -> StageChange {
    StageChange {
        from,
        to,
        at: utc(at),
    }
}

/// Next actions of one opportunity under `balanced`.
pub fn actions(facts: &Facts, opportunity: &str, at: &str) -> Vec<NextAction> {
    let actions =
        followup_core::next_actions(facts, &Playbook::balanced(), opportunity, utc(at)).unwrap();
    translatable(&actions);
    actions
}

/// Every reason and draft renders in every language from its code and
/// args, and the English translation says what the engine wrote.
pub fn translatable(actions: &[NextAction]) {
    use followup_core::l10n::{self, Locale};
    for action in actions {
        let id = format!("reason-{}", action.reason_code.as_str());
        for locale in Locale::all() {
            let text = l10n::render(locale, &id, &action.args)
                .unwrap_or_else(|e| panic!("{locale}: {e:?} in {action:#?}"));
            if locale.is_english() {
                assert_eq!(text, action.reason, "{:#?}", action.args);
            }
            let Some(draft) = &action.draft else { continue };
            let Some(template) = &draft.template else {
                panic!("a draft without its template: {action:#?}")
            };
            let body = l10n::render(
                locale,
                &format!("draft-{}-body", template.name),
                &template.args,
            )
            .unwrap_or_else(|e| panic!("{locale}: {e:?} in {action:#?}"));
            if locale.is_english() {
                assert_eq!(body, draft.body);
            }
            if let Some(subject) = &draft.subject {
                let translated = l10n::render(
                    locale,
                    &format!("draft-{}-subject", template.name),
                    &template.args,
                )
                .unwrap_or_else(|e| panic!("{locale}: {e:?} in {action:#?}"));
                if locale.is_english() {
                    assert_eq!(&translated, subject);
                }
            }
        }
    }
}

/// The agenda, checked like [`actions`].
pub fn agenda(facts: &Facts, playbook: &Playbook, at: DateTime<Utc>) -> Vec<NextAction> {
    let agenda = followup_core::agenda(facts, playbook, at);
    translatable(&agenda);
    agenda
}

/// The warnings for `new`, each checked like [`translatable`].
pub fn warnings_for(
    facts: &Facts,
    playbook: &Playbook,
    opportunity: &str,
    new: &Interaction,
) -> Result<Vec<followup_core::Warning>, followup_core::EngineError> {
    use followup_core::l10n::{self, Locale};
    let warnings = followup_core::warnings_for(facts, playbook, opportunity, new)?;
    for w in &warnings {
        let id = format!("reason-{}", w.reason_code.as_str());
        for locale in Locale::all() {
            let text = l10n::render(locale, &id, &w.args)
                .unwrap_or_else(|e| panic!("{locale}: {e:?} in {w:#?}"));
            if locale.is_english() {
                assert_eq!(text, w.message);
            }
        }
    }
    Ok(warnings)
}

/// The only action of this kind.
pub fn only(actions: &[NextAction], kind: ActionKind) -> NextAction {
    let found: Vec<_> = actions.iter().filter(|a| a.action == kind).collect();
    assert_eq!(found.len(), 1, "one {kind} expected in {actions:#?}");
    found[0].clone()
}

pub fn kinds(actions: &[NextAction]) -> Vec<ActionKind> {
    actions.iter().map(|a| a.action).collect()
}
