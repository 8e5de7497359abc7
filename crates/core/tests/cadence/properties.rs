//! Property tests over random facts: every playbook, zones on both sides of
//! DST changes, holidays, out-of-office replies, best times, promises.

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Timelike, Utc, Weekday};
use chrono_tz::Tz;
use followup_core::l10n::{self, Locale};
use followup_core::{
    ActionKind, BestTime, BuiltinPlaybook, BusinessCalendar, Channel, Contact, ContactRole, Facts,
    HolidayCalendar, Interaction, InteractionKind, NationalHolidays, NextAction, Opportunity,
    Playbook, Profile, Promise, PromiseDue, PromiseWhat, Seeker, Stage, StageChange, agenda,
};
use proptest::prelude::*;

use crate::helpers::{contact, facts, opportunity, promise, seeker, utc};

const ZONES: [Tz; 6] = [
    Tz::America__New_York,
    Tz::America__Denver,
    Tz::Europe__Berlin,
    Tz::Australia__Sydney,
    Tz::Asia__Kolkata,
    Tz::America__Los_Angeles,
];

/// Windows of 120 days that contain the spring and autumn DST changes.
const STARTS: [&str; 2] = ["2027-02-15T00:00:00Z", "2027-09-20T00:00:00Z"];
const SPAN_MINUTES: i64 = 120 * 24 * 60;

const STAGES: [Stage; 8] = [
    Stage::Applied,
    Stage::Screening,
    Stage::Interviewing,
    Stage::Final,
    Stage::Final,
    Stage::Offer,
    Stage::Ghosted,
    Stage::Rejected,
];

const ROLES: [ContactRole; 4] = [
    ContactRole::HiringManager,
    ContactRole::Assistant,
    ContactRole::Recruiter,
    ContactRole::HigherUp,
];

const CHANNELS: [Channel; 3] = [Channel::Any, Channel::Email, Channel::Phone];

const INDUSTRIES: [Option<&str>; 3] = [None, Some("online media"), Some("logistics")];

type ContactSpec = (usize, Option<usize>, usize, Option<(u8, u32, u32)>);
type InteractionSpec = (usize, Option<usize>, i64, Option<i64>);
type PromiseSpec = (Option<usize>, bool, i64, i64, bool, bool);
type OpportunitySpec = (
    usize,
    usize,
    Option<i64>,
    Option<i64>,
    Vec<ContactSpec>,
    Vec<InteractionSpec>,
    Vec<PromiseSpec>,
    usize,
);

/// Employers: the company itself, or one of two spellings of a shared one.
const EMPLOYERS: [Option<&str>; 3] = [None, Some("Acme Corp"), Some(" ACME  corp ")];

fn contact_spec() -> impl Strategy<Value = ContactSpec> {
    (
        0..ROLES.len(),
        prop::option::of(0..ZONES.len()),
        0..CHANNELS.len(),
        prop::option::of((0u8..=0x7f, 6u32..18, 1u32..4)),
    )
}

fn interaction_spec() -> impl Strategy<Value = InteractionSpec> {
    (
        0..InteractionKind::ALL.len(),
        prop::option::of(0usize..3),
        0..SPAN_MINUTES,
        prop::option::weighted(0.1, 0i64..20),
    )
}

fn promise_spec() -> impl Strategy<Value = PromiseSpec> {
    (
        prop::option::of(0usize..3),
        any::<bool>(),
        0..SPAN_MINUTES,
        0..SPAN_MINUTES,
        prop::bool::weighted(0.1),
        any::<bool>(),
    )
}

fn opportunity_spec() -> impl Strategy<Value = OpportunitySpec> {
    (
        0..STAGES.len(),
        0..INDUSTRIES.len(),
        prop::option::of(0i64..120),
        prop::option::of(0..SPAN_MINUTES),
        prop::collection::vec(contact_spec(), 0..3),
        prop::collection::vec(interaction_spec(), 0..10),
        prop::collection::vec(promise_spec(), 0..2),
        0..EMPLOYERS.len(),
    )
}

/// Random facts, a built-in playbook and an instant inside the window.
fn scenario() -> impl Strategy<Value = (Facts, Playbook, DateTime<Utc>)> {
    (
        0..ZONES.len(),
        0..STARTS.len(),
        prop::collection::vec(0i64..120, 0..6),
        prop::collection::vec(0..HolidayCalendar::ALL.len(), 0..3),
        0..BuiltinPlaybook::ALL.len(),
        prop::collection::vec(opportunity_spec(), 1..5),
        0..SPAN_MINUTES,
    )
        .prop_map(
            |(zone, start, holidays, national, playbook, opportunities, at)| {
                let start = utc(STARTS[start]);
                let minutes = |m: i64| start + Duration::minutes(m);
                let day = |d: i64| (start + Duration::days(d)).date_naive();
                let mut calendar = BusinessCalendar::new(ZONES[zone]);
                calendar.holidays = holidays.into_iter().map(day).collect::<BTreeSet<_>>();
                let year = start.year();
                calendar.national = NationalHolidays::new(
                    national
                        .into_iter()
                        .map(|c| HolidayCalendar::ALL[c])
                        .collect(),
                    year - 1..=year + 1,
                );
                let seeker = Seeker {
                    id: "seeker".to_owned(),
                    name: "Jane Doe".to_owned(),
                    calendar,
                    locale: Locale::parse("de").unwrap(),
                };
                let opportunities = opportunities
                    .into_iter()
                    .enumerate()
                    .map(|(o, spec)| build_opportunity(o, spec, &minutes, &day))
                    .collect();
                (
                    Facts {
                        seeker,
                        opportunities,
                    },
                    Playbook::builtin(BuiltinPlaybook::ALL[playbook]),
                    minutes(at),
                )
            },
        )
}

fn build_opportunity(
    o: usize,
    (stage, industry, deadline, entered, contacts, interactions, promises, employer): OpportunitySpec,
    minutes: &impl Fn(i64) -> DateTime<Utc>,
    day: &impl Fn(i64) -> NaiveDate,
) -> Opportunity {
    let id = format!("o{o}");
    let contacts: Vec<Contact> = contacts
        .into_iter()
        .enumerate()
        .map(|(c, (role, tz, channel, best))| Contact {
            id: format!("{id}c{c}"),
            name: format!("Contact {c}"),
            role: ROLES[role],
            email: Some(format!("c{c}@example.com")),
            phone: None,
            time_zone: tz.map(|z| ZONES[z]),
            preferred_channel: CHANNELS[channel],
            best_time: best.map(|(days, from, len)| {
                let weekdays: Vec<Weekday> = (0..7u8)
                    .filter(|d| days & (1 << d) != 0)
                    .map(|d| Weekday::try_from(d).unwrap())
                    .collect();
                let from = NaiveTime::from_hms_opt(from, 0, 0).unwrap();
                BestTime::new(&weekdays, from, from + Duration::hours(i64::from(len))).unwrap()
            }),
            holiday_calendar: None,
        })
        .collect();
    let contact_id = |c: Option<usize>| {
        c.and_then(|c| contacts.get(c))
            .map(|c| c.id.clone())
            .or_else(|| c.map(|c| format!("gone{c}")))
    };
    Opportunity {
        employer: EMPLOYERS[employer].map(str::to_owned),
        industry: INDUSTRIES[industry].map(str::to_owned),
        offer_deadline: deadline.map(day),
        history: entered
            .map(|m| StageChange {
                from: None,
                to: STAGES[stage],
                at: minutes(m),
            })
            .into_iter()
            .collect(),
        interactions: interactions
            .into_iter()
            .enumerate()
            .map(|(i, (kind, contact, at, ooo))| {
                let kind = InteractionKind::ALL[kind];
                Interaction {
                    id: format!("{id}i{i}").into(),
                    kind,
                    contact_id: contact_id(contact).map(Into::into),
                    occurred_at: minutes(at),
                    out_of_office_until: ooo
                        .filter(|_| kind == InteractionKind::ReplyReceived)
                        .map(|d| (minutes(at) + Duration::days(d)).date_naive()),
                    rejection_reason: None,
                }
            })
            .collect(),
        promises: promises
            .into_iter()
            .enumerate()
            .map(
                |(p, (contact, by_date, made, due, cancelled, decision))| Promise {
                    id: format!("{id}p{p}"),
                    contact_id: contact_id(contact),
                    what: if decision {
                        PromiseWhat::Decision
                    } else {
                        PromiseWhat::Call
                    },
                    due: if by_date {
                        PromiseDue::Date(minutes(due).date_naive())
                    } else {
                        PromiseDue::Instant(minutes(due))
                    },
                    made_at: minutes(made.min(due)),
                    cancelled,
                    kept_at: None,
                },
            )
            .collect(),
        contacts,
        profile: Profile::default(),
        ..opportunity(&id, &format!("Company {o}"), STAGES[stage])
    }
}

/// The calendar an action is scheduled in: its contact's (their zone and
/// public holidays, without the seeker's days off), else the seeker's.
fn calendar_of(facts: &Facts, action: &NextAction) -> BusinessCalendar {
    let seeker = &facts.seeker.calendar;
    let Some(opportunity) = action
        .opportunity_id
        .as_deref()
        .and_then(|o| facts.opportunity(o))
    else {
        return seeker.clone();
    };
    let contact = action
        .contact_id
        .as_deref()
        .and_then(|c| opportunity.contact(c));
    followup_core::engine::contact_calendar(seeker, opportunity, contact)
        .unwrap_or_else(|| seeker.clone())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// Nothing is due outside the contact's business hours or on a holiday;
    /// `wait` is due at the promised time itself and is exempt.
    #[test]
    fn actions_are_due_in_business_hours_only((facts, playbook, at) in scenario()) {
        for action in agenda(&facts, &playbook, at) {
            if action.action == ActionKind::Wait {
                continue;
            }
            let cal = calendar_of(&facts, &action);
            prop_assert!(cal.is_business_time(action.due_at), "{:#?}", action);
            prop_assert!(!cal.holidays.contains(&cal.local_date(action.due_at)));
            prop_assert!(!cal.national.contains(cal.local_date(action.due_at)));
            if let Some(end) = action.window_end {
                prop_assert!(end >= action.due_at, "{:#?}", action);
            }
        }
    }

    /// An offer never competes with its own employer: no action relies on
    /// an opportunity at the same employer as its own.
    #[test]
    fn nothing_relies_on_an_offer_from_the_same_employer((facts, playbook, at) in scenario()) {
        for action in agenda(&facts, &playbook, at) {
            let (Some(own), Some(other)) = (
                action.opportunity_id.as_deref().and_then(|o| facts.opportunity(o)),
                action
                    .competing_opportunity_id
                    .as_deref()
                    .and_then(|o| facts.opportunity(o)),
            ) else {
                continue;
            };
            prop_assert!(!own.same_employer(other), "{:#?}", action);
        }
    }

    /// No `share_status` is due after the competing offer's deadline (in the
    /// contact's calendar).
    #[test]
    fn no_share_after_the_competing_deadline((facts, playbook, at) in scenario()) {
        for action in agenda(&facts, &playbook, at) {
            if action.action != ActionKind::ShareStatus {
                continue;
            }
            let competing = action
                .competing_opportunity_id
                .as_deref()
                .and_then(|o| facts.opportunity(o));
            prop_assert!(competing.is_some(), "a share names its offer: {:#?}", action);
            if let Some(deadline) = competing.and_then(|o| o.offer_deadline) {
                let cal = calendar_of(&facts, &action);
                prop_assert!(cal.local_date(action.due_at) <= deadline, "{:#?}", action);
            }
        }
    }

    /// Nothing is due on one of the seeker's days off (their dates and the
    /// public holidays they keep, in their own zone); `wait` is exempt.
    #[test]
    fn nothing_is_due_on_the_seekers_days_off((facts, playbook, at) in scenario()) {
        let seeker = &facts.seeker.calendar;
        for action in agenda(&facts, &playbook, at) {
            if action.action == ActionKind::Wait {
                continue;
            }
            let date = seeker.local_date(action.due_at);
            prop_assert!(!seeker.holidays.contains(&date), "{:#?}", action);
            prop_assert!(!seeker.national.contains(date), "{:#?}", action);
        }
    }

    /// After a logged rejection that still stands, only its confirmation and
    /// the gracious reply remain for that opportunity.
    #[test]
    fn after_a_rejection_only_its_confirmation_and_the_gracious_reply_remain(
        (facts, playbook, at) in scenario()
    ) {
        let actions = agenda(&facts, &playbook, at);
        for opportunity in &facts.opportunities {
            let Some(rejection) = opportunity
                .interactions
                .iter()
                .filter(|i| i.kind == InteractionKind::RejectionReceived && i.occurred_at <= at)
                .map(|i| i.occurred_at)
                .max()
            else {
                continue;
            };
            let moved_after = opportunity
                .history
                .iter()
                .any(|h| h.at > rejection && h.at <= at && h.to != Stage::Rejected);
            if moved_after {
                continue;
            }
            for action in actions
                .iter()
                .filter(|a| a.opportunity_id.as_deref() == Some(opportunity.id.as_str()))
            {
                prop_assert!(
                    matches!(
                        action.action,
                        ActionKind::ConfirmRejection | ActionKind::SendGraciousClose
                    ),
                    "{:#?}",
                    action
                );
            }
        }
    }

    /// No bunching: one open follow-up per contact, across channels.
    #[test]
    fn never_two_follow_ups_per_contact((facts, playbook, at) in scenario()) {
        let actions = agenda(&facts, &playbook, at);
        let mut seen = BTreeSet::new();
        for action in actions.iter().filter(|a| a.action.is_follow_up()) {
            let key = (action.opportunity_id.clone(), action.contact_id.clone());
            prop_assert!(seen.insert(key), "{:#?}", actions);
        }
    }

    /// The same facts at the same instant give the same actions; ids do not
    /// depend on the instant.
    #[test]
    fn evaluation_is_deterministic_and_ids_are_stable((facts, playbook, at) in scenario()) {
        let first = agenda(&facts, &playbook, at);
        prop_assert_eq!(&first, &agenda(&facts, &playbook, at));
        let ids: BTreeSet<_> = first.iter().map(|a| a.id.clone()).collect();
        prop_assert_eq!(ids.len(), first.len());
        let second = agenda(&facts, &playbook, at + Duration::seconds(1));
        let by_key = |actions: &[NextAction]| {
            let mut map = std::collections::BTreeMap::new();
            for a in actions {
                let key = (
                    a.rule.as_str(),
                    a.opportunity_id.clone(),
                    a.contact_id.clone(),
                    a.action.as_str(),
                    a.channel.map(Channel::as_str),
                );
                map.entry(key).or_insert_with(BTreeSet::new).insert(a.id.clone());
            }
            map
        };
        let (first, second) = (by_key(&first), by_key(&second));
        for (key, ids) in &first {
            if let Some(other) = second.get(key) {
                prop_assert_eq!(ids, other, "{:?}", key);
            }
        }
    }

    /// E-mail-only contacts (by preference, industry or playbook) never get calls.
    #[test]
    fn email_only_contacts_never_get_calls((facts, playbook, at) in scenario()) {
        for action in agenda(&facts, &playbook, at) {
            if action.channel != Some(Channel::Phone) {
                continue;
            }
            let opportunity = facts.opportunity(action.opportunity_id.as_deref().unwrap()).unwrap();
            let contact = action.contact_id.as_deref().and_then(|c| opportunity.contact(c));
            let preference = contact.map_or(Channel::Any, |c| c.preferred_channel);
            prop_assert!(preference != Channel::Email, "{:#?}", action);
            prop_assert!(playbook.params().calls_allowed);
            let email_first = opportunity
                .industry
                .as_deref()
                .is_some_and(|i| playbook.params().is_email_first(i));
            prop_assert!(preference == Channel::Phone || !email_first, "{:#?}", action);
            prop_assert!(matches!(action.action, ActionKind::Call | ActionKind::AskAssistant));
        }
    }

    /// Every action's reason and draft render in every language from the
    /// reason's code and args alone, and the English translation says what
    /// the engine wrote: the args carry every fact the sentence names.
    #[test]
    fn every_reason_and_draft_renders_in_every_language((facts, playbook, at) in scenario()) {
        for action in agenda(&facts, &playbook, at) {
            let id = format!("reason-{}", action.reason_code.as_str());
            for locale in Locale::all() {
                let text = l10n::render(locale, &id, &action.args);
                prop_assert!(text.is_ok(), "{}: {:?}\n{:#?}", locale, text, action);
                if locale.is_english() {
                    prop_assert_eq!(text.unwrap_or_default(), action.reason.clone());
                }
                if let Some(template) = action.draft.as_ref().and_then(|d| d.template.as_ref()) {
                    let body = l10n::render(locale, &format!("draft-{}-body", template.name), &template.args);
                    prop_assert!(body.is_ok(), "{}: {:?}", locale, body);
                    if locale.is_english() {
                        prop_assert_eq!(body.unwrap_or_default(), action.draft.as_ref().map(|d| d.body.clone()).unwrap_or_default());
                    }
                }
            }
        }
    }

    /// "First thing" is 09:00 local in the contact's zone, whatever the DST.
    #[test]
    fn first_thing_is_always_nine_local((facts, playbook, at) in scenario()) {
        for action in agenda(&facts, &playbook, at) {
            if action.reason.contains(" first thing ") {
                let tz = calendar_of(&facts, &action).tz;
                let local = action.due_at.with_timezone(&tz);
                prop_assert_eq!((local.hour(), local.minute()), (9, 0), "{:#?}", action);
            }
        }
    }

    /// A broken Friday promise is called back at 09:00 local the next
    /// business morning, on either side of any DST change, in any zone.
    #[test]
    fn dst_never_moves_the_nine_oclock_call(
        zone in 0..ZONES.len(),
        seeker_zone in 0..ZONES.len(),
        start in 0..STARTS.len(),
        days in 0i64..110,
        late in 1i64..(5 * 24 * 60),
    ) {
        let tz = ZONES[zone];
        let due = (utc(STARTS[start]) + Duration::days(days)).date_naive();
        let mut final_ = opportunity("o", "Acme", Stage::Final);
        final_.industry = Some("logistics".to_owned());
        final_.contacts = vec![contact("c", "Dana Cruz", ContactRole::HiringManager, tz)];
        final_.promises = vec![promise("p", "c", due, "2027-01-04T15:00:00Z")];
        let facts = facts(seeker(ZONES[seeker_zone]), vec![final_]);
        // The contact's calendar: their zone's public holidays, unless they
        // share the seeker's zone (whose own calendar, without any, holds).
        let national = if zone == seeker_zone {
            Vec::new()
        } else {
            HolidayCalendar::for_zone(tz).into_iter().collect()
        };
        let mut cal = BusinessCalendar::new(tz);
        cal.national = NationalHolidays::on_demand(national);
        let closes = cal
            .end_of_business(due)
            .or_else(|| cal.start_of_business(cal.next_business_day(due).unwrap()))
            .unwrap();
        let at = closes + Duration::minutes(late);
        let actions = followup_core::next_actions(&facts, &Playbook::balanced(), "o", at).unwrap();
        let call = actions.iter().find(|a| a.action == ActionKind::Call).unwrap();
        let local = call.due_at.with_timezone(&tz);
        prop_assert_eq!(local.time(), NaiveTime::from_hms_opt(9, 0, 0).unwrap());
        let mut expected_day = due.succ_opt().unwrap();
        while !cal.is_business_day(expected_day) {
            expected_day = expected_day.succ_opt().unwrap();
        }
        prop_assert_eq!(local.date_naive(), expected_day);
    }
}
