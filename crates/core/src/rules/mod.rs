//! The cadence rules: their stable ids, the catalogue `GET /v1/rules` lists,
//! and one module per rule (or per small family of rules) that turns the
//! facts of one opportunity into next actions.
//!
//! The engine-wide rules (every touch counts, no bunching, replies pause,
//! out-of-office holds, computed on read) have no id: they hold in every
//! playbook and live in [`crate::engine`].

use serde::Serialize;

use crate::playbook::{PARAMS, ParamKind, ParamValue, Playbook};
use crate::wire::wire_enum;

pub(crate) mod assistant;
pub(crate) mod influence;
pub(crate) mod interview;
pub(crate) mod move_on;
pub(crate) mod outcome;
pub(crate) mod outreach;
pub(crate) mod process_questions;
pub(crate) mod promises;
pub(crate) mod search;
pub(crate) mod warnings;

wire_enum! {
    /// A cadence rule's stable id; `GET /v1/rules` describes each.
    pub enum RuleId as "rule" {
        /// After each interview, an influence letter the same business day.
        InfluenceLetterAfterInterview => "influence_letter_after_interview",
        /// Ask where they are, how you compare, how many others compete.
        AskProcessQuestions => "ask_process_questions",
        /// No status follow-up before a pending promise falls due.
        WaitForPromise => "wait_for_promise",
        /// A broken promise: call first thing the next business morning.
        MissedPromiseCall => "missed_promise_call",
        /// At most one follow-up e-mail a week per employer (or contact).
        EmailWeeklyCap => "email_weekly_cap",
        /// Keep calling; leave no voicemail and no message with the assistant.
        CallNoVoicemail => "call_no_voicemail",
        /// Ask the assistant when the manager is best reached.
        AskAssistantBestTime => "ask_assistant_best_time",
        /// Never call e-mail-only contacts; new-media industries are e-mail first.
        ChannelPreference => "channel_preference",
        /// With an offer elsewhere, tell the others where things stand.
        ShareCompetingOffer => "share_competing_offer",
        /// After a week of silence, follow up.
        FollowUpAfterSilence => "follow_up_after_silence",
        /// With no competing offer, offer to help move a final forward.
        OfferCollaboration => "offer_collaboration",
        /// With an offer near, apply to more jobs.
        AccelerateSearch => "accelerate_search",
        /// After enough silence, suggest marking the opportunity ghosted.
        MoveOn => "move_on",
        /// A rejection ends the follow-ups; confirm it, and optionally close graciously.
        CloseOnRejection => "close_on_rejection",
        /// An offer: confirm it, get the written terms, decide in time.
        OfferEndgame => "offer_endgame",
        /// A scheduled interview: prepare the business day before; no chasing until it.
        PrepareForInterview => "prepare_for_interview",
    }
}

impl RuleId {
    /// Position in [`RuleId::ALL`], for bit sets.
    pub(crate) const fn index(self) -> usize {
        self as usize
    }
}

/// Where a rule comes from in the article.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RuleSource {
    /// The coach who gave the advice.
    pub coach: &'static str,
    /// Their words.
    pub quote: &'static str,
}

/// One parameter of a rule: its type and range, and the `balanced` default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ParamInfo {
    /// Name, unique within the rule.
    pub name: &'static str,
    /// What it controls.
    pub description: &'static str,
    /// Type and allowed values.
    #[serde(flatten)]
    pub kind: ParamKind,
    /// The value in the default `balanced` playbook.
    pub default: ParamValue,
}

/// A rule as `GET /v1/rules` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleInfo {
    /// Stable id.
    pub id: RuleId,
    /// What the rule does, for a seeker and a coach.
    pub description: &'static str,
    /// The advice it comes from.
    pub source: RuleSource,
    /// Its parameters (none for some rules).
    pub parameters: Vec<ParamInfo>,
}

/// Every rule, in [`RuleId::ALL`] order, with its parameters and the
/// `balanced` defaults.
pub fn catalogue() -> Vec<RuleInfo> {
    let balanced = Playbook::balanced();
    RuleId::ALL
        .iter()
        .map(|&id| {
            let (description, source) = about(id);
            RuleInfo {
                id,
                description,
                source,
                parameters: PARAMS
                    .iter()
                    .filter(|p| p.rule == id)
                    .map(|p| ParamInfo {
                        name: p.name,
                        description: p.description,
                        kind: p.kind,
                        default: balanced.params().get(p.id),
                    })
                    .collect(),
            }
        })
        .collect()
}

/// Description and source of each rule.
const fn about(id: RuleId) -> (&'static str, RuleSource) {
    match id {
        RuleId::InfluenceLetterAfterInterview => (
            "After each interview, send an influence letter on what you would accomplish in \
             the first six months: due a couple of hours after the interview, within a day. \
             Done once an influence letter is logged after that interview.",
            RuleSource {
                coach: "Anita Attridge",
                quote: "After each interview, send what Attridge calls an \"influence letter\" or \
                        e-mail, where you talk concretely about what you would want to accomplish \
                        in your first six months on the job.",
            },
        ),
        RuleId::AskProcessQuestions => (
            "While screening or interviewing, ask each process question not yet answered: where \
             they are in the search, how you compare to the ideal candidate, how many others \
             compete.",
            RuleSource {
                coach: "Win Sheffield, Anita Attridge",
                quote: "Make sure to ask the interviewer where he is in the search process, \
                        Sheffield advises. Another helpful question: How do I compare to your \
                        ideal candidate? Attridge suggests asking how many other candidates are \
                        competing against you.",
            },
        ),
        RuleId::WaitForPromise => (
            "While the employer's promise is pending, no status follow-up is due before the \
             promised time: the action is to wait.",
            RuleSource {
                coach: "Jane's story",
                quote: "He'd give her a call after New Year's.",
            },
        ),
        RuleId::MissedPromiseCall => (
            "When a promise is broken, call at the opening of the next business day in the \
             contact's time zone (e-mail instead for e-mail-only contacts).",
            RuleSource {
                coach: "Anita Attridge",
                quote: "If the hiring manager has promised to phone on a Friday and doesn't, it's \
                        fine to call first thing Monday morning.",
            },
        ),
        RuleId::EmailWeeklyCap => (
            "At most `max_emails` follow-up e-mails per employer (every contact there, across \
             the seeker's opportunities; per contact with `cap_scope` `contact`) in any \
             `period_days`; the next one is scheduled no earlier, and logging one more gives a \
             warning.",
            RuleSource {
                coach: "Eileen Wolkstein",
                quote: "If you do go the e-mail route, don't send more than one a week. \"More \
                        than that gets pesky.\"",
            },
        ),
        RuleId::CallNoVoicemail => (
            "Keep calling until the manager picks up: calls carry no_voicemail and \
             no_message_with_assistant; an unanswered call is retried the next business day in \
             the other half of the day; leaving a voicemail or a message gives a warning.",
            RuleSource {
                coach: "Anita Attridge",
                quote: "Keep calling until the hiring manager picks up. Just don't leave any \
                        message on voicemail or with an assistant. \"You can tell the assistant, \
                        'I'm going to be in and out, so I'll just keep trying.'\"",
            },
        ),
        RuleId::AskAssistantBestTime => (
            "When the manager has an assistant and no known best time, ask the assistant when a \
             good time would be; once known, calls are placed only then.",
            RuleSource {
                coach: "Anita Attridge",
                quote: "Ask the assistant when a good time would be to reach the manager. \
                        Develop a rapport with the hiring manager's assistant.",
            },
        ),
        RuleId::ChannelPreference => (
            "Never call an e-mail-only contact; contacts in the `email_first_industries` default \
             to e-mail; with `calls_allowed` off, every contact is e-mail only.",
            RuleSource {
                coach: "Eileen Wolkstein",
                quote: "E-mail is the only way to go with them. That's the way they live.",
            },
        ),
        RuleId::ShareCompetingOffer => (
            "While another opportunity is at offer, each interviewing or final opportunity gets \
             an information-sharing touch, due before the offer deadline minus \
             `lead_business_days`.",
            RuleSource {
                coach: "Roy Cohen",
                quote: "Instead of being aggressive, you should be providing information. Say, \
                        'I want to let you know where things stand for me.'",
            },
        ),
        RuleId::FollowUpAfterSilence => (
            "An interviewing or final opportunity with no pending promise gets a follow-up at \
             the opening of the business day `silence_days` after the last touch either way, \
             then again at the pace the caps allow.",
            RuleSource {
                coach: "Jane's husband, Eileen Wolkstein, Roy Cohen",
                quote: "Her husband had persuaded her to send an e-mail. \"I just wanted to get a \
                        sense of where things stand.\"",
            },
        ),
        RuleId::OfferCollaboration => (
            "With no competing offer, the follow-up on a silent final (or one whose promise \
             broke) offers to help move it forward: collaborative, not needy.",
            RuleSource {
                coach: "Roy Cohen",
                quote: "I was so excited by our conversations, I just wanted to get a sense of \
                        where things stand. If it's helpful, I could strategize about what we \
                        should do to move forward.",
            },
        ),
        RuleId::AccelerateSearch => (
            "While any opportunity is at final or offer, pipeline health says accelerate with \
             `weekly_applications` as the target; with fewer than `min_active` other open \
             opportunities, apply to more (high priority).",
            RuleSource {
                coach: "Eileen Wolkstein",
                quote: "I always tell people to accelerate their search when they think they're \
                        about to get an offer. You should never give up.",
            },
        ),
        RuleId::MoveOn => (
            "After `max_unanswered` follow-ups with no answer, or `stale_days` without hearing \
             from the employer, suggest marking the opportunity ghosted; never automatic, \
             nothing deleted.",
            RuleSource {
                coach: "Win Sheffield, Roy Cohen",
                quote: "Sometimes the hiring manager fails to call because he decided to hire a \
                        competing candidate or promote someone internally.",
            },
        ),
        RuleId::CloseOnRejection => (
            "A rejection_received ends every follow-up of the opportunity at once: confirm the \
             move to rejected, and, if you like, thank them and ask to be kept in mind for future \
             roles (for five business days, until a thank-you or follow-up e-mail is logged).",
            RuleSource {
                coach: "Eileen Wolkstein",
                quote: "You should never give up.",
            },
        ),
        RuleId::OfferEndgame => (
            "An offer_received proposes the move to offer; at offer, ask for the written terms \
             while any are missing, decide two and one business days before the deadline, and \
             ask the offering contact for more time while another employer at interviewing or \
             final has promised no decision by then.",
            RuleSource {
                coach: "Roy Cohen",
                quote: "You have to establish boundaries and make yourself desirable.",
            },
        ),
        RuleId::PrepareForInterview => (
            "An interview logged for a time still ahead is scheduled: the business day before \
             it, prepare (the process questions to ask at it, what you would accomplish in \
             your first six months for the influence letter after it). Until it has taken \
             place, no status follow-up, call, assistant question, wait or move-on is \
             proposed for that opportunity.",
            RuleSource {
                coach: "Win Sheffield, Anita Attridge",
                quote: "Before you get to the point of waiting for that final call, there are \
                        things you can do along the job search path to make it easier to handle \
                        the final stage, coaches suggest. Make sure to ask the interviewer where \
                        he is in the search process.",
            },
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::{RuleId, catalogue};

    #[test]
    fn catalogue_lists_every_rule_once_with_its_parameters() {
        let rules = catalogue();
        assert_eq!(rules.len(), RuleId::ALL.len());
        for (info, &id) in rules.iter().zip(RuleId::ALL) {
            assert_eq!(info.id, id);
            assert!(!info.description.is_empty() && !info.source.quote.is_empty());
        }
        let cap = &rules[RuleId::EmailWeeklyCap.index()];
        let names: Vec<_> = cap.parameters.iter().map(|p| p.name).collect();
        assert_eq!(names, ["max_emails", "period_days", "cap_scope"]);
        let json = serde_json::to_value(cap).unwrap();
        assert_eq!(json["id"], "email_weekly_cap");
        assert_eq!(
            json["parameters"][0],
            serde_json::json!({
                "name": "max_emails",
                "description": cap.parameters[0].description,
                "type": "integer", "min": 1, "max": 7, "default": 1
            })
        );
        let industries = &rules[RuleId::ChannelPreference.index()].parameters[0];
        assert_eq!(
            serde_json::to_value(&industries.default).unwrap(),
            serde_json::json!(["online media", "digital media", "tech startups"])
        );
    }
}
