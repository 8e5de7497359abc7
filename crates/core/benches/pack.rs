//! Packing and unpacking the facts the API keeps per seeker
//! (`followup_core::PackedOpportunities`), for a seeker as the load test
//! makes them: 10 opportunities, each with a contact and 17 interactions
//! naming it, every id a UUID. Unpacking is paid by every cold agenda and
//! every write; it should cost no more than a few clones of the facts.
//! Run: `cargo bench -p followup-core --bench pack`.

use std::hint::black_box;

use chrono::{Duration, TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use followup_core::{
    Channel, Contact, ContactRole, Interaction, InteractionKind, OfferTerms, Opportunity,
    PackedOpportunities, Profile, Stage, StageChange,
};

/// A UUIDv7-shaped id: the time part shared, the rest from `n`.
fn uuid(n: u64) -> String {
    let hex = format!(
        "{:022x}",
        u128::from(n).wrapping_mul(0x9E37_79B9_7F4A_7C15_F39C)
    );
    format!(
        "01a220fc-{}-7{}-8{}-{}",
        &hex[0..4],
        &hex[4..7],
        &hex[7..10],
        &hex[10..22]
    )
}

fn opportunities() -> Vec<Opportunity> {
    let start = Utc.with_ymd_and_hms(2026, 10, 1, 15, 0, 0).unwrap();
    let kinds = [
        InteractionKind::Interview,
        InteractionKind::ThankYou,
        InteractionKind::FollowUpEmail,
        InteractionKind::CallNoAnswer,
        InteractionKind::ReplyReceived,
    ];
    (0..10u64)
        .map(|i| {
            let contact = uuid(1_000 + i);
            Opportunity {
                id: uuid(i),
                company: format!("Company 17-{i}"),
                employer: None,
                title: "Editor".to_owned(),
                industry: None,
                stage: Stage::Interviewing,
                offer_deadline: None,
                offer_terms: OfferTerms::default(),
                holiday_calendar: None,
                playbook: None,
                history: vec![StageChange {
                    from: None,
                    to: Stage::Interviewing,
                    at: start,
                }],
                contacts: vec![Contact {
                    id: contact.clone(),
                    name: "Hiring Manager".to_owned(),
                    role: ContactRole::HiringManager,
                    email: Some("hm@example.com".to_owned()),
                    phone: Some("+1 212 555 0100".to_owned()),
                    time_zone: Some(chrono_tz::America::New_York),
                    preferred_channel: Channel::Any,
                    best_time: None,
                    holiday_calendar: None,
                }],
                interactions: (0..17usize)
                    .map(|k| Interaction {
                        id: uuid(10_000 + i * 100 + k as u64).into(),
                        kind: kinds[k % kinds.len()],
                        contact_id: Some(contact.as_str().into()),
                        occurred_at: start + Duration::hours(7 * k as i64),
                        out_of_office_until: None,
                        rejection_reason: None,
                    })
                    .collect(),
                promises: Vec::new(),
                profile: Profile::default(),
            }
        })
        .collect()
}

fn pack(c: &mut Criterion) {
    let opportunities = opportunities();
    let packed = PackedOpportunities::pack(&opportunities);
    assert_eq!(packed.unpack(), Ok(opportunities.clone()));
    let mut group = c.benchmark_group("pack");
    group.bench_function("clone_one_seeker", |b| {
        b.iter(|| black_box(&opportunities).clone());
    });
    group.bench_function("pack_one_seeker", |b| {
        b.iter(|| PackedOpportunities::pack(black_box(&opportunities)));
    });
    group.bench_function("unpack_one_seeker", |b| {
        b.iter(|| black_box(&packed).unpack());
    });
    group.finish();
    println!("packed: {} bytes", packed.len_bytes());
}

criterion_group!(benches, pack);
criterion_main!(benches);
