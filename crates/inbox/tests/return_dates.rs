//! The out-of-office date rules through the public API: the local day, the
//! contact's zone, year rollover, "inclusive" on a Friday, weekday plus day.

// Test helpers outside #[test] functions: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::NaiveDate;
use chrono_tz::Tz;
use followup_inbox::{Class, ReadOptions, Step, read};

fn back_on(date: &str, body: &str, tz: Option<Tz>) -> Option<NaiveDate> {
    let raw = format!(
        "From: Ann <ann@example.com>\r\nTo: jane.doe@example.net\r\nDate: {date}\r\n\
         Subject: Automatic reply: hello\r\nAuto-Submitted: auto-replied\r\n\r\n{body}\r\n"
    );
    let reading = read(raw.as_bytes(), &ReadOptions { contact_tz: tz }).unwrap();
    assert_eq!(reading.class(), Class::OutOfOffice);
    match reading.step {
        Step::OutOfOffice(o) => o.back_on,
        _ => None,
    }
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

#[test]
fn year_rolls_over_in_late_december() {
    let date = "Mon, 28 Dec 2009 09:00:00 -0500";
    assert_eq!(
        back_on(date, "I am back on Monday 4 January.", None),
        Some(d(2010, 1, 4))
    );
    assert_eq!(
        back_on(date, "Back on 29 December.", None),
        Some(d(2009, 12, 29))
    );
}

#[test]
fn inclusive_on_a_friday_means_monday() {
    let date = "Thu, 31 Dec 2009 08:00:00 +0000";
    assert_eq!(
        back_on(date, "Out until Friday 8 January inclusive.", None),
        Some(d(2010, 1, 11))
    );
    assert_eq!(
        back_on(date, "Out until Friday 8 January.", None),
        Some(d(2010, 1, 8))
    );
    // Until a Sunday: the next working day on or after it.
    assert_eq!(
        back_on(date, "Out until Sunday 10 January.", None),
        Some(d(2010, 1, 11))
    );
}

#[test]
fn weekday_and_day_only() {
    let date = "Tue, 29 Dec 2009 10:30:00 -0500";
    assert_eq!(
        back_on(date, "I'm away and back Tuesday the 5th.", None),
        Some(d(2010, 1, 5))
    );
}

#[test]
fn time_zone_far_from_utc_decides_the_day() {
    // 10:05 on 1 January in Auckland is still 31 December in UTC and in
    // Los Angeles. "The 31st" is 31 January for the sender, 31 December for
    // a reader who takes the day in another zone.
    let date = "Fri, 01 Jan 2010 10:05:00 +1300";
    let body = "I'm on leave and back at my desk on the 31st.";
    // 31 January 2010 is a Sunday: the next working day.
    assert_eq!(back_on(date, body, None), Some(d(2010, 2, 1)));
    assert_eq!(
        back_on(date, body, Some(chrono_tz::Pacific::Auckland)),
        Some(d(2010, 2, 1))
    );
    assert_eq!(
        back_on(date, body, Some(chrono_tz::America::Los_Angeles)),
        Some(d(2009, 12, 31))
    );
}

#[test]
fn windows_zone_names() {
    assert_eq!(
        followup_inbox::windows_zone("W. Europe Standard Time"),
        Some("Europe/Berlin")
    );
    assert_eq!(
        followup_inbox::windows_zone("Romance Standard Time"),
        Some("Europe/Paris")
    );
    assert_eq!(
        followup_inbox::windows_zone("AUS Eastern Standard Time"),
        Some("Australia/Sydney")
    );
    assert_eq!(followup_inbox::windows_zone("Nowhere Standard Time"), None);
}
