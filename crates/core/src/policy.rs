//! The write policies every entry point applies: what a coach may change in
//! a client's pipeline, how far in the future a recorded moment may lie, and
//! which opportunities count as open. Decided here once; the API asks.

use chrono::{DateTime, TimeDelta, Utc};

use crate::interaction::InteractionKind;
use crate::stage::Stage;

/// How far ahead of the server's clock a recorded moment (an interaction's
/// `occurred_at`, a promise's `made_at`, a transition's `occurred_at`) may
/// lie: clocks of phones and laptops drift, and "just now" from a device a
/// little ahead must not be refused.
pub const CLOCK_SKEW: TimeDelta = TimeDelta::minutes(5);

/// Whether `at`, said to have happened already, lies in the future as seen
/// at `now`, beyond the clock-skew allowance.
pub fn is_in_the_future(at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    at > now + CLOCK_SKEW
}

/// How far ahead of the server's clock a moment an app sends may lie and
/// still be taken as "just now": a phone's clock that runs fast. Such a
/// moment is recorded as the server's now, with a warning; further ahead
/// is refused.
pub const CLOCK_AHEAD: TimeDelta = TimeDelta::minutes(15);

/// `at` as it is recorded at `now`: a moment up to [`CLOCK_AHEAD`] in the
/// future becomes `now` (`Some(how far ahead)` says it did); any other is
/// kept as it is (and checked as before).
pub fn clamp_ahead(at: DateTime<Utc>, now: DateTime<Utc>) -> (DateTime<Utc>, Option<TimeDelta>) {
    if at > now && at <= now + CLOCK_AHEAD {
        (now, Some(at - now))
    } else {
        (at, None)
    }
}

/// How far ahead an interview may be scheduled: an `interview` logged for a
/// later time is a scheduled one (see the `prepare_for_interview` rule).
pub const SCHEDULE_AHEAD: TimeDelta = TimeDelta::days(400);

/// Whether an interaction of `kind` may be recorded for `at`, as seen at
/// `now`: the past (and the clock-skew allowance) for every kind, and up to
/// [`SCHEDULE_AHEAD`] for an `interview`, which is then scheduled.
pub fn may_record_at(kind: InteractionKind, at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    match kind {
        InteractionKind::Interview => at <= now + SCHEDULE_AHEAD,
        _ => !is_in_the_future(at, now),
    }
}

/// The open stages, in the order of the pipeline: the opportunities still in
/// play (see [`Stage::is_open`]).
pub fn open_stages() -> Vec<Stage> {
    Stage::ALL.iter().copied().filter(|s| s.is_open()).collect()
}

/// The stages whose opportunities the agenda reads: the open ones, and the
/// rejected ones, whose gracious close stays on the agenda for a few days
/// after the move to `rejected` (docs/cadence.md, "Decisive moments").
pub fn agenda_stages() -> Vec<Stage> {
    let mut stages = open_stages();
    stages.push(Stage::Rejected);
    stages
}

/// What a coach with a live grant may record in a client's pipeline: notes
/// only. Everything else that happened is the seeker's to say.
pub const fn coach_may_record(kind: InteractionKind) -> bool {
    matches!(kind, InteractionKind::Note)
}

/// The opportunity fields a coach with a live grant may change: the
/// playbook only (the cadence is the coach's advice; the facts are the
/// seeker's).
pub const COACH_OPPORTUNITY_FIELDS: &[&str] = &["playbook"];

/// Whether a coach may make a change that touches these opportunity fields.
pub fn coach_may_change_opportunity<'a>(mut fields: impl Iterator<Item = &'a str>) -> bool {
    fields.all(|field| COACH_OPPORTUNITY_FIELDS.contains(&field))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_moment_a_few_minutes_ahead_is_not_the_future() {
        let now = DateTime::parse_from_rfc3339("2026-03-02T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert!(!is_in_the_future(now, now));
        let ahead = now + TimeDelta::days(30);
        assert!(may_record_at(InteractionKind::Interview, ahead, now));
        assert!(!may_record_at(InteractionKind::Note, ahead, now));
        assert!(!may_record_at(
            InteractionKind::Interview,
            now + SCHEDULE_AHEAD + TimeDelta::minutes(1),
            now
        ));
        assert!(!is_in_the_future(now + TimeDelta::minutes(5), now));
        assert!(is_in_the_future(
            now + TimeDelta::minutes(5) + TimeDelta::seconds(1),
            now
        ));
    }

    #[test]
    fn the_agenda_reads_the_open_stages_and_rejections() {
        let stages = agenda_stages();
        assert!(stages.contains(&Stage::Rejected));
        assert!(open_stages().iter().all(|s| stages.contains(s)));
        assert_eq!(stages.len(), open_stages().len() + 1);
    }

    #[test]
    fn open_stages_are_prospect_through_offer() {
        assert_eq!(
            open_stages(),
            [
                Stage::Prospect,
                Stage::Applied,
                Stage::Screening,
                Stage::Interviewing,
                Stage::Final,
                Stage::Offer
            ]
        );
    }

    #[test]
    fn a_coach_records_notes_and_picks_playbooks_only() {
        for kind in InteractionKind::ALL {
            assert_eq!(
                coach_may_record(*kind),
                *kind == InteractionKind::Note,
                "{kind:?}"
            );
        }
        assert!(coach_may_change_opportunity(["playbook"].into_iter()));
        assert!(coach_may_change_opportunity(std::iter::empty()));
        assert!(!coach_may_change_opportunity(
            ["playbook", "notes"].into_iter()
        ));
        assert!(!coach_may_change_opportunity(["stage"].into_iter()));
    }

    #[test]
    fn a_fast_clock_up_to_fifteen_minutes_is_clamped_to_now() {
        use chrono::TimeZone as _;
        let Some(now) = Utc.with_ymd_and_hms(2026, 3, 9, 15, 0, 0).single() else {
            panic!("a valid instant");
        };
        let ahead = |m| now + TimeDelta::minutes(m);
        assert_eq!(
            clamp_ahead(ahead(10), now),
            (now, Some(TimeDelta::minutes(10)))
        );
        assert_eq!(
            clamp_ahead(ahead(15), now),
            (now, Some(TimeDelta::minutes(15)))
        );
        assert_eq!(clamp_ahead(ahead(16), now), (ahead(16), None));
        assert_eq!(clamp_ahead(ahead(-60), now), (ahead(-60), None));
        assert_eq!(clamp_ahead(now, now), (now, None));
    }
}
