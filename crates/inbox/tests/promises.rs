//! A reply's promise through the public API: what was promised
//! (`promise_what`) and by when (`promise_due`), per language, resolved from
//! the message's local date and time; the serde shape the API stores.

// Test helpers outside #[test] functions: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::NaiveDate;
use chrono_tz::Tz;
use followup_inbox::{Class, PromiseWhat, ReadOptions, Step, read};
use proptest::prelude::*;

/// What the reader makes of a reply: (promise_text, promise_what, promise_due).
type Promise = (Option<String>, Option<PromiseWhat>, Option<NaiveDate>);

fn promise_tz(date: &str, body: &str, tz: Option<Tz>) -> Promise {
    let raw = format!(
        "From: Ann Lee <ann.lee@northwindmedia.com>\r\nTo: jane.doe@example.net\r\n\
         Date: {date}\r\nSubject: Re: Next steps\r\nMessage-ID: <p@example.com>\r\n\
         MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\
         Content-Transfer-Encoding: 8bit\r\n\r\n{body}\r\n"
    );
    let reading = read(raw.as_bytes(), &ReadOptions { contact_tz: tz }).unwrap();
    assert_eq!(reading.class(), Class::Reply, "{body}");
    match reading.step {
        Step::Reply {
            promise_text,
            promise_what,
            promise_due,
        } => (promise_text, promise_what, promise_due),
        other => panic!("not a reply: {other:?}"),
    }
}

fn promise(date: &str, body: &str) -> Promise {
    promise_tz(date, body, None)
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// (what, due) of a promise that must be found.
fn what_due(date: &str, body: &str) -> (PromiseWhat, Option<NaiveDate>) {
    let (text, what, due) = promise(date, body);
    assert!(text.is_some(), "no promise in {body:?}");
    (what.unwrap(), due)
}

use PromiseWhat::{Call, Decision, Email};

// 2010: Friday 1 January, Wednesday 13, Friday 15, Saturday 16, Sunday 17,
// Friday 22, Friday 29 January. Friday 18 December 2009.
const WED_13: &str = "Wed, 13 Jan 2010 10:20:00 -0500";
const FRI_15_MORNING: &str = "Fri, 15 Jan 2010 09:30:00 -0500";
const FRI_15_NOON: &str = "Fri, 15 Jan 2010 12:00:00 -0500";
const FRI_15_EVENING: &str = "Fri, 15 Jan 2010 17:45:00 -0500";
const SAT_16: &str = "Sat, 16 Jan 2010 10:00:00 -0500";
const SUN_17: &str = "Sun, 17 Jan 2010 10:00:00 -0500";
const DEC_18: &str = "Fri, 18 Dec 2009 16:42:00 -0500";
const DEC_21: &str = "Mon, 21 Dec 2009 09:00:00 -0500";

#[test]
fn english_weekday_morning_evening_and_weekend() {
    let body = "Thanks for your time. We will get back to you by Friday.";
    assert_eq!(what_due(WED_13, body), (Email, Some(d(2010, 1, 15))));
    // Said on Friday morning: that Friday; at noon still that day; in the
    // evening: the next Friday.
    assert_eq!(what_due(FRI_15_MORNING, body).1, Some(d(2010, 1, 15)));
    assert_eq!(what_due(FRI_15_NOON, body).1, Some(d(2010, 1, 15)));
    assert_eq!(
        what_due("Fri, 15 Jan 2010 12:01:00 -0500", body).1,
        Some(d(2010, 1, 22))
    );
    assert_eq!(what_due(FRI_15_EVENING, body).1, Some(d(2010, 1, 22)));
    // From a Saturday: the next Friday.
    assert_eq!(what_due(SAT_16, body).1, Some(d(2010, 1, 22)));
    // Another weekday, said on that day in the afternoon: a week later.
    assert_eq!(
        what_due(
            "Wed, 13 Jan 2010 15:00:00 -0500",
            "We'll have an update for you by Wednesday."
        )
        .1,
        Some(d(2010, 1, 20))
    );
    // "next Friday" is never the day it is said.
    assert_eq!(
        what_due(FRI_15_MORNING, "I'll call you next Friday.").1,
        Some(d(2010, 1, 22))
    );
    assert_eq!(
        what_due(WED_13, "I'll call you next Friday."),
        (Call, Some(d(2010, 1, 15)))
    );
    // A clock time after the weekday is not a day of the month.
    assert_eq!(
        what_due(WED_13, "I'll call you on Friday at 10 am."),
        (Call, Some(d(2010, 1, 15)))
    );
    assert_eq!(
        what_due(WED_13, "We will decide on Monday the 18th."),
        (Decision, Some(d(2010, 1, 18)))
    );
}

#[test]
fn english_relative_times() {
    assert_eq!(
        what_due(WED_13, "I'll give you a ring tomorrow."),
        (Call, Some(d(2010, 1, 14)))
    );
    assert_eq!(
        what_due(WED_13, "We'll make a decision by the end of the week."),
        (Decision, Some(d(2010, 1, 15)))
    );
    // End of the week from a weekend: the next Friday.
    assert_eq!(
        what_due(
            SAT_16,
            "We'll make a final decision by the end of the week."
        )
        .1,
        Some(d(2010, 1, 22))
    );
    assert_eq!(
        what_due(SUN_17, "I'll get back to you this week.").1,
        Some(d(2010, 1, 22))
    );
    assert_eq!(
        what_due(WED_13, "You'll hear from us next week."),
        (Email, Some(d(2010, 1, 22)))
    );
    assert_eq!(
        what_due(SAT_16, "You'll hear from us next week.").1,
        Some(d(2010, 1, 22))
    );
    assert_eq!(
        what_due(
            WED_13,
            "I expect to have an answer for you by the end of next week."
        ),
        (Email, Some(d(2010, 1, 22)))
    );
    // Counted spans; business days skip the weekend.
    let thu = "Thu, 14 Jan 2010 11:00:00 -0500";
    assert_eq!(
        what_due(thu, "We will get back to you within 5 business days.").1,
        Some(d(2010, 1, 21))
    );
    assert_eq!(
        what_due(thu, "We will get back to you within 3 days.").1,
        Some(d(2010, 1, 17))
    );
    assert_eq!(
        what_due(WED_13, "We'll be in touch in two weeks.").1,
        Some(d(2010, 1, 27))
    );
    // A time with no day: the promise stands, its day is for the seeker.
    assert_eq!(
        what_due(WED_13, "We will get back to you in the next few days."),
        (Email, None)
    );
}

#[test]
fn english_dates_and_year_rollover() {
    let body = "We will get back to you by January 15.";
    // Said in December: the next year's.
    assert_eq!(what_due(DEC_21, body), (Email, Some(d(2010, 1, 15))));
    assert_eq!(what_due(WED_13, body).1, Some(d(2010, 1, 15)));
    // Said on the day after: the first such date on or after it.
    assert_eq!(what_due(SAT_16, body).1, Some(d(2011, 1, 15)));
    assert_eq!(
        what_due(WED_13, "We'll get back to you by the 20th.").1,
        Some(d(2010, 1, 20))
    );
    // A year behind the message: no day, never a date before it.
    assert_eq!(
        what_due(WED_13, "We'll get back to you by January 15, 2009.").1,
        None
    );
}

#[test]
fn after_new_year() {
    // The worked example: said on Friday 18 December 2009, the Friday of
    // the first full week of January 2010.
    assert_eq!(
        what_due(
            DEC_18,
            "I'll give you a call after New Year's to talk about next steps."
        ),
        (Call, Some(d(2010, 1, 8)))
    );
    assert_eq!(
        what_due(DEC_18, "We'll be in touch after the holidays."),
        (Email, Some(d(2010, 1, 8)))
    );
    // Said in early January: the same Friday.
    assert_eq!(
        what_due(
            "Tue, 05 Jan 2010 09:00:00 -0500",
            "I'll call you after the New Year."
        )
        .1,
        Some(d(2010, 1, 8))
    );
    // Said in July, "the holidays" are other holidays: no day.
    assert_eq!(
        what_due(
            "Wed, 14 Jul 2010 09:00:00 -0400",
            "We'll be in touch after the holidays."
        ),
        (Email, None)
    );
}

#[test]
fn english_absence_is_not_a_promise() {
    let (text, what, due) = promise(WED_13, "I will be away next week.");
    assert_eq!((text, what, due), (None, None, None));
    let (text, _, _) = promise(WED_13, "I'll be out of the office next week.");
    assert_eq!(text, None);
    // A promise after the absence still counts.
    let (text, what, due) = promise(
        WED_13,
        "I'll be on vacation next week. I will get back to you by Friday.",
    );
    assert_eq!(text.as_deref(), Some("I will get back to you by Friday"));
    assert_eq!((what, due), (Some(Email), Some(d(2010, 1, 15))));
    // "Right away" is no absence.
    let (text, _, due) = promise(
        WED_13,
        "I'll get back to you right away, by Friday at the latest.",
    );
    assert!(text.is_some());
    assert_eq!(due, Some(d(2010, 1, 15)));
    // An absence before the wording does not undo it (fixture 46).
    let (text, what, _) = promise(
        DEC_18,
        "Our VP is away until the new year, so I'll give you a call after New Year's.",
    );
    assert_eq!(
        text.as_deref(),
        Some("I'll give you a call after New Year's")
    );
    assert_eq!(what, Some(Call));
}

#[test]
fn no_promise_no_fields() {
    assert_eq!(
        promise(WED_13, "Thanks, we'll get back to you."),
        (None, None, None)
    );
    assert_eq!(
        promise(WED_13, "Could you send me your references by Wednesday?"),
        (None, None, None)
    );
}

#[test]
fn german() {
    let wed = "Wed, 13 Jan 2010 11:20:00 +0100";
    assert_eq!(
        what_due(wed, "Wir melden uns bis Freitag bei Ihnen."),
        (Email, Some(d(2010, 1, 15)))
    );
    assert_eq!(
        what_due(
            "Fri, 15 Jan 2010 16:00:00 +0100",
            "Wir melden uns bis Freitag bei Ihnen."
        )
        .1,
        Some(d(2010, 1, 22))
    );
    assert_eq!(
        what_due(wed, "Sie hören nächste Woche von uns."),
        (Email, Some(d(2010, 1, 22)))
    );
    assert_eq!(
        what_due(wed, "Wir rufen Sie morgen an."),
        (Call, Some(d(2010, 1, 14)))
    );
    assert_eq!(
        what_due(wed, "Ich melde mich telefonisch bis Ende der Woche."),
        (Call, Some(d(2010, 1, 15)))
    );
    assert_eq!(
        what_due(
            wed,
            "Wir werden bis Ende der Woche eine Entscheidung treffen."
        ),
        (Decision, Some(d(2010, 1, 15)))
    );
    assert_eq!(
        what_due(wed, "Wir melden uns am Freitag nächster Woche."),
        (Email, Some(d(2010, 1, 22)))
    );
    assert_eq!(
        what_due(
            "Thu, 14 Jan 2010 09:00:00 +0100",
            "Wir melden uns innerhalb von 5 Werktagen."
        )
        .1,
        Some(d(2010, 1, 21))
    );
    // Year rollover and New Year.
    assert_eq!(
        what_due(
            "Mon, 21 Dec 2009 09:00:00 +0100",
            "Wir werden Ihnen bis zum 15. Januar Bescheid geben."
        ),
        (Email, Some(d(2010, 1, 15)))
    );
    assert_eq!(
        what_due(
            "Fri, 18 Dec 2009 10:00:00 +0100",
            "Wir melden uns nach Neujahr bei Ihnen."
        )
        .1,
        Some(d(2010, 1, 8))
    );
    // Not promises.
    assert_eq!(
        promise(wed, "Ich werde nächste Woche im Urlaub sein."),
        (None, None, None)
    );
}

#[test]
fn french() {
    let mon = "Mon, 18 Jan 2010 08:05:00 -0500";
    assert_eq!(
        what_due(mon, "Nous reviendrons vers vous d'ici vendredi."),
        (Email, Some(d(2010, 1, 22)))
    );
    assert_eq!(
        what_due(
            mon,
            "Nous reviendrons vers vous d\u{2019}ici le vendredi 22 janvier au plus tard."
        ),
        (Email, Some(d(2010, 1, 22)))
    );
    assert_eq!(
        what_due(mon, "Je vous appellerai demain."),
        (Call, Some(d(2010, 1, 19)))
    );
    assert_eq!(
        what_due(
            mon,
            "Nous vous ferons part de notre décision d'ici la fin de la semaine."
        ),
        (Decision, Some(d(2010, 1, 22)))
    );
    assert_eq!(
        what_due(mon, "Vous aurez de nos nouvelles la semaine prochaine."),
        (Email, Some(d(2010, 1, 29)))
    );
    assert_eq!(
        what_due(
            mon,
            "Nous reviendrons vers vous d'ici la fin de la semaine prochaine."
        )
        .1,
        Some(d(2010, 1, 29))
    );
    // "lundi prochain" said on a Monday: the next one.
    assert_eq!(
        what_due(mon, "Je vous appellerai lundi prochain."),
        (Call, Some(d(2010, 1, 25)))
    );
    assert_eq!(
        what_due(mon, "Nous vous répondrons sous 3 jours ouvrés.").1,
        Some(d(2010, 1, 21))
    );
    assert_eq!(
        what_due(
            "Fri, 18 Dec 2009 10:00:00 +0100",
            "Nous reviendrons vers vous après le Nouvel An."
        )
        .1,
        Some(d(2010, 1, 8))
    );
    assert_eq!(
        what_due(
            "Mon, 21 Dec 2009 10:00:00 +0100",
            "Nous vous tiendrons informée avant le 15 janvier."
        )
        .1,
        Some(d(2010, 1, 15))
    );
}

#[test]
fn spanish() {
    let wed = "Wed, 20 Jan 2010 13:15:00 +0100";
    assert_eq!(
        what_due(wed, "Le responderemos antes del viernes."),
        (Email, Some(d(2010, 1, 22)))
    );
    assert_eq!(
        what_due(
            "Fri, 22 Jan 2010 17:00:00 +0100",
            "Le responderemos antes del viernes."
        )
        .1,
        Some(d(2010, 1, 29))
    );
    assert_eq!(
        what_due(
            "Fri, 22 Jan 2010 09:00:00 +0100",
            "Le responderemos antes del viernes."
        )
        .1,
        Some(d(2010, 1, 22))
    );
    assert_eq!(
        what_due(
            wed,
            "Nos pondremos en contacto con usted la próxima semana."
        ),
        (Email, Some(d(2010, 1, 29)))
    );
    assert_eq!(
        what_due(wed, "Le llamaremos mañana."),
        (Call, Some(d(2010, 1, 21)))
    );
    assert_eq!(
        what_due(wed, "Tendrá noticias nuestras a finales de semana.").1,
        Some(d(2010, 1, 22))
    );
    assert_eq!(
        what_due(
            "Mon, 21 Dec 2009 10:00:00 +0100",
            "Le comunicaremos nuestra decisión antes del 9 de enero."
        ),
        (Decision, Some(d(2010, 1, 9)))
    );
    assert_eq!(
        what_due(
            "Fri, 18 Dec 2009 10:00:00 +0100",
            "Nos pondremos en contacto con usted después de Año Nuevo."
        )
        .1,
        Some(d(2010, 1, 8))
    );
}

#[test]
fn japanese() {
    let fri_evening = "Fri, 22 Jan 2010 18:30:00 +0900";
    let fri_morning = "Fri, 22 Jan 2010 09:30:00 +0900";
    assert_eq!(
        what_due(fri_evening, "来週までにご連絡します。"),
        (Email, Some(d(2010, 1, 29)))
    );
    assert_eq!(
        what_due(fri_evening, "金曜日までにご連絡いたします。").1,
        Some(d(2010, 1, 29))
    );
    assert_eq!(
        what_due(fri_morning, "金曜日までにご連絡いたします。").1,
        Some(d(2010, 1, 22))
    );
    assert_eq!(
        what_due(fri_evening, "明日までにお電話いたします。"),
        (Call, Some(d(2010, 1, 23)))
    );
    assert_eq!(
        what_due(
            "Mon, 21 Dec 2009 10:00:00 +0900",
            "1月15日までに結論をお伝えします。"
        ),
        (Decision, Some(d(2010, 1, 15)))
    );
    // Without までに: a time and a polite promise of news.
    let (text, what, due) = promise(
        "Fri, 18 Dec 2009 10:00:00 +0900",
        "本日はありがとうございました。年明けにご連絡いたします。",
    );
    assert_eq!(text.as_deref(), Some("年明けにご連絡いたします"));
    assert_eq!((what, due), (Some(Email), Some(d(2010, 1, 8))));
    let (text, _, due) = promise(
        "Wed, 20 Jan 2010 10:00:00 +0900",
        "選考結果は今週中にご連絡させていただきます。",
    );
    assert!(text.is_some());
    assert_eq!(due, Some(d(2010, 1, 22)));
    // A request is not a promise; a promise after it still is.
    let (text, _, due) = promise(
        fri_morning,
        "書類は金曜日までにご返信ください。結果は来週までにご連絡いたします。",
    );
    assert_eq!(text.as_deref(), Some("結果は来週までにご連絡いたします"));
    assert_eq!(due, Some(d(2010, 1, 29)));
    assert_eq!(
        promise(fri_morning, "金曜日までにご返信ください。"),
        (None, None, None)
    );
    assert_eq!(
        promise(fri_morning, "来週、ご連絡いただけますでしょうか。"),
        (None, None, None)
    );
}

#[test]
fn the_contact_zone_decides_the_day() {
    // 03:00 on Friday in Tokyo is still Thursday evening in London.
    let date = "Fri, 15 Jan 2010 03:00:00 +0900";
    let body = "I'll call you tomorrow.";
    assert_eq!(promise(date, body).2, Some(d(2010, 1, 16)));
    assert_eq!(
        promise_tz(date, body, Some(chrono_tz::Europe::London)).2,
        Some(d(2010, 1, 15))
    );
    // 19:00 on Friday in UTC is 11:00 in Los Angeles: Friday morning there.
    let date = "Fri, 15 Jan 2010 19:00:00 +0000";
    let body = "We will get back to you by Friday.";
    assert_eq!(promise(date, body).2, Some(d(2010, 1, 22)));
    assert_eq!(
        promise_tz(date, body, Some(chrono_tz::America::Los_Angeles)).2,
        Some(d(2010, 1, 15))
    );
}

#[test]
fn serde_shape_and_older_steps() {
    let step = Step::Reply {
        promise_text: Some("I’ll give you a call after New Year’s".to_owned()),
        promise_what: Some(Call),
        promise_due: Some(d(2010, 1, 8)),
    };
    let json = serde_json::to_value(&step).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "class": "reply",
            "promise_text": "I’ll give you a call after New Year’s",
            "promise_what": "call",
            "promise_due": "2010-01-08",
        })
    );
    assert_eq!(serde_json::from_value::<Step>(json).unwrap(), step);
    let none = serde_json::to_value(Step::Reply {
        promise_text: None,
        promise_what: None,
        promise_due: None,
    })
    .unwrap();
    assert_eq!(
        none,
        serde_json::json!({"class": "reply", "promise_text": null, "promise_what": null, "promise_due": null})
    );
    // A step stored before the fields existed.
    let old: Step =
        serde_json::from_str(r#"{"class":"reply","promise_text":"expect news by Friday"}"#)
            .unwrap();
    assert_eq!(
        old,
        Step::Reply {
            promise_text: Some("expect news by Friday".to_owned()),
            promise_what: None,
            promise_due: None,
        }
    );
    for (what, wire) in [(Call, "call"), (Email, "email"), (Decision, "decision")] {
        assert_eq!(what.as_str(), wire);
        assert_eq!(serde_json::to_value(what).unwrap(), wire);
    }
}

const TIMES: &[&str] = &[
    "by Friday",
    "by next Friday",
    "tomorrow",
    "by the end of the week",
    "next week",
    "by the end of next week",
    "within 5 business days",
    "in 3 weeks",
    "by January 15",
    "by the 31st",
    "by February 29",
    "after New Year's",
    "after the holidays",
    "by the end of the month",
    "on Monday the 18th",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, failure_persistence: None, .. ProptestConfig::default() })]

    /// Any time on any day, in any zone: no panic, and never a day before
    /// the message's local date.
    #[test]
    fn the_due_day_is_never_before_the_message(
        time in prop::sample::select(TIMES),
        days in 0i64..(200 * 366),
        minutes in 0u32..(24 * 60),
        offset in -12i32..14,
    ) {
        let day = NaiveDate::from_ymd_opt(1901, 1, 1).unwrap() + chrono::Duration::days(days);
        let sign = if offset < 0 { '-' } else { '+' };
        let date = format!(
            "{}, {} {:02}:{:02}:00 {sign}{:02}00",
            day.format("%a"),
            day.format("%d %b %Y"),
            minutes / 60,
            minutes % 60,
            offset.abs(),
        );
        let (text, what, due) = promise(&date, &format!("We will get back to you {time}."));
        prop_assert!(text.is_some(), "{date}: {time}");
        prop_assert_eq!(what, Some(Email));
        if let Some(due) = due {
            prop_assert!(due >= day, "{date}: {time} -> {due}");
        }
    }
}

#[test]
fn long_bodies_without_stops_stay_bounded() {
    // Up to the 64 KiB the rules read, without a full stop anywhere: the
    // promise rules look a bounded distance either way.
    for body in [
        "来週ご連絡".repeat(4000),
        "we will in 3 days in ".repeat(3000),
        "We will get back to you by the 1st and ".repeat(1500),
        "1月1日2月2日".repeat(3000),
        "Wir melden uns in 3 Werktagen und ".repeat(2000),
    ] {
        let started = std::time::Instant::now();
        let _ = promise(WED_13, &body);
        assert!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "{:?} for {}…",
            started.elapsed(),
            body.chars().take(30).collect::<String>()
        );
    }
}
