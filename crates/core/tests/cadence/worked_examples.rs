//! The worked examples of docs/cadence.md under `balanced`, one test each.

use chrono_tz::Tz;
use followup_core::{
    ActionKind, BestTime, Channel, Constraint, ContactRole, Facts, InteractionKind, Playbook,
    Priority, ReasonCode, RuleId, Stage,
};

use crate::helpers::{
    actions, agenda, contact, date, facts, interaction, kinds, moved, only, opportunity, promise,
    seeker, utc, warnings_for,
};

/// Jane: final with an online-media start-up, influence letter sent the
/// evening of the last meeting (Thu 17 Dec 2009), a call promised "after New
/// Year's" entered as Fri 8 Jan 2010; nothing else open.
fn jane() -> Facts {
    let mut newsite = opportunity("newsite", "Newsite", Stage::Final);
    newsite.industry = Some("Online Media".to_owned());
    newsite.history = vec![
        moved(None, Stage::Interviewing, "2009-11-20T15:00:00Z"),
        moved(
            Some(Stage::Interviewing),
            Stage::Final,
            "2009-12-17T21:00:00Z",
        ),
    ];
    newsite.contacts = vec![contact(
        "sam",
        "Sam Boss",
        ContactRole::HiringManager,
        Tz::America__New_York,
    )];
    newsite.interactions = vec![
        // Last meeting, 15:00 New York.
        interaction(
            "meeting",
            InteractionKind::Interview,
            "sam",
            "2009-12-17T20:00:00Z",
        ),
        // The influence letter that evening, 20:00 New York.
        interaction(
            "letter",
            InteractionKind::InfluenceLetter,
            "sam",
            "2009-12-18T01:00:00Z",
        ),
    ];
    newsite.promises = vec![promise(
        "after-new-year",
        "sam",
        date(2010, 1, 8),
        "2009-12-17T20:30:00Z",
    )];
    facts(seeker(Tz::America__New_York), vec![newsite])
}

#[test]
fn jane_4_january_waits_for_the_promise_and_applies_elsewhere() {
    let facts = jane();
    // Mon 4 Jan, noon New York.
    let agenda = agenda(&facts, &Playbook::balanced(), utc("2010-01-04T17:00:00Z"));
    assert_eq!(kinds(&agenda), [ActionKind::ApplyMore, ActionKind::Wait]);

    let apply = &agenda[0];
    assert_eq!(apply.priority, Priority::High);
    assert_eq!(apply.rule, RuleId::AccelerateSearch);
    // Due today, from the day's opening (09:00 New York): it stays put all day.
    assert_eq!(apply.due_at, utc("2010-01-04T14:00:00Z"));
    assert_eq!(apply.opportunity_id, None);
    // Friday's close, New York.
    assert_eq!(apply.window_end, Some(utc("2010-01-08T22:00:00Z")));
    assert!(
        apply.reason.ends_with("(accelerate_search)"),
        "{}",
        apply.reason
    );

    let wait = &agenda[1];
    assert_eq!(wait.rule, RuleId::WaitForPromise);
    // Fri 8 Jan 17:00 New York.
    assert_eq!(wait.due_at, utc("2010-01-08T22:00:00Z"));
    assert_eq!(wait.contact_id.as_deref(), Some("sam"));
    assert_eq!(wait.channel, None);
    assert_eq!(
        wait.reason,
        "Sam promised a call by Fri 8 Jan: wait until Fri 8 Jan 17:00 New York time before any \
         status follow-up (wait_for_promise)"
    );
}

#[test]
fn jane_8_january_noon_still_waits() {
    let facts = jane();
    let actions = actions(&facts, "newsite", "2010-01-08T17:00:00Z");
    assert_eq!(kinds(&actions), [ActionKind::ApplyMore, ActionKind::Wait]);
    assert_eq!(
        only(&actions, ActionKind::Wait).due_at,
        utc("2010-01-08T22:00:00Z")
    );
}

#[test]
fn jane_11_january_the_broken_promise_gets_a_collaborative_email_at_nine() {
    let facts = jane();
    // Mon 11 Jan 08:00 New York.
    let actions = actions(&facts, "newsite", "2010-01-11T13:00:00Z");
    // Both due at 09:00; nothing else.
    let mut found = kinds(&actions);
    found.sort_by_key(|k| k.as_str());
    assert_eq!(
        found,
        [ActionKind::ApplyMore, ActionKind::OfferCollaboration]
    );
    let follow_up = only(&actions, ActionKind::OfferCollaboration);
    assert_eq!(follow_up.due_at, utc("2010-01-11T14:00:00Z"));
    assert_eq!(follow_up.channel, Some(Channel::Email));
    assert_eq!(follow_up.rule, RuleId::MissedPromiseCall);
    assert_eq!(follow_up.priority, Priority::High);
    assert_eq!(follow_up.contact_id.as_deref(), Some("sam"));
    assert_eq!(
        follow_up.reason,
        "Sam promised a call by Fri 8 Jan; nothing came — e-mail Sam first thing Mon 11 Jan \
         to offer to help move it forward, not a call (e-mail only) \
         (missed_promise_call, channel_preference, offer_collaboration)"
    );
    let draft = follow_up.draft.unwrap();
    assert!(draft.body.contains(
        "I was so excited by our conversations about the Managing Editor role, I just wanted \
         to get a sense of where things stand. If it's helpful, I could strategize"
    ));
    assert!(
        draft
            .link()
            .unwrap()
            .starts_with("mailto:sam@employer.example?subject=")
    );
    assert!(follow_up.constraints.is_empty());
}

#[test]
fn jane_15_january_no_second_email_before_monday_and_apply_more_on_top() {
    let mut facts = jane();
    // She sent the e-mail Mon 11 Jan at 10:00.
    facts.opportunities[0].interactions.push(interaction(
        "monday-email",
        InteractionKind::FollowUpEmail,
        "sam",
        "2010-01-11T15:00:00Z",
    ));
    // Fri 15 Jan, lunch.
    let agenda = agenda(&facts, &Playbook::balanced(), utc("2010-01-15T17:00:00Z"));
    assert_eq!(
        kinds(&agenda),
        [ActionKind::ApplyMore, ActionKind::OfferCollaboration]
    );
    let next = &agenda[1];
    // Mon 18 Jan 10:00 New York, a week after the last one.
    assert_eq!(next.due_at, utc("2010-01-18T15:00:00Z"));
    assert_eq!(next.rule, RuleId::FollowUpAfterSilence);
    assert!(
        next.reason
            .contains("(follow_up_after_silence, email_weekly_cap"),
        "{}",
        next.reason
    );
    assert!(
        next.reason
            .starts_with("No word since Mon 11 Jan: e-mail Sam on Mon 18 Jan 10:00")
    );

    // Should she send another e-mail on Friday? The engine says no.
    let friday = interaction(
        "friday-email",
        InteractionKind::FollowUpEmail,
        "sam",
        "2010-01-15T17:00:00Z",
    );
    let warnings = warnings_for(&facts, &Playbook::balanced(), "newsite", &friday).unwrap();
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0].rule, RuleId::EmailWeeklyCap);
    assert_eq!(warnings[0].interaction_ids, ["monday-email"]);
}

#[test]
fn influence_letter_is_due_two_hours_after_the_interview_within_a_day() {
    let mut acme = opportunity("acme", "Acme", Stage::Interviewing);
    acme.contacts = vec![contact(
        "ann",
        "Ann Lee",
        ContactRole::HiringManager,
        Tz::America__New_York,
    )];
    // Tue 9 Feb 2027 10:00 New York.
    acme.interactions = vec![interaction(
        "interview",
        InteractionKind::Interview,
        "ann",
        "2027-02-09T15:00:00Z",
    )];
    acme.profile.strengths = vec!["audience growth".to_owned()];
    let mut facts = facts(seeker(Tz::America__New_York), vec![acme]);

    let before = actions(&facts, "acme", "2027-02-09T16:00:00Z");
    let letter = only(&before, ActionKind::SendInfluenceLetter);
    assert_eq!(letter.due_at, utc("2027-02-09T17:00:00Z"));
    assert_eq!(letter.window_end, Some(utc("2027-02-10T15:00:00Z")));
    assert_eq!(letter.rule, RuleId::InfluenceLetterAfterInterview);
    assert_eq!(letter.channel, Some(Channel::Email));
    let draft = letter.draft.unwrap();
    assert!(
        draft
            .body
            .contains("our conversation on Tue 9 Feb about the Managing Editor role at Acme")
    );
    assert!(draft.body.contains("audience growth"));

    // A thank-you note, or the employer's reply, does not stand in for it.
    for (id, kind, at) in [
        ("thanks", InteractionKind::ThankYou, "2027-02-09T16:30:00Z"),
        (
            "reply",
            InteractionKind::ReplyReceived,
            "2027-02-09T17:30:00Z",
        ),
    ] {
        facts.opportunities[0]
            .interactions
            .push(interaction(id, kind, "ann", at));
    }
    let still = actions(&facts, "acme", "2027-02-09T18:00:00Z");
    assert_eq!(
        only(&still, ActionKind::SendInfluenceLetter).due_at,
        utc("2027-02-09T17:00:00Z")
    );

    facts.opportunities[0].interactions.push(interaction(
        "letter",
        InteractionKind::InfluenceLetter,
        "ann",
        "2027-02-09T19:00:00Z",
    ));
    let after = actions(&facts, "acme", "2027-02-09T20:00:00Z");
    assert!(!kinds(&after).contains(&ActionKind::SendInfluenceLetter));
}

/// A call promised by Fri 12 Mar 2027 by a contact in Denver; the seeker is
/// in New York.
fn denver() -> Facts {
    let mut rockies = opportunity("rockies", "Rockies Freight", Stage::Final);
    rockies.industry = Some("logistics".to_owned());
    rockies.contacts = vec![contact(
        "dan",
        "Dan Ortiz",
        ContactRole::HiringManager,
        Tz::America__Denver,
    )];
    rockies.interactions = vec![
        interaction(
            "final-round",
            InteractionKind::Interview,
            "dan",
            "2027-03-05T17:00:00Z",
        ),
        interaction(
            "letter",
            InteractionKind::InfluenceLetter,
            "dan",
            "2027-03-05T22:00:00Z",
        ),
    ];
    rockies.promises = vec![promise(
        "friday",
        "dan",
        date(2027, 3, 12),
        "2027-03-05T18:00:00Z",
    )];
    // Three other open opportunities, so no apply_more.
    let others = ["a", "b", "c"].map(|id| opportunity(id, id, Stage::Applied));
    let mut all = vec![rockies];
    all.extend(others);
    facts(seeker(Tz::America__New_York), all)
}

#[test]
fn promised_friday_call_that_never_came_is_a_call_at_nine_monday_denver_across_dst() {
    let facts = denver();
    // Wed 10 Mar: wait.
    let wednesday = actions(&facts, "rockies", "2027-03-10T18:00:00Z");
    assert_eq!(kinds(&wednesday), [ActionKind::Wait]);
    // Fri 12 Mar 17:00 Denver (MST) = Sat 00:00Z.
    assert_eq!(wednesday[0].due_at, utc("2027-03-13T00:00:00Z"));

    // Sat 13 Mar: a call Mon 15 Mar 09:00 Denver (MDT since Sunday) = 15:00Z,
    // not 09:00 New York and not the 16:00Z a week earlier.
    let saturday = actions(&facts, "rockies", "2027-03-13T18:00:00Z");
    let call = only(&saturday, ActionKind::Call);
    assert_eq!(call.due_at, utc("2027-03-15T15:00:00Z"));
    assert_eq!(call.channel, Some(Channel::Phone));
    assert_eq!(call.rule, RuleId::MissedPromiseCall);
    assert_eq!(
        call.constraints,
        [Constraint::NoVoicemail, Constraint::NoMessageWithAssistant]
    );
    assert_eq!(
        call.reason,
        "Dan promised a call by Fri 12 Mar; nothing came — call Dan first thing Mon 15 Mar to \
         offer to help move it forward, leaving no voicemail \
         (missed_promise_call, call_no_voicemail, offer_collaboration)"
    );
    let script = call.draft.unwrap();
    assert_eq!(script.mailto, None);
    assert!(
        script
            .body
            .contains("I'm going to be in and out, so I'll just keep trying.")
    );
    // Business hours close 17:00 Denver.
    assert_eq!(call.window_end, Some(utc("2027-03-15T23:00:00Z")));
}

#[test]
fn second_email_in_a_week_warns_and_nothing_is_due_before_a_week_after_it() {
    let mut bolt = opportunity("bolt", "Bolt", Stage::Final);
    bolt.contacts = vec![contact(
        "bo",
        "Bo Chan",
        ContactRole::HiringManager,
        Tz::America__New_York,
    )];
    bolt.interactions = vec![
        interaction(
            "interview",
            InteractionKind::Interview,
            "bo",
            "2027-03-29T15:00:00Z",
        ),
        interaction(
            "monday",
            InteractionKind::FollowUpEmail,
            "bo",
            "2027-04-05T14:00:00Z",
        ),
    ];
    let mut facts = facts(seeker(Tz::America__New_York), vec![bolt]);
    let thursday = interaction(
        "thursday",
        InteractionKind::FollowUpEmail,
        "bo",
        "2027-04-08T14:00:00Z",
    );
    facts.opportunities[0].interactions.push(thursday.clone());

    let warnings = warnings_for(&facts, &Playbook::balanced(), "bolt", &thursday).unwrap();
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0].rule, RuleId::EmailWeeklyCap);
    assert_eq!(warnings[0].interaction_ids, ["monday"]);
    assert_eq!(warnings[0].contact_id.as_deref(), Some("bo"));
    assert_eq!(
        warnings[0].message,
        "2 follow-up e-mails to Bo within 7 days: more than 1 gets pesky; send the next one no \
         earlier than Thu 15 Apr 10:00 New York time (email_weekly_cap)"
    );

    let actions = actions(&facts, "bolt", "2027-04-08T15:00:00Z");
    let emails: Vec<_> = actions
        .iter()
        .filter(|a| a.channel == Some(Channel::Email))
        .collect();
    assert_eq!(emails.len(), 1, "{actions:#?}");
    assert!(
        emails
            .iter()
            .all(|a| a.due_at >= utc("2027-04-15T14:00:00Z"))
    );
    assert_eq!(emails[0].due_at, utc("2027-04-15T14:00:00Z"));
}

#[test]
fn unanswered_morning_call_in_berlin_is_retried_next_afternoon() {
    let mut spree = opportunity("spree", "Spree GmbH", Stage::Final);
    let mut klaus = contact(
        "klaus",
        "Klaus Weber",
        ContactRole::HiringManager,
        Tz::Europe__Berlin,
    );
    klaus.preferred_channel = Channel::Phone;
    spree.contacts = vec![klaus];
    spree.interactions = vec![
        interaction(
            "interview",
            InteractionKind::Interview,
            "klaus",
            "2027-04-06T08:00:00Z",
        ),
        // Tue 13 Apr 2027 09:30 Berlin.
        interaction(
            "call",
            InteractionKind::CallNoAnswer,
            "klaus",
            "2027-04-13T07:30:00Z",
        ),
    ];
    let facts = facts(seeker(Tz::America__New_York), vec![spree]);
    let actions = actions(&facts, "spree", "2027-04-13T12:00:00Z");
    let call = only(&actions, ActionKind::Call);
    // Wed 14 Apr 13:00–17:00 Berlin (CEST).
    assert_eq!(call.due_at, utc("2027-04-14T11:00:00Z"));
    assert_eq!(call.window_end, Some(utc("2027-04-14T15:00:00Z")));
    assert_eq!(call.rule, RuleId::CallNoVoicemail);
    // The seeker's call in the seeker's zone; the next one in Klaus's day.
    assert!(
        call.reason.starts_with(
            "Klaus did not pick up on Tue 13 Apr 03:30 New York time: call Klaus on Wed 14 Apr \
             13:00 Berlin time"
        ),
        "{}",
        call.reason
    );
    assert_eq!(call.reason_code, ReasonCode::CallUnanswered);
    let args = serde_json::to_value(&call.args).unwrap();
    assert_eq!(args["contact_name"], "Klaus");
    assert_eq!(
        args["called_at"],
        "2027-04-13T03:30:00-04:00[America/New_York]"
    );
    assert_eq!(args["due_at"], "2027-04-14T13:00:00+02:00[Europe/Berlin]");
    assert_eq!(args["channel"], "phone");
    assert_eq!(args["no_voicemail"], true);
    assert_eq!(
        args["rules"],
        serde_json::json!(["call_no_voicemail", "offer_collaboration"])
    );
}

/// A final with a hiring manager and an assistant, in New York.
fn with_assistant(best_time: Option<&str>) -> Facts {
    let mut tower = opportunity("tower", "Tower Inc", Stage::Final);
    let mut manager = contact(
        "mia",
        "Mia Stone",
        ContactRole::HiringManager,
        Tz::America__New_York,
    );
    manager.best_time = best_time.map(|b| BestTime::parse(b).unwrap());
    tower.contacts = vec![
        manager,
        contact(
            "pat",
            "Pat Reed",
            ContactRole::Assistant,
            Tz::America__New_York,
        ),
    ];
    tower.interactions = vec![
        interaction(
            "interview",
            InteractionKind::Interview,
            "mia",
            "2027-03-30T14:00:00Z",
        ),
        // Mon 12 Apr 2027 10:00 New York: nobody picked up.
        interaction(
            "call",
            InteractionKind::CallNoAnswer,
            "mia",
            "2027-04-12T14:00:00Z",
        ),
    ];
    facts(seeker(Tz::America__New_York), vec![tower])
}

#[test]
fn assistant_is_asked_for_the_best_time_when_none_is_known() {
    let facts = with_assistant(None);
    let actions = actions(&facts, "tower", "2027-04-12T15:00:00Z");
    let ask = only(&actions, ActionKind::AskAssistant);
    assert_eq!(ask.contact_id.as_deref(), Some("pat"));
    assert_eq!(ask.channel, Some(Channel::Phone));
    assert_eq!(ask.rule, RuleId::AskAssistantBestTime);
    // Due today, from the day's opening (09:00 New York).
    assert_eq!(ask.due_at, utc("2027-04-12T13:00:00Z"));
    assert!(
        ask.draft
            .unwrap()
            .body
            .contains("When would be a good time to reach Mia?")
    );
    // Meanwhile the retry goes in the other half of the next day.
    let call = only(&actions, ActionKind::Call);
    assert_eq!(call.due_at, utc("2027-04-13T17:00:00Z"));
}

#[test]
fn with_a_best_time_calls_go_there_and_nowhere_else() {
    let facts = with_assistant(Some("Tue, Thu 14:00–15:00"));
    let actions = actions(&facts, "tower", "2027-04-12T15:00:00Z");
    assert!(!kinds(&actions).contains(&ActionKind::AskAssistant));
    let call = only(&actions, ActionKind::Call);
    // Tue 13 Apr 14:00–15:00 New York.
    assert_eq!(call.due_at, utc("2027-04-13T18:00:00Z"));
    assert_eq!(call.window_end, Some(utc("2027-04-13T19:00:00Z")));
    assert!(call.constraints.contains(&Constraint::BestTimeOnly));
    assert!(
        call.reason.contains("ask_assistant_best_time"),
        "{}",
        call.reason
    );

    // Evaluated later, an unmade Tuesday call stays overdue, it does not move.
    let wednesday = crate::helpers::actions(&facts, "tower", "2027-04-14T15:00:00Z");
    assert_eq!(
        only(&wednesday, ActionKind::Call).due_at,
        utc("2027-04-13T18:00:00Z")
    );

    // Logged Tuesday 14:30 without answer: next is Thursday's window.
    let mut facts = facts;
    facts.opportunities[0]
        .interactions
        .push(crate::helpers::interaction(
            "tuesday",
            InteractionKind::CallNoAnswer,
            "mia",
            "2027-04-13T18:30:00Z",
        ));
    let next = crate::helpers::actions(&facts, "tower", "2027-04-13T19:00:00Z");
    let call = only(&next, ActionKind::Call);
    assert_eq!(call.due_at, utc("2027-04-15T18:00:00Z"));
}

/// An offer at Acme with its deadline; Bolt interviewing (contact in New
/// York), Core final (contact in Los Angeles), Dash only applied.
fn competing_offer(deadline: chrono::NaiveDate) -> Facts {
    let mut acme = opportunity("acme", "Acme", Stage::Offer);
    acme.offer_deadline = Some(deadline);
    acme.history = vec![moved(
        Some(Stage::Final),
        Stage::Offer,
        "2027-05-17T14:00:00Z",
    )];
    let mut bolt = opportunity("bolt", "Bolt", Stage::Interviewing);
    bolt.contacts = vec![contact(
        "bo",
        "Bo Chan",
        ContactRole::HiringManager,
        Tz::America__New_York,
    )];
    bolt.profile.answered = followup_core::ProcessQuestion::ALL.to_vec();
    let mut core = opportunity("core", "Core", Stage::Final);
    core.contacts = vec![contact(
        "cy",
        "Cy Park",
        ContactRole::Recruiter,
        Tz::America__Los_Angeles,
    )];
    let dash = opportunity("dash", "Dash", Stage::Applied);
    facts(seeker(Tz::America__New_York), vec![acme, bolt, core, dash])
}

#[test]
fn offer_elsewhere_is_shared_now_before_the_deadline_minus_two_business_days() {
    let facts = competing_offer(date(2027, 5, 21));
    // Mon 17 May 11:00 New York.
    let at = utc("2027-05-17T15:00:00Z");
    let agenda = agenda(&facts, &Playbook::balanced(), at);
    let shares: Vec<_> = agenda
        .iter()
        .filter(|a| a.action == ActionKind::ShareStatus)
        .collect();
    assert_eq!(shares.len(), 2, "{agenda:#?}");

    let bolt = shares
        .iter()
        .find(|a| a.opportunity_id.as_deref() == Some("bolt"))
        .unwrap();
    // Due since the offer came (10:00 New York), so it stays put while it waits.
    assert_eq!(bolt.due_at, utc("2027-05-17T14:00:00Z"));
    let later = followup_core::agenda(&facts, &Playbook::balanced(), utc("2027-05-18T19:00:00Z"));
    let shared_later: Vec<_> = later
        .iter()
        .filter(|a| a.action == ActionKind::ShareStatus)
        .collect();
    assert_eq!(
        shared_later, shares,
        "a day later, nothing done: the same shares"
    );
    // Wed 19 May 17:00 New York.
    assert_eq!(bolt.window_end, Some(utc("2027-05-19T21:00:00Z")));
    assert_eq!(bolt.rule, RuleId::ShareCompetingOffer);
    // Normal, not high: competing offers are shared with finals first
    // (docs/cadence.md, "Decisive moments"), and Bolt is interviewing.
    assert_eq!(bolt.priority, Priority::Normal);
    let draft = bolt.draft.as_ref().unwrap();
    assert!(
        draft
            .body
            .contains("I want to let you know where things stand for me.")
    );
    assert!(draft.body.contains("decide by Fri 21 May"));

    let core = shares
        .iter()
        .find(|a| a.opportunity_id.as_deref() == Some("core"))
        .unwrap();
    // 08:00 in Los Angeles: due at its 09:00 opening; window Wed 17:00 LA.
    assert_eq!(core.due_at, utc("2027-05-17T16:00:00Z"));
    assert_eq!(core.window_end, Some(utc("2027-05-20T00:00:00Z")));
    assert_eq!(core.priority, Priority::High);
    assert_eq!(core.competing_opportunity_id.as_deref(), Some("acme"));

    assert!(agenda.iter().all(
        |a| a.opportunity_id.as_deref() != Some("dash") || a.action != ActionKind::ShareStatus
    ));

    // Once shared (an e-mail after the offer came), the share is done.
    let mut facts = facts;
    facts.opportunities[1].interactions.push(interaction(
        "told",
        InteractionKind::FollowUpEmail,
        "bo",
        "2027-05-17T16:00:00Z",
    ));
    let later = crate::helpers::actions(&facts, "bolt", "2027-05-17T17:00:00Z");
    assert!(
        !later.iter().any(|a| a.rule == RuleId::ShareCompetingOffer),
        "{later:#?}"
    );
    // The next follow-up, a week on, is a plain status check: it falls
    // after the offer's deadline (Fri 21 May), and no share is ever due
    // after it (docs/cadence.md, "Decisive moments"). It used to repeat
    // the share.
    let next = only(&later, ActionKind::SendFollowUpEmail);
    assert_eq!(next.rule, RuleId::FollowUpAfterSilence);
    assert_eq!(next.due_at, utc("2027-05-24T16:00:00Z"));
    assert!(next.competing_opportunity_id.is_none());
}

#[test]
fn thursday_deadline_means_sharing_by_tuesday() {
    let facts = competing_offer(date(2027, 5, 20));
    let actions = actions(&facts, "bolt", "2027-05-17T15:00:00Z");
    let share = only(&actions, ActionKind::ShareStatus);
    // Tue 18 May 17:00 New York.
    assert_eq!(share.window_end, Some(utc("2027-05-18T21:00:00Z")));
}

#[test]
fn out_of_office_holds_everything_until_the_return_morning() {
    let mut gale = opportunity("gale", "Gale", Stage::Final);
    gale.contacts = vec![contact(
        "gil",
        "Gil Moss",
        ContactRole::HiringManager,
        Tz::America__Chicago,
    )];
    let mut ooo = interaction(
        "ooo",
        InteractionKind::ReplyReceived,
        "gil",
        "2027-07-08T14:05:00Z",
    );
    ooo.out_of_office_until = Some(date(2027, 7, 19));
    gale.interactions = vec![
        interaction(
            "interview",
            InteractionKind::Interview,
            "gil",
            "2027-07-01T15:00:00Z",
        ),
        interaction(
            "email",
            InteractionKind::FollowUpEmail,
            "gil",
            "2027-07-08T14:00:00Z",
        ),
        ooo,
        interaction(
            "call",
            InteractionKind::CallNoAnswer,
            "gil",
            "2027-07-09T15:00:00Z",
        ),
    ];
    let facts = facts(seeker(Tz::America__New_York), vec![gale]);
    // Mon 19 Jul 09:00 Chicago (CDT).
    let back = utc("2027-07-19T14:00:00Z");
    for at in [
        "2027-07-09T16:00:00Z",
        "2027-07-14T16:00:00Z",
        "2027-07-19T12:00:00Z",
    ] {
        let actions = actions(&facts, "gale", at);
        let mine: Vec<_> = actions.iter().filter(|a| a.contact_id.is_some()).collect();
        assert!(!mine.is_empty());
        for action in mine {
            assert!(action.due_at >= back, "{action:#?}");
        }
    }
    let actions = actions(&facts, "gale", "2027-07-12T16:00:00Z");
    let call = only(&actions, ActionKind::Call);
    assert_eq!(call.due_at, back);
    assert!(
        call.reason.contains("is back from out of office"),
        "{}",
        call.reason
    );
}

/// A final at Quiet Co: the interview Mon 1 Mar 2027, then a follow-up
/// e-mail every Monday of March and never an answer.
fn quiet_after_four_follow_ups() -> followup_core::Opportunity {
    let mut quiet = opportunity("quiet", "Quiet Co", Stage::Final);
    quiet.contacts = vec![contact(
        "q",
        "Quinn Hale",
        ContactRole::HiringManager,
        Tz::America__New_York,
    )];
    quiet.interactions = vec![interaction(
        "interview",
        InteractionKind::Interview,
        "q",
        "2027-03-01T15:00:00Z",
    )];
    for (i, day) in ["08", "15", "22", "29"].iter().enumerate() {
        quiet.interactions.push(interaction(
            &format!("f{i}"),
            InteractionKind::FollowUpEmail,
            "q",
            &format!("2027-03-{day}T14:00:00Z"),
        ));
    }
    quiet
}

#[test]
fn four_unanswered_follow_ups_suggest_marking_ghosted() {
    let facts = facts(
        seeker(Tz::America__New_York),
        vec![quiet_after_four_follow_ups()],
    );
    let actions = actions(&facts, "quiet", "2027-03-30T15:00:00Z");
    let ghost = only(&actions, ActionKind::MarkGhosted);
    assert_eq!(ghost.rule, RuleId::MoveOn);
    // Where a fifth follow-up would have been: Mon 5 Apr 09:00 New York.
    assert_eq!(ghost.due_at, utc("2027-04-05T13:00:00Z"));
    assert!(
        ghost
            .reason
            .starts_with("4 follow-ups since you last heard from them on Mon 1 Mar"),
        "{}",
        ghost.reason
    );
    assert!(
        !actions.iter().any(|a| a.action.is_follow_up()),
        "{actions:#?}"
    );
}

#[test]
fn an_out_of_office_reply_holds_the_ghosted_suggestion_until_the_return() {
    let mut quiet = quiet_after_four_follow_ups();
    // The fourth follow-up bounces an out-of-office reply: back Mon 19 Apr.
    let mut ooo = interaction(
        "ooo",
        InteractionKind::ReplyReceived,
        "q",
        "2027-03-29T14:05:00Z",
    );
    ooo.out_of_office_until = Some(date(2027, 4, 19));
    quiet.interactions.push(ooo);
    let facts = facts(seeker(Tz::America__New_York), vec![quiet]);
    let actions = actions(&facts, "quiet", "2027-04-06T15:00:00Z");
    let ghost = only(&actions, ActionKind::MarkGhosted);
    // Not Mon 5 Apr: Mon 19 Apr 09:00 New York, when Quinn is back.
    assert_eq!(ghost.due_at, utc("2027-04-19T13:00:00Z"));
}

#[test]
fn thirty_days_of_silence_suggest_marking_ghosted() {
    let mut quiet = opportunity("quiet", "Quiet Co", Stage::Interviewing);
    quiet.profile.answered = followup_core::ProcessQuestion::ALL.to_vec();
    quiet.contacts = vec![contact(
        "q",
        "Quinn Hale",
        ContactRole::HiringManager,
        Tz::America__New_York,
    )];
    quiet.interactions = vec![interaction(
        "interview",
        InteractionKind::Interview,
        "q",
        "2027-03-01T15:00:00Z",
    )];
    let facts = facts(seeker(Tz::America__New_York), vec![quiet]);

    let day_29 = actions(&facts, "quiet", "2027-03-30T15:00:00Z");
    assert!(!kinds(&day_29).contains(&ActionKind::MarkGhosted));
    let day_31 = actions(&facts, "quiet", "2027-04-01T15:00:00Z");
    let ghost = only(&day_31, ActionKind::MarkGhosted);
    // 30 days after the interview, 11:00 New York on Wed 31 Mar.
    assert_eq!(ghost.due_at, utc("2027-03-31T15:00:00Z"));
    assert!(
        ghost
            .reason
            .contains("No word since Mon 1 Mar in over 30 days"),
        "{}",
        ghost.reason
    );
    // The follow-up cadence still runs beside it; the seeker decides.
    assert!(kinds(&day_31).contains(&ActionKind::SendFollowUpEmail));
}

/// Open-ended actions (the process questions, asking the assistant, applying
/// elsewhere, sharing an offer) do not move with the clock: from one hour to
/// the next of a day when nothing happens, the agenda is the same, so a
/// polling client's `ETag` holds.
#[test]
fn the_agenda_holds_still_through_a_quiet_day() {
    for (facts, morning, evening) in [
        (
            competing_offer(date(2027, 5, 21)),
            "2027-05-17T15:00:00Z",
            "2027-05-17T23:30:00Z",
        ),
        (
            with_assistant(None),
            "2027-04-12T15:00:00Z",
            "2027-04-12T20:45:00Z",
        ),
        (jane(), "2010-01-04T15:00:00Z", "2010-01-04T21:59:00Z"),
    ] {
        let morning = agenda(&facts, &Playbook::balanced(), utc(morning));
        let evening = agenda(&facts, &Playbook::balanced(), utc(evening));
        assert!(!morning.is_empty());
        assert_eq!(morning, evening);
    }
}
