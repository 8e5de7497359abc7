use chrono::{DateTime, NaiveDate, Utc, Weekday};
use chrono_tz::Tz;

use super::*;
use crate::interaction::InteractionKind::{self, *};
use crate::stage::Stage::{self, *};

fn utc(rfc3339: &str) -> DateTime<Utc> {
    rfc3339.parse().unwrap()
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn change(id: &str, from: Option<Stage>, to: Stage, at: &str) -> StageEntry {
    StageEntry {
        opportunity_id: id.to_owned(),
        from,
        to,
        at: utc(at),
    }
}

fn touch(id: &str, kind: InteractionKind, at: &str) -> InteractionEntry {
    InteractionEntry {
        opportunity_id: id.to_owned(),
        contact_id: None,
        employer: String::new(),
        kind,
        at: utc(at),
        out_of_office: false,
    }
}

fn to_contact(id: &str, contact: &str, kind: InteractionKind, at: &str) -> InteractionEntry {
    InteractionEntry {
        contact_id: Some(contact.to_owned()),
        ..touch(id, kind, at)
    }
}

fn promise(id: &str, status: PromiseOutcome, due_at: &str) -> PromiseEntry {
    PromiseEntry {
        opportunity_id: id.to_owned(),
        status,
        due_at: utc(due_at),
    }
}

/// February 2027 in New York: Mon 1 Feb to Sun 28 Feb, four whole ISO weeks.
fn february() -> AnalyticsParams {
    AnalyticsParams {
        applications_target_per_week: 2,
        ..AnalyticsParams::new(
            DateRange {
                from: date(2027, 2, 1),
                to: date(2027, 2, 28),
            },
            Tz::America__New_York,
        )
    }
}

fn window() -> Window {
    let params = february();
    Window::new(params.range, params.tz, params.week_start).unwrap()
}

/// Stage changes (15:00Z = 10:00 New York unless said otherwise).
fn history() -> Vec<StageEntry> {
    vec![
        // o1: applied → screening → interviewing → final.
        change("o1", None, Applied, "2027-02-01T15:00:00Z"),
        change("o1", Some(Applied), Screening, "2027-02-05T15:00:00Z"),
        change("o1", Some(Screening), Interviewing, "2027-02-10T15:00:00Z"),
        change("o1", Some(Interviewing), Final, "2027-02-20T15:00:00Z"),
        // o2: applied → interviewing (screening skipped) → rejected.
        change("o2", None, Applied, "2027-02-02T15:00:00Z"),
        change("o2", Some(Applied), Interviewing, "2027-02-09T15:00:00Z"),
        change("o2", Some(Interviewing), Rejected, "2027-02-16T15:00:00Z"),
        // o3: a January prospect, applied in February, screened.
        change("o3", None, Prospect, "2027-01-20T15:00:00Z"),
        change("o3", Some(Prospect), Applied, "2027-02-03T15:00:00Z"),
        change("o3", Some(Applied), Screening, "2027-02-12T15:00:00Z"),
        // o4: logged already interviewing (not an application) → final →
        // offer → declined.
        change("o4", None, Interviewing, "2027-02-04T15:00:00Z"),
        change("o4", Some(Interviewing), Final, "2027-02-11T15:00:00Z"),
        change("o4", Some(Final), Offer, "2027-02-25T15:00:00Z"),
        change("o4", Some(Offer), Declined, "2027-02-27T15:00:00Z"),
        // o5: a prospect straight to interviews (an application), final,
        // then another round.
        change("o5", None, Prospect, "2027-01-25T15:00:00Z"),
        change("o5", Some(Prospect), Interviewing, "2027-02-15T15:00:00Z"),
        change("o5", Some(Interviewing), Final, "2027-02-22T15:00:00Z"),
        change("o5", Some(Final), Interviewing, "2027-02-24T15:00:00Z"),
        // o6: everything before February but the rejection.
        change("o6", None, Applied, "2027-01-10T15:00:00Z"),
        change("o6", Some(Applied), Screening, "2027-01-20T15:00:00Z"),
        change("o6", Some(Screening), Rejected, "2027-02-03T15:00:00Z"),
        // o8: applied.
        change("o8", None, Applied, "2027-02-08T15:00:00Z"),
        // o9: applied Sun 28 Feb 22:00 New York, already 1 Mar in UTC: inside.
        change("o9", None, Applied, "2027-03-01T03:00:00Z"),
        // o10: applied Sun 31 Jan 23:00 New York, 1 Feb in UTC: outside.
        change("o10", None, Applied, "2027-02-01T04:00:00Z"),
    ]
}

fn interactions() -> Vec<InteractionEntry> {
    vec![
        // o1: a wait of 2 d 12 h (the call attempt joins the same wait) …
        touch("o1", FollowUpEmail, "2027-02-02T15:00:00Z"),
        touch("o1", CallNoAnswer, "2027-02-03T15:00:00Z"),
        touch("o1", ReplyReceived, "2027-02-05T03:00:00Z"),
        touch("o1", Interview, "2027-02-10T15:00:00Z"),
        // … and one of 9 d 19 h; a note and an out-of-office reply change nothing.
        touch("o1", InfluenceLetter, "2027-02-10T20:00:00Z"),
        touch("o1", Note, "2027-02-11T20:00:00Z"),
        InteractionEntry {
            out_of_office: true,
            ..touch("o1", ReplyReceived, "2027-02-16T20:00:00Z")
        },
        touch("o1", Interview, "2027-02-20T15:00:00Z"),
        // o2: a wait started in January does not count; then 7 days.
        touch("o2", FollowUpEmail, "2027-01-30T15:00:00Z"),
        touch("o2", ReplyReceived, "2027-02-02T15:00:00Z"),
        touch("o2", ThankYou, "2027-02-09T15:00:00Z"),
        touch("o2", RejectionReceived, "2027-02-16T15:00:00Z"),
        // o4: two e-mails to one contact in a week, no answer.
        to_contact("o4", "c-4", FollowUpEmail, "2027-02-23T15:00:00Z"),
        to_contact("o4", "c-4", FollowUpEmail, "2027-02-26T15:00:00Z"),
        // o5: a wait that starts in February and is answered in March: 3 days.
        touch("o5", FollowUpEmail, "2027-02-27T15:00:00Z"),
        touch("o5", ReplyReceived, "2027-03-02T15:00:00Z"),
        // o8: a voicemail, never answered.
        touch("o8", VoicemailLeft, "2027-02-24T15:00:00Z"),
    ]
}

fn promises() -> Vec<PromiseEntry> {
    vec![
        promise("o1", PromiseOutcome::Kept, "2027-02-05T22:00:00Z"),
        promise("o2", PromiseOutcome::Broken, "2027-02-12T22:00:00Z"),
        promise("o4", PromiseOutcome::Kept, "2027-02-19T22:00:00Z"),
        promise("o3", PromiseOutcome::Cancelled, "2027-02-10T22:00:00Z"),
        // Sun 28 Feb 23:00 New York: inside.
        promise("o5", PromiseOutcome::Pending, "2027-03-01T04:00:00Z"),
        // Outside on both sides.
        promise("o5", PromiseOutcome::Pending, "2027-03-05T22:00:00Z"),
        promise("o8", PromiseOutcome::Broken, "2027-01-29T22:00:00Z"),
    ]
}

#[test]
fn funnel_by_hand() {
    // Furthest funnel stage reached in February: o1 final, o2 interviewing,
    // o3 screening, o4 offer (declined counts as offer), o5 final,
    // o8 applied, o9 applied; o6 and o10 nothing.
    // Reached: applied 7, screening 5, interviewing 4, final 3, offer 1,
    // accepted 0.
    let funnel = funnel(&history(), &window());
    let rows: Vec<_> = funnel
        .iter()
        .map(|f| (f.stage, f.reached, f.moved_on, f.conversion))
        .collect();
    assert_eq!(
        rows,
        [
            (Applied, 7, Some(5), Some(0.71)),      // 5/7 = 0.714
            (Screening, 5, Some(4), Some(0.8)),     // 4/5
            (Interviewing, 4, Some(3), Some(0.75)), // 3/4
            (Final, 3, Some(1), Some(0.33)),        // 1/3
            (Offer, 1, Some(0), Some(0.0)),         // 0/1
            (Accepted, 0, None, None),
        ]
    );
}

#[test]
fn response_times_by_hand() {
    let times = response_times(&interactions(), &window());
    // o1: 2.5 d and 9 d 19 h = 9.79 d → median (2.5 + 9.79) / 2 = 6.15 → 6.1.
    // o2: 7.0. o4: unanswered. o5: 3.0. o8: unanswered.
    let per: Vec<_> = times
        .per_opportunity
        .iter()
        .map(|r| {
            (
                r.opportunity_id.as_str(),
                r.median_days,
                r.answered,
                r.unanswered,
            )
        })
        .collect();
    assert_eq!(
        per,
        [
            ("o1", Some(6.1), 2, 0),
            ("o2", Some(7.0), 1, 0),
            ("o4", None, 0, 1),
            ("o5", Some(3.0), 1, 0),
            ("o8", None, 0, 1),
        ]
    );
    // All waits: 2.5, 3.0, 7.0, 9.79 → (3.0 + 7.0) / 2 = 5.0.
    assert_eq!(
        times.overall,
        ResponseSummary {
            median_days: Some(5.0),
            answered: 4,
            unanswered: 2,
        }
    );
}

#[test]
fn follow_ups_per_week_by_hand() {
    let weeks = follow_ups_per_week(&interactions(), &window(), 1, CapScope::Employer);
    let rows: Vec<_> = weeks
        .iter()
        .map(|w| (w.starts_on, w.partial, w.sent, w.emails, w.over_cap.clone()))
        .collect();
    assert_eq!(
        rows,
        [
            // o1's e-mail and call attempt (o2's January e-mail is outside).
            (date(2027, 2, 1), false, 2, 1, vec![]),
            (date(2027, 2, 8), false, 0, 0, vec![]),
            (date(2027, 2, 15), false, 0, 0, vec![]),
            // o4's two e-mails to c-4 break the cap; o5's one does not; o8's voicemail.
            (date(2027, 2, 22), false, 4, 3, vec!["o4".to_owned()]),
        ]
    );
    assert!(weeks.iter().all(|w| w.cap == 1));
    // With a cap of 2, nobody is over it.
    assert!(
        follow_ups_per_week(&interactions(), &window(), 2, CapScope::Employer)
            .iter()
            .all(|w| w.over_cap.is_empty())
    );
}

#[test]
fn the_cap_counts_the_employer_across_opportunities_unless_per_contact() {
    // One e-mail each about two roles at "Acme" (spelled two ways) in one
    // week: one too many for the employer, within the cap per contact.
    let at_acme = |id: &str, employer: &str, contact: &str, at: &str| InteractionEntry {
        employer: employer.to_owned(),
        ..to_contact(id, contact, FollowUpEmail, at)
    };
    let emails = [
        at_acme("a1", "Acme", "ann", "2027-02-22T15:00:00Z"),
        at_acme("a2", "ACME ", "kim", "2027-02-24T15:00:00Z"),
        at_acme("b1", "Beta", "bo", "2027-02-24T15:00:00Z"),
    ];
    let by_employer = follow_ups_per_week(&emails, &window(), 1, CapScope::Employer);
    assert_eq!(by_employer[3].over_cap, ["a1", "a2"]);
    let by_contact = follow_ups_per_week(&emails, &window(), 1, CapScope::Contact);
    assert!(by_contact.iter().all(|w| w.over_cap.is_empty()));
}

#[test]
fn applications_per_week_by_hand() {
    // Applications: o1 (1 Feb), o2 (2 Feb), o3 (prospect → applied, 3 Feb);
    // o8 (8 Feb); o5 (prospect → interviewing, 15 Feb); o9 (28 Feb local).
    // o4 was logged at interviewing and o10 is in January: not counted.
    let weeks = applications_per_week(&history(), &window(), 2);
    let rows: Vec<_> = weeks
        .iter()
        .map(|w| (w.starts_on, w.count, w.met))
        .collect();
    assert_eq!(
        rows,
        [
            (date(2027, 2, 1), 3, true),
            (date(2027, 2, 8), 1, false),
            (date(2027, 2, 15), 1, false),
            (date(2027, 2, 22), 1, false),
        ]
    );
}

#[test]
fn promises_kept_by_hand() {
    // In February: kept 2, broken 1, pending 1 (due Sun 28 Feb 23:00 local),
    // cancelled 1 → 2 / (2 + 1) = 0.67.
    let stats = promises_kept(&promises(), &window());
    assert_eq!(
        stats,
        PromiseStats {
            kept: 2,
            broken: 1,
            pending: 1,
            cancelled: 1,
            kept_share: Some(0.67),
        }
    );
    assert_eq!(promises_kept(&[], &window()).kept_share, None);
}

#[test]
fn everything_at_once_and_its_json() {
    let input = AnalyticsInput {
        history: history(),
        interactions: interactions(),
        promises: promises(),
    };
    let all = analytics(&input, &february()).unwrap();
    assert_eq!(all.funnel, funnel(&input.history, &window()));
    assert_eq!(all.applications[0].target, 2);
    assert_eq!(all.follow_ups[3].over_cap, ["o4"]);
    let json = serde_json::to_value(&all).unwrap();
    assert_eq!(json["range"]["from"], "2027-02-01");
    assert_eq!(json["funnel"][0]["stage"], "applied");
    assert_eq!(json["follow_ups"][0]["starts_on"], "2027-02-01");
    assert_eq!(json["applications"][0]["met"], true);
    assert_eq!(json["promises"]["kept_share"], 0.67);
    assert_eq!(json["response_times"]["overall"]["median_days"], 5.0);
}

#[test]
fn an_empty_pipeline_has_zeros_not_errors() {
    let all = analytics(&AnalyticsInput::default(), &february()).unwrap();
    assert!(
        all.funnel
            .iter()
            .all(|f| f.reached == 0 && f.conversion.is_none())
    );
    assert_eq!(all.response_times.overall.median_days, None);
    assert!(all.response_times.per_opportunity.is_empty());
    assert_eq!(all.follow_ups.len(), 4);
    assert!(all.applications.iter().all(|w| w.count == 0 && !w.met));
}

#[test]
fn weeks_may_start_on_sunday_and_be_partial() {
    // Wed 3 Feb to Tue 16 Feb, weeks from Sunday: 31 Jan, 7 Feb, 14 Feb.
    let range = DateRange {
        from: date(2027, 2, 3),
        to: date(2027, 2, 16),
    };
    let window = Window::new(range, Tz::America__New_York, Weekday::Sun).unwrap();
    let weeks: Vec<_> = window
        .weeks()
        .iter()
        .map(|w| (w.starts_on, w.ends_on, w.partial))
        .collect();
    assert_eq!(
        weeks,
        [
            (date(2027, 1, 31), date(2027, 2, 6), true),
            (date(2027, 2, 7), date(2027, 2, 13), false),
            (date(2027, 2, 14), date(2027, 2, 20), true),
        ]
    );
    // o3's application (Wed 3 Feb) is in the first week; o1's (1 Feb) is outside.
    let counts: Vec<u32> = applications_per_week(&history(), &window, 5)
        .iter()
        .map(|w| w.count)
        .collect();
    assert_eq!(counts, [1, 1, 1]);
}

#[test]
fn bad_ranges_are_refused() {
    let reversed = DateRange {
        from: date(2027, 2, 2),
        to: date(2027, 2, 1),
    };
    assert_eq!(
        Window::new(reversed, Tz::UTC, Weekday::Mon).unwrap_err(),
        AnalyticsError::Reversed {
            from: date(2027, 2, 2),
            to: date(2027, 2, 1)
        }
    );
    let long = DateRange {
        from: date(2020, 1, 1),
        to: date(2027, 1, 1),
    };
    let err = Window::new(long, Tz::UTC, Weekday::Mon).unwrap_err();
    assert!(matches!(err, AnalyticsError::TooLong { max: 1096, .. }));
    let one_day = DateRange {
        from: date(2027, 2, 1),
        to: date(2027, 2, 1),
    };
    assert_eq!(
        Window::new(one_day, Tz::UTC, Weekday::Mon)
            .unwrap()
            .weeks()
            .len(),
        1
    );
}

fn client(now: &str, last: Option<&str>, stages: &[Stage]) -> StallInput {
    StallInput {
        now: utc(now),
        last_activity: last.map(utc),
        stages: stages.to_vec(),
        promises_broken: 0,
        cap_breaches: 0,
    }
}

#[test]
fn jane_in_mid_january_is_stalled() {
    // Her e-mail went out on 11 Jan; the promised call never came; the final
    // is all she has.
    let input = StallInput {
        promises_broken: 1,
        ..client(
            "2010-01-15T17:00:00Z",
            Some("2010-01-11T15:00:00Z"),
            &[Final, Rejected],
        )
    };
    let stalled = stalled(&input, DEFAULT_INACTIVE_DAYS);
    assert!(stalled.value);
    assert_eq!(
        texts(&stalled.reasons),
        [
            "An employer broke a promise: follow up first thing the next business day.",
            "Nothing is open beside the opportunity at `final`: keep applying while the decision is pending.",
        ]
    );
}

#[test]
fn a_busy_pipeline_is_not_stalled() {
    let input = client(
        "2027-02-20T12:00:00Z",
        Some("2027-02-18T12:00:00Z"),
        &[Final, Applied, Interviewing],
    );
    assert_eq!(
        stalled(&input, DEFAULT_INACTIVE_DAYS),
        Stalled {
            value: false,
            reasons: vec![]
        }
    );
}

#[test]
fn inactivity_counts_whole_days_from_the_threshold_on() {
    let stages = [Applied, Interviewing];
    let exactly = client(
        "2027-02-15T12:00:00Z",
        Some("2027-02-01T12:00:00Z"),
        &stages,
    );
    assert_eq!(
        texts(&stalled(&exactly, 14).reasons),
        ["No activity in 14 days (the threshold is 14)."]
    );
    let almost = client(
        "2027-02-15T11:59:00Z",
        Some("2027-02-01T12:00:00Z"),
        &stages,
    );
    assert!(!stalled(&almost, 14).value);
    // 0 turns the check off.
    assert!(!stalled(&exactly, 0).value);
    assert!(stalled(&exactly, 7).value);
}

#[test]
fn every_reason_in_order() {
    let input = StallInput {
        promises_broken: 2,
        cap_breaches: 3,
        ..client(
            "2027-03-01T12:00:00Z",
            Some("2027-02-01T12:00:00Z"),
            &[Final, Final, Ghosted, Withdrawn],
        )
    };
    assert_eq!(
        texts(&stalled(&input, DEFAULT_INACTIVE_DAYS).reasons),
        [
            "No activity in 28 days (the threshold is 14).",
            "Employers broke 2 promises: follow up first thing the next business day.",
            "Nothing is open beside the 2 opportunities at `final`: keep applying while the decision is pending.",
            "Cadence caps were broken 3 times: more than that gets pesky.",
        ]
    );
    let once = StallInput {
        cap_breaches: 1,
        ..client("2027-03-01T12:00:00Z", None, &[Applied])
    };
    assert_eq!(
        texts(&stalled(&once, DEFAULT_INACTIVE_DAYS).reasons),
        ["A cadence cap was broken once: more than that gets pesky."]
    );
}

#[test]
fn a_client_with_no_data_is_not_stalled() {
    let input = client("2027-03-01T12:00:00Z", None, &[]);
    assert!(!stalled(&input, DEFAULT_INACTIVE_DAYS).value);
    // An offer beside the final is something else open.
    let with_offer = client("2027-03-01T12:00:00Z", None, &[Final, Offer]);
    assert!(!stalled(&with_offer, DEFAULT_INACTIVE_DAYS).value);
}

fn texts(reasons: &[super::StallReason]) -> Vec<&str> {
    reasons.iter().map(|r| r.reason.as_str()).collect()
}
