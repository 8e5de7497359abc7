//! Everything the cadence engine reasons about for one seeker, read in one
//! transaction with one query per table, and turned into the core's
//! [`Facts`] by [`crate::facts::build`], the one builder of them.

use diesel::prelude::*;
use followup_core::{Facts, Playbook, Stage};

use crate::pipeline::{OpportunityRow, TransitionRow};
use crate::playbooks::{self, PlaybookRow};
use crate::records::{ContactRow, InteractionRow, ProfileRow, PromiseRow};
use crate::schema::{contacts, interactions, opportunities, profiles, promises, stage_transitions};
use crate::users::{self, UserRow};
use crate::{DbConnection, StoreError, facts};

/// A seeker's account and pipeline: the core's facts, and the rows they were
/// built from for what the API shows beside them.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// What the engine decides from.
    pub facts: Facts,
    /// The seeker's default playbook (`balanced` when none is chosen).
    pub playbook: Playbook,
    /// The account (time zone, business hours, holidays, default playbook).
    pub user: UserRow,
    /// Opportunities, oldest first.
    pub opportunities: Vec<OpportunityRow>,
    /// Stage history of those opportunities, in recorded order.
    pub transitions: Vec<TransitionRow>,
    /// Their contacts.
    pub contacts: Vec<ContactRow>,
    /// Their interactions, by time.
    pub interactions: Vec<InteractionRow>,
    /// Their promises.
    pub promises: Vec<PromiseRow>,
    /// Their profiles.
    pub profiles: Vec<ProfileRow>,
    /// The custom playbooks the account and its opportunities refer to.
    pub playbooks: Vec<PlaybookRow>,
}

/// Which opportunities a snapshot holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope<'a> {
    /// Every opportunity of the seeker.
    All,
    /// Only these stages.
    Stages(&'a [Stage]),
    /// One opportunity.
    One(&'a str),
}

/// Reads a seeker's snapshot; `None` when the account does not exist.
/// Public holidays are computed up front for the years around `year`. A
/// stored value that does not read back is an error, never a panic.
pub fn load(
    conn: &mut DbConnection,
    seeker_id: &str,
    scope: Scope<'_>,
    year: i32,
) -> Result<Option<Snapshot>, StoreError> {
    let Some(user) = users::find(conn, seeker_id)? else {
        return Ok(None);
    };
    // Every query here is the same SQL whatever the seeker or the scope, so
    // the connection prepares it once and keeps it (a list bound with
    // `IN (…)` or a boxed query would be prepared anew on every read). The
    // scope is applied to the rows.
    let mut opportunities: Vec<OpportunityRow> = match scope {
        Scope::One(id) => opportunities::table
            .filter(opportunities::seeker_id.eq(seeker_id))
            .filter(opportunities::id.eq(id))
            .select(OpportunityRow::as_select())
            .load(conn)?,
        Scope::All | Scope::Stages(_) => opportunities::table
            .filter(opportunities::seeker_id.eq(seeker_id))
            .select(OpportunityRow::as_select())
            .order(opportunities::id.asc())
            .load(conn)?,
    };
    if let Scope::Stages(stages) = scope {
        opportunities.retain(|o| stages.contains(&o.stage));
    }
    let mut references: Vec<String> = user
        .default_playbook
        .iter()
        .chain(opportunities.iter().filter_map(|o| o.playbook.as_ref()))
        .cloned()
        .collect();
    references.sort_unstable();
    references.dedup();
    let playbooks = playbooks::find_many(conn, &references)?;
    if opportunities.is_empty() {
        return assemble(
            user,
            opportunities,
            Vec::new(),
            Vec::new(),
            Vec::new(),
            Vec::new(),
            Vec::new(),
            playbooks,
            year,
        )
        .map(Some);
    }
    let mut ids: Vec<&str> = opportunities.iter().map(|o| o.id.as_str()).collect();
    ids.sort_unstable();
    let kept = |id: &str| ids.binary_search(&id).is_ok();
    let (transitions, contacts, interactions, promises, profiles) = match scope {
        Scope::One(id) => (
            stage_transitions::table
                .filter(stage_transitions::opportunity_id.eq(id))
                .select(TransitionRow::as_select())
                .order(stage_transitions::id.asc())
                .load(conn)?,
            contacts::table
                .filter(contacts::seeker_id.eq(seeker_id))
                .filter(contacts::opportunity_id.eq(id))
                .select(ContactRow::as_select())
                .order(contacts::id.asc())
                .load(conn)?,
            interactions::table
                .filter(interactions::seeker_id.eq(seeker_id))
                .filter(interactions::opportunity_id.eq(id))
                .select(InteractionRow::as_select())
                .order((interactions::occurred_at.asc(), interactions::id.asc()))
                .load(conn)?,
            promises::table
                .filter(promises::seeker_id.eq(seeker_id))
                .filter(promises::opportunity_id.eq(id))
                .select(PromiseRow::as_select())
                .order(promises::id.asc())
                .load(conn)?,
            profiles::table
                .filter(profiles::seeker_id.eq(seeker_id))
                .filter(profiles::opportunity_id.eq(id))
                .select(ProfileRow::as_select())
                .load(conn)?,
        ),
        Scope::All | Scope::Stages(_) => {
            let mut transitions: Vec<TransitionRow> = stage_transitions::table
                .inner_join(opportunities::table)
                .filter(opportunities::seeker_id.eq(seeker_id))
                .select(TransitionRow::as_select())
                .order(stage_transitions::id.asc())
                .load(conn)?;
            let mut contacts: Vec<ContactRow> = contacts::table
                .filter(contacts::seeker_id.eq(seeker_id))
                .select(ContactRow::as_select())
                .order(contacts::id.asc())
                .load(conn)?;
            let mut interactions: Vec<InteractionRow> = interactions::table
                .filter(interactions::seeker_id.eq(seeker_id))
                .select(InteractionRow::as_select())
                .order((interactions::occurred_at.asc(), interactions::id.asc()))
                .load(conn)?;
            let mut promises: Vec<PromiseRow> = promises::table
                .filter(promises::seeker_id.eq(seeker_id))
                .select(PromiseRow::as_select())
                .order(promises::id.asc())
                .load(conn)?;
            let mut profiles: Vec<ProfileRow> = profiles::table
                .filter(profiles::seeker_id.eq(seeker_id))
                .select(ProfileRow::as_select())
                .load(conn)?;
            if matches!(scope, Scope::Stages(_)) {
                transitions.retain(|r| kept(&r.opportunity_id));
                contacts.retain(|r| kept(&r.opportunity_id));
                interactions.retain(|r| kept(&r.opportunity_id));
                promises.retain(|r| kept(&r.opportunity_id));
                profiles.retain(|r| kept(&r.opportunity_id));
            }
            (transitions, contacts, interactions, promises, profiles)
        }
    };
    assemble(
        user,
        opportunities,
        transitions,
        contacts,
        interactions,
        promises,
        profiles,
        playbooks,
        year,
    )
    .map(Some)
}

/// [`load`] with [`Scope::All`] for many seekers at once, in one pass: one
/// query per table for all of them, whatever their number (a report's
/// page). Seekers that do not exist are left out; the others come in the
/// order of `seeker_ids`.
pub fn load_many(
    conn: &mut DbConnection,
    seeker_ids: &[String],
    year: i32,
) -> Result<Vec<Snapshot>, StoreError> {
    use std::collections::HashMap;
    fn by_seeker<R>(rows: Vec<R>, seeker: impl Fn(&R) -> &str) -> HashMap<String, Vec<R>> {
        let mut map: HashMap<String, Vec<R>> = HashMap::new();
        for row in rows {
            map.entry(seeker(&row).to_owned()).or_default().push(row);
        }
        map
    }
    let users: Vec<UserRow> = crate::schema::users::table
        .filter(crate::schema::users::id.eq_any(seeker_ids))
        .select(UserRow::as_select())
        .load(conn)?;
    let mut opportunities = by_seeker(
        opportunities::table
            .filter(opportunities::seeker_id.eq_any(seeker_ids))
            .select(OpportunityRow::as_select())
            .order(opportunities::id.asc())
            .load(conn)?,
        |r: &OpportunityRow| &r.seeker_id,
    );
    let mut transitions = by_seeker(
        stage_transitions::table
            .inner_join(opportunities::table)
            .filter(opportunities::seeker_id.eq_any(seeker_ids))
            .select((opportunities::seeker_id, TransitionRow::as_select()))
            .order(stage_transitions::id.asc())
            .load::<(String, TransitionRow)>(conn)?,
        |(seeker, _)| seeker,
    );
    let mut contacts = by_seeker(
        contacts::table
            .filter(contacts::seeker_id.eq_any(seeker_ids))
            .select(ContactRow::as_select())
            .order(contacts::id.asc())
            .load(conn)?,
        |r: &ContactRow| &r.seeker_id,
    );
    let mut interactions = by_seeker(
        interactions::table
            .filter(interactions::seeker_id.eq_any(seeker_ids))
            .select(InteractionRow::as_select())
            .order((interactions::occurred_at.asc(), interactions::id.asc()))
            .load(conn)?,
        |r: &InteractionRow| &r.seeker_id,
    );
    let mut promises = by_seeker(
        promises::table
            .filter(promises::seeker_id.eq_any(seeker_ids))
            .select(PromiseRow::as_select())
            .order(promises::id.asc())
            .load(conn)?,
        |r: &PromiseRow| &r.seeker_id,
    );
    let mut profiles = by_seeker(
        profiles::table
            .filter(profiles::seeker_id.eq_any(seeker_ids))
            .select(ProfileRow::as_select())
            .load(conn)?,
        |r: &ProfileRow| &r.seeker_id,
    );
    let mut references: Vec<String> = users
        .iter()
        .filter_map(|u| u.default_playbook.clone())
        .chain(
            opportunities
                .values()
                .flatten()
                .filter_map(|o| o.playbook.clone()),
        )
        .collect();
    references.sort_unstable();
    references.dedup();
    let playbooks = playbooks::find_many(conn, &references)?;
    let mut users: HashMap<String, UserRow> =
        users.into_iter().map(|u| (u.id.clone(), u)).collect();
    let mut snapshots = Vec::with_capacity(users.len());
    for id in seeker_ids {
        let Some(user) = users.remove(id) else {
            continue;
        };
        let mut take = |id: &str| opportunities.remove(id).unwrap_or_default();
        let seeker_opportunities = take(id);
        snapshots.push(assemble(
            user,
            seeker_opportunities,
            transitions
                .remove(id)
                .unwrap_or_default()
                .into_iter()
                .map(|(_, row)| row)
                .collect(),
            contacts.remove(id).unwrap_or_default(),
            interactions.remove(id).unwrap_or_default(),
            promises.remove(id).unwrap_or_default(),
            profiles.remove(id).unwrap_or_default(),
            playbooks.clone(),
            year,
        )?);
    }
    Ok(snapshots)
}

#[expect(clippy::too_many_arguments, reason = "one argument per table read")]
fn assemble(
    user: UserRow,
    opportunities: Vec<OpportunityRow>,
    transitions: Vec<TransitionRow>,
    contacts: Vec<ContactRow>,
    interactions: Vec<InteractionRow>,
    promises: Vec<PromiseRow>,
    profiles: Vec<ProfileRow>,
    playbooks: Vec<PlaybookRow>,
    year: i32,
) -> Result<Snapshot, StoreError> {
    let facts = facts::build(
        facts::Rows {
            user: &user,
            opportunities: &opportunities,
            transitions: &transitions,
            contacts: &contacts,
            interactions: &interactions,
            promises: &promises,
            profiles: &profiles,
            playbooks: &playbooks,
        },
        year,
    )?;
    let playbook = facts::seeker_playbook(&user, &playbooks);
    Ok(Snapshot {
        facts,
        playbook,
        user,
        opportunities,
        transitions,
        contacts,
        interactions,
        promises,
        profiles,
        playbooks,
    })
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, NaiveDateTime};
    use diesel::connection::SimpleConnection as _;
    use followup_core::{
        Actor, ActorKind, BestTime, BusinessCalendar, Channel, Contact, ContactRole, Facts,
        Interaction, InteractionKind, Opportunity, Profile, Promise, PromiseDue, PromiseWhat,
        Seeker, Stage, StageChange,
    };

    use super::*;
    use crate::testing::TestDatabase;
    use crate::{PoolOptions, Store, contacts, interactions, pipeline, promises};

    fn at(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap()
    }

    fn seeker_actor() -> Actor {
        Actor {
            kind: ActorKind::Seeker,
            id: "u1".to_owned(),
        }
    }

    /// A migrated database with one seeker in Berlin and one opportunity
    /// (`o1`, at `interviewing`) with its history, a contact, an interaction
    /// and a promise.
    fn seeded() -> (TestDatabase, Store) {
        let db = TestDatabase::create().unwrap();
        let store = Store::open(db.url().clone(), &PoolOptions::default()).unwrap();
        store.migrate().unwrap();
        let now = at("2026-03-02 08:00");
        let actor = seeker_actor();
        store
            .write_facts(|tx| {
                users::insert(
                    tx.conn(),
                    &UserRow {
                        display_name: "Jane Doe".to_owned(),
                        timezone: chrono_tz::Europe::Berlin,
                        holidays: [NaiveDate::from_ymd_opt(2026, 12, 24).unwrap()].into(),
                        ..crate::testing::seeker_row("u1", now)
                    },
                )?;
                pipeline::insert_opportunity(
                    tx,
                    &OpportunityRow {
                        id: "o1".to_owned(),
                        seeker_id: "u1".to_owned(),
                        company: "Acme".to_owned(),
                        title: "Engineer".to_owned(),
                        industry: None,
                        location: None,
                        source: None,
                        posting_url: None,
                        excitement: None,
                        notes: None,
                        base_salary: None,
                        bonus: None,
                        equity: None,
                        currency: None,
                        offer_deadline: None,
                        playbook: Some("email_only".to_owned()),
                        stage: Stage::Interviewing,
                        rejection_reason: None,
                        created_at: now,
                        updated_at: now,
                        updated_by: actor.clone(),
                        version: 1,
                        employer: None,
                        offer_start_date: None,
                        holiday_calendar: None,
                    },
                )?;
                for (id, from, to) in [
                    ("t1", None, Stage::Applied),
                    ("t2", Some(Stage::Applied), Stage::Interviewing),
                ] {
                    pipeline::insert_transition(
                        tx,
                        &TransitionRow {
                            id: id.to_owned(),
                            opportunity_id: "o1".to_owned(),
                            from_stage: from,
                            to_stage: to,
                            occurred_at: now,
                            reason: None,
                            rejection_reason: None,
                            actor: actor.clone(),
                            created_at: now,
                        },
                    )?;
                }
                contacts::insert_contact(
                    tx,
                    &ContactRow {
                        id: "c1".to_owned(),
                        opportunity_id: "o1".to_owned(),
                        seeker_id: "u1".to_owned(),
                        name: "Sam Boss".to_owned(),
                        role: ContactRole::HiringManager,
                        email: Some("sam@example.com".to_owned()),
                        phone: None,
                        timezone: Some(chrono_tz::America::New_York),
                        preferred_channel: Channel::Email,
                        best_time: Some(
                            BestTime::new(
                                &[chrono::Weekday::Tue],
                                chrono::NaiveTime::from_hms_opt(14, 0, 0).unwrap(),
                                chrono::NaiveTime::from_hms_opt(15, 0, 0).unwrap(),
                            )
                            .unwrap(),
                        ),
                        notes: None,
                        created_at: now,
                        updated_at: now,
                        updated_by: actor.clone(),
                        version: 1,
                        holiday_calendar: None,
                    },
                )?;
                interactions::insert_interaction(
                    tx,
                    &InteractionRow {
                        id: "i1".to_owned(),
                        opportunity_id: "o1".to_owned(),
                        seeker_id: "u1".to_owned(),
                        contact_id: Some("c1".to_owned()),
                        kind: InteractionKind::Interview,
                        occurred_at: at("2026-03-03 10:00"),
                        notes: None,
                        out_of_office_until: None,
                        rejection_reason: None,
                        created_at: now,
                        updated_at: now,
                        updated_by: actor.clone(),
                        version: 1,
                    },
                )?;
                promises::insert_promise(
                    tx,
                    &PromiseRow {
                        id: "p1".to_owned(),
                        opportunity_id: "o1".to_owned(),
                        seeker_id: "u1".to_owned(),
                        contact_id: Some("c1".to_owned()),
                        what: PromiseWhat::Decision,
                        due_date: Some(NaiveDate::from_ymd_opt(2026, 3, 6).unwrap()),
                        due_at: None,
                        made_at: at("2026-03-03 10:30"),
                        cancelled_at: None,
                        kept_at: None,
                        created_at: now,
                        updated_at: now,
                        updated_by: actor.clone(),
                        version: 1,
                    },
                )?;
                Ok::<_, StoreError>(())
            })
            .unwrap();
        (db, store)
    }

    /// The store's one builder turns a seeded seeker's rows into exactly the
    /// core's facts, on both backends.
    #[test]
    fn load_builds_the_facts_of_a_seeded_seeker() {
        let (_db, store) = seeded();
        let snapshot = store
            .read(|conn| load(conn, "u1", Scope::All, 2026))
            .unwrap()
            .unwrap();
        let mut calendar = BusinessCalendar::new(chrono_tz::Europe::Berlin);
        calendar
            .holidays
            .insert(NaiveDate::from_ymd_opt(2026, 12, 24).unwrap());
        let applied = at("2026-03-02 08:00").and_utc();
        let expected = Facts {
            seeker: Seeker {
                id: "u1".to_owned(),
                name: "Jane Doe".to_owned(),
                calendar,
                locale: followup_core::l10n::Locale::default(),
            },
            opportunities: vec![Opportunity {
                id: "o1".to_owned(),
                company: "Acme".to_owned(),
                employer: None,
                title: "Engineer".to_owned(),
                industry: None,
                stage: Stage::Interviewing,
                offer_deadline: None,
                offer_terms: Default::default(),
                holiday_calendar: None,
                playbook: Some(followup_core::Playbook::builtin(
                    followup_core::BuiltinPlaybook::EmailOnly,
                )),
                history: vec![
                    StageChange {
                        from: None,
                        to: Stage::Applied,
                        at: applied,
                    },
                    StageChange {
                        from: Some(Stage::Applied),
                        to: Stage::Interviewing,
                        at: applied,
                    },
                ],
                contacts: vec![Contact {
                    id: "c1".to_owned(),
                    name: "Sam Boss".to_owned(),
                    role: ContactRole::HiringManager,
                    email: Some("sam@example.com".to_owned()),
                    phone: None,
                    time_zone: Some(chrono_tz::America::New_York),
                    preferred_channel: Channel::Email,
                    best_time: Some(
                        BestTime::new(
                            &[chrono::Weekday::Tue],
                            chrono::NaiveTime::from_hms_opt(14, 0, 0).unwrap(),
                            chrono::NaiveTime::from_hms_opt(15, 0, 0).unwrap(),
                        )
                        .unwrap(),
                    ),
                    holiday_calendar: None,
                }],
                interactions: vec![Interaction {
                    id: "i1".into(),
                    kind: InteractionKind::Interview,
                    contact_id: Some("c1".into()),
                    occurred_at: at("2026-03-03 10:00").and_utc(),
                    out_of_office_until: None,
                    rejection_reason: None,
                }],
                promises: vec![Promise {
                    id: "p1".to_owned(),
                    contact_id: Some("c1".to_owned()),
                    what: PromiseWhat::Decision,
                    due: PromiseDue::Date(NaiveDate::from_ymd_opt(2026, 3, 6).unwrap()),
                    made_at: at("2026-03-03 10:30").and_utc(),
                    cancelled: false,
                    kept_at: None,
                }],
                profile: Profile::default(),
            }],
        };
        assert_eq!(snapshot.facts, expected);
        assert_eq!(snapshot.playbook, followup_core::Playbook::balanced());
        assert_eq!(snapshot.opportunities[0].updated_by, seeker_actor());
    }

    /// A stored value that names no value of its type is an error from the
    /// store, not a panic: a stage, a contact role, an actor, a best time,
    /// the account's holidays, calendars, zone and hours.
    #[test]
    fn a_corrupt_stored_value_is_a_store_error() {
        for statement in [
            "UPDATE opportunities SET stage = 'Final' WHERE id = 'o1'",
            "UPDATE contacts SET role = 'boss' WHERE id = 'c1'",
            "UPDATE interactions SET updated_by = 'robot:1' WHERE id = 'i1'",
            "UPDATE contacts SET best_time = '{\"days\": 3}' WHERE id = 'c1'",
            "UPDATE users SET holidays = 'not json' WHERE id = 'u1'",
            "UPDATE users SET holiday_calendars = '[\"atlantis\"]' WHERE id = 'u1'",
            "UPDATE users SET timezone = 'Mars/Olympus' WHERE id = 'u1'",
            "UPDATE users SET business_hours = '{\"mon\": 9}' WHERE id = 'u1'",
        ] {
            let (_db, store) = seeded();
            store
                .write(|conn| conn.batch_execute(statement).map_err(StoreError::from))
                .unwrap();
            let loaded = store.read(|conn| load(conn, "u1", Scope::All, 2026));
            assert!(
                matches!(loaded, Err(StoreError::Query(_) | StoreError::Corrupt(_))),
                "{statement}: {loaded:?}"
            );
        }
    }

    /// A profile as earlier releases wrote it (JSON text) reads back as the
    /// core's values, and what the store writes reads back the same; stored
    /// JSON that does not parse is a store error, never skipped.
    #[test]
    fn a_stored_profile_reads_back_typed() {
        let insert = |criteria: &str| {
            format!(
                "INSERT INTO profiles (opportunity_id, seeker_id, criteria, competition, answers, \
                 updated_at, updated_by, version) VALUES ('o1', 'u1', '{criteria}', \
                 '{{\"competing_candidates\": 3, \"internal_candidate\": true}}', \
                 '{{\"process_position\": \"second round\", \"comparison\": null}}', \
                 '2026-03-02 08:00:00', 'seeker:u1', 1)"
            )
        };
        let (_db, store) = seeded();
        let criteria = r#"[{"name": "SQL", "weight": 5, "self_rating": 5, "interviewer_rating": null, "evidence": null}]"#;
        store
            .write(|conn| {
                conn.batch_execute(&insert(criteria))
                    .map_err(StoreError::from)
            })
            .unwrap();
        let row = store
            .read(|conn| crate::profiles::find_profile(conn, "o1"))
            .unwrap()
            .unwrap();
        assert_eq!(row.criteria[0].name, "SQL");
        assert_eq!(row.competition.count, Some(3));
        assert_eq!(row.competition.internal_candidate, Some(true));
        assert_eq!(
            row.answers.process_position.as_deref(),
            Some("second round")
        );
        let snapshot = store
            .read(|conn| load(conn, "u1", Scope::All, 2026))
            .unwrap()
            .unwrap();
        let profile = &snapshot.facts.opportunities[0].profile;
        assert_eq!(
            profile.answered,
            [followup_core::ProcessQuestion::WhereInProcess]
        );
        assert_eq!(profile.strengths, ["SQL"]);
        // What the store writes reads back the same.
        store
            .write_facts(|tx| crate::profiles::put_profile(tx, &row, 1).map(|_| ()))
            .unwrap();
        let again = store
            .read(|conn| crate::profiles::find_profile(conn, "o1"))
            .unwrap()
            .unwrap();
        assert_eq!(again.criteria, row.criteria);
        assert_eq!(again.competition, row.competition);
        assert_eq!(again.answers, row.answers);

        let (_db, store) = seeded();
        store
            .write(|conn| {
                conn.batch_execute(&insert("not json"))
                    .map_err(StoreError::from)
            })
            .unwrap();
        let loaded = store.read(|conn| load(conn, "u1", Scope::All, 2026));
        assert!(
            matches!(loaded, Err(StoreError::Query(_) | StoreError::Corrupt(_))),
            "{loaded:?}"
        );
    }

    /// A promise row with both a date and an instant (which the API never
    /// writes) falls due on its date: the one rule for the engine and the
    /// API's view alike. One with neither is corrupt.
    #[test]
    fn a_promise_falls_due_on_its_date_before_its_instant() {
        let date = NaiveDate::from_ymd_opt(2026, 3, 6).unwrap();
        let mut row = PromiseRow {
            id: "p1".to_owned(),
            opportunity_id: "o1".to_owned(),
            seeker_id: "u1".to_owned(),
            contact_id: None,
            what: PromiseWhat::Call,
            due_date: Some(date),
            due_at: Some(at("2026-03-09 12:00")),
            made_at: at("2026-03-03 10:30"),
            cancelled_at: None,
            kept_at: None,
            created_at: at("2026-03-03 10:30"),
            updated_at: at("2026-03-03 10:30"),
            updated_by: seeker_actor(),
            version: 1,
        };
        assert_eq!(row.due().unwrap(), PromiseDue::Date(date));
        assert_eq!(facts::promise(&row).unwrap().due, PromiseDue::Date(date));
        row.due_date = None;
        assert_eq!(
            row.due().unwrap(),
            PromiseDue::Instant(at("2026-03-09 12:00").and_utc())
        );
        row.due_at = None;
        assert!(matches!(row.due(), Err(StoreError::Corrupt(_))));
    }
}
