//! What a promise is about (a call, an e-mail, a decision) and the day it is
//! due, read from the time that made it a promise ("by Friday", "bis Ende
//! nächster Woche", "d'ici le vendredi 22 janvier", "la próxima semana",
//! "1月29日までに"), relative to the message's local date and time.
//!
//! The rules (`docs/inbox.md`, "Reply"):
//!
//! - a weekday is the next such day on or after the message's date, or
//!   strictly after it when the message was sent on that weekday after
//!   12:00 local ("by Friday" on Friday morning is that day, on Friday
//!   evening the next Friday); "next Friday", "vendredi prochain", "el
//!   próximo viernes" are always strictly after; "Friday next week" is the
//!   Friday of the next week;
//! - today, tomorrow and the day after;
//! - "end of the week", "this week": the Friday of the message's week (the
//!   next Friday from a Saturday or Sunday); "next week", "end of next week":
//!   the Friday of the next week;
//! - "within N days", "in N weeks", "within N business days" (Saturdays and
//!   Sundays skipped);
//! - an explicit date: that date, in the first year that puts it on or after
//!   the message's date;
//! - "end of the month", "end of January": that month's last day;
//! - "after New Year's", "after the holidays": the Friday of the first
//!   Monday-to-Friday week after 1 January, when said from November to that
//!   day;
//! - anything else (vague, "next month", "after Christmas"): no day.
//!
//! Never a day before the message's date. Every step is checked arithmetic:
//! a hostile date gives no day, never a panic.

use std::sync::LazyLock;

use chrono::{Datelike, Days, NaiveDate, NaiveDateTime, NaiveTime, Weekday};

use crate::PromiseWhat;
use crate::dates::{PartialDate, Tok, month_named, parse_date, resolve, tokens, weekday_named};
use crate::promise::fold;

// --------------------------------------------------------------------- what

/// Word pairs (and longer runs) that say the promise is a phone call.
const CALL_PHRASES: &[&str] = &[
    "call you",
    "calling you",
    "a call",
    "call back",
    "ll call",
    "will call",
    "shall call",
    "ring you",
    "give you a ring",
    "phone you",
    "phone call",
    "by phone",
    "on the phone",
    "over the phone",
    "rufe sie",
    "rufen sie",
    "rufe dich",
    "rufen dich",
    "rufe ich sie",
    "rufen wir sie",
    "coup de fil",
];
/// Words that are a phone call on their own.
const CALL_WORDS: &[&str] = &[
    "anrufen",
    "anruf",
    "angerufen",
    "zurückrufen",
    "zurückgerufen",
    "rückruf",
];
/// Word beginnings of a phone call (after folding).
const CALL_PREFIXES: &[&str] = &[
    "telefon", "telephon", "appel", "rappeler", "rappell", "rappelle", "llam",
];
/// Word beginnings of a decision (after folding).
const DECISION_PREFIXES: &[&str] = &["decid", "decis", "entscheid"];

/// What the promise in `text` (lower case) is: a call when it is to phone,
/// a decision when it is about one, else an e-mail (getting back, hearing
/// from, being in touch, feedback).
pub(crate) fn what(text: &str) -> PromiseWhat {
    if text.contains("電話") {
        return PromiseWhat::Call;
    }
    let words: Vec<String> = tokens(text)
        .into_iter()
        .filter_map(|(t, _, _)| match t {
            Tok::Word(w) => Some(fold(&w)),
            _ => None,
        })
        .collect();
    let has_phrase = |phrase: &str| {
        let want: Vec<String> = phrase.split(' ').map(fold).collect();
        !want.is_empty() && words.windows(want.len()).any(|w| w == want.as_slice())
    };
    let starts = |prefixes: &[&str]| {
        words
            .iter()
            .any(|w| prefixes.iter().any(|p| w.starts_with(&fold(p))))
    };
    let call = CALL_PHRASES.iter().any(|p| has_phrase(p))
        || CALL_WORDS.iter().any(|c| words.contains(&fold(c)))
        || starts(CALL_PREFIXES);
    if call {
        return PromiseWhat::Call;
    }
    if starts(DECISION_PREFIXES) || text.contains("結論") || text.contains("決定") {
        return PromiseWhat::Decision;
    }
    PromiseWhat::Email
}

// ---------------------------------------------------------------------- due

/// How a counted span is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit {
    Days,
    BusinessDays,
    Weeks,
}

/// What a time phrase means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rule {
    /// This many days after the message's date.
    Days(u64),
    /// `#` units after the message's date.
    Count(Unit),
    /// The Friday of the message's week (the next one from a weekend).
    EndOfWeek,
    /// The Friday of the next week.
    NextWeek,
    /// The last day of the message's month.
    EndOfMonth,
    /// The last day of the month named at `%`.
    MonthEnd,
    /// The Friday of the first full week of January.
    NewYear,
    /// A time with no day to give ("next month", "after Christmas").
    Unresolved,
}

/// Time phrases, written as in the text (compared folded: no accents,
/// apostrophes and hyphens ignored). `#` is a number (digits or a word),
/// `%` a month name. At one position the longest phrase wins ("fin de la
/// semaine prochaine" over "fin de la semaine").
const PHRASES: &[(&str, Rule)] = &[
    // Today, tomorrow, the day after.
    ("today", Rule::Days(0)),
    ("later today", Rule::Days(0)),
    ("end of the day", Rule::Days(0)),
    ("end of today", Rule::Days(0)),
    ("heute", Rule::Days(0)),
    ("noch heute", Rule::Days(0)),
    ("laufe des tages", Rule::Days(0)),
    ("aujourd'hui", Rule::Days(0)),
    ("ce soir", Rule::Days(0)),
    ("dans la journée", Rule::Days(0)),
    ("fin de journée", Rule::Days(0)),
    ("hoy", Rule::Days(0)),
    ("hoy mismo", Rule::Days(0)),
    ("tomorrow", Rule::Days(1)),
    ("day after tomorrow", Rule::Days(2)),
    ("morgen", Rule::Days(1)),
    ("übermorgen", Rule::Days(2)),
    ("demain", Rule::Days(1)),
    ("après-demain", Rule::Days(2)),
    ("mañana", Rule::Days(1)),
    ("pasado mañana", Rule::Days(2)),
    // Counted spans.
    ("# day", Rule::Count(Unit::Days)),
    ("# days", Rule::Count(Unit::Days)),
    ("# calendar days", Rule::Count(Unit::Days)),
    ("# tag", Rule::Count(Unit::Days)),
    ("# tage", Rule::Count(Unit::Days)),
    ("# tagen", Rule::Count(Unit::Days)),
    ("# jour", Rule::Count(Unit::Days)),
    ("# jours", Rule::Count(Unit::Days)),
    ("# día", Rule::Count(Unit::Days)),
    ("# días", Rule::Count(Unit::Days)),
    ("# business day", Rule::Count(Unit::BusinessDays)),
    ("# business days", Rule::Count(Unit::BusinessDays)),
    ("# working day", Rule::Count(Unit::BusinessDays)),
    ("# working days", Rule::Count(Unit::BusinessDays)),
    ("# werktag", Rule::Count(Unit::BusinessDays)),
    ("# werktage", Rule::Count(Unit::BusinessDays)),
    ("# werktagen", Rule::Count(Unit::BusinessDays)),
    ("# arbeitstag", Rule::Count(Unit::BusinessDays)),
    ("# arbeitstage", Rule::Count(Unit::BusinessDays)),
    ("# arbeitstagen", Rule::Count(Unit::BusinessDays)),
    ("# jour ouvré", Rule::Count(Unit::BusinessDays)),
    ("# jours ouvrés", Rule::Count(Unit::BusinessDays)),
    ("# jour ouvrable", Rule::Count(Unit::BusinessDays)),
    ("# jours ouvrables", Rule::Count(Unit::BusinessDays)),
    ("# día hábil", Rule::Count(Unit::BusinessDays)),
    ("# días hábiles", Rule::Count(Unit::BusinessDays)),
    ("# día laborable", Rule::Count(Unit::BusinessDays)),
    ("# días laborables", Rule::Count(Unit::BusinessDays)),
    ("# week", Rule::Count(Unit::Weeks)),
    ("# weeks", Rule::Count(Unit::Weeks)),
    ("# woche", Rule::Count(Unit::Weeks)),
    ("# wochen", Rule::Count(Unit::Weeks)),
    ("# semaine", Rule::Count(Unit::Weeks)),
    ("# semaines", Rule::Count(Unit::Weeks)),
    ("# semana", Rule::Count(Unit::Weeks)),
    ("# semanas", Rule::Count(Unit::Weeks)),
    ("a week", Rule::Days(7)),
    ("a fortnight", Rule::Days(14)),
    ("huitaine", Rule::Days(7)),
    ("quinzaine", Rule::Days(14)),
    // The end of this week.
    ("this week", Rule::EndOfWeek),
    ("later this week", Rule::EndOfWeek),
    ("within the week", Rule::EndOfWeek),
    ("end of week", Rule::EndOfWeek),
    ("end of the week", Rule::EndOfWeek),
    ("end of this week", Rule::EndOfWeek),
    ("before the weekend", Rule::EndOfWeek),
    ("diese woche", Rule::EndOfWeek),
    ("dieser woche", Rule::EndOfWeek),
    ("ende der woche", Rule::EndOfWeek),
    ("ende dieser woche", Rule::EndOfWeek),
    ("laufe der woche", Rule::EndOfWeek),
    ("vor dem wochenende", Rule::EndOfWeek),
    ("zum wochenende", Rule::EndOfWeek),
    ("cette semaine", Rule::EndOfWeek),
    ("dans la semaine", Rule::EndOfWeek),
    ("fin de semaine", Rule::EndOfWeek),
    ("fin de la semaine", Rule::EndOfWeek),
    ("fin de cette semaine", Rule::EndOfWeek),
    ("avant le week-end", Rule::EndOfWeek),
    ("esta semana", Rule::EndOfWeek),
    ("durante la semana", Rule::EndOfWeek),
    ("a lo largo de la semana", Rule::EndOfWeek),
    ("fin de semana", Rule::EndOfWeek),
    ("final de semana", Rule::EndOfWeek),
    ("finales de semana", Rule::EndOfWeek),
    ("final de la semana", Rule::EndOfWeek),
    ("finales de la semana", Rule::EndOfWeek),
    ("antes del fin de semana", Rule::EndOfWeek),
    // Next week, and its end.
    ("next week", Rule::NextWeek),
    ("end of next week", Rule::NextWeek),
    ("end of the next week", Rule::NextWeek),
    ("nächste woche", Rule::NextWeek),
    ("nächster woche", Rule::NextWeek),
    ("nächsten woche", Rule::NextWeek),
    ("kommende woche", Rule::NextWeek),
    ("kommender woche", Rule::NextWeek),
    ("kommenden woche", Rule::NextWeek),
    ("ende nächster woche", Rule::NextWeek),
    ("ende der nächsten woche", Rule::NextWeek),
    ("ende kommender woche", Rule::NextWeek),
    ("ende der kommenden woche", Rule::NextWeek),
    ("semaine prochaine", Rule::NextWeek),
    ("fin de semaine prochaine", Rule::NextWeek),
    ("fin de la semaine prochaine", Rule::NextWeek),
    ("próxima semana", Rule::NextWeek),
    ("semana próxima", Rule::NextWeek),
    ("semana que viene", Rule::NextWeek),
    ("fin de la próxima semana", Rule::NextWeek),
    ("final de la próxima semana", Rule::NextWeek),
    ("finales de la próxima semana", Rule::NextWeek),
    ("finales de la semana que viene", Rule::NextWeek),
    // The end of a month.
    ("end of month", Rule::EndOfMonth),
    ("end of the month", Rule::EndOfMonth),
    ("end of this month", Rule::EndOfMonth),
    ("ende des monats", Rule::EndOfMonth),
    ("ende dieses monats", Rule::EndOfMonth),
    ("monatsende", Rule::EndOfMonth),
    ("fin du mois", Rule::EndOfMonth),
    ("fin de mois", Rule::EndOfMonth),
    ("fin de ce mois", Rule::EndOfMonth),
    ("fin de mes", Rule::EndOfMonth),
    ("fin del mes", Rule::EndOfMonth),
    ("final de mes", Rule::EndOfMonth),
    ("final del mes", Rule::EndOfMonth),
    ("finales de mes", Rule::EndOfMonth),
    ("finales del mes", Rule::EndOfMonth),
    ("end of %", Rule::MonthEnd),
    ("ende %", Rule::MonthEnd),
    ("fin %", Rule::MonthEnd),
    ("fin de %", Rule::MonthEnd),
    ("fin d'%", Rule::MonthEnd),
    ("final de %", Rule::MonthEnd),
    ("finales de %", Rule::MonthEnd),
    // After New Year.
    ("after new year", Rule::NewYear),
    ("after new years", Rule::NewYear),
    ("after the new year", Rule::NewYear),
    ("after the holidays", Rule::NewYear),
    ("nach neujahr", Rule::NewYear),
    ("nach den feiertagen", Rule::NewYear),
    ("nach dem jahreswechsel", Rule::NewYear),
    ("après le nouvel an", Rule::NewYear),
    ("après le jour de l'an", Rule::NewYear),
    ("après les fêtes", Rule::NewYear),
    ("después de año nuevo", Rule::NewYear),
    ("después del año nuevo", Rule::NewYear),
    ("después de las fiestas", Rule::NewYear),
    // Times with no day; listed so that a shorter phrase inside them is not
    // read instead ("después del fin de semana" is not "fin de semana").
    ("this weekend", Rule::Unresolved),
    ("after the weekend", Rule::Unresolved),
    ("este fin de semana", Rule::Unresolved),
    ("después del fin de semana", Rule::Unresolved),
    ("next month", Rule::Unresolved),
    ("mid %", Rule::Unresolved),
    ("early %", Rule::Unresolved),
    ("mitte %", Rule::Unresolved),
    ("anfang %", Rule::Unresolved),
    ("début %", Rule::Unresolved),
    ("mi %", Rule::Unresolved),
    ("courant %", Rule::Unresolved),
    ("principios de %", Rule::Unresolved),
    ("mediados de %", Rule::Unresolved),
];

/// Words before a weekday that make it the next one, never today ("next
/// Friday", "nächsten Freitag", "el próximo viernes").
const NEXT_BEFORE: &[&str] = &[
    "next",
    "nächsten",
    "nächster",
    "kommenden",
    "prochain",
    "próximo",
];
/// Words after a weekday that do the same ("vendredi prochain", "el
/// viernes que viene").
const NEXT_AFTER: &[&str] = &["prochain", "próximo", "que viene"];
/// Little words between a weekday and a following "next week" ("Friday of
/// next week", "vendredi de la semaine prochaine").
const WEEK_GLUE: &[&str] = &["of", "the", "in", "de", "la", "der", "des", "en"];
/// Little words between "next week" and a following weekday ("next week on
/// Friday").
const DAY_GLUE: &[&str] = &["on", "am", "le", "el", "the"];
/// Words after a number that make it a clock time, not a day ("Friday 10
/// am", "vendredi 10h"); "a.m.", "p.m." and "o'clock" are checked apart.
const CLOCK_AFTER: &[&str] = &[
    "am", "pm", "uhr", "h", "hrs", "heures", "heure", "horas", "hora",
];
/// Words before a number that make it a clock time ("at 10", "um 10").
const CLOCK_BEFORE: &[&str] = &["at", "um", "à", "las", "vers", "gegen", "around"];
/// Words after a lone number that make it a count, not a day of the month.
const COUNT_AFTER: &[&str] = &[
    "day", "days", "week", "weeks", "hour", "hours", "tag", "tage", "tagen", "woche", "wochen",
    "stunden", "jour", "jours", "semaine", "semaines", "heures", "día", "días", "semana",
    "semanas", "horas", "business", "working",
];
/// Numbers in words, for `#`.
const NUMBER_WORDS: &[(&str, u64)] = &[
    ("one", 1),
    ("two", 2),
    ("three", 3),
    ("four", 4),
    ("five", 5),
    ("six", 6),
    ("seven", 7),
    ("eight", 8),
    ("nine", 9),
    ("ten", 10),
    ("fourteen", 14),
    ("fifteen", 15),
    ("twenty", 20),
    ("thirty", 30),
    ("ein", 1),
    ("eine", 1),
    ("einer", 1),
    ("einem", 1),
    ("einen", 1),
    ("zwei", 2),
    ("drei", 3),
    ("vier", 4),
    ("fünf", 5),
    ("sechs", 6),
    ("sieben", 7),
    ("acht", 8),
    ("neun", 9),
    ("zehn", 10),
    ("vierzehn", 14),
    ("un", 1),
    ("une", 1),
    ("deux", 2),
    ("trois", 3),
    ("quatre", 4),
    ("cinq", 5),
    ("sept", 7),
    ("huit", 8),
    ("neuf", 9),
    ("dix", 10),
    ("quinze", 15),
    ("uno", 1),
    ("una", 1),
    ("dos", 2),
    ("tres", 3),
    ("cuatro", 4),
    ("cinco", 5),
    ("seis", 6),
    ("siete", 7),
    ("ocho", 8),
    ("nueve", 9),
    ("diez", 10),
    ("quince", 15),
];

/// The longest count the rules accept, in days (a year).
const MAX_DAYS: u64 = 366;

/// One token of the text the rules read: apostrophes and hyphens are
/// dropped ("d'ici" is "d ici", "après-demain" is "après demain").
#[derive(Debug, Clone)]
struct Item {
    tok: Tok,
    /// The folded word, empty for numbers and punctuation.
    folded: String,
    /// Byte span in the text.
    start: usize,
    end: usize,
}

fn is_dropped(c: char) -> bool {
    matches!(
        c,
        '\'' | '\u{2019}' | '\u{2018}' | '\u{b4}' | '\u{2bc}' | '`' | '-' | '\u{2010}' | '\u{2011}'
    )
}

fn items(text: &str) -> Vec<Item> {
    tokens(text)
        .into_iter()
        .filter(|(t, _, _)| !matches!(t, Tok::Punct(c) if is_dropped(*c)))
        .map(|(tok, start, end)| {
            let folded = match &tok {
                Tok::Word(w) => fold(w),
                _ => String::new(),
            };
            Item {
                tok,
                folded,
                start,
                end,
            }
        })
        .collect()
}

/// One element of a compiled phrase.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Pat {
    Word(String),
    Number,
    Month,
}

fn compile(phrase: &str) -> Vec<Pat> {
    items(phrase)
        .into_iter()
        .filter_map(|it| match it.tok {
            Tok::Word(_) => Some(Pat::Word(it.folded)),
            Tok::Punct('#') => Some(Pat::Number),
            Tok::Punct('%') => Some(Pat::Month),
            _ => None,
        })
        .collect()
}

fn number_of(item: &Item) -> Option<u64> {
    match &item.tok {
        Tok::Num(n) => Some(u64::from(*n)),
        Tok::Word(_) => NUMBER_WORDS
            .iter()
            .find(|(w, _)| fold(w) == item.folded)
            .map(|(_, n)| *n),
        Tok::Punct(_) => None,
    }
}

fn word_is(item: Option<&Item>, list: &[&str]) -> bool {
    item.is_some_and(|it| !it.folded.is_empty() && list.iter().any(|w| fold(w) == it.folded))
}

fn punct_is(item: Option<&Item>, wanted: &[char]) -> bool {
    matches!(item, Some(Item { tok: Tok::Punct(c), .. }) if wanted.contains(c))
}

/// Does a clock word follow at `k` ("am", "Uhr", "h", "a.m.", "o'clock")?
/// A lone "a" or "o" does not ("el viernes 15 a las 10", "15 o 16").
fn clock_at(its: &[Item], k: usize) -> bool {
    word_is(its.get(k), CLOCK_AFTER)
        || (word_is(its.get(k), &["a", "p"])
            && punct_is(its.get(k + 1), &['.'])
            && word_is(its.get(k + 2), &["m"]))
        || (word_is(its.get(k), &["o"]) && word_is(its.get(k + 1), &["clock"]))
}

/// A phrase matched at a position: its end, and its number and month.
#[derive(Debug, Clone, Copy)]
struct Hit {
    rule: Rule,
    end: usize,
    number: Option<u64>,
    month: Option<u32>,
}

/// The compiled phrases, found by their first word (or `#`).
#[derive(Debug, Default)]
struct Compiled {
    pats: Vec<(Vec<Pat>, Rule)>,
    by_word: std::collections::HashMap<String, Vec<usize>>,
    by_number: Vec<usize>,
}

static COMPILED: LazyLock<Compiled> = LazyLock::new(|| {
    let mut c = Compiled::default();
    for (phrase, rule) in PHRASES {
        let pat = compile(phrase);
        let at = c.pats.len();
        match pat.first() {
            Some(Pat::Word(w)) => c.by_word.entry(w.clone()).or_default().push(at),
            Some(_) => c.by_number.push(at),
            None => continue,
        }
        c.pats.push((pat, *rule));
    }
    c
});

/// The longest phrase at `i`.
fn phrase_at(its: &[Item], i: usize) -> Option<Hit> {
    let it = its.get(i)?;
    let c = &*COMPILED;
    let candidates: &[usize] = if number_of(it).is_some() && it.folded.is_empty() {
        &c.by_number
    } else {
        c.by_word.get(&it.folded).map_or(&[], Vec::as_slice)
    };
    // Number words ("two", "deux") start both kinds.
    let extra: &[usize] = if number_of(it).is_some() && !it.folded.is_empty() {
        &c.by_number
    } else {
        &[]
    };
    let mut best: Option<Hit> = None;
    for (pat, rule) in candidates
        .iter()
        .chain(extra)
        .filter_map(|&k| c.pats.get(k))
    {
        let mut j = i;
        let mut number = None;
        let mut month = None;
        let mut ok = true;
        for p in pat {
            let Some(it) = its.get(j) else {
                ok = false;
                break;
            };
            let matched = match p {
                Pat::Word(w) => it.folded == *w,
                Pat::Number => {
                    number = number_of(it);
                    number.is_some()
                }
                Pat::Month => match &it.tok {
                    Tok::Word(w) => {
                        month = month_named(w).or_else(|| month_named(&it.folded));
                        month.is_some()
                    }
                    _ => false,
                },
            };
            if !matched {
                ok = false;
                break;
            }
            j += 1;
        }
        if ok && best.is_none_or(|b| j > b.end) {
            best = Some(Hit {
                rule: *rule,
                end: j,
                number,
                month,
            });
        }
    }
    best
}

fn add_days(d: NaiveDate, n: u64) -> Option<NaiveDate> {
    d.checked_add_days(Days::new(n))
}

/// The Monday of the week holding `d`.
fn monday_of(d: NaiveDate) -> Option<NaiveDate> {
    d.checked_sub_days(Days::new(u64::from(d.weekday().num_days_from_monday())))
}

/// The first `w` on or after `d`.
fn on_or_after(d: NaiveDate, w: Weekday) -> Option<NaiveDate> {
    let ahead = (w.num_days_from_monday() + 7 - d.weekday().num_days_from_monday()) % 7;
    add_days(d, u64::from(ahead))
}

/// `w` in the week after the one holding `d`.
fn in_next_week(d: NaiveDate, w: Weekday) -> Option<NaiveDate> {
    add_days(monday_of(d)?, 7 + u64::from(w.num_days_from_monday()))
}

/// A weekday alone: on or after the message's date, strictly after when
/// the message was sent on that day after 12:00 or the wording says "next".
fn weekday_due(w: Weekday, sent: NaiveDateTime, next: bool) -> Option<NaiveDate> {
    let today = sent.date();
    let noon = NaiveTime::from_hms_opt(12, 0, 0)?;
    let found = on_or_after(today, w)?;
    if found == today && (next || sent.time() > noon) {
        add_days(today, 7)
    } else {
        Some(found)
    }
}

/// The last day of `month` of `year`.
fn month_end(year: i32, month: u32) -> Option<NaiveDate> {
    let (y, m) = if month >= 12 {
        (year.checked_add(1)?, 1)
    } else {
        (year, month + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1)?.pred_opt()
}

/// The Friday of the first Monday-to-Friday week after 1 January of `year`.
pub(crate) fn new_year_friday(year: i32) -> Option<NaiveDate> {
    let jan2 = NaiveDate::from_ymd_opt(year, 1, 2)?;
    add_days(on_or_after(jan2, Weekday::Mon)?, 4)
}

/// "After New Year's" from the message's date: said from November on, the
/// next January's; said in January up to that Friday, this one's; said at
/// any other time of the year it is some other holiday, with no day.
fn after_new_year(today: NaiveDate) -> Option<NaiveDate> {
    match today.month() {
        11 | 12 => new_year_friday(today.year().checked_add(1)?),
        1 => new_year_friday(today.year()).filter(|f| *f >= today),
        _ => None,
    }
}

/// `n` units after `today`.
fn count(today: NaiveDate, n: u64, unit: Unit) -> Option<NaiveDate> {
    if n == 0 {
        return None;
    }
    match unit {
        Unit::Days => (n <= MAX_DAYS).then(|| add_days(today, n)).flatten(),
        Unit::Weeks => (n * 7 <= MAX_DAYS)
            .then(|| add_days(today, n * 7))
            .flatten(),
        Unit::BusinessDays => {
            if n > MAX_DAYS {
                return None;
            }
            let mut cursor = today;
            let mut left = n;
            while left > 0 {
                cursor = cursor.succ_opt()?;
                if !matches!(cursor.weekday(), Weekday::Sat | Weekday::Sun) {
                    left -= 1;
                }
            }
            Some(cursor)
        }
    }
}

/// The day a phrase gives, and whether it stands: `None` when it is a time
/// with no day. A "next week" followed by a weekday ("next week on Friday")
/// is that weekday of the next week.
fn apply(its: &[Item], hit: Hit, today: NaiveDate) -> Option<NaiveDate> {
    match hit.rule {
        Rule::Days(n) => add_days(today, n),
        Rule::Count(unit) => count(today, hit.number?, unit),
        Rule::EndOfWeek | Rule::NextWeek => {
            // "next week on Tuesday", "nächste Woche Dienstag".
            let mut j = hit.end;
            while word_is(its.get(j), DAY_GLUE) || punct_is(its.get(j), &[',']) {
                j += 1;
            }
            let day = weekday_alone(its, j).map(|(w, _)| w);
            if hit.rule == Rule::NextWeek {
                in_next_week(today, day.unwrap_or(Weekday::Fri))
            } else {
                on_or_after(today, day.unwrap_or(Weekday::Fri))
            }
        }
        Rule::EndOfMonth => month_end(today.year(), today.month()),
        Rule::MonthEnd => {
            let m = hit.month?;
            let year = if m >= today.month() {
                today.year()
            } else {
                today.year().checked_add(1)?
            };
            month_end(year, m)
        }
        Rule::NewYear => after_new_year(today),
        Rule::Unresolved => None,
    }
}

/// A weekday at `i` that is not the start of a date ("Friday", not "Friday
/// 22 January"): the weekday and the index after it.
fn weekday_alone(its: &[Item], i: usize) -> Option<(Weekday, usize)> {
    let w = match &its.get(i)?.tok {
        Tok::Word(w) => weekday_named(w)?,
        _ => return None,
    };
    let (date, used) = parse_date(&date_tokens(its, i))?;
    (date.day.is_none() && date.month.is_none()).then_some((w, i + used.max(1)))
}

/// The tokens from `i` on, for the date parser, cut before a clock time
/// ("Friday 10 am" is a Friday, not Friday the 10th) or two numbers joined
/// by a dot or a colon that are not a numeric date ("12.05 Uhr").
fn date_tokens(its: &[Item], i: usize) -> Vec<(Tok, usize, usize)> {
    let mut out = Vec::new();
    for (k, it) in its.iter().enumerate().skip(i) {
        let numbers_joined = punct_is(its.get(k + 1), &[':', '.'])
            && matches!(
                its.get(k + 2),
                Some(Item {
                    tok: Tok::Num(_),
                    ..
                })
            );
        if matches!(it.tok, Tok::Num(_))
            && (numbers_joined
                || punct_is(its.get(k + 1), &[':'])
                || clock_at(its, k + 1)
                || (k > 0 && word_is(its.get(k - 1), CLOCK_BEFORE)))
        {
            break;
        }
        out.push((it.tok.clone(), it.start, it.start));
        if out.len() > 12 {
            break;
        }
    }
    out
}

/// A numeric date ("15.01.", "15.01.2010"): day, month and year.
fn numeric_date(its: &[Item], i: usize) -> Option<PartialDate> {
    let (Some(Tok::Num(d)), Some(Tok::Punct('.')), Some(Tok::Num(m))) = (
        its.get(i).map(|t| &t.tok),
        its.get(i + 1).map(|t| &t.tok),
        its.get(i + 2).map(|t| &t.tok),
    ) else {
        return None;
    };
    if !(1..=31).contains(d) || !(1..=12).contains(m) || clock_at(its, i + 3) {
        return None;
    }
    let year = match (
        its.get(i + 3).map(|t| &t.tok),
        its.get(i + 4).map(|t| &t.tok),
    ) {
        (Some(Tok::Punct('.')), Some(Tok::Num(y))) if (1900..=2200).contains(y) => {
            i32::try_from(*y).ok()
        }
        (Some(Tok::Punct('.')), Some(Tok::Num(y))) if *y < 100 => i32::try_from(2000 + y).ok(),
        _ => None,
    };
    Some(PartialDate {
        weekday: None,
        day: Some(*d),
        month: Some(*m),
        year,
    })
}

/// A date or a weekday at `i`. `Some(None)` when one is there but gives no
/// day; `None` when there is none.
fn date_at(its: &[Item], i: usize, sent: NaiveDateTime) -> Option<Option<NaiveDate>> {
    let today = sent.date();
    let it = its.get(i)?;
    // "next Friday", "nächsten Freitag", "el próximo viernes".
    if word_is(Some(it), NEXT_BEFORE)
        && let Some((w, _)) = weekday_alone(its, i + 1)
    {
        return Some(weekday_due(w, sent, true));
    }
    let starts = match &it.tok {
        Tok::Word(w) => weekday_named(w).is_some() || month_named(w).is_some(),
        Tok::Num(n) => (1..=31).contains(n),
        Tok::Punct(_) => false,
    };
    if !starts {
        return None;
    }
    if let Some(date) = numeric_date(its, i) {
        return Some(full_date(date, today));
    }
    if let Some((w, after)) = weekday_alone(its, i) {
        // "Friday next week", "vendredi de la semaine prochaine".
        let mut j = after;
        while word_is(its.get(j), WEEK_GLUE) || punct_is(its.get(j), &[',']) {
            j += 1;
        }
        if phrase_at(its, j).is_some_and(|h| h.rule == Rule::NextWeek) {
            return Some(in_next_week(today, w));
        }
        let next = word_is(its.get(after), NEXT_AFTER)
            || (word_is(its.get(after), &["que"]) && word_is(its.get(after + 1), &["viene"]));
        return Some(weekday_due(w, sent, next));
    }
    let (date, used) = parse_date(&date_tokens(its, i))?;
    if used == 0 {
        return None;
    }
    if date.month.is_none() && date.weekday.is_none() {
        // A lone day of the month needs a word before it ("by the 15th",
        // "avant le 15") and no unit after it ("in 3 days").
        let before_word = i > 0 && its.get(i - 1).is_some_and(|b| !b.folded.is_empty());
        let after = its.get(i + used);
        if !before_word
            || word_is(after, COUNT_AFTER)
            || punct_is(after, &[':', '%', '/'])
            || clock_at(its, i + used)
        {
            return None;
        }
    }
    Some(full_date(date, today))
}

/// A date with at least a day, resolved from the message's date: with its
/// year as written, else the first such date on or after that date.
fn full_date(date: PartialDate, today: NaiveDate) -> Option<NaiveDate> {
    match (date.year, date.month, date.day) {
        (Some(y), Some(m), Some(d)) => NaiveDate::from_ymd_opt(y, m, d),
        _ => resolve(PartialDate { year: None, ..date }, today),
    }
}

/// The day promised by the time at `time` (byte span in `lower`, the body
/// in lower case); `end` is where the promise ends (a time's words may run
/// on: "by the end of" + "next week"). `sent` is the message's local date
/// and time.
pub(crate) fn due(
    lower: &str,
    time: (usize, usize),
    end: usize,
    sent: NaiveDateTime,
) -> Option<NaiveDate> {
    let today = sent.date();
    let span_end = time.1.max(time.0);
    let text = lower.get(time.0..end.max(span_end))?;
    let found = if text.chars().any(is_japanese) {
        due_ja(text.get(..span_end - time.0).unwrap_or(text), sent)
    } else {
        due_words(text, span_end - time.0, sent)
    };
    found.filter(|d| *d >= today)
}

fn due_words(text: &str, span: usize, sent: NaiveDateTime) -> Option<NaiveDate> {
    let today = sent.date();
    let its = items(text);
    for i in 0..its.len() {
        if its.get(i).is_none_or(|it| it.start >= span) {
            break;
        }
        if let Some(hit) = phrase_at(&its, i) {
            return apply(&its, hit, today);
        }
        if let Some(found) = date_at(&its, i, sent) {
            return found;
        }
    }
    None
}

// ----------------------------------------------------------------- Japanese

fn is_japanese(c: char) -> bool {
    matches!(c, '\u{3040}'..='\u{30ff}' | '\u{4e00}'..='\u{9fff}')
}

fn ja_weekday(c: char) -> Option<Weekday> {
    Some(match c {
        '月' => Weekday::Mon,
        '火' => Weekday::Tue,
        '水' => Weekday::Wed,
        '木' => Weekday::Thu,
        '金' => Weekday::Fri,
        '土' => Weekday::Sat,
        '日' => Weekday::Sun,
        _ => return None,
    })
}

fn digit(c: char) -> Option<u32> {
    match c {
        '0'..='9' => c.to_digit(10),
        '０'..='９' => Some(u32::from(c) - u32::from('０')),
        _ => None,
    }
}

/// A Japanese time at `chars[i..]`: its length in chars and its day (`None`
/// inside when the time gives none).
pub(crate) fn ja_time_at(
    chars: &[char],
    i: usize,
    sent: NaiveDateTime,
) -> Option<(usize, Option<NaiveDate>)> {
    let today = sent.date();
    let rest = chars.get(i..)?;
    let starts = |s: &str| {
        let want: Vec<char> = s.chars().collect();
        rest.starts_with(&want)
    };
    // A weekday: "金曜日", "金曜".
    let weekday_at = |k: usize| {
        let w = ja_weekday(*rest.get(k)?)?;
        (rest.get(k + 1) == Some(&'曜')).then_some(w)
    };
    if starts("来週の")
        && let Some(w) = weekday_at(3)
    {
        return Some((5, in_next_week(today, w)));
    }
    if starts("今週の")
        && let Some(w) = weekday_at(3)
    {
        return Some((5, weekday_due(w, sent, false)));
    }
    for (word, rule) in [
        ("来週", Rule::NextWeek),
        ("週明け", Rule::NextWeek),
        ("今週", Rule::EndOfWeek),
        ("明後日", Rule::Days(2)),
        ("明日", Rule::Days(1)),
        ("本日", Rule::Days(0)),
        ("今日", Rule::Days(0)),
        ("年明け", Rule::NewYear),
        ("新年", Rule::NewYear),
        ("年始", Rule::NewYear),
        ("今月中", Rule::EndOfMonth),
        ("今月末", Rule::EndOfMonth),
        ("月末", Rule::EndOfMonth),
    ] {
        if starts(word) {
            let hit = Hit {
                rule,
                end: 0,
                number: None,
                month: None,
            };
            return Some((word.chars().count(), apply(&[], hit, today)));
        }
    }
    if let Some(w) = weekday_at(0) {
        return Some((2, weekday_due(w, sent, false)));
    }
    // Numbers: "1月29日", "2010年1月29日", "1月末", "15日", "3営業日",
    // "5日以内", "2週間".
    let number = |k: usize| -> Option<(u32, usize)> {
        let mut value: u32 = 0;
        let mut len = 0;
        while let Some(d) = rest.get(k + len).copied().and_then(digit) {
            value = value.saturating_mul(10).saturating_add(d);
            len += 1;
        }
        (len > 0).then_some((value, len))
    };
    let after = |k: usize, s: &str| {
        let want: Vec<char> = s.chars().collect();
        rest.get(k..).is_some_and(|r| r.starts_with(&want))
    };
    let (n, len) = number(0)?;
    let mut k = len;
    let mut year = None;
    let mut month = n;
    if after(k, "年") {
        let (m, l) = number(k + 1)?;
        year = i32::try_from(n).ok();
        month = m;
        k += 1 + l;
        if !after(k, "月") {
            return Some((k, None));
        }
    }
    if after(k, "月末") {
        let y = match year {
            Some(y) => y,
            None if month >= today.month() => today.year(),
            None => today.year().checked_add(1)?,
        };
        return Some((k + 2, month_end(y, month)));
    }
    if after(k, "月") {
        if let Some((d, l)) = number(k + 1)
            && after(k + 1 + l, "日")
        {
            let date = PartialDate {
                weekday: None,
                day: Some(d),
                month: Some(month),
                year,
            };
            return Some((k + l + 2, full_date(date, today)));
        }
        // "1月中旬", "1月上旬": a month without a day.
        return Some((k + 1, None));
    }
    let n64 = u64::from(n);
    if after(k, "営業日") {
        return Some((k + 3, count(today, n64, Unit::BusinessDays)));
    }
    if after(k, "週間") {
        return Some((k + 2, count(today, n64, Unit::Weeks)));
    }
    if after(k, "日以内") || after(k, "日間") || after(k, "日後") {
        return Some((k + 1, count(today, n64, Unit::Days)));
    }
    if after(k, "日") {
        let date = PartialDate {
            weekday: None,
            day: Some(n),
            month: None,
            year: None,
        };
        return Some((k + 1, resolve(date, today)));
    }
    None
}

fn due_ja(text: &str, sent: NaiveDateTime) -> Option<NaiveDate> {
    let chars: Vec<char> = text.chars().collect();
    (0..chars.len()).find_map(|i| ja_time_at(&chars, i, sent).map(|(_, d)| d))?
}

// ---------------------------------------------------------- English times

/// Times the English promise rule accepts besides its fixed list: a date
/// after "by", "before", "on" or "no later than" ("by January 15", "on the
/// 15th", "before Tuesday the 19th"), and a count after "within" or "in"
/// ("within 5 business days", "in two weeks", "within the next 3 days").
/// Byte spans in `clause` (lower case).
pub(crate) fn english_times(clause: &str) -> Vec<(usize, usize)> {
    let its = items(clause);
    let end_of = |k: usize| its.get(k).map_or(clause.len(), |it| it.end);
    let mut out = Vec::new();
    for i in 0..its.len() {
        let Some(it) = its.get(i) else { break };
        let date_from = match it.folded.as_str() {
            "by" | "before" | "on" => Some(i + 1),
            "no" if word_is(its.get(i + 1), &["later"]) && word_is(its.get(i + 2), &["than"]) => {
                Some(i + 3)
            }
            _ => None,
        };
        if let Some(j) = date_from {
            let the = word_is(its.get(j), &["the"]);
            if let Some((date, used)) = parse_date(&date_tokens(&its, j))
                && used > 0
                && date.day.is_some()
                && (date.month.is_some() || date.weekday.is_some() || the)
                && !word_is(its.get(j + used), COUNT_AFTER)
            {
                out.push((it.start, end_of(j + used - 1)));
            }
        }
        if matches!(it.folded.as_str(), "within" | "in") {
            let mut j = i + 1;
            if word_is(its.get(j), &["the"]) && word_is(its.get(j + 1), &["next"]) {
                j += 2;
            }
            if let Some(hit) = phrase_at(&its, j).filter(|h| matches!(h.rule, Rule::Count(_))) {
                out.push((it.start, end_of(hit.end - 1)));
            }
        }
    }
    out
}

/// Words of an absence: "I will be away next week" says when the writer is
/// away, not what they promise.
const EN_ABSENCES: &[&str] = &[
    "away",
    "out of the office",
    "out of office",
    "on vacation",
    "on holiday",
    "on leave",
    "on annual leave",
    "off work",
    "be off",
    "be out",
    "unavailable",
    "not available",
    "travelling",
    "traveling",
    "offline",
];

/// Does `text` (lower case) speak of an absence? "Right away" and "straight
/// away" do not.
pub(crate) fn english_absence(text: &str) -> bool {
    EN_ABSENCES.iter().any(|word| {
        crate::text::find_all(text, word).into_iter().any(|(s, _)| {
            let head = text.get(..s).unwrap_or("");
            !(*word == "away" && (head.ends_with("right ") || head.ends_with("straight ")))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn at(y: i32, m: u32, day: u32, h: u32, min: u32) -> NaiveDateTime {
        d(y, m, day).and_hms_opt(h, min, 0).unwrap()
    }

    /// The day of the whole `text` read as the time.
    fn due_of(text: &str, sent: NaiveDateTime) -> Option<NaiveDate> {
        let lower = text.to_lowercase();
        due(&lower, (0, lower.len()), lower.len(), sent)
    }

    #[test]
    fn new_year_friday_is_the_first_full_week() {
        // 1 January 2010 is a Friday: the week of 4 to 8 January.
        assert_eq!(new_year_friday(2010), Some(d(2010, 1, 8)));
        // 1 January 2018 is a Monday: that week holds New Year's Day.
        assert_eq!(new_year_friday(2018), Some(d(2018, 1, 12)));
        // 1 January 2017 is a Sunday: 2 to 6 January.
        assert_eq!(new_year_friday(2017), Some(d(2017, 1, 6)));
    }

    #[test]
    fn counts() {
        let fri = d(2010, 1, 8);
        assert_eq!(count(fri, 1, Unit::BusinessDays), Some(d(2010, 1, 11)));
        assert_eq!(count(fri, 5, Unit::BusinessDays), Some(d(2010, 1, 15)));
        assert_eq!(
            count(d(2010, 1, 9), 1, Unit::BusinessDays),
            Some(d(2010, 1, 11))
        );
        assert_eq!(count(fri, 3, Unit::Days), Some(d(2010, 1, 11)));
        assert_eq!(count(fri, 2, Unit::Weeks), Some(d(2010, 1, 22)));
        assert_eq!(count(fri, 0, Unit::Days), None);
        assert_eq!(count(fri, 10_000, Unit::BusinessDays), None);
        assert_eq!(count(fri, 100, Unit::Weeks), None);
    }

    #[test]
    fn extreme_dates_give_no_day_and_no_panic() {
        let last = NaiveDate::MAX.and_hms_opt(23, 0, 0).unwrap();
        for text in [
            "by friday",
            "next week",
            "end of the week",
            "within 5 business days",
            "end of december",
            "after new year's",
            "by january 15",
            "来週の金曜日",
            "2010年1月15日",
        ] {
            let _ = due_of(text, last);
            let _ = due_of(text, NaiveDate::MIN.and_hms_opt(1, 0, 0).unwrap());
        }
    }

    #[test]
    fn phrases_compile() {
        for (phrase, _) in PHRASES {
            assert!(!compile(phrase).is_empty(), "{phrase}");
        }
    }

    #[test]
    fn clock_times_are_not_days() {
        let wed = at(2010, 1, 13, 9, 0);
        assert_eq!(due_of("by friday 10 am", wed), Some(d(2010, 1, 15)));
        assert_eq!(due_of("am freitag um 10 uhr", wed), Some(d(2010, 1, 15)));
        assert_eq!(due_of("vendredi 10h", wed), Some(d(2010, 1, 15)));
        assert_eq!(due_of("by friday 10 a.m.", wed), Some(d(2010, 1, 15)));
        assert_eq!(due_of("friday at 10 o'clock", wed), Some(d(2010, 1, 15)));
        // "a las": the 22nd stays a day.
        assert_eq!(
            due_of("el viernes 22 a las 10:00", wed),
            Some(d(2010, 1, 22))
        );
        assert_eq!(due_of("bis 12.05 uhr", wed), None);
    }

    #[test]
    fn numeric_german_dates() {
        let wed = at(2010, 1, 13, 9, 0);
        assert_eq!(due_of("bis zum 15.01.", wed), Some(d(2010, 1, 15)));
        assert_eq!(due_of("bis zum 15.01.2010", wed), Some(d(2010, 1, 15)));
        // A date with its year behind the message gives no day.
        assert_eq!(due_of("bis zum 15.01.2009", wed), None);
    }

    #[test]
    fn what_per_language() {
        use PromiseWhat::{Call, Decision, Email};
        for (text, want) in [
            ("i'll give you a call after new year's", Call),
            ("i'll know more on monday and will call you then", Call),
            ("we'll ring you tomorrow", Call),
            ("i will phone you on friday", Call),
            ("we will make a decision by friday", Decision),
            ("we expect to decide by the end of the week", Decision),
            ("we'll have a final decision next week", Decision),
            ("we'll get back to you by friday", Email),
            ("you'll hear from us next week", Email),
            ("we'll be in touch after the holidays", Email),
            ("i expect to have feedback for you by tuesday", Email),
            ("ich rufe sie nächste woche an", Call),
            ("wir werden sie morgen anrufen", Call),
            ("wir melden uns telefonisch bis freitag", Call),
            ("wir werden bis freitag eine entscheidung treffen", Decision),
            ("wir werden bis freitag entscheiden", Decision),
            ("sie hören nächste woche von uns", Email),
            ("je vous appellerai lundi prochain", Call),
            ("nous allons vous appeler demain", Call),
            (
                "nous vous ferons part de notre décision d'ici vendredi",
                Decision,
            ),
            ("nous allons décider d'ici vendredi", Decision),
            ("nous reviendrons vers vous d'ici vendredi", Email),
            ("la próxima semana le llamaremos", Call),
            ("vamos a llamarle mañana", Call),
            ("tendremos una decisión la próxima semana", Decision),
            ("vamos a decidir antes del viernes", Decision),
            (
                "nos pondremos en contacto con usted la próxima semana",
                Email,
            ),
            ("明日までにお電話いたします", Call),
            ("1月15日までに結論をお伝えします", Decision),
            ("来週までに採用の決定をお知らせします", Decision),
            ("1月29日までにご連絡いたします", Email),
        ] {
            assert_eq!(what(text), want, "{text}");
        }
        // A call with the decision is a call: the promise is to phone.
        assert_eq!(what("i'll call you with our decision on friday"), Call);
    }

    #[test]
    fn phrases_per_language() {
        // Wednesday 13 January 2010, morning.
        let wed = at(2010, 1, 13, 9, 0);
        for (text, want) in [
            ("the day after tomorrow", Some(d(2010, 1, 15))),
            ("übermorgen", Some(d(2010, 1, 15))),
            ("après-demain", Some(d(2010, 1, 15))),
            ("pasado mañana", Some(d(2010, 1, 15))),
            ("next week on tuesday", Some(d(2010, 1, 19))),
            ("friday next week", Some(d(2010, 1, 22))),
            ("am freitag nächster woche", Some(d(2010, 1, 22))),
            ("vendredi de la semaine prochaine", Some(d(2010, 1, 22))),
            ("el viernes de la próxima semana", Some(d(2010, 1, 22))),
            ("el próximo viernes", Some(d(2010, 1, 15))),
            ("el viernes que viene", Some(d(2010, 1, 15))),
            ("fin de la semaine", Some(d(2010, 1, 15))),
            ("fin de la semaine prochaine", Some(d(2010, 1, 22))),
            ("ende nächster woche", Some(d(2010, 1, 22))),
            ("fin de semana", Some(d(2010, 1, 15))),
            ("este fin de semana", None),
            ("después del fin de semana", None),
            ("end of the month", Some(d(2010, 1, 31))),
            ("ende januar", Some(d(2010, 1, 31))),
            ("by the end of february", Some(d(2010, 2, 28))),
            ("mid-january", None),
            ("next month", None),
            ("in den nächsten tagen", None),
            ("dans les prochains jours", None),
            ("sous huitaine", Some(d(2010, 1, 20))),
            ("innerhalb einer woche", Some(d(2010, 1, 20))),
            ("dentro de 10 días hábiles", Some(d(2010, 1, 27))),
            ("noch heute", Some(d(2010, 1, 13))),
            ("hoy mismo", Some(d(2010, 1, 13))),
            ("sous quinzaine", Some(d(2010, 1, 27))),
            ("in drei tagen", Some(d(2010, 1, 16))),
            ("in 3 days", Some(d(2010, 1, 16))),
            ("monatsende", Some(d(2010, 1, 31))),
            ("a finales de mes", Some(d(2010, 1, 31))),
            ("fin janvier", Some(d(2010, 1, 31))),
            ("this weekend", None),
            ("after christmas", None),
            ("来週の金曜日", Some(d(2010, 1, 22))),
            ("今週中", Some(d(2010, 1, 15))),
            ("1月末", Some(d(2010, 1, 31))),
            ("2010年1月15日", Some(d(2010, 1, 15))),
            ("１月１５日", Some(d(2010, 1, 15))),
            ("3営業日以内", Some(d(2010, 1, 18))),
            ("15日", Some(d(2010, 1, 15))),
            ("1月中旬", None),
        ] {
            assert_eq!(due_of(text, wed), want, "{text}");
        }
        // From December, the end of January is next year's.
        assert_eq!(
            due_of("ende januar", at(2009, 12, 21, 9, 0)),
            Some(d(2010, 1, 31))
        );
    }
}
