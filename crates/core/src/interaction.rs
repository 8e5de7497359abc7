//! What happened between the seeker and the employer. The kind of an
//! interaction fixes its direction and medium, so the cadence rules never ask
//! the seeker for them.

use crate::wire::wire_enum;

wire_enum! {
    /// What happened; direction and channel follow from it.
    pub enum InteractionKind as "interaction kind" {
        /// A job interview, on site, by phone or by video.
        Interview => "interview",
        /// The letter on what the seeker would accomplish in the first six months.
        InfluenceLetter => "influence_letter",
        /// A thank-you note after a meeting.
        ThankYou => "thank_you",
        /// A status follow-up by e-mail.
        FollowUpEmail => "follow_up_email",
        /// A call nobody picked up.
        CallNoAnswer => "call_no_answer",
        /// A call that reached the person.
        CallConnected => "call_connected",
        /// A voicemail the seeker left.
        VoicemailLeft => "voicemail_left",
        /// A message the seeker left with the assistant.
        MessageWithAssistant => "message_with_assistant",
        /// An answer from the employer (an out-of-office reply too).
        ReplyReceived => "reply_received",
        /// The employer made an offer.
        OfferReceived => "offer_received",
        /// The employer said no.
        RejectionReceived => "rejection_received",
        /// A note to self; no one was contacted.
        Note => "note",
    }
}

impl InteractionKind {
    /// Who spoke.
    pub const fn direction(self) -> Direction {
        match self {
            Self::InfluenceLetter
            | Self::ThankYou
            | Self::FollowUpEmail
            | Self::CallNoAnswer
            | Self::VoicemailLeft
            | Self::MessageWithAssistant => Direction::Outbound,
            Self::ReplyReceived | Self::OfferReceived | Self::RejectionReceived => {
                Direction::Inbound
            }
            Self::Interview | Self::CallConnected => Direction::Conversation,
            Self::Note => Direction::Internal,
        }
    }

    /// How it travelled; `None` for a note, and for offers and rejections,
    /// which arrive by any medium.
    pub const fn medium(self) -> Option<Medium> {
        match self {
            Self::InfluenceLetter | Self::ThankYou | Self::FollowUpEmail | Self::ReplyReceived => {
                Some(Medium::Email)
            }
            Self::CallNoAnswer
            | Self::CallConnected
            | Self::VoicemailLeft
            | Self::MessageWithAssistant => Some(Medium::Phone),
            Self::Interview => Some(Medium::InPerson),
            Self::OfferReceived | Self::RejectionReceived | Self::Note => None,
        }
    }
}

wire_enum! {
    /// Who spoke in an interaction.
    pub enum Direction as "direction" {
        /// The seeker reached out (answered or not).
        Outbound => "outbound",
        /// The employer wrote or called.
        Inbound => "inbound",
        /// Both sides talked: an interview or a call that connected.
        Conversation => "conversation",
        /// Nobody was contacted (a note).
        Internal => "internal",
    }
}

impl Direction {
    /// The employer was heard from: keeps a pending promise, pauses the
    /// cadence and restarts the "since last inbound" clock. A conversation
    /// counts, since the employer took part in it.
    pub const fn heard_from_employer(self) -> bool {
        matches!(self, Self::Inbound | Self::Conversation)
    }

    /// A touch either way, which restarts the silence clock; a note is not.
    pub const fn is_touch(self) -> bool {
        !matches!(self, Self::Internal)
    }
}

wire_enum! {
    /// The medium an interaction travelled by.
    pub enum Medium as "medium" {
        /// E-mail or another written message.
        Email => "email",
        /// A phone call.
        Phone => "phone",
        /// A meeting, on site or by video.
        InPerson => "in_person",
    }
}

#[cfg(test)]
mod tests {
    use super::{Direction, InteractionKind, Medium};

    #[test]
    fn direction_and_medium_of_every_kind() {
        use Direction::*;
        use InteractionKind::*;
        let expected = [
            (Interview, Conversation, Some(Medium::InPerson)),
            (InfluenceLetter, Outbound, Some(Medium::Email)),
            (ThankYou, Outbound, Some(Medium::Email)),
            (FollowUpEmail, Outbound, Some(Medium::Email)),
            (CallNoAnswer, Outbound, Some(Medium::Phone)),
            (CallConnected, Conversation, Some(Medium::Phone)),
            (VoicemailLeft, Outbound, Some(Medium::Phone)),
            (MessageWithAssistant, Outbound, Some(Medium::Phone)),
            (ReplyReceived, Inbound, Some(Medium::Email)),
            (OfferReceived, Inbound, None),
            (RejectionReceived, Inbound, None),
            (Note, Internal, None),
        ];
        assert_eq!(expected.len(), InteractionKind::ALL.len());
        for (kind, direction, medium) in expected {
            assert_eq!(kind.direction(), direction, "{kind}");
            assert_eq!(kind.medium(), medium, "{kind}");
        }
    }

    #[test]
    fn only_inbound_and_conversations_count_as_an_answer() {
        let answered: Vec<_> = InteractionKind::ALL
            .iter()
            .filter(|k| k.direction().heard_from_employer())
            .map(|k| k.as_str())
            .collect();
        assert_eq!(
            answered,
            [
                "interview",
                "call_connected",
                "reply_received",
                "offer_received",
                "rejection_received"
            ]
        );
        assert!(!InteractionKind::Note.direction().is_touch());
        assert!(InteractionKind::CallNoAnswer.direction().is_touch());
    }
}
