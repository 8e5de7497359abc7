//! Everything the cadence engine reasons about for one seeker, read in one
//! transaction with one query per table.

use diesel::prelude::*;

use crate::pipeline::{OpportunityRow, TransitionRow};
use crate::playbooks::{self, PlaybookRow};
use crate::records::{ContactRow, InteractionRow, ProfileRow, PromiseRow};
use crate::schema::{contacts, interactions, opportunities, profiles, promises, stage_transitions};
use crate::users::{self, UserRow};
use crate::{DbConnection, StoreError};

/// A seeker's account and pipeline, as stored.
#[derive(Debug, Clone)]
pub struct Snapshot {
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
    Stages(&'a [&'a str]),
    /// One opportunity.
    One(&'a str),
}

/// Reads a seeker's snapshot; `None` when the account does not exist.
pub fn load(
    conn: &mut DbConnection,
    seeker_id: &str,
    scope: Scope<'_>,
) -> Result<Option<Snapshot>, StoreError> {
    let Some(user) = users::find(conn, seeker_id)? else {
        return Ok(None);
    };
    let mut query = opportunities::table
        .filter(opportunities::seeker_id.eq(seeker_id))
        .select(OpportunityRow::as_select())
        .order(opportunities::id.asc())
        .into_boxed();
    match scope {
        Scope::All => {}
        Scope::Stages(stages) => {
            query = query.filter(
                opportunities::stage
                    .eq_any(stages.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>()),
            );
        }
        Scope::One(id) => query = query.filter(opportunities::id.eq(id.to_owned())),
    }
    let opportunities: Vec<OpportunityRow> = query.load(conn)?;
    let references: Vec<String> = user
        .default_playbook
        .iter()
        .chain(opportunities.iter().filter_map(|o| o.playbook.as_ref()))
        .cloned()
        .collect();
    let playbooks = playbooks::find_many(conn, &references)?;
    let ids: Vec<String> = opportunities.iter().map(|o| o.id.clone()).collect();
    if ids.is_empty() {
        return Ok(Some(Snapshot {
            user,
            opportunities,
            transitions: Vec::new(),
            contacts: Vec::new(),
            interactions: Vec::new(),
            promises: Vec::new(),
            profiles: Vec::new(),
            playbooks,
        }));
    }
    let transitions = stage_transitions::table
        .filter(stage_transitions::opportunity_id.eq_any(&ids))
        .select(TransitionRow::as_select())
        .order(stage_transitions::id.asc())
        .load(conn)?;
    let contacts = contacts::table
        .filter(contacts::seeker_id.eq(seeker_id))
        .filter(contacts::opportunity_id.eq_any(&ids))
        .select(ContactRow::as_select())
        .order(contacts::id.asc())
        .load(conn)?;
    let interactions = interactions::table
        .filter(interactions::seeker_id.eq(seeker_id))
        .filter(interactions::opportunity_id.eq_any(&ids))
        .select(InteractionRow::as_select())
        .order((interactions::occurred_at.asc(), interactions::id.asc()))
        .load(conn)?;
    let promises = promises::table
        .filter(promises::seeker_id.eq(seeker_id))
        .filter(promises::opportunity_id.eq_any(&ids))
        .select(PromiseRow::as_select())
        .order(promises::id.asc())
        .load(conn)?;
    let profiles = profiles::table
        .filter(profiles::seeker_id.eq(seeker_id))
        .filter(profiles::opportunity_id.eq_any(&ids))
        .select(ProfileRow::as_select())
        .load(conn)?;
    Ok(Some(Snapshot {
        user,
        opportunities,
        transitions,
        contacts,
        interactions,
        promises,
        profiles,
        playbooks,
    }))
}
