//! Next actions for 100,000 opportunities, each with 2 contacts, 10
//! interactions and 1 promise: the target is at least 100,000 opportunities
//! per second on one core. Run: `cargo bench -p followup-core --bench engine`.

use std::hint::black_box;
use std::time::Duration;

use chrono::{DateTime, Duration as Span, NaiveDate, Utc};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use followup_core::{
    BusinessCalendar, Channel, Contact, ContactRole, Engine, Facts, HolidayCalendar, Interaction,
    InteractionKind, NationalHolidays, Opportunity, Playbook, Profile, Promise, PromiseDue,
    PromiseWhat, Seeker, Stage,
};

const OPPORTUNITIES: usize = 100_000;

const KINDS: [InteractionKind; 10] = [
    InteractionKind::Interview,
    InteractionKind::InfluenceLetter,
    InteractionKind::ThankYou,
    InteractionKind::FollowUpEmail,
    InteractionKind::CallNoAnswer,
    InteractionKind::Interview,
    InteractionKind::InfluenceLetter,
    InteractionKind::FollowUpEmail,
    InteractionKind::CallNoAnswer,
    InteractionKind::FollowUpEmail,
];

fn facts(start: DateTime<Utc>) -> Facts {
    let zones = [
        chrono_tz::America::New_York,
        chrono_tz::Europe::Berlin,
        chrono_tz::America::Denver,
    ];
    let stages = [
        Stage::Interviewing,
        Stage::Final,
        Stage::Screening,
        Stage::Final,
    ];
    let opportunities = (0..OPPORTUNITIES)
        .map(|i| {
            let id = format!("opp-{i}");
            let tz = zones[i % zones.len()];
            let contacts: Vec<Contact> = [ContactRole::HiringManager, ContactRole::Assistant]
                .into_iter()
                .enumerate()
                .map(|(n, role)| Contact {
                    id: format!("{id}-c{n}"),
                    name: format!("Contact {n}"),
                    role,
                    email: Some(format!("c{n}@employer.example")),
                    phone: Some("+1 555 0100".to_owned()),
                    time_zone: Some(tz),
                    preferred_channel: if i % 3 == 0 {
                        Channel::Email
                    } else {
                        Channel::Any
                    },
                    best_time: None,
                    holiday_calendar: None,
                })
                .collect();
            let offset = i64::try_from(i % 40).unwrap_or(0);
            let interactions = KINDS
                .iter()
                .enumerate()
                .map(|(n, kind)| Interaction {
                    id: format!("{id}-i{n}").into(),
                    kind: *kind,
                    contact_id: Some(contacts[0].id.as_str().into()),
                    occurred_at: start
                        + Span::days(offset)
                        + Span::hours(i64::try_from(n).unwrap_or(0) * 30),
                    out_of_office_until: None,
                    rejection_reason: None,
                })
                .collect();
            let promises = vec![Promise {
                id: format!("{id}-p"),
                contact_id: Some(contacts[0].id.clone()),
                what: PromiseWhat::Call,
                due: PromiseDue::Date(
                    NaiveDate::from_ymd_opt(2027, 3, 1).unwrap_or_default() + Span::days(offset),
                ),
                made_at: start + Span::days(offset),
                cancelled: false,
                kept_at: None,
            }];
            Opportunity {
                id,
                company: format!("Company {i}"),
                employer: None,
                title: "Editor".to_owned(),
                industry: if i % 5 == 0 {
                    Some("online media".to_owned())
                } else {
                    None
                },
                stage: stages[i % stages.len()],
                offer_deadline: None,
                offer_terms: Default::default(),
                holiday_calendar: None,
                playbook: None,
                history: Vec::new(),
                contacts,
                interactions,
                promises,
                profile: Profile::default(),
            }
        })
        .collect();
    Facts {
        seeker: Seeker {
            id: "seeker".to_owned(),
            name: "Jane Doe".to_owned(),
            calendar: BusinessCalendar::new(chrono_tz::America::New_York),
            locale: followup_core::l10n::Locale::default(),
        },
        opportunities,
    }
}

fn next_actions(c: &mut Criterion) {
    let start: DateTime<Utc> = "2027-01-04T15:00:00Z".parse().unwrap_or_default();
    let facts = facts(start);
    let playbook = Playbook::balanced();
    let at = start + Span::days(70);
    let mut group = c.benchmark_group("engine");
    group.throughput(Throughput::Elements(OPPORTUNITIES as u64));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    let run = |facts: &Facts| {
        let engine = Engine::new(black_box(facts), &playbook, at);
        let mut actions = 0;
        for opportunity in &facts.opportunities {
            actions += engine.next_actions(opportunity).len();
        }
        black_box(actions)
    };
    group.bench_function("next_actions_100k_opportunities", |b| {
        b.iter(|| run(&facts));
    });
    // The same with two national holiday calendars observed, as the API
    // builds them (the days of the years around now precomputed).
    let mut observed = facts.clone();
    observed.seeker.calendar.national = NationalHolidays::new(
        vec![HolidayCalendar::Us, HolidayCalendar::GbEnglandWales],
        2026..=2029,
    );
    group.bench_function(
        "next_actions_100k_opportunities_with_holiday_calendars",
        |b| {
            b.iter(|| run(&observed));
        },
    );
    group.finish();
}

criterion_group!(benches, next_actions);
criterion_main!(benches);
