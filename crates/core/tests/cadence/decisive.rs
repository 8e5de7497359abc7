//! The decisive moments (docs/cadence.md, "Decisive moments"): offers,
//! rejections, promises of a decision, the employer as the unit.

use chrono_tz::Tz;
use followup_core::{
    ActionKind, ContactRole, Facts, HolidayCalendar, InteractionKind, NationalHolidays, Playbook,
    PlaybookSpec, Priority, PromiseStatus, PromiseWhat, ProposedTransition, RejectionReason,
    RuleId, Stage, promise_status_for,
};

use crate::helpers::{
    actions, contact, date, facts, interaction, moved, only, opportunity, seeker, utc, warnings_for,
};

/// An offer at `offer_company` (deadline Fri 21 May 2027, arrived Mon 17
/// May 10:00 New York) and a final at Acme whose manager Ann is in New York;
/// three applied opportunities keep `apply_more` quiet.
fn offer_and_final(offer_company: &str) -> Facts {
    let mut offer = opportunity("offer", offer_company, Stage::Offer);
    offer.offer_deadline = Some(date(2027, 5, 21));
    offer.history = vec![moved(
        Some(Stage::Final),
        Stage::Offer,
        "2027-05-17T14:00:00Z",
    )];
    offer.contacts = vec![contact(
        "olga",
        "Olga Berg",
        ContactRole::Recruiter,
        Tz::America__New_York,
    )];
    let mut acme = opportunity("acme", "Acme", Stage::Final);
    acme.contacts = vec![contact(
        "ann",
        "Ann Lee",
        ContactRole::HiringManager,
        Tz::America__New_York,
    )];
    acme.interactions = vec![
        interaction(
            "interview",
            InteractionKind::Interview,
            "ann",
            "2027-05-10T15:00:00Z",
        ),
        interaction(
            "letter",
            InteractionKind::InfluenceLetter,
            "ann",
            "2027-05-10T18:00:00Z",
        ),
    ];
    let mut all = vec![offer, acme];
    all.extend(["x", "y", "z"].map(|id| opportunity(id, id, Stage::Applied)));
    facts(seeker(Tz::America__New_York), all)
}

// --- the employer is the unit ---------------------------------------------------

#[test]
fn an_offer_at_another_employer_is_shared_and_named() {
    let facts = offer_and_final("Rival");
    let now = actions(&facts, "acme", "2027-05-17T15:00:00Z");
    let share = only(&now, ActionKind::ShareStatus);
    assert_eq!(share.competing_opportunity_id.as_deref(), Some("offer"));
    assert_eq!(share.priority, Priority::High, "a final hears first");
}

#[test]
fn an_offer_never_competes_with_its_own_employer() {
    // The offer is from Acme's other team, entered as "ACME  corp" with the
    // employer spelled differently: the same employer, so nothing to share.
    let mut facts = offer_and_final("ACME  corp");
    facts.opportunities[1].employer = Some("acme Corp".to_owned());
    let now = actions(&facts, "acme", "2027-05-17T15:00:00Z");
    assert!(
        now.iter()
            .all(|a| a.action != ActionKind::ShareStatus && a.competing_opportunity_id.is_none()),
        "{now:#?}"
    );
    // Nor does the opportunity at offer hear about "an offer from another
    // company" that is its own, whatever its follow-ups say.
    let mut offer_facts = facts.clone();
    offer_facts.opportunities[0].promises = vec![crate::helpers::promise(
        "call",
        "olga",
        date(2027, 5, 18),
        "2027-05-17T14:00:00Z",
    )];
    let at_offer = actions(&offer_facts, "offer", "2027-05-19T15:00:00Z");
    for action in &at_offer {
        assert!(action.competing_opportunity_id.is_none(), "{action:#?}");
        let body = action.draft.as_ref().map_or("", |d| d.body.as_str());
        assert!(!body.contains("another company"), "{action:#?}");
    }
}

#[test]
fn the_employer_defaults_to_the_company_and_a_different_one_competes() {
    // Two opportunities under one display name but different employers.
    let mut facts = offer_and_final("Acme");
    facts.opportunities[0].employer = Some("Acme Staffing".to_owned());
    let now = actions(&facts, "acme", "2027-05-17T15:00:00Z");
    let share = only(&now, ActionKind::ShareStatus);
    assert_eq!(share.competing_opportunity_id.as_deref(), Some("offer"));
}

#[test]
fn shares_go_to_finals_before_interviewing() {
    let mut facts = offer_and_final("Rival");
    let mut bolt = opportunity("bolt", "Bolt", Stage::Interviewing);
    bolt.contacts = vec![contact(
        "bo",
        "Bo Chan",
        ContactRole::HiringManager,
        Tz::America__New_York,
    )];
    bolt.profile.answered = followup_core::ProcessQuestion::ALL.to_vec();
    facts.opportunities.push(bolt);
    let agenda = crate::helpers::agenda(
        &facts,
        &followup_core::Playbook::balanced(),
        crate::helpers::utc("2027-05-17T15:00:00Z"),
    );
    let shares: Vec<_> = agenda
        .iter()
        .filter(|a| a.action == ActionKind::ShareStatus)
        .map(|a| a.opportunity_id.as_deref().unwrap_or_default())
        .collect();
    assert_eq!(shares, ["acme", "bolt"], "{agenda:#?}");
}

// --- promises: what keeps them, and the newer one ---------------------------------

/// Acme's Ann promises `what` by Fri 21 May 2027, on Mon 17 May.
fn promised(what: PromiseWhat) -> Facts {
    let mut facts = offer_and_final("Rival");
    facts.opportunities.remove(0);
    let mut promise =
        crate::helpers::promise("p1", "ann", date(2027, 5, 21), "2027-05-17T15:00:00Z");
    promise.what = what;
    facts.opportunities[0].promises = vec![promise];
    facts
}

fn status(facts: &Facts, id: &str, at: &str) -> PromiseStatus {
    let acme = &facts.opportunities[0];
    let promise = acme.promises.iter().find(|p| p.id == id).unwrap();
    promise_status_for(promise, acme, &facts.seeker.calendar, utc(at))
}

#[test]
fn a_courtesy_reply_keeps_a_call_promise_but_not_a_decision() {
    let reply = interaction(
        "thanks",
        InteractionKind::ReplyReceived,
        "ann",
        "2027-05-18T15:00:00Z",
    );
    let mut call = promised(PromiseWhat::Call);
    call.opportunities[0].interactions.push(reply.clone());
    assert_eq!(
        status(&call, "p1", "2027-05-19T15:00:00Z"),
        PromiseStatus::Kept
    );

    let mut decision = promised(PromiseWhat::Decision);
    decision.opportunities[0].interactions.push(reply);
    assert_eq!(
        status(&decision, "p1", "2027-05-19T15:00:00Z"),
        PromiseStatus::Pending
    );
    // Still waited for: the courtesy reply does not end the wait.
    let now = actions(&decision, "acme", "2027-05-19T15:00:00Z");
    assert_eq!(only(&now, ActionKind::Wait).rule, RuleId::WaitForPromise);
    assert_eq!(
        status(&decision, "p1", "2027-05-24T15:00:00Z"),
        PromiseStatus::Broken
    );
}

#[test]
fn a_decision_is_kept_by_an_offer_a_rejection_a_move_or_the_seeker() {
    let at = "2027-05-20T15:00:00Z";
    for kind in [
        InteractionKind::OfferReceived,
        InteractionKind::RejectionReceived,
    ] {
        let mut facts = promised(PromiseWhat::Decision);
        facts.opportunities[0].interactions.push(interaction(
            "news",
            kind,
            "ann",
            "2027-05-19T15:00:00Z",
        ));
        assert_eq!(status(&facts, "p1", at), PromiseStatus::Kept, "{kind}");
    }
    for to in [Stage::Offer, Stage::Rejected] {
        let mut facts = promised(PromiseWhat::Decision);
        facts.opportunities[0]
            .history
            .push(moved(Some(Stage::Final), to, "2027-05-19T15:00:00Z"));
        assert_eq!(status(&facts, "p1", at), PromiseStatus::Kept, "{to}");
    }
    let mut facts = promised(PromiseWhat::Decision);
    facts.opportunities[0].promises[0].kept_at = Some(utc("2027-05-19T15:00:00Z"));
    assert_eq!(status(&facts, "p1", at), PromiseStatus::Kept);
    assert_eq!(
        status(&facts, "p1", "2027-05-18T15:00:00Z"),
        PromiseStatus::Pending,
        "kept from the moment it was marked"
    );
}

#[test]
fn a_newer_promise_from_the_same_person_supersedes_the_pending_one() {
    let mut facts = promised(PromiseWhat::Decision);
    // Wed 19 May: "we need another week" — a decision by Fri 28 May.
    let mut newer = crate::helpers::promise("p2", "ann", date(2027, 5, 28), "2027-05-19T15:00:00Z");
    newer.what = PromiseWhat::Decision;
    facts.opportunities[0].promises.push(newer);
    assert_eq!(
        status(&facts, "p1", "2027-05-18T15:00:00Z"),
        PromiseStatus::Pending,
        "before the newer one was made"
    );
    assert_eq!(
        status(&facts, "p1", "2027-05-19T16:00:00Z"),
        PromiseStatus::Superseded
    );
    assert_eq!(
        status(&facts, "p2", "2027-05-19T16:00:00Z"),
        PromiseStatus::Pending
    );
    // The old one is never broken: the wait runs to the new date, and no
    // missed-promise call comes for Fri 21 May.
    let monday = actions(&facts, "acme", "2027-05-24T15:00:00Z");
    let wait = only(&monday, ActionKind::Wait);
    assert_eq!(wait.due_at, utc("2027-05-28T21:00:00Z"), "{monday:#?}");
    assert!(monday.iter().all(|a| a.rule != RuleId::MissedPromiseCall));

    // A promise broken before the newer one came stays broken.
    let mut late = promised(PromiseWhat::Decision);
    let mut newer = crate::helpers::promise("p2", "ann", date(2027, 6, 4), "2027-05-25T15:00:00Z");
    newer.what = PromiseWhat::Decision;
    late.opportunities[0].promises.push(newer);
    assert_eq!(
        status(&late, "p1", "2027-05-26T15:00:00Z"),
        PromiseStatus::Broken
    );
}

// --- rejection and offer news ----------------------------------------------------

/// Acme's Ann, who promised a call and has a silence follow-up coming,
/// writes on Tue 18 May 2027 that someone else got the job.
fn rejected_on_tuesday() -> Facts {
    let mut facts = promised(PromiseWhat::Call);
    let mut no = interaction(
        "no",
        InteractionKind::RejectionReceived,
        "ann",
        "2027-05-18T15:00:00Z",
    );
    no.rejection_reason = Some(RejectionReason::CompetingCandidate);
    facts.opportunities[0].interactions.push(no);
    facts
}

#[test]
fn a_rejection_ends_the_follow_ups_and_proposes_the_move_and_a_gracious_close() {
    let facts = rejected_on_tuesday();
    let now = actions(&facts, "acme", "2027-05-25T15:00:00Z");
    let mut kinds: Vec<_> = now.iter().map(|a| a.action).collect();
    kinds.sort_by_key(|k| k.as_str());
    assert_eq!(
        kinds,
        [ActionKind::ConfirmRejection, ActionKind::SendGraciousClose],
        "{now:#?}"
    );
    let confirm = only(&now, ActionKind::ConfirmRejection);
    assert_eq!(
        confirm.transition,
        Some(ProposedTransition {
            to: Stage::Rejected,
            reason: Some(RejectionReason::CompetingCandidate)
        })
    );
    assert!(confirm.reason.contains("someone else got the job"));
    let close = only(&now, ActionKind::SendGraciousClose);
    assert_eq!(close.contact_id.as_deref(), Some("ann"));
    assert_eq!(close.priority, Priority::Low);
    // Five business days after Tue 18 May: the close of Tue 25 May, New York.
    assert_eq!(close.window_end, Some(utc("2027-05-25T21:00:00Z")));
    let body = &close.draft.as_ref().unwrap().body;
    assert!(body.contains("in mind for future roles"), "{body}");
    assert!(followup_core::tone_check(body).is_empty(), "{body}");
    // A day later, the gracious close is gone; the move is still to record.
    let later = actions(&facts, "acme", "2027-05-26T15:00:00Z");
    assert_eq!(
        later.iter().map(|a| a.action).collect::<Vec<_>>(),
        [ActionKind::ConfirmRejection]
    );
}

#[test]
fn a_rejection_no_longer_counts_as_near_an_offer_before_the_move_is_recorded() {
    let facts = rejected_on_tuesday();
    let health = |at: &str| followup_core::pipeline_health(&facts, &Playbook::balanced(), utc(at));
    // Still at final, before the news: near an offer.
    assert_eq!(health("2027-05-17T20:00:00Z").near_offer, 1);
    // The rejection is logged, the move not yet: the search is no nearer.
    let after = health("2027-05-19T15:00:00Z");
    assert_eq!(after.near_offer, 0, "{after:#?}");
    assert!(!after.accelerate, "{after:#?}");
}

#[test]
fn the_gracious_close_outlives_the_move_to_rejected_until_it_is_sent() {
    let mut facts = rejected_on_tuesday();
    let acme = &mut facts.opportunities[0];
    acme.stage = Stage::Rejected;
    acme.history.push(moved(
        Some(Stage::Final),
        Stage::Rejected,
        "2027-05-18T16:00:00Z",
    ));
    let now = actions(&facts, "acme", "2027-05-19T15:00:00Z");
    assert_eq!(
        now.iter().map(|a| a.action).collect::<Vec<_>>(),
        [ActionKind::SendGraciousClose],
        "{now:#?}"
    );
    for kind in [InteractionKind::ThankYou, InteractionKind::FollowUpEmail] {
        let mut sent = facts.clone();
        sent.opportunities[0].interactions.push(interaction(
            "thanks",
            kind,
            "ann",
            "2027-05-19T14:00:00Z",
        ));
        assert!(
            actions(&sent, "acme", "2027-05-19T15:00:00Z").is_empty(),
            "{kind}"
        );
    }
    // Before the rejection was logged, the follow-ups were as usual.
    let before = actions(&facts, "acme", "2027-05-17T16:00:00Z");
    assert!(
        before
            .iter()
            .all(|a| a.action != ActionKind::SendGraciousClose)
    );
}

#[test]
fn an_offer_received_proposes_the_move_and_asks_for_the_written_terms() {
    let mut facts = promised(PromiseWhat::Decision);
    let acme = &mut facts.opportunities[0];
    // The recruiter brings the offer.
    acme.contacts.push(contact(
        "rae",
        "Rae Kim",
        ContactRole::Recruiter,
        Tz::America__New_York,
    ));
    acme.interactions.push(interaction(
        "yes",
        InteractionKind::OfferReceived,
        "rae",
        "2027-05-18T15:00:00Z",
    ));
    acme.offer_terms.base_salary = Some(120_000.0);
    let now = actions(&facts, "acme", "2027-05-18T16:00:00Z");
    let confirm = only(&now, ActionKind::ConfirmOffer);
    assert_eq!(confirm.transition.map(|t| t.to), Some(Stage::Offer));
    let review = only(&now, ActionKind::ReviewOffer);
    assert!(
        review
            .reason
            .contains("bonus, equity, start date, deadline to answer"),
        "{}",
        review.reason
    );
    assert!(!review.reason.contains("base salary"));

    // Not yet at offer, it competes with nobody.
    let mut rival = opportunity("rival", "Rival", Stage::Final);
    rival.contacts = vec![contact(
        "rob",
        "Rob Hay",
        ContactRole::HiringManager,
        Tz::America__New_York,
    )];
    facts.opportunities.push(rival.clone());
    let at_rival = actions(&facts, "rival", "2027-05-18T16:00:00Z");
    assert!(
        at_rival
            .iter()
            .all(|a| a.competing_opportunity_id.is_none()),
        "{at_rival:#?}"
    );
    // At offer with every term known, nothing more to review.
    let acme = &mut facts.opportunities[0];
    acme.stage = Stage::Offer;
    acme.history.push(moved(
        Some(Stage::Final),
        Stage::Offer,
        "2027-05-18T17:00:00Z",
    ));
    acme.offer_deadline = Some(date(2027, 5, 28));
    acme.offer_terms.bonus = Some(0.0);
    acme.offer_terms.equity = Some("none".to_owned());
    acme.offer_terms.start_date = Some(date(2027, 7, 1));
    let now = actions(&facts, "acme", "2027-05-19T15:00:00Z");
    assert!(
        now.iter()
            .all(|a| !matches!(a.action, ActionKind::ConfirmOffer | ActionKind::ReviewOffer)),
        "{now:#?}"
    );
    // Who brought the offer is asked for more time, the move notwithstanding.
    let ask = only(&now, ActionKind::AskForExtension);
    assert_eq!(ask.contact_id.as_deref(), Some("rae"));
    assert_eq!(ask.competing_opportunity_id.as_deref(), Some("rival"));
    let at_rival = actions(&facts, "rival", "2027-05-19T15:00:00Z");
    assert_eq!(
        only(&at_rival, ActionKind::ShareStatus)
            .competing_opportunity_id
            .as_deref(),
        Some("acme")
    );
}

// --- the weekly cap counts per employer ------------------------------------------

/// Acme's final (manager Ann) and a second Acme opportunity whose recruiter
/// Rita got a follow-up e-mail on Mon 17 May 2027.
fn two_acme_roles() -> Facts {
    let mut facts = offer_and_final("Rival");
    facts.opportunities.remove(0);
    let mut ops = opportunity("ops", "ACME", Stage::Interviewing);
    ops.contacts = vec![contact(
        "rita",
        "Rita Ruiz",
        ContactRole::Recruiter,
        Tz::America__New_York,
    )];
    ops.interactions = vec![interaction(
        "to-rita",
        InteractionKind::FollowUpEmail,
        "rita",
        "2027-05-17T14:00:00Z",
    )];
    facts.opportunities.push(ops);
    facts
}

fn with_cap_scope(scope: &str) -> Playbook {
    let spec: PlaybookSpec = serde_json::from_value(serde_json::json!({
        "name": "mine", "extends": "balanced",
        "rules": {"email_weekly_cap": {"params": {"cap_scope": scope}}}
    }))
    .unwrap();
    Playbook::from_spec(&spec).unwrap()
}

#[test]
fn the_weekly_cap_counts_every_contact_at_the_employer() {
    let facts = two_acme_roles();
    // Ann's silence follow-up (a week after the letter: Mon 17 May) waits a
    // week after the e-mail to Rita at the same employer.
    let now = actions(&facts, "acme", "2027-05-17T16:00:00Z");
    let follow_up = only(&now, ActionKind::OfferCollaboration);
    assert_eq!(
        follow_up.due_at,
        utc("2027-05-24T14:00:00Z"),
        "{follow_up:#?}"
    );
    assert!(follow_up.reason.contains("email_weekly_cap"));

    // A second e-mail the same day, to Ann, is warned about.
    let to_ann = interaction(
        "to-ann",
        InteractionKind::FollowUpEmail,
        "ann",
        "2027-05-17T15:00:00Z",
    );
    let warnings = warnings_for(&facts, &Playbook::balanced(), "acme", &to_ann).unwrap();
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    assert_eq!(warnings[0].rule, RuleId::EmailWeeklyCap);
    assert!(
        warnings[0].message.contains("to Acme"),
        "{}",
        warnings[0].message
    );
    assert_eq!(warnings[0].interaction_ids, ["to-rita"]);

    // Per contact, as the playbook may say, they are two people.
    let per_contact = with_cap_scope("contact");
    assert!(
        warnings_for(&facts, &per_contact, "acme", &to_ann)
            .unwrap()
            .is_empty()
    );
    let now =
        followup_core::next_actions(&facts, &per_contact, "acme", utc("2027-05-17T16:00:00Z"))
            .unwrap();
    // Due at the opening of Mon 17 May, a week after the letter.
    assert_eq!(
        only(&now, ActionKind::OfferCollaboration).due_at,
        utc("2027-05-17T13:00:00Z")
    );
    // An unknown scope is refused, naming the parameter.
    let spec: PlaybookSpec = serde_json::from_value(serde_json::json!({
        "name": "bad", "extends": "balanced",
        "rules": {"email_weekly_cap": {"params": {"cap_scope": "team"}}}
    }))
    .unwrap();
    let err = Playbook::from_spec(&spec).unwrap_err().to_string();
    assert!(
        err.contains("cap_scope") && err.contains("employer, contact"),
        "{err}"
    );
}

// --- the offer's endgame -----------------------------------------------------------

#[test]
fn the_deadline_brings_two_reminders_in_the_seekers_calendar() {
    let facts = offer_and_final("Rival");
    let monday = actions(&facts, "offer", "2027-05-17T15:00:00Z");
    let decide = only(&monday, ActionKind::DecideOffer);
    // Two business days before Fri 21 May: Wed 19 May, 09:00 New York.
    assert_eq!(decide.due_at, utc("2027-05-19T13:00:00Z"));
    assert_eq!(decide.window_end, Some(utc("2027-05-21T21:00:00Z")));
    let thursday = actions(&facts, "offer", "2027-05-20T14:00:00Z");
    let last = only(&thursday, ActionKind::DecideOffer);
    assert_eq!(last.due_at, utc("2027-05-20T13:00:00Z"));
    assert_ne!(last.id, decide.id);
    let draft = last.draft.as_ref().unwrap();
    assert!(
        draft
            .body
            .contains("I want to let you know where things stand for me")
    );
    assert!(
        actions(&facts, "offer", "2027-05-21T22:00:00Z")
            .iter()
            .all(|a| a.action != ActionKind::DecideOffer),
        "nothing to decide once the deadline passed"
    );
}

#[test]
fn another_employer_still_deciding_asks_for_an_extension() {
    let mut facts = offer_and_final("Rival");
    let monday = actions(&facts, "offer", "2027-05-17T15:00:00Z");
    let ask = only(&monday, ActionKind::AskForExtension);
    assert_eq!(ask.contact_id.as_deref(), Some("olga"));
    assert_eq!(ask.competing_opportunity_id.as_deref(), Some("acme"));
    assert_eq!(ask.due_at, utc("2027-05-17T14:00:00Z"));
    let body = &ask.draft.as_ref().unwrap().body;
    assert!(
        body.contains("I want to let you know where things stand for me"),
        "{body}"
    );
    assert!(followup_core::tone_check(body).is_empty(), "{body}");

    // Ann promises a decision by Thu 20 May: no extension needed.
    let mut decision =
        crate::helpers::promise("decision", "ann", date(2027, 5, 20), "2027-05-17T15:00:00Z");
    decision.what = PromiseWhat::Decision;
    facts.opportunities[1].promises.push(decision);
    let later = actions(&facts, "offer", "2027-05-17T16:00:00Z");
    assert!(
        later
            .iter()
            .all(|a| a.action != ActionKind::AskForExtension),
        "{later:#?}"
    );
    // A promise due after the deadline does not help.
    facts.opportunities[1].promises[0].due = followup_core::PromiseDue::Date(date(2027, 5, 24));
    let later = actions(&facts, "offer", "2027-05-17T16:00:00Z");
    assert_eq!(
        only(&later, ActionKind::AskForExtension)
            .competing_opportunity_id
            .as_deref(),
        Some("acme")
    );
    // A decision by the deadline's date, promised from Los Angeles, comes at
    // the close of Los Angeles' Friday: three hours after the offer's
    // deadline closes in New York. Time is still to be asked for.
    facts.opportunities[1].promises[0].due = followup_core::PromiseDue::Date(date(2027, 5, 21));
    for contact in &mut facts.opportunities[1].contacts {
        contact.time_zone = Some(Tz::America__Los_Angeles);
    }
    let from_la = actions(&facts, "offer", "2027-05-17T16:00:00Z");
    assert_eq!(
        only(&from_la, ActionKind::AskForExtension)
            .competing_opportunity_id
            .as_deref(),
        Some("acme"),
        "{from_la:#?}"
    );
    // The same date promised from New York is in time.
    for contact in &mut facts.opportunities[1].contacts {
        contact.time_zone = Some(Tz::America__New_York);
    }
    let from_ny = actions(&facts, "offer", "2027-05-17T16:00:00Z");
    assert!(
        from_ny
            .iter()
            .all(|a| a.action != ActionKind::AskForExtension),
        "{from_ny:#?}"
    );
}

#[test]
fn an_offer_that_comes_inside_its_lead_time_is_still_shared_and_says_it_is_late() {
    let mut facts = offer_and_final("Rival");
    // The offer comes on Thu 20 May, 10:00 New York: after Wed 19 May's
    // close, the latest comfortable moment for a Friday deadline.
    facts.opportunities[0].history = vec![moved(
        Some(Stage::Final),
        Stage::Offer,
        "2027-05-20T14:00:00Z",
    )];
    let now = actions(&facts, "acme", "2027-05-20T15:00:00Z");
    let share = only(&now, ActionKind::ShareStatus);
    // Due at once (merged with the silence follow-up already due Monday).
    assert!(share.due_at <= utc("2027-05-20T14:00:00Z"), "{share:#?}");
    // By the deadline itself, never after it: Fri 21 May 17:00 New York.
    assert_eq!(share.window_end, Some(utc("2027-05-21T21:00:00Z")));
    assert!(share.reason.contains("late"), "{}", share.reason);
    assert!(share.reason.contains("Fri 21 May"), "{}", share.reason);
}

// --- two calendars -----------------------------------------------------------------

/// Kenji in Tokyo promised a call by `due`; the seeker, in New York, keeps
/// the U.S. federal holidays.
fn tokyo_promise(due: chrono::NaiveDate) -> Facts {
    let mut facts = promised(PromiseWhat::Call);
    facts.seeker.calendar.national = NationalHolidays::new(vec![HolidayCalendar::Us], 2026..=2028);
    let acme = &mut facts.opportunities[0];
    acme.contacts = vec![contact(
        "kenji",
        "Kenji Sato",
        ContactRole::HiringManager,
        Tz::Asia__Tokyo,
    )];
    acme.interactions.clear();
    acme.promises = vec![crate::helpers::promise(
        "p1",
        "kenji",
        due,
        "2027-06-28T01:00:00Z",
    )];
    facts
}

fn missed_call(facts: &Facts, at: &str) -> followup_core::NextAction {
    let now = actions(facts, "acme", at);
    now.into_iter()
        .find(|a| a.rule == RuleId::MissedPromiseCall)
        .unwrap_or_else(|| panic!("a missed-promise call at {at}"))
}

#[test]
fn a_us_holiday_of_the_seeker_does_not_skip_a_tokyo_monday() {
    // Broken on Fri 2 Jul 2027. Mon 5 Jul is the seeker's Independence Day
    // (observed), but 09:00 in Tokyo is still Sunday evening in New York.
    let facts = tokyo_promise(date(2027, 7, 2));
    let call = missed_call(&facts, "2027-07-03T12:00:00Z");
    assert_eq!(call.due_at, utc("2027-07-05T00:00:00Z"), "{call:#?}");
}

#[test]
fn a_japanese_holiday_is_skipped_and_so_is_the_seekers_vacation() {
    // Broken on Fri 16 Jul 2027; Mon 19 Jul is Marine Day in Japan.
    let mut facts = tokyo_promise(date(2027, 7, 16));
    let call = missed_call(&facts, "2027-07-17T12:00:00Z");
    assert_eq!(call.due_at, utc("2027-07-20T00:00:00Z"), "{call:#?}");

    // On vacation on Mon 19 Jul (New York): Tuesday morning in Tokyo is
    // still Monday there, so the call waits for Tokyo's 13:00, Tuesday in
    // New York.
    facts.seeker.calendar.holidays.insert(date(2027, 7, 19));
    let call = missed_call(&facts, "2027-07-17T12:00:00Z");
    assert_eq!(call.due_at, utc("2027-07-20T04:00:00Z"), "{call:#?}");

    // A contact (or the opportunity) may name the calendar they keep.
    facts.seeker.calendar.holidays.clear();
    facts.opportunities[0].holiday_calendar = Some(HolidayCalendar::Us);
    let call = missed_call(&facts, "2027-07-17T12:00:00Z");
    assert_eq!(call.due_at, utc("2027-07-19T00:00:00Z"), "{call:#?}");
    facts.opportunities[0].contacts[0].holiday_calendar = Some(HolidayCalendar::Jp);
    let call = missed_call(&facts, "2027-07-17T12:00:00Z");
    assert_eq!(call.due_at, utc("2027-07-20T00:00:00Z"), "{call:#?}");
}

#[test]
fn a_share_that_cannot_reach_anyone_before_the_deadline_says_so() {
    let mut facts = offer_and_final("Rival");
    // Ann is out of office until Mon 24 May, after Friday's deadline.
    let mut away = interaction(
        "away",
        InteractionKind::ReplyReceived,
        "ann",
        "2027-05-17T15:00:00Z",
    );
    away.out_of_office_until = Some(date(2027, 5, 24));
    facts.opportunities[1].interactions.push(away);
    let now = actions(&facts, "acme", "2027-05-18T15:00:00Z");
    assert!(
        now.iter().all(|a| a.action != ActionKind::ShareStatus),
        "{now:#?}"
    );
    let notice = now
        .iter()
        .find(|a| a.rule == RuleId::ShareCompetingOffer)
        .unwrap_or_else(|| panic!("the share does not vanish: {now:#?}"));
    assert_eq!(notice.action, ActionKind::Wait);
    assert_eq!(notice.competing_opportunity_id.as_deref(), Some("offer"));
    assert!(notice.reason.contains("too late"), "{}", notice.reason);
    // Due when the deadline closes, Fri 21 May 17:00 New York.
    assert_eq!(notice.due_at, utc("2027-05-21T21:00:00Z"));
}
