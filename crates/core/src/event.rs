//! What happened to a seeker's record, as apps and platforms hear of it: the
//! types of the event log (docs/events.md).
//!
//! Most events are written with the change that causes them. Two come from
//! the clock instead ([`EventType::from_clock`]): a promise that fell due
//! with nothing heard, and a next action that fell due. Their id is derived
//! from what fell due and when ([`clock_event_id`]), so the worker that
//! emits them may run again, or after downtime, and still emit each once.

use chrono::{DateTime, Utc};

use crate::wire::wire_enum;

wire_enum! {
    /// The type of an event. The first part names the resource the event
    /// carries in `data`.
    pub enum EventType as "event type" {
        /// An opportunity was created; `data` is the opportunity.
        #[serde(rename = "opportunity.created")]
        OpportunityCreated => "opportunity.created",
        /// An opportunity's fields changed (not its stage); `data` is the opportunity.
        #[serde(rename = "opportunity.updated")]
        OpportunityUpdated => "opportunity.updated",
        /// An opportunity moved to another stage; `data` is the opportunity and the transition.
        #[serde(rename = "opportunity.stage_changed")]
        OpportunityStageChanged => "opportunity.stage_changed",
        /// An opportunity was deleted; `data` is the opportunity as it was.
        #[serde(rename = "opportunity.deleted")]
        OpportunityDeleted => "opportunity.deleted",
        /// A contact was added; `data` is the contact.
        #[serde(rename = "contact.created")]
        ContactCreated => "contact.created",
        /// A contact changed; `data` is the contact.
        #[serde(rename = "contact.updated")]
        ContactUpdated => "contact.updated",
        /// A contact was deleted; `data` is the contact as it was.
        #[serde(rename = "contact.deleted")]
        ContactDeleted => "contact.deleted",
        /// An interaction was logged; `data` is the interaction.
        #[serde(rename = "interaction.logged")]
        InteractionLogged => "interaction.logged",
        /// A logged interaction was corrected; `data` is the interaction.
        #[serde(rename = "interaction.updated")]
        InteractionUpdated => "interaction.updated",
        /// An interaction was deleted; `data` is the interaction as it was.
        #[serde(rename = "interaction.deleted")]
        InteractionDeleted => "interaction.deleted",
        /// A promise was recorded; `data` is the promise.
        #[serde(rename = "promise.created")]
        PromiseCreated => "promise.created",
        /// A promise changed (its due time, its contact, cancelled); `data` is the promise.
        #[serde(rename = "promise.updated")]
        PromiseUpdated => "promise.updated",
        /// A promise was kept: the employer was heard from, or the seeker marked it kept.
        #[serde(rename = "promise.kept")]
        PromiseKept => "promise.kept",
        /// A promise fell due with nothing heard (from the clock).
        #[serde(rename = "promise.broken")]
        PromiseBroken => "promise.broken",
        /// A newer promise from the same person replaced a pending one.
        #[serde(rename = "promise.superseded")]
        PromiseSuperseded => "promise.superseded",
        /// A promise was deleted; `data` is the promise as it was.
        #[serde(rename = "promise.deleted")]
        PromiseDeleted => "promise.deleted",
        /// An opportunity's ideal-candidate profile was saved (the first
        /// time too); `data` is `{opportunity_id, profile}`.
        #[serde(rename = "profile.updated")]
        ProfileUpdated => "profile.updated",
        /// An opportunity's profile went with its opportunity; `data` is
        /// `{opportunity_id, profile}` as it was.
        #[serde(rename = "profile.deleted")]
        ProfileDeleted => "profile.deleted",
        /// A custom playbook was made; `data` is the playbook. The event is
        /// its owner's (a coach's or a seeker's).
        #[serde(rename = "playbook.created")]
        PlaybookCreated => "playbook.created",
        /// A custom playbook was replaced; `data` is the playbook.
        #[serde(rename = "playbook.updated")]
        PlaybookUpdated => "playbook.updated",
        /// A custom playbook was deleted; `data` is the playbook as it was.
        #[serde(rename = "playbook.deleted")]
        PlaybookDeleted => "playbook.deleted",
        /// The seeker granted a coach access; `data` is the grant.
        #[serde(rename = "grant.created")]
        GrantCreated => "grant.created",
        /// The seeker withdrew a coach's access; `data` is the grant.
        #[serde(rename = "grant.revoked")]
        GrantRevoked => "grant.revoked",
        /// A next action fell due (from the clock); `data` is the action.
        #[serde(rename = "action.due")]
        ActionDue => "action.due",
        /// A webhook endpoint was disabled after failing for days, or after
        /// answering 410 Gone; `data` is the webhook.
        #[serde(rename = "webhook.disabled")]
        WebhookDisabled => "webhook.disabled",
        /// A message was read into a proposal for the seeker to review;
        /// `data` is the proposal.
        #[serde(rename = "proposal.created")]
        ProposalCreated => "proposal.created",
        /// The seeker accepted a proposal (its step was logged); `data` is
        /// the proposal.
        #[serde(rename = "proposal.accepted")]
        ProposalAccepted => "proposal.accepted",
        /// The seeker dismissed a proposal; `data` is the proposal.
        #[serde(rename = "proposal.dismissed")]
        ProposalDismissed => "proposal.dismissed",
        /// A test delivery asked for with `POST /v1/webhooks/{id}/ping`;
        /// never in the feed.
        #[serde(rename = "webhook.ping")]
        WebhookPing => "webhook.ping",
    }
}

impl EventType {
    /// Whether the clock, not a write, makes this event.
    pub const fn from_clock(self) -> bool {
        matches!(self, Self::PromiseBroken | Self::ActionDue)
    }
}

/// The id of a clock event: the same for the same thing falling due at the
/// same time, whoever computes it and however often — 32 hex digits of a
/// 128-bit FNV-1a hash of the type, the thing's id and its due time.
pub fn clock_event_id(kind: EventType, thing_id: &str, due: DateTime<Utc>) -> String {
    const PRIME: u128 = 0x0000_0000_0100_0000_0000_0000_0000_013B;
    const OFFSET: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
    let input = format!("{}\n{thing_id}\n{}", kind.as_str(), due.timestamp_micros());
    let hash = input
        .bytes()
        .fold(OFFSET, |h, b| (h ^ u128::from(b)).wrapping_mul(PRIME));
    format!("evt_{hash:032x}")
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone as _;

    use super::*;

    #[test]
    fn a_clock_event_id_depends_on_the_thing_and_its_due_time_only() {
        let due = Utc.with_ymd_and_hms(2027, 3, 15, 15, 0, 0).unwrap();
        let a = clock_event_id(EventType::ActionDue, "act_1", due);
        assert_eq!(a, clock_event_id(EventType::ActionDue, "act_1", due));
        assert_ne!(a, clock_event_id(EventType::ActionDue, "act_2", due));
        assert_ne!(
            a,
            clock_event_id(
                EventType::ActionDue,
                "act_1",
                due + chrono::Duration::minutes(1)
            )
        );
        assert_ne!(a, clock_event_id(EventType::PromiseBroken, "act_1", due));
        assert_eq!(a.len(), 4 + 32);
    }

    #[test]
    fn only_broken_promises_and_due_actions_come_from_the_clock() {
        let clock: Vec<_> = EventType::ALL.iter().filter(|t| t.from_clock()).collect();
        assert_eq!(clock, [&EventType::PromiseBroken, &EventType::ActionDue]);
    }
}
