//! One group per rule and engine-wide rule, beyond the worked examples.

use chrono_tz::Tz;
use followup_core::{
    ActionKind, BestTime, BuiltinPlaybook, Channel, Constraint, ContactRole, EngineError, Facts,
    InteractionKind, ParamValue, Playbook, PlaybookSpec, ProcessQuestion, RuleId, RuleSpec, Stage,
    next_actions, pipeline_health,
};
use followup_core::{HolidayCalendar, NationalHolidays};

use crate::helpers::{
    actions, agenda, contact, date, facts, interaction, kinds, moved, only, opportunity, promise,
    seeker, utc, warnings_for,
};

/// A final at Acme: manager Ann in New York, last interview Mon 1 Mar 2027
/// with the letter sent, a call promised by Fri 5 Mar; three other open
/// opportunities so no `apply_more`.
fn acme(channel: Channel, industry: &str) -> Facts {
    let mut acme = opportunity("acme", "Acme", Stage::Final);
    acme.industry = Some(industry.to_owned());
    let mut ann = contact(
        "ann",
        "Ann Lee",
        ContactRole::HiringManager,
        Tz::America__New_York,
    );
    ann.preferred_channel = channel;
    acme.contacts = vec![ann];
    acme.interactions = vec![
        interaction(
            "interview",
            InteractionKind::Interview,
            "ann",
            "2027-03-01T15:00:00Z",
        ),
        interaction(
            "letter",
            InteractionKind::InfluenceLetter,
            "ann",
            "2027-03-01T18:00:00Z",
        ),
    ];
    acme.promises = vec![promise(
        "promise",
        "ann",
        date(2027, 3, 5),
        "2027-03-01T15:30:00Z",
    )];
    let mut all = vec![acme];
    all.extend(["x", "y", "z"].map(|id| opportunity(id, id, Stage::Applied)));
    facts(seeker(Tz::America__New_York), all)
}

fn with(facts: &mut Facts, id: &str, kind: InteractionKind, at: &str) {
    facts.opportunities[0]
        .interactions
        .push(interaction(id, kind, "ann", at));
}

// --- channel_preference --------------------------------------------------

#[test]
fn email_only_contacts_never_get_calls() {
    let mut facts = acme(Channel::Email, "logistics");
    // Promise broken: an e-mail, not a call.
    let monday = actions(&facts, "acme", "2027-03-08T12:00:00Z");
    assert_eq!(kinds(&monday), [ActionKind::OfferCollaboration]);
    assert!(monday[0].reason.contains("channel_preference"));

    // A call anyway: a warning, and no retry is scheduled.
    let call = interaction(
        "call",
        InteractionKind::CallNoAnswer,
        "ann",
        "2027-03-08T15:00:00Z",
    );
    facts.opportunities[0].interactions.push(call.clone());
    let warnings = warnings_for(&facts, &Playbook::balanced(), "acme", &call).unwrap();
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0].rule, RuleId::ChannelPreference);
    assert_eq!(
        warnings[0].message,
        "Ann is e-mail only: write rather than call (channel_preference)"
    );
    let later = actions(&facts, "acme", "2027-03-08T16:00:00Z");
    assert!(
        later.iter().all(|a| a.channel != Some(Channel::Phone)),
        "{later:#?}"
    );
}

#[test]
fn email_first_industries_default_contacts_to_email_unless_they_prefer_the_phone() {
    let email_first = actions(
        &acme(Channel::Any, " Digital Media "),
        "acme",
        "2027-03-08T12:00:00Z",
    );
    assert_eq!(
        only(&email_first, ActionKind::OfferCollaboration).channel,
        Some(Channel::Email)
    );
    let phone = actions(
        &acme(Channel::Phone, "online media"),
        "acme",
        "2027-03-08T12:00:00Z",
    );
    assert_eq!(only(&phone, ActionKind::Call).channel, Some(Channel::Phone));
    let other = actions(
        &acme(Channel::Any, "logistics"),
        "acme",
        "2027-03-08T12:00:00Z",
    );
    assert_eq!(
        only(&other, ActionKind::Call).due_at,
        utc("2027-03-08T14:00:00Z")
    );
}

#[test]
fn email_only_playbook_makes_no_calls_at_all() {
    let facts = acme(Channel::Phone, "logistics");
    let playbook = Playbook::builtin(BuiltinPlaybook::EmailOnly);
    let actions = next_actions(&facts, &playbook, "acme", utc("2027-03-08T12:00:00Z")).unwrap();
    assert_eq!(kinds(&actions), [ActionKind::OfferCollaboration]);
}

#[test]
fn persistent_caller_follows_up_silence_by_phone() {
    let mut facts = acme(Channel::Any, "online media");
    facts.opportunities[0].promises.clear();
    let playbook = Playbook::builtin(BuiltinPlaybook::PersistentCaller);
    let actions = next_actions(&facts, &playbook, "acme", utc("2027-03-09T12:00:00Z")).unwrap();
    let call = only(&actions, ActionKind::Call);
    assert_eq!(call.rule, RuleId::FollowUpAfterSilence);
    // A week after the letter (Mon 1 Mar): Mon 8 Mar 09:00 New York.
    assert_eq!(call.due_at, utc("2027-03-08T14:00:00Z"));
}

// --- wait_for_promise, missed_promise_call --------------------------------

#[test]
fn replies_keep_promises_and_restart_the_silence_clock() {
    let mut facts = acme(Channel::Any, "logistics");
    with(
        &mut facts,
        "reply",
        InteractionKind::ReplyReceived,
        "2027-03-05T15:00:00Z",
    );
    let actions = actions(&facts, "acme", "2027-03-08T12:00:00Z");
    assert!(
        !actions.iter().any(|a| a.rule == RuleId::MissedPromiseCall),
        "{actions:#?}"
    );
    let next = only(&actions, ActionKind::OfferCollaboration);
    assert_eq!(next.rule, RuleId::FollowUpAfterSilence);
    // Fri 12 Mar 09:00 New York, a week after the reply.
    assert_eq!(next.due_at, utc("2027-03-12T14:00:00Z"));
}

#[test]
fn an_out_of_office_reply_keeps_no_promise() {
    let mut facts = acme(Channel::Any, "logistics");
    let mut ooo = interaction(
        "ooo",
        InteractionKind::ReplyReceived,
        "ann",
        "2027-03-03T15:00:00Z",
    );
    ooo.out_of_office_until = Some(date(2027, 3, 4));
    facts.opportunities[0].interactions.push(ooo);
    let actions = actions(&facts, "acme", "2027-03-08T12:00:00Z");
    assert_eq!(
        only(&actions, ActionKind::Call).rule,
        RuleId::MissedPromiseCall
    );
}

#[test]
fn a_follow_up_before_the_promised_time_warns() {
    let facts = acme(Channel::Any, "logistics");
    let early = interaction(
        "early",
        InteractionKind::FollowUpEmail,
        "ann",
        "2027-03-03T15:00:00Z",
    );
    let warnings = warnings_for(&facts, &Playbook::balanced(), "acme", &early).unwrap();
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0].rule, RuleId::WaitForPromise);
    assert_eq!(warnings[0].interaction_ids, ["promise"]);
    assert!(
        warnings[0]
            .message
            .starts_with("Ann promised a call by Fri 5 Mar: a status follow-up before then"),
        "{}",
        warnings[0].message
    );
}

#[test]
fn without_wait_for_promise_the_silence_follow_up_goes_ahead() {
    let mut facts = acme(Channel::Email, "logistics");
    facts.opportunities[0].promises[0].due = followup_core::PromiseDue::Date(date(2027, 3, 31));
    let spec = PlaybookSpec {
        name: "impatient".to_owned(),
        extends: Some("balanced".to_owned()),
        rules: [(
            "wait_for_promise".to_owned(),
            RuleSpec {
                enabled: false,
                params: Default::default(),
            },
        )]
        .into(),
    };
    let impatient = Playbook::from_spec(&spec).unwrap();
    let at = utc("2027-03-09T12:00:00Z");
    let balanced = next_actions(&facts, &Playbook::balanced(), "acme", at).unwrap();
    assert_eq!(kinds(&balanced), [ActionKind::Wait]);
    let actions = next_actions(&facts, &impatient, "acme", at).unwrap();
    assert_eq!(kinds(&actions), [ActionKind::OfferCollaboration]);

    // An opportunity's own playbook wins over the seeker's.
    facts.opportunities[0].playbook = Some(impatient);
    let overridden = next_actions(&facts, &Playbook::balanced(), "acme", at).unwrap();
    assert_eq!(kinds(&overridden), [ActionKind::OfferCollaboration]);
}

#[test]
fn a_promise_by_a_weekend_date_is_called_back_at_the_monday_opening() {
    let mut facts = acme(Channel::Any, "logistics");
    facts.opportunities[0].promises[0].due = followup_core::PromiseDue::Date(date(2027, 3, 6));
    let saturday = actions(&facts, "acme", "2027-03-06T15:00:00Z");
    assert_eq!(
        only(&saturday, ActionKind::Wait).due_at,
        utc("2027-03-08T14:00:00Z")
    );
    let monday = actions(&facts, "acme", "2027-03-08T14:30:00Z");
    assert_eq!(
        only(&monday, ActionKind::Call).due_at,
        utc("2027-03-08T14:00:00Z")
    );
}

/// The interview on Mon 22 Nov 2027, a call promised by Wed 24 Nov — the
/// day before Thanksgiving.
fn before_thanksgiving() -> Facts {
    let mut facts = acme(Channel::Any, "logistics");
    let acme = &mut facts.opportunities[0];
    acme.interactions[0].occurred_at = utc("2027-11-22T15:00:00Z");
    acme.interactions[1].occurred_at = utc("2027-11-22T18:00:00Z");
    acme.promises[0].due = followup_core::PromiseDue::Date(date(2027, 11, 24));
    acme.promises[0].made_at = utc("2027-11-22T15:30:00Z");
    facts
}

#[test]
fn a_national_holiday_calendar_moves_the_call_past_thanksgiving() {
    // Wed 24 Nov 2027, 18:30 New York: the promise has lapsed.
    let at = "2027-11-24T23:30:00Z";
    let plain = actions(&before_thanksgiving(), "acme", at);
    assert_eq!(
        only(&plain, ActionKind::Call).due_at,
        utc("2027-11-25T14:00:00Z"),
        "without a holiday calendar: Thanksgiving morning"
    );

    let mut facts = before_thanksgiving();
    facts.seeker.calendar.national = NationalHolidays::new(vec![HolidayCalendar::Us], 2026..=2028);
    let observed = actions(&facts, "acme", at);
    assert_eq!(
        only(&observed, ActionKind::Call).due_at,
        utc("2027-11-26T14:00:00Z"),
        "the Friday after, 09:00 New York"
    );

    // Computed on demand outside the precomputed years: the same answer.
    facts.seeker.calendar.national = NationalHolidays::on_demand(vec![HolidayCalendar::Us]);
    assert_eq!(actions(&facts, "acme", at), observed);
}

// --- call_no_voicemail -----------------------------------------------------

#[test]
fn voicemails_and_messages_with_the_assistant_warn() {
    let facts = acme(Channel::Any, "logistics");
    for (kind, start) in [
        (InteractionKind::VoicemailLeft, "Leave no voicemail"),
        (
            InteractionKind::MessageWithAssistant,
            "Leave no message with the assistant",
        ),
    ] {
        let logged = interaction("vm", kind, "ann", "2027-03-08T15:00:00Z");
        let warnings = warnings_for(&facts, &Playbook::balanced(), "acme", &logged).unwrap();
        assert_eq!(warnings.len(), 1, "{warnings:#?}");
        assert_eq!(warnings[0].rule, RuleId::CallNoVoicemail);
        assert!(warnings[0].message.starts_with(start));
        assert!(warnings[0].message.ends_with("(call_no_voicemail)"));
    }
}

#[test]
fn an_afternoon_miss_is_retried_next_morning_and_a_connected_call_stops_retries() {
    let mut facts = acme(Channel::Phone, "logistics");
    // Mon 8 Mar 15:00 New York.
    with(
        &mut facts,
        "miss",
        InteractionKind::CallNoAnswer,
        "2027-03-08T20:00:00Z",
    );
    let retry = actions(&facts, "acme", "2027-03-08T21:00:00Z");
    let call = only(&retry, ActionKind::Call);
    assert_eq!(call.due_at, utc("2027-03-09T14:00:00Z"));
    assert_eq!(call.window_end, Some(utc("2027-03-09T18:00:00Z")));
    // The promise of Fri 5 Mar is still not kept: a call that reached nobody
    // settles nothing (docs/cadence.md, "Decisive moments"), so the retry is
    // the missed-promise call tried again. It used to be a plain retry
    // (call_no_voicemail) because any touch cancelled the missed-promise call.
    assert_eq!(call.rule, RuleId::MissedPromiseCall);
    assert!(call.reason.contains("call_no_voicemail"), "{}", call.reason);

    with(
        &mut facts,
        "talked",
        InteractionKind::CallConnected,
        "2027-03-09T14:10:00Z",
    );
    let after = actions(&facts, "acme", "2027-03-09T15:00:00Z");
    let next = only(&after, ActionKind::Call);
    assert_eq!(next.rule, RuleId::FollowUpAfterSilence);
    assert_eq!(next.due_at, utc("2027-03-16T13:00:00Z"));
}

// --- ask_assistant_best_time -------------------------------------------------

#[test]
fn no_assistant_ask_for_an_email_only_manager() {
    let mut facts = acme(Channel::Email, "logistics");
    facts.opportunities[0].contacts.push(contact(
        "pat",
        "Pat Reed",
        ContactRole::Assistant,
        Tz::America__New_York,
    ));
    let actions = actions(&facts, "acme", "2027-03-03T15:00:00Z");
    assert!(!kinds(&actions).contains(&ActionKind::AskAssistant));

    let mut facts = acme(Channel::Any, "logistics");
    facts.opportunities[0].contacts.push(contact(
        "pat",
        "Pat Reed",
        ContactRole::Assistant,
        Tz::America__New_York,
    ));
    let ask = only(
        &crate::helpers::actions(&facts, "acme", "2027-03-03T15:00:00Z"),
        ActionKind::AskAssistant,
    );
    assert_eq!(ask.contact_id.as_deref(), Some("pat"));
    facts.opportunities[0].contacts[0].best_time =
        Some(BestTime::parse("Mon 10:00-11:00").unwrap());
    let known = crate::helpers::actions(&facts, "acme", "2027-03-03T15:00:00Z");
    assert!(!kinds(&known).contains(&ActionKind::AskAssistant));
}

// --- ask_process_questions -----------------------------------------------------

#[test]
fn one_question_per_unanswered_process_question_while_interviewing() {
    let mut facts = acme(Channel::Any, "logistics");
    facts.opportunities[0].stage = Stage::Interviewing;
    facts.opportunities[0].profile.answered = vec![ProcessQuestion::WhereInProcess];
    let actions = actions(&facts, "acme", "2027-03-03T15:00:00Z");
    let questions: Vec<_> = actions
        .iter()
        .filter(|a| a.action == ActionKind::AskQuestion)
        .collect();
    assert_eq!(questions.len(), 2);
    assert!(questions.iter().all(|q| q.channel == Some(Channel::Any)));
    assert!(
        questions[0].reason.contains("\"How")
            && questions[0].reason.ends_with("(ask_process_questions)")
    );
    // Not at final.
    let final_ = crate::helpers::actions(
        &acme(Channel::Any, "logistics"),
        "acme",
        "2027-03-03T15:00:00Z",
    );
    assert!(!kinds(&final_).contains(&ActionKind::AskQuestion));
}

// --- email_weekly_cap -----------------------------------------------------------

#[test]
fn a_custom_cap_allows_two_emails_a_week() {
    let mut facts = acme(Channel::Any, "online media");
    facts.opportunities[0].promises.clear();
    with(
        &mut facts,
        "e1",
        InteractionKind::FollowUpEmail,
        "2027-03-08T15:00:00Z",
    );
    let spec = PlaybookSpec {
        name: "twice".to_owned(),
        extends: Some("balanced".to_owned()),
        rules: [(
            "email_weekly_cap".to_owned(),
            RuleSpec {
                enabled: true,
                params: [("max_emails".to_owned(), ParamValue::Integer(2))].into(),
            },
        )]
        .into(),
    };
    let twice = Playbook::from_spec(&spec).unwrap();
    let second = interaction(
        "e2",
        InteractionKind::FollowUpEmail,
        "ann",
        "2027-03-09T15:00:00Z",
    );
    assert!(
        warnings_for(&facts, &twice, "acme", &second)
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        warnings_for(&facts, &Playbook::balanced(), "acme", &second)
            .unwrap()
            .len(),
        1
    );
}

// --- share_competing_offer, offer_collaboration ---------------------------------

#[test]
fn a_competing_offer_turns_the_follow_up_into_share_status_one_per_contact() {
    let mut facts = acme(Channel::Any, "online media");
    facts.opportunities[0].promises.clear();
    let mut offer = opportunity("rival", "Rival", Stage::Offer);
    offer.offer_deadline = Some(date(2027, 3, 19));
    offer.history = vec![moved(
        Some(Stage::Final),
        Stage::Offer,
        "2027-03-09T15:00:00Z",
    )];
    facts.opportunities.push(offer);
    // The silence follow-up (Mon 8 Mar) is overdue: it merges with the share.
    let actions = actions(&facts, "acme", "2027-03-10T15:00:00Z");
    let share = only(&actions, ActionKind::ShareStatus);
    assert_eq!(share.rule, RuleId::ShareCompetingOffer);
    assert_eq!(share.due_at, utc("2027-03-08T14:00:00Z"));
    assert!(
        share
            .reason
            .contains("(share_competing_offer, follow_up_after_silence"),
        "{}",
        share.reason
    );
    assert!(!kinds(&actions).contains(&ActionKind::OfferCollaboration));
}

#[test]
fn a_passed_deadline_is_no_longer_a_competing_offer() {
    let mut facts = acme(Channel::Any, "online media");
    facts.opportunities[0].promises.clear();
    let mut offer = opportunity("rival", "Rival", Stage::Offer);
    offer.offer_deadline = Some(date(2027, 3, 5));
    facts.opportunities.push(offer);
    let actions = actions(&facts, "acme", "2027-03-10T15:00:00Z");
    assert_eq!(kinds(&actions), [ActionKind::OfferCollaboration]);
}

// --- accelerate_search and pipeline health --------------------------------------

#[test]
fn pipeline_health_counts_stages_and_this_weeks_applications() {
    let mut facts = acme(Channel::Any, "logistics");
    facts.opportunities[1].history = vec![moved(None, Stage::Applied, "2027-03-08T15:00:00Z")];
    facts.opportunities[2].history = vec![moved(None, Stage::Applied, "2027-03-05T15:00:00Z")];
    facts.opportunities[3].history = vec![moved(
        Some(Stage::Prospect),
        Stage::Screening,
        "2027-03-09T15:00:00Z",
    )];
    facts
        .opportunities
        .push(opportunity("gone", "Gone", Stage::Rejected));
    let health = pipeline_health(&facts, &Playbook::balanced(), utc("2027-03-10T15:00:00Z"));
    assert!(health.accelerate);
    assert_eq!(health.weekly_applications_target, Some(5));
    assert_eq!(health.applications_this_week, 2);
    assert_eq!(health.open_total, 4);
    assert_eq!(health.near_offer, 1);
    assert_eq!(health.others_open, 3);
    assert!(!health.apply_more);
    assert_eq!(health.week_start, utc("2027-03-08T05:00:00Z"));
    let counts: Vec<_> = health
        .open_by_stage
        .iter()
        .map(|c| (c.stage, c.count))
        .collect();
    assert_eq!(
        counts,
        [
            (Stage::Prospect, 0),
            (Stage::Applied, 3),
            (Stage::Screening, 0),
            (Stage::Interviewing, 0),
            (Stage::Final, 1),
            (Stage::Offer, 0)
        ]
    );
    facts.opportunities.truncate(2);
    let thin = pipeline_health(&facts, &Playbook::balanced(), utc("2027-03-10T15:00:00Z"));
    assert!(thin.apply_more);
    let agenda = agenda(&facts, &Playbook::balanced(), utc("2027-03-10T15:00:00Z"));
    assert_eq!(
        agenda
            .iter()
            .filter(|a| a.action == ActionKind::ApplyMore)
            .count(),
        1
    );
}

#[test]
fn nothing_near_an_offer_means_no_acceleration() {
    let facts = facts(
        seeker(Tz::America__New_York),
        vec![opportunity("a", "A", Stage::Applied)],
    );
    let health = pipeline_health(&facts, &Playbook::balanced(), utc("2027-03-10T15:00:00Z"));
    assert!(!health.accelerate && health.weekly_applications_target.is_none());
}

// --- engine-wide rules --------------------------------------------------------

#[test]
fn facts_after_the_instant_are_ignored_so_any_instant_can_be_replayed() {
    let mut facts = acme(Channel::Any, "logistics");
    with(
        &mut facts,
        "reply",
        InteractionKind::ReplyReceived,
        "2027-03-10T15:00:00Z",
    );
    // Before the reply was logged, the promise was broken.
    let monday = actions(&facts, "acme", "2027-03-08T12:00:00Z");
    assert_eq!(
        only(&monday, ActionKind::Call).rule,
        RuleId::MissedPromiseCall
    );
    let thursday = actions(&facts, "acme", "2027-03-11T12:00:00Z");
    assert!(!thursday.iter().any(|a| a.rule == RuleId::MissedPromiseCall));
}

#[test]
fn ids_are_stable_for_the_same_facts_and_closed_opportunities_are_quiet() {
    let facts = acme(Channel::Any, "logistics");
    let a = actions(&facts, "acme", "2027-03-02T15:00:00Z");
    let b = actions(&facts, "acme", "2027-03-04T15:00:00Z");
    assert_eq!(only(&a, ActionKind::Wait).id, only(&b, ActionKind::Wait).id);
    let mut closed = facts.clone();
    closed.opportunities[0].stage = Stage::Ghosted;
    assert!(actions(&closed, "acme", "2027-03-08T15:00:00Z").is_empty());
    assert_eq!(
        next_actions(
            &facts,
            &Playbook::balanced(),
            "nope",
            utc("2027-03-08T15:00:00Z")
        ),
        Err(EngineError::UnknownOpportunity("nope".to_owned()))
    );
}

#[test]
fn next_actions_serialize_in_snake_case_with_rfc3339_instants() {
    let facts = acme(Channel::Any, "logistics");
    let actions = actions(&facts, "acme", "2027-03-08T12:00:00Z");
    let json = serde_json::to_value(&actions[0]).unwrap();
    assert_eq!(json["action"], "call");
    assert_eq!(json["channel"], "phone");
    assert_eq!(json["rule"], "missed_promise_call");
    assert_eq!(json["priority"], "high");
    assert_eq!(json["due_at"], "2027-03-08T14:00:00Z");
    assert_eq!(
        json["constraints"],
        serde_json::json!(["no_voicemail", "no_message_with_assistant"])
    );
    assert_eq!(json["draft"]["subject"], serde_json::Value::Null);
    assert_eq!(json["opportunity_id"], "acme");
    // Every field is present, `null` when it does not apply, so a client
    // reads the same shape for every action.
    let mut keys: Vec<_> = json.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "action",
            "args",
            "channel",
            "competing_opportunity_id",
            "constraints",
            "contact_id",
            "draft",
            "due_at",
            "id",
            "opportunity_id",
            "priority",
            "reason",
            "reason_code",
            "rule",
            "transition",
            "window_end"
        ]
    );
}

// --- decisive moments: active pipeline, promises hold move_on -----------------

#[test]
fn prospects_do_not_keep_apply_more_quiet() {
    let mut facts = acme(Channel::Any, "logistics");
    let at = utc("2027-03-10T15:00:00Z");
    for other in &mut facts.opportunities[1..] {
        other.stage = Stage::Prospect;
    }
    let health = pipeline_health(&facts, &Playbook::balanced(), at);
    assert_eq!(health.others_open, 0, "prospects are open but not active");
    assert_eq!(health.open_total, 4, "they are still open");
    assert!(health.apply_more);
    let apply = only(
        &agenda(&facts, &Playbook::balanced(), at),
        ActionKind::ApplyMore,
    );
    assert!(
        apply
            .reason
            .contains("only 0 other opportunities are active"),
        "{}",
        apply.reason
    );

    // Each stage from applied through interviewing counts.
    for (other, stage) in facts.opportunities[1..].iter_mut().zip([
        Stage::Applied,
        Stage::Screening,
        Stage::Interviewing,
    ]) {
        other.stage = stage;
    }
    let health = pipeline_health(&facts, &Playbook::balanced(), at);
    assert_eq!(health.others_open, 3);
    assert!(!health.apply_more);
}

/// Acme with four unanswered follow-up e-mails after the letter, the last
/// on Mon 29 Mar 2027, and a decision promised by Fri 16 Apr.
fn four_unanswered_and_a_promise() -> Facts {
    let mut facts = acme(Channel::Any, "logistics");
    for (n, at) in [
        "2027-03-08T15:00:00Z",
        "2027-03-15T15:00:00Z",
        "2027-03-22T15:00:00Z",
        "2027-03-29T15:00:00Z",
    ]
    .iter()
    .enumerate()
    {
        with(
            &mut facts,
            &format!("follow-up-{n}"),
            InteractionKind::FollowUpEmail,
            at,
        );
    }
    facts.opportunities[0].promises = vec![promise(
        "decision",
        "ann",
        date(2027, 4, 16),
        "2027-03-02T15:00:00Z",
    )];
    facts
}

#[test]
fn a_pending_promise_holds_mark_ghosted() {
    let facts = four_unanswered_and_a_promise();
    // Without the promise, 30 days since the interview suggest moving on.
    let mut without = facts.clone();
    without.opportunities[0].promises.clear();
    let ghosted = only(
        &actions(&without, "acme", "2027-04-06T15:00:00Z"),
        ActionKind::MarkGhosted,
    );
    assert_eq!(ghosted.due_at, utc("2027-03-31T15:00:00Z"));

    // While the promise is pending, never.
    for at in ["2027-04-06T15:00:00Z", "2027-04-16T20:00:00Z"] {
        let now = actions(&facts, "acme", at);
        assert!(
            !kinds(&now).contains(&ActionKind::MarkGhosted),
            "{at}: {now:#?}"
        );
    }
}

#[test]
fn a_broken_promise_restarts_the_silence_before_mark_ghosted() {
    let facts = four_unanswered_and_a_promise();
    // Broken at the close of Fri 16 Apr (17:00 New York = 21:00Z): the
    // suggestion waits `silence_days` (7) from then, to Fri 23 Apr's opening.
    let early = actions(&facts, "acme", "2027-04-20T15:00:00Z");
    let ghosted = only(&early, ActionKind::MarkGhosted);
    assert_eq!(ghosted.due_at, utc("2027-04-23T13:00:00Z"));
    assert!(ghosted.due_at > utc("2027-04-20T15:00:00Z"), "not yet due");
}

#[test]
fn one_open_follow_up_per_person_across_channels() {
    // Ann takes calls; an unanswered call on Mon 8 Mar asks for a retry by
    // phone, and an offer elsewhere on Tue 9 Mar asks to share it by e-mail.
    let mut facts = acme(Channel::Any, "logistics");
    facts.opportunities[0].promises.clear();
    with(
        &mut facts,
        "missed-call",
        InteractionKind::CallNoAnswer,
        "2027-03-08T15:00:00Z",
    );
    let mut offer = opportunity("rival", "Rival", Stage::Offer);
    offer.offer_deadline = Some(date(2027, 3, 26));
    offer.history = vec![moved(
        Some(Stage::Final),
        Stage::Offer,
        "2027-03-09T15:00:00Z",
    )];
    facts.opportunities.push(offer);
    let actions = actions(&facts, "acme", "2027-03-10T15:00:00Z");
    let to_ann: Vec<_> = actions
        .iter()
        .filter(|a| a.action.is_follow_up() && a.contact_id.as_deref() == Some("ann"))
        .collect();
    assert_eq!(to_ann.len(), 1, "one open follow-up for Ann: {actions:#?}");
    // The share outranks the retry; the call waits behind it.
    assert_eq!(to_ann[0].action, ActionKind::ShareStatus);
    assert_eq!(to_ann[0].channel, Some(Channel::Email));
}

#[test]
fn only_an_answer_or_the_follow_up_e_mail_settles_a_missed_promise() {
    // The call promised by Fri 5 Mar did not come; the missed-promise call
    // is due Mon 8 Mar at 09:00 New York (14:00Z).
    let at = "2027-03-08T22:00:00Z";
    let base = acme(Channel::Any, "logistics");
    let missed = |facts: &Facts| {
        actions(facts, "acme", at)
            .into_iter()
            .find(|a| a.rule == RuleId::MissedPromiseCall)
    };
    assert!(missed(&base).is_some());
    for (kind, settles) in [
        (InteractionKind::InfluenceLetter, false),
        (InteractionKind::ThankYou, false),
        (InteractionKind::CallNoAnswer, false),
        (InteractionKind::FollowUpEmail, true),
        (InteractionKind::CallConnected, true),
        (InteractionKind::ReplyReceived, true),
    ] {
        let mut facts = base.clone();
        with(&mut facts, "touch", kind, "2027-03-08T16:00:00Z");
        assert_eq!(missed(&facts).is_none(), settles, "{kind}");
    }
}

#[test]
fn an_unanswered_call_does_not_count_as_sharing_a_competing_offer() {
    let mut facts = acme(Channel::Any, "logistics");
    facts.opportunities[0].promises.clear();
    let mut offer = opportunity("rival", "Rival", Stage::Offer);
    offer.offer_deadline = Some(date(2027, 3, 26));
    offer.history = vec![moved(
        Some(Stage::Final),
        Stage::Offer,
        "2027-03-09T15:00:00Z",
    )];
    facts.opportunities.push(offer);
    let at = "2027-03-10T20:00:00Z";
    let shares = |facts: &Facts| {
        actions(facts, "acme", at)
            .iter()
            .filter(|a| a.rule == RuleId::ShareCompetingOffer)
            .count()
    };
    let mut called = facts.clone();
    with(
        &mut called,
        "no-answer",
        InteractionKind::CallNoAnswer,
        "2027-03-10T15:00:00Z",
    );
    assert_eq!(shares(&called), 1, "still to be shared");
    let mut wrote = facts.clone();
    with(
        &mut wrote,
        "shared",
        InteractionKind::FollowUpEmail,
        "2027-03-10T15:00:00Z",
    );
    assert_eq!(shares(&wrote), 0, "shared by e-mail");
    let mut spoke = facts;
    with(
        &mut spoke,
        "spoke",
        InteractionKind::CallConnected,
        "2027-03-10T15:00:00Z",
    );
    assert_eq!(shares(&spoke), 0, "shared on the phone");
}

#[test]
fn coming_back_from_ghosted_restarts_every_clock() {
    // Acme went quiet after a broken promise (due Fri 5 Mar) and was marked
    // ghosted on 1 Apr; on Tue 20 Apr 2027 they call back and it reopens at
    // interviewing.
    let mut facts = acme(Channel::Any, "logistics");
    with(
        &mut facts,
        "unanswered",
        InteractionKind::CallNoAnswer,
        "2027-03-15T15:00:00Z",
    );
    let acme = &mut facts.opportunities[0];
    acme.stage = Stage::Interviewing;
    acme.history = vec![
        moved(None, Stage::Final, "2027-02-22T15:00:00Z"),
        moved(Some(Stage::Final), Stage::Ghosted, "2027-04-01T15:00:00Z"),
        moved(
            Some(Stage::Ghosted),
            Stage::Interviewing,
            "2027-04-20T15:00:00Z",
        ),
    ];
    let now = actions(&facts, "acme", "2027-04-21T15:00:00Z");
    for action in &now {
        assert!(
            action.due_at >= utc("2027-04-20T15:00:00Z"),
            "nothing from before the reopening comes back overdue: {action:#?}"
        );
    }
    let rules: Vec<_> = now.iter().map(|a| a.rule).collect();
    assert!(!rules.contains(&RuleId::MissedPromiseCall), "{now:#?}");
    assert!(!rules.contains(&RuleId::CallNoVoicemail), "{now:#?}");
    assert!(!kinds(&now).contains(&ActionKind::MarkGhosted), "{now:#?}");
    // The silence clock runs from the reopening: a week later, at the
    // opening of Tue 27 Apr in New York.
    let silence = now
        .iter()
        .find(|a| a.rule == RuleId::FollowUpAfterSilence)
        .unwrap_or_else(|| panic!("a silence follow-up: {now:#?}"));
    assert_eq!(silence.due_at, utc("2027-04-27T13:00:00Z"));
}

/// Acme's Ann had a follow-up e-mail on Mon 15 Mar 2027; on Tue 16 Mar an
/// offer elsewhere comes with a deadline of Fri 19 Mar, so the share is
/// useful until the close of Wed 17 Mar, long before the weekly cap allows
/// another e-mail (Mon 22 Mar).
fn offer_inside_the_cap(channel: Channel) -> Facts {
    let mut facts = acme(channel, "logistics");
    facts.opportunities[0].promises.clear();
    with(
        &mut facts,
        "last-email",
        InteractionKind::FollowUpEmail,
        "2027-03-15T14:00:00Z",
    );
    let mut offer = opportunity("rival", "Rival", Stage::Offer);
    offer.offer_deadline = Some(date(2027, 3, 19));
    offer.history = vec![moved(
        Some(Stage::Final),
        Stage::Offer,
        "2027-03-16T15:00:00Z",
    )];
    facts.opportunities.push(offer);
    facts
}

#[test]
fn urgency_beats_the_cap_by_phone_when_the_contact_takes_calls() {
    let facts = offer_inside_the_cap(Channel::Any);
    let now = actions(&facts, "acme", "2027-03-16T16:00:00Z");
    let share = now
        .iter()
        .find(|a| a.rule == RuleId::ShareCompetingOffer)
        .unwrap_or_else(|| panic!("the share is not dropped: {now:#?}"));
    assert_eq!(share.action, ActionKind::Call, "{share:#?}");
    assert!(share.due_at <= utc("2027-03-17T21:00:00Z"), "{share:#?}");
    assert!(share.reason.contains("Fri 19 Mar"), "{}", share.reason);
    assert!(
        share.reason.contains("email_weekly_cap"),
        "{}",
        share.reason
    );
}

#[test]
fn urgency_beats_the_cap_by_e_mail_with_the_cap_overridden_for_an_e_mail_only_contact() {
    let facts = offer_inside_the_cap(Channel::Email);
    let now = actions(&facts, "acme", "2027-03-16T16:00:00Z");
    let share = only(&now, ActionKind::ShareStatus);
    assert_eq!(share.channel, Some(Channel::Email));
    assert!(share.due_at <= utc("2027-03-17T21:00:00Z"), "{share:#?}");
    assert!(
        share.constraints.contains(&Constraint::CapOverridden),
        "{share:#?}"
    );
    assert!(share.reason.contains("Fri 19 Mar"), "{}", share.reason);
}

/// The comparison's standing counts unanswered follow-ups as `move_on` does:
/// one per local day since the employer was last heard from, and nothing
/// from before a move out of `ghosted`.
#[test]
fn the_standing_counts_unanswered_follow_ups_as_move_on_does() {
    use followup_core::Engine;
    use followup_core::compare::Competition;

    let mut acme = opportunity("acme", "Acme", Stage::Final);
    acme.contacts = vec![contact(
        "ann",
        "Ann Lee",
        ContactRole::HiringManager,
        Tz::America__New_York,
    )];
    acme.history = vec![
        moved(None, Stage::Final, "2027-01-04T15:00:00Z"),
        moved(Some(Stage::Final), Stage::Ghosted, "2027-02-01T15:00:00Z"),
        moved(Some(Stage::Ghosted), Stage::Final, "2027-03-01T15:00:00Z"),
    ];
    acme.interactions = vec![
        // Before the reopening: history.
        interaction(
            "f0",
            InteractionKind::FollowUpEmail,
            "ann",
            "2027-01-11T15:00:00Z",
        ),
        interaction(
            "r1",
            InteractionKind::ReplyReceived,
            "ann",
            "2027-03-01T15:00:00Z",
        ),
        // Two on one day count once.
        interaction(
            "f1",
            InteractionKind::FollowUpEmail,
            "ann",
            "2027-03-08T14:00:00Z",
        ),
        interaction(
            "c1",
            InteractionKind::CallNoAnswer,
            "ann",
            "2027-03-08T20:00:00Z",
        ),
        interaction(
            "f2",
            InteractionKind::FollowUpEmail,
            "ann",
            "2027-03-15T14:00:00Z",
        ),
    ];
    let facts = facts(seeker(Tz::America__New_York), vec![acme]);
    let playbook = Playbook::balanced();
    let at = utc("2027-03-18T15:00:00Z");
    let engine = Engine::new(&facts, &playbook, at);
    let standing = engine.standing_input(&facts.opportunities[0], Competition::default(), None);
    assert_eq!(standing.unanswered_follow_ups, 2);
    assert_eq!(standing.days_since_inbound, Some(17));
    assert_eq!(standing.promises_broken, 0);
    assert!(!standing.promise_pending);
    assert_eq!(standing.stage, Stage::Final);
}

// --- prepare_for_interview ---------------------------------------------------

/// Acme's promise broke on Fri 5 Mar (a call on Mon 8 Mar), and a second
/// interview is scheduled for Thu 11 Mar 2027, 10:00 in New York.
fn acme_with_second_interview() -> Facts {
    let mut facts = acme(Channel::Any, "logistics");
    with(
        &mut facts,
        "second",
        InteractionKind::Interview,
        "2027-03-11T15:00:00Z",
    );
    facts
}

#[test]
fn a_scheduled_interview_is_prepared_the_business_day_before_and_holds_the_chasing() {
    let facts = acme_with_second_interview();
    // Without it, Monday's broken promise gets a call.
    let plain = actions(
        &acme(Channel::Any, "logistics"),
        "acme",
        "2027-03-08T12:00:00Z",
    );
    assert_eq!(kinds(&plain), [ActionKind::Call]);

    // With it: no call, no letter for it yet; prepare on Wed 10 Mar at 09:00
    // in New York, until the interview starts.
    let monday = actions(&facts, "acme", "2027-03-08T12:00:00Z");
    assert_eq!(kinds(&monday), [ActionKind::PrepareInterview]);
    let prepare = &monday[0];
    assert_eq!(prepare.due_at, utc("2027-03-10T14:00:00Z"));
    assert_eq!(prepare.window_end, Some(utc("2027-03-11T15:00:00Z")));
    assert_eq!(prepare.contact_id.as_deref(), Some("ann"));
    assert_eq!(prepare.channel, None);
    assert!(
        prepare.reason.contains("Thu 11 Mar 10:00"),
        "{}",
        prepare.reason
    );
    assert!(
        prepare.reason.contains("prepare_for_interview"),
        "{}",
        prepare.reason
    );
    assert!(
        prepare.reason.contains(ProcessQuestion::ALL[0].question()),
        "{}",
        prepare.reason
    );

    // The day before, it is due; the same action (same id) all along.
    let wednesday = actions(&facts, "acme", "2027-03-10T16:00:00Z");
    assert_eq!(kinds(&wednesday), [ActionKind::PrepareInterview]);
    assert_eq!(wednesday[0].id, prepare.id);

    // Once it has taken place it is an ordinary interview: the influence
    // letter for it is due, and nothing is prepared any more.
    let after = actions(&facts, "acme", "2027-03-11T17:00:00Z");
    assert!(
        !kinds(&after).contains(&ActionKind::PrepareInterview),
        "{after:#?}"
    );
    let letter = only(&after, ActionKind::SendInfluenceLetter);
    assert!(
        letter.reason.starts_with("Interviewed Thu 11 Mar"),
        "{}",
        letter.reason
    );
}

#[test]
fn an_interview_booked_at_short_notice_is_prepared_at_once_and_on_business_days() {
    let mut facts = acme(Channel::Any, "logistics");
    // Booked on Monday for Tuesday 9 Mar, 14:00 in New York: due Monday's
    // opening (overdue at once).
    with(
        &mut facts,
        "tomorrow",
        InteractionKind::Interview,
        "2027-03-09T19:00:00Z",
    );
    let monday = actions(&facts, "acme", "2027-03-08T18:00:00Z");
    let prepare = only(&monday, ActionKind::PrepareInterview);
    assert_eq!(prepare.due_at, utc("2027-03-08T14:00:00Z"));
    // An interview on a Monday is prepared on the Friday before.
    let mut facts = acme(Channel::Any, "logistics");
    with(
        &mut facts,
        "monday",
        InteractionKind::Interview,
        "2027-03-15T14:00:00Z",
    );
    let friday = actions(&facts, "acme", "2027-03-10T12:00:00Z");
    assert_eq!(
        only(&friday, ActionKind::PrepareInterview).due_at,
        utc("2027-03-12T14:00:00Z")
    );
}

#[test]
fn without_the_rule_a_scheduled_interview_changes_nothing() {
    let facts = acme_with_second_interview();
    let spec = PlaybookSpec {
        name: "no-prep".to_owned(),
        extends: Some("balanced".to_owned()),
        rules: [(
            "prepare_for_interview".to_owned(),
            RuleSpec {
                enabled: false,
                params: Default::default(),
            },
        )]
        .into(),
    };
    let playbook = Playbook::from_spec(&spec).unwrap();
    let monday = next_actions(&facts, &playbook, "acme", utc("2027-03-08T12:00:00Z")).unwrap();
    assert_eq!(kinds(&monday), [ActionKind::Call]);
}
