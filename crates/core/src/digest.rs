//! The morning digest (docs/digest.md): when a seeker's e-mail of the day's
//! actions is due, until when it may still go out late, and which actions
//! it lists. Pure: the caller passes the seeker's calendar, the chosen
//! local time and `now`.
//!
//! The digest goes out on the seeker's business days (their business
//! hours' weekdays, minus their holidays) at the chosen local time, read
//! with the calendar's DST rules: a time that occurs twice is its first
//! occurrence, a time that does not exist lands as late as the gap is long.
//! It is a morning e-mail: the chosen time is before noon, and after
//! downtime a late digest is sent only while it is still morning (before
//! [`LATEST`]) in the seeker's zone.

use chrono::{DateTime, Days, NaiveDate, NaiveTime, Utc};

use crate::action::{ActionKind, NextAction};
use crate::calendar::BusinessCalendar;

/// The default local send time.
pub const DEFAULT_AT: NaiveTime = match NaiveTime::from_hms_opt(8, 0, 0) {
    Some(at) => at,
    None => NaiveTime::MIN,
};

/// Local noon: the chosen time must be before it, and a digest not sent by
/// then (the server was down) is not sent that day.
pub const LATEST: NaiveTime = match NaiveTime::from_hms_opt(12, 0, 0) {
    Some(at) => at,
    None => NaiveTime::MIN,
};

/// Why a send time is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SendTimeError {
    /// At or after noon.
    #[error("the digest is a morning e-mail: the time must be before 12:00")]
    NotMorning,
    /// Not on a whole minute.
    #[error("the time must be a whole minute (HH:MM)")]
    NotWholeMinute,
}

/// Checks a chosen local send time: a whole minute before noon.
pub fn check_send_time(at: NaiveTime) -> Result<(), SendTimeError> {
    use chrono::Timelike as _;
    if at.second() != 0 || at.nanosecond() != 0 {
        return Err(SendTimeError::NotWholeMinute);
    }
    if at >= LATEST {
        return Err(SendTimeError::NotMorning);
    }
    Ok(())
}

/// One day's digest: its local date, the instant it falls due, and the
/// instant after which it is no longer sent (local noon).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    /// The seeker's local date.
    pub date: NaiveDate,
    /// When it falls due: the chosen local time that day.
    pub send_at: DateTime<Utc>,
    /// Local noon that day: not sent at or after it.
    pub until: DateTime<Utc>,
}

/// The slot of `date`, if it is a business day of `calendar`.
fn slot_on(calendar: &BusinessCalendar, at: NaiveTime, date: NaiveDate) -> Option<Slot> {
    if !calendar.is_business_day(date) {
        return None;
    }
    let send_at = calendar.resolve(date.and_time(at))?;
    let until = calendar.resolve(date.and_time(LATEST))?;
    (send_at < until).then_some(Slot {
        date,
        send_at,
        until,
    })
}

/// The digest to send at `now`: today's (in the seeker's zone) when it has
/// fallen due and it is still morning; `None` otherwise.
pub fn due(calendar: &BusinessCalendar, at: NaiveTime, now: DateTime<Utc>) -> Option<Slot> {
    let slot = slot_on(calendar, at, calendar.local_date(now))?;
    (slot.send_at <= now && now < slot.until).then_some(slot)
}

/// The next digest that falls due after `now` (today's if it is still
/// ahead), looking at most two weeks ahead: `None` when no business day
/// comes in that time (a long holiday).
pub fn next(calendar: &BusinessCalendar, at: NaiveTime, now: DateTime<Utc>) -> Option<Slot> {
    let today = calendar.local_date(now);
    (0..15)
        .filter_map(|n| today.checked_add_days(Days::new(n)))
        .filter_map(|date| slot_on(calendar, at, date))
        .find(|slot| slot.send_at > now)
}

/// What a digest for `date` lists, in the agenda's order: the actions due
/// by the end of that local day (overdue ones included), except `wait`,
/// which asks for nothing.
pub fn actions_of_day<'a>(
    calendar: &BusinessCalendar,
    actions: &'a [NextAction],
    date: NaiveDate,
) -> Vec<&'a NextAction> {
    let end = date
        .checked_add_days(Days::new(1))
        .and_then(|next| calendar.resolve(next.and_time(NaiveTime::MIN)));
    actions
        .iter()
        .filter(|a| a.action != ActionKind::Wait)
        .filter(|a| end.is_none_or(|end| a.due_at < end))
        .collect()
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveTime, TimeZone as _, Utc};

    use super::*;
    use crate::action::Priority;
    use crate::calendar::BusinessCalendar;
    use crate::rules::RuleId;

    fn hm(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap_or(NaiveTime::MIN)
    }

    fn ny() -> BusinessCalendar {
        BusinessCalendar::new(chrono_tz::America::New_York)
    }

    #[test]
    fn a_send_time_is_a_whole_minute_before_noon() {
        assert_eq!(check_send_time(hm(8, 0)), Ok(()));
        assert_eq!(check_send_time(hm(11, 59)), Ok(()));
        assert_eq!(check_send_time(hm(12, 0)), Err(SendTimeError::NotMorning));
        assert_eq!(check_send_time(hm(18, 30)), Err(SendTimeError::NotMorning));
        let with_seconds = NaiveTime::from_hms_opt(8, 0, 5).unwrap_or(NaiveTime::MIN);
        assert_eq!(
            check_send_time(with_seconds),
            Err(SendTimeError::NotWholeMinute)
        );
    }

    #[test]
    fn eight_local_stays_eight_local_across_the_spring_change() {
        // New York moved from EST (UTC−5) to EDT (UTC−4) on Sunday 8 March 2026.
        let calendar = ny();
        let friday = Utc.with_ymd_and_hms(2026, 3, 6, 13, 0, 0).single();
        let monday = Utc.with_ymd_and_hms(2026, 3, 9, 12, 0, 0).single();
        let (Some(friday), Some(monday)) = (friday, monday) else {
            panic!("valid instants");
        };
        let second = chrono::Duration::seconds(1);
        assert_eq!(due(&calendar, hm(8, 0), friday - second), None);
        assert_eq!(
            due(&calendar, hm(8, 0), friday).map(|s| s.send_at),
            Some(friday)
        );
        // The weekend is not a business day.
        let next = next(&calendar, hm(8, 0), friday);
        assert_eq!(next.map(|s| s.send_at), Some(monday));
        assert_eq!(due(&calendar, hm(8, 0), monday - second), None);
        let slot = due(&calendar, hm(8, 0), monday);
        assert_eq!(slot.map(|s| s.date), NaiveDate::from_ymd_opt(2026, 3, 9));
        assert_eq!(
            slot.map(|s| s.until),
            Utc.with_ymd_and_hms(2026, 3, 9, 16, 0, 0).single()
        );
    }

    #[test]
    fn a_digest_missed_until_noon_is_not_sent_that_day() {
        let calendar = ny();
        // Tuesday 10 March 2026, EDT: 11:59 local is 15:59 UTC, noon 16:00.
        let late = Utc.with_ymd_and_hms(2026, 3, 10, 15, 59, 0).single();
        let noon = Utc.with_ymd_and_hms(2026, 3, 10, 16, 0, 0).single();
        let (Some(late), Some(noon)) = (late, noon) else {
            panic!("valid instants");
        };
        assert!(due(&calendar, hm(8, 0), late).is_some());
        assert_eq!(due(&calendar, hm(8, 0), noon), None);
        // Next: Wednesday's, not today's.
        assert_eq!(
            next(&calendar, hm(8, 0), noon).map(|s| s.date),
            NaiveDate::from_ymd_opt(2026, 3, 11)
        );
    }

    #[test]
    fn a_holiday_has_no_digest() {
        let mut calendar = ny();
        let Some(tuesday) = NaiveDate::from_ymd_opt(2026, 3, 10) else {
            panic!("valid date");
        };
        calendar.holidays.insert(tuesday);
        let at = Utc.with_ymd_and_hms(2026, 3, 10, 13, 0, 0).single();
        assert_eq!(at.and_then(|at| due(&calendar, hm(8, 0), at)), None);
    }

    fn action(kind: ActionKind, due_at: DateTime<Utc>) -> NextAction {
        NextAction {
            id: format!("{kind:?}{due_at}"),
            opportunity_id: None,
            contact_id: None,
            action: kind,
            channel: None,
            due_at,
            window_end: None,
            priority: Priority::Normal,
            rule: RuleId::AccelerateSearch,
            reason: String::new(),
            reason_code: crate::ReasonCode::FewOpen,
            args: crate::Args::new(),
            constraints: Vec::new(),
            draft: None,
            competing_opportunity_id: None,
            transition: None,
        }
    }

    #[test]
    fn the_day_lists_what_is_due_by_its_end_and_no_wait() {
        let calendar = ny();
        let Some(date) = NaiveDate::from_ymd_opt(2026, 3, 10) else {
            panic!("valid date");
        };
        let at = |d, h| Utc.with_ymd_and_hms(2026, 3, d, h, 0, 0).single();
        let (Some(overdue), Some(today), Some(late_today), Some(tomorrow)) =
            (at(6, 14), at(10, 14), at(11, 3), at(11, 14))
        else {
            panic!("valid instants");
        };
        let actions = vec![
            action(ActionKind::Call, overdue),
            action(ActionKind::SendFollowUpEmail, today),
            action(ActionKind::Wait, today),
            // 23:00 EDT on the 10th.
            action(ActionKind::ApplyMore, late_today),
            action(ActionKind::Call, tomorrow),
        ];
        let listed: Vec<_> = actions_of_day(&calendar, &actions, date)
            .into_iter()
            .map(|a| (a.action, a.due_at))
            .collect();
        assert_eq!(
            listed,
            vec![
                (ActionKind::Call, overdue),
                (ActionKind::SendFollowUpEmail, today),
                (ActionKind::ApplyMore, late_today),
            ]
        );
    }
}
