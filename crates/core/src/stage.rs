//! Where an opportunity stands, and which moves between stages are legal.
//!
//! The pipeline is the chain `prospect → applied → screening → interviewing →
//! final → offer → accepted | declined`, plus the closing stages `rejected`,
//! `withdrawn` and `ghosted`.

use thiserror::Error;

use crate::wire::wire_enum;

wire_enum! {
    /// Where an opportunity is: prospect → applied → screening → interviewing → final → offer → accepted | declined; closed: rejected, withdrawn, ghosted.
    pub enum Stage as "stage" {
        /// Spotted, not yet applied.
        Prospect => "prospect",
        /// Application sent.
        Applied => "applied",
        /// Screening call or recruiter conversation.
        Screening => "screening",
        /// Interview rounds under way.
        Interviewing => "interviewing",
        /// All interviews done, decision pending.
        Final => "final",
        /// An offer is on the table.
        Offer => "offer",
        /// The seeker took the offer.
        Accepted => "accepted",
        /// The seeker turned the offer down.
        Declined => "declined",
        /// The employer said no.
        Rejected => "rejected",
        /// The seeker stepped out.
        Withdrawn => "withdrawn",
        /// The employer went silent; reopens if they come back.
        Ghosted => "ghosted",
    }
}

impl Stage {
    /// Position along the main chain; `None` for the closing stages.
    const fn chain_position(self) -> Option<u8> {
        match self {
            Self::Prospect => Some(0),
            Self::Applied => Some(1),
            Self::Screening => Some(2),
            Self::Interviewing => Some(3),
            Self::Final => Some(4),
            Self::Offer => Some(5),
            Self::Accepted | Self::Declined => Some(6),
            Self::Rejected | Self::Withdrawn | Self::Ghosted => None,
        }
    }

    /// Still in play: `prospect` through `offer`. The cadence rules act only
    /// on open opportunities.
    pub const fn is_open(self) -> bool {
        matches!(
            self,
            Self::Prospect
                | Self::Applied
                | Self::Screening
                | Self::Interviewing
                | Self::Final
                | Self::Offer
        )
    }

    /// In the active pipeline: `applied` through `offer`, the opportunities
    /// the seeker has actually applied to. A `prospect` is open but not yet
    /// active, so it does not keep `apply_more` quiet (docs/cadence.md,
    /// "Active pipeline").
    pub const fn is_active(self) -> bool {
        self.is_open() && !matches!(self, Self::Prospect)
    }

    /// No move leaves this stage: `accepted`, `declined`, `rejected`,
    /// `withdrawn`. `ghosted` is closed but not terminal.
    pub const fn is_terminal(self) -> bool {
        matches!(
            self,
            Self::Accepted | Self::Declined | Self::Rejected | Self::Withdrawn
        )
    }

    /// Whether moving from `self` to `to` is a legal transition.
    ///
    /// - From an open stage: forward along the chain, skipping any stages
    ///   (so `accepted` and `declined`, the ends of the chain, are reachable
    ///   from every open stage, e.g. an offer accepted on the call that made
    ///   it); `final → interviewing` for another round; and `rejected`,
    ///   `withdrawn` or `ghosted`.
    /// - From `ghosted`: any open stage, when the employer comes back.
    /// - From a terminal stage: nothing.
    ///
    /// Staying in the same stage is not a transition.
    pub fn can_move_to(self, to: Self) -> bool {
        if self == to {
            return false;
        }
        if self == Self::Ghosted {
            return to.is_open();
        }
        if !self.is_open() {
            return false;
        }
        let forward = matches!(
            (self.chain_position(), to.chain_position()),
            (Some(from), Some(to)) if to > from
        );
        forward
            || (self == Self::Final && to == Self::Interviewing)
            || matches!(to, Self::Rejected | Self::Withdrawn | Self::Ghosted)
    }

    /// Every stage reachable from this one in one move, in [`Stage::ALL`] order.
    pub fn allowed_targets(self) -> Vec<Self> {
        Self::ALL
            .iter()
            .copied()
            .filter(|&to| self.can_move_to(to))
            .collect()
    }

    /// Moves to `to`, or refuses with the stages that would have been allowed.
    pub fn transition(self, to: Self) -> Result<Self, StageError> {
        if self.can_move_to(to) {
            Ok(to)
        } else {
            Err(StageError {
                from: self,
                to,
                allowed: self.allowed_targets(),
            })
        }
    }
}

/// A refused stage transition, naming the moves that are allowed from `from`.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("cannot move from `{from}` to `{to}`; {}", allowed_sentence(allowed))]
pub struct StageError {
    /// The current stage.
    pub from: Stage,
    /// The stage asked for.
    pub to: Stage,
    /// The stages reachable from `from` (empty when `from` is terminal).
    pub allowed: Vec<Stage>,
}

fn allowed_sentence(allowed: &[Stage]) -> String {
    if allowed.is_empty() {
        return "the stage is terminal".to_owned();
    }
    let names: Vec<&str> = allowed.iter().map(|s| s.as_str()).collect();
    format!("allowed: {}", names.join(", "))
}

wire_enum! {
    /// Why an employer said no, when known.
    pub enum RejectionReason as "rejection reason" {
        /// Someone else got the job.
        CompetingCandidate => "competing_candidate",
        /// The job went to an internal candidate.
        InternalPromotion => "internal_promotion",
        /// The opening no longer exists.
        PositionCancelled => "position_cancelled",
        /// No reason given.
        Unknown => "unknown",
    }
}

impl RejectionReason {
    /// In words, for reasons: "someone else got the job".
    pub const fn describe(self) -> &'static str {
        match self {
            Self::CompetingCandidate => "someone else got the job",
            Self::InternalPromotion => "it went to an internal candidate",
            Self::PositionCancelled => "the opening was cancelled",
            Self::Unknown => "no reason given",
        }
    }
}

#[cfg(test)]
mod tests {

    use super::Stage::{self, *};

    /// Column order of the table below, written out rather than taken from `ALL`.
    const COLUMNS: [Stage; 11] = [
        Prospect,
        Applied,
        Screening,
        Interviewing,
        Final,
        Offer,
        Accepted,
        Declined,
        Rejected,
        Withdrawn,
        Ghosted,
    ];

    /// The state machine of docs/pipeline.md, one row per `from` stage; 1 = legal.
    #[rustfmt::skip]
    const EXPECTED: [(Stage, [u8; 11]); 11] = [
        //                pro app scr int fin off acc dec rej wit gho
        (Prospect,       [ 0,  1,  1,  1,  1,  1,  1,  1,  1,  1,  1]),
        (Applied,        [ 0,  0,  1,  1,  1,  1,  1,  1,  1,  1,  1]),
        (Screening,      [ 0,  0,  0,  1,  1,  1,  1,  1,  1,  1,  1]),
        (Interviewing,   [ 0,  0,  0,  0,  1,  1,  1,  1,  1,  1,  1]),
        (Final,          [ 0,  0,  0,  1,  0,  1,  1,  1,  1,  1,  1]),
        (Offer,          [ 0,  0,  0,  0,  0,  0,  1,  1,  1,  1,  1]),
        (Accepted,       [ 0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0]),
        (Declined,       [ 0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0]),
        (Rejected,       [ 0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0]),
        (Withdrawn,      [ 0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0]),
        (Ghosted,        [ 1,  1,  1,  1,  1,  1,  0,  0,  0,  0,  0]),
    ];

    #[test]
    fn table_covers_every_stage_once() {
        for stage in Stage::ALL {
            assert_eq!(COLUMNS.iter().filter(|&c| c == stage).count(), 1);
            assert_eq!(EXPECTED.iter().filter(|(r, _)| r == stage).count(), 1);
        }
        assert_eq!(Stage::ALL.len(), COLUMNS.len());
    }

    #[test]
    fn every_pair_matches_the_table() {
        for (from, row) in EXPECTED {
            for (to, legal) in COLUMNS.into_iter().zip(row) {
                let legal = legal == 1;
                assert_eq!(from.can_move_to(to), legal, "{from} -> {to}");
                assert_eq!(from.transition(to).is_ok(), legal, "{from} -> {to}");
                assert_eq!(
                    from.allowed_targets().contains(&to),
                    legal,
                    "{from} -> {to}"
                );
            }
        }
    }

    #[test]
    fn open_and_terminal_partition_all_but_ghosted() {
        for &stage in Stage::ALL {
            let expected_open = matches!(
                stage,
                Prospect | Applied | Screening | Interviewing | Final | Offer
            );
            let expected_terminal = matches!(stage, Accepted | Declined | Rejected | Withdrawn);
            assert_eq!(stage.is_open(), expected_open, "{stage}");
            assert_eq!(stage.is_terminal(), expected_terminal, "{stage}");
        }
        assert!(!Ghosted.is_open() && !Ghosted.is_terminal());
    }

    #[test]
    fn refusal_names_the_allowed_moves() {
        let err = Offer.transition(Interviewing).unwrap_err();
        assert_eq!(
            err.allowed,
            [Accepted, Declined, Rejected, Withdrawn, Ghosted]
        );
        assert_eq!(
            err.to_string(),
            "cannot move from `offer` to `interviewing`; \
             allowed: accepted, declined, rejected, withdrawn, ghosted"
        );
    }

    #[test]
    fn refusal_from_a_terminal_stage_says_so() {
        let err = Rejected.transition(Applied).unwrap_err();
        assert!(err.allowed.is_empty());
        assert_eq!(
            err.to_string(),
            "cannot move from `rejected` to `applied`; the stage is terminal"
        );
    }

    #[test]
    fn same_stage_is_refused() {
        assert!(Final.transition(Final).is_err());
    }

    #[test]
    fn another_round_and_back() {
        assert_eq!(Final.transition(Interviewing).unwrap(), Interviewing);
        assert_eq!(Interviewing.transition(Final).unwrap(), Final);
    }
}
