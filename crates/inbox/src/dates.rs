//! Dates written in words, in English, German, French and Spanish: the
//! lexicon, a small parser for partial dates ("Monday 4 January", "the 3rd",
//! "Tuesday the 5th", "11. Januar", "el viernes 9 de enero") and the rules
//! that turn them into calendar dates relative to the message's local day.

use chrono::{Datelike, Duration, NaiveDate, NaiveTime, Weekday};

/// Month names and common abbreviations in the four languages.
const MONTHS: &[(&str, u32)] = &[
    ("january", 1),
    ("jan", 1),
    ("januar", 1),
    ("jänner", 1),
    ("janvier", 1),
    ("enero", 1),
    ("february", 2),
    ("feb", 2),
    ("februar", 2),
    ("février", 2),
    ("fevrier", 2),
    ("febrero", 2),
    ("march", 3),
    ("mar", 3),
    ("märz", 3),
    ("maerz", 3),
    ("mars", 3),
    ("marzo", 3),
    ("april", 4),
    ("apr", 4),
    ("avril", 4),
    ("abril", 4),
    ("may", 5),
    ("mai", 5),
    ("mayo", 5),
    ("june", 6),
    ("jun", 6),
    ("juni", 6),
    ("juin", 6),
    ("junio", 6),
    ("july", 7),
    ("jul", 7),
    ("juli", 7),
    ("juillet", 7),
    ("julio", 7),
    ("august", 8),
    ("aug", 8),
    ("août", 8),
    ("aout", 8),
    ("agosto", 8),
    ("september", 9),
    ("sep", 9),
    ("sept", 9),
    ("septembre", 9),
    ("septiembre", 9),
    ("setiembre", 9),
    ("october", 10),
    ("oct", 10),
    ("oktober", 10),
    ("okt", 10),
    ("octobre", 10),
    ("octubre", 10),
    ("november", 11),
    ("nov", 11),
    ("novembre", 11),
    ("noviembre", 11),
    ("december", 12),
    ("dec", 12),
    ("dezember", 12),
    ("dez", 12),
    ("décembre", 12),
    ("decembre", 12),
    ("diciembre", 12),
];

/// Weekday names and common abbreviations in the four languages.
const WEEKDAYS: &[(&str, Weekday)] = &[
    ("monday", Weekday::Mon),
    ("mon", Weekday::Mon),
    ("montag", Weekday::Mon),
    ("lundi", Weekday::Mon),
    ("lunes", Weekday::Mon),
    ("tuesday", Weekday::Tue),
    ("tue", Weekday::Tue),
    ("tues", Weekday::Tue),
    ("dienstag", Weekday::Tue),
    ("mardi", Weekday::Tue),
    ("martes", Weekday::Tue),
    ("wednesday", Weekday::Wed),
    ("wed", Weekday::Wed),
    ("mittwoch", Weekday::Wed),
    ("mercredi", Weekday::Wed),
    ("miércoles", Weekday::Wed),
    ("miercoles", Weekday::Wed),
    ("thursday", Weekday::Thu),
    ("thu", Weekday::Thu),
    ("thur", Weekday::Thu),
    ("thurs", Weekday::Thu),
    ("donnerstag", Weekday::Thu),
    ("jeudi", Weekday::Thu),
    ("jueves", Weekday::Thu),
    ("friday", Weekday::Fri),
    ("fri", Weekday::Fri),
    ("freitag", Weekday::Fri),
    ("vendredi", Weekday::Fri),
    ("viernes", Weekday::Fri),
    ("saturday", Weekday::Sat),
    ("sat", Weekday::Sat),
    ("samstag", Weekday::Sat),
    ("sonnabend", Weekday::Sat),
    ("samedi", Weekday::Sat),
    ("sábado", Weekday::Sat),
    ("sabado", Weekday::Sat),
    ("sunday", Weekday::Sun),
    ("sun", Weekday::Sun),
    ("sonntag", Weekday::Sun),
    ("dimanche", Weekday::Sun),
    ("domingo", Weekday::Sun),
];

/// Little words that may sit between the parts of a date.
const GLUE: &[&str] = &[
    "the", "of", "de", "del", "le", "el", "den", "dem", "der", "am", "on",
];

/// Looks a word up as a month.
pub(crate) fn month_named(word: &str) -> Option<u32> {
    MONTHS.iter().find(|(n, _)| *n == word).map(|(_, m)| *m)
}

/// Looks a word up as a weekday.
pub(crate) fn weekday_named(word: &str) -> Option<Weekday> {
    WEEKDAYS.iter().find(|(n, _)| *n == word).map(|(_, d)| *d)
}

/// One token of lower-cased text, with its byte span.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tok {
    Word(String),
    Num(u32),
    Punct(char),
}

/// Splits lower-cased text into words, numbers (ordinal suffixes such as
/// `3rd`, `1er`, `5th` are dropped) and single punctuation marks. Each token
/// comes with its `(start, end)` byte span.
pub(crate) fn tokens(s: &str) -> Vec<(Tok, usize, usize)> {
    let mut out = Vec::new();
    let mut chars = s.char_indices().peekable();
    while let Some(&(i, c)) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c.is_ascii_digit() {
            let mut end = i;
            let mut value: u32 = 0;
            while let Some(&(j, d)) = chars.peek() {
                if let Some(v) = d.to_digit(10).filter(|_| d.is_ascii_digit()) {
                    value = value.saturating_mul(10).saturating_add(v);
                    end = j + 1;
                    chars.next();
                } else {
                    break;
                }
            }
            // Ordinal suffix glued to the number.
            let rest = s.get(end..).unwrap_or("");
            for suffix in ["st", "nd", "rd", "th", "er", "re", "e", "º", "°", "o", "a"] {
                if rest.starts_with(suffix)
                    && rest
                        .get(suffix.len()..)
                        .and_then(|t| t.chars().next())
                        .is_none_or(|n| !n.is_alphanumeric())
                {
                    for _ in 0..suffix.chars().count() {
                        chars.next();
                    }
                    end += suffix.len();
                    break;
                }
            }
            out.push((Tok::Num(value), i, end));
        } else if c.is_alphabetic() {
            let mut word = String::new();
            let mut end = i;
            while let Some(&(j, d)) = chars.peek() {
                if d.is_alphabetic() {
                    word.push(d);
                    end = j + d.len_utf8();
                    chars.next();
                } else {
                    break;
                }
            }
            out.push((Tok::Word(word), i, end));
        } else {
            out.push((Tok::Punct(c), i, i + c.len_utf8()));
            chars.next();
        }
    }
    out
}

/// A date as written: any of its parts may be missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct PartialDate {
    pub weekday: Option<Weekday>,
    pub day: Option<u32>,
    pub month: Option<u32>,
    pub year: Option<i32>,
}

impl PartialDate {
    fn is_empty(&self) -> bool {
        self.weekday.is_none() && self.day.is_none() && self.month.is_none()
    }
}

/// Parses a date at the start of `toks` (after skipping nothing). Returns the
/// date and the index of the first token after it, or `None` when the tokens
/// do not start with a date that has at least a day or a weekday.
pub(crate) fn parse_date(toks: &[(Tok, usize, usize)]) -> Option<(PartialDate, usize)> {
    let mut date = PartialDate::default();
    let mut i = 0;
    let mut last_useful = 0;
    while let Some((tok, _, _)) = toks.get(i) {
        match tok {
            Tok::Word(w)
                if date.weekday.is_none() && date.day.is_none() && date.month.is_none() =>
            {
                if let Some(d) = weekday_named(w) {
                    date.weekday = Some(d);
                } else if let Some(m) = month_named(w) {
                    date.month = Some(m);
                } else if GLUE.contains(&w.as_str()) {
                    // glue before the first part
                } else {
                    break;
                }
            }
            Tok::Word(w) => {
                if let Some(m) = month_named(w).filter(|_| date.month.is_none()) {
                    date.month = Some(m);
                } else if GLUE.contains(&w.as_str()) {
                } else {
                    break;
                }
            }
            Tok::Num(n) => {
                if (1..=31).contains(n) && date.day.is_none() && date.year.is_none() {
                    date.day = Some(*n);
                } else if (1900..=2200).contains(n)
                    && date.year.is_none()
                    && (date.day.is_some() || date.month.is_some())
                {
                    date.year = i32::try_from(*n).ok();
                    i += 1;
                    last_useful = i;
                    break;
                } else {
                    break;
                }
            }
            Tok::Punct(',' | '.') => {}
            Tok::Punct(_) => break,
        }
        i += 1;
        if matches!(toks.get(i - 1), Some((Tok::Word(w), _, _)) if !GLUE.contains(&w.as_str()))
            || matches!(toks.get(i - 1), Some((Tok::Num(_), _, _)))
        {
            last_useful = i;
        }
    }
    if date.is_empty() || (date.day.is_none() && date.weekday.is_none()) {
        return None;
    }
    // A month name with no day ("in January") is not a day.
    Some((date, last_useful))
}

/// The first date on or after `today` that matches `date`, following the
/// corpus rules: a missing year is the first such date on or after today; a
/// lone day of the month takes today's month (the next month once that day
/// has passed); a weekday with a day is the first date with both; a lone
/// weekday is the next such day after today.
pub(crate) fn resolve(date: PartialDate, today: NaiveDate) -> Option<NaiveDate> {
    match (date.year, date.month, date.day) {
        (Some(y), Some(m), Some(d)) => NaiveDate::from_ymd_opt(y, m, d),
        (None, Some(m), Some(d)) => (0..=4)
            .filter_map(|k| NaiveDate::from_ymd_opt(today.year() + k, m, d))
            .find(|c| *c >= today),
        (_, None, Some(d)) => {
            let mut cursor = today;
            for _ in 0..(366 * 8) {
                if cursor.day() == d && date.weekday.is_none_or(|w| cursor.weekday() == w) {
                    return Some(cursor);
                }
                cursor = cursor.succ_opt()?;
            }
            None
        }
        (_, _, None) => {
            let w = date.weekday?;
            let mut cursor = today.succ_opt()?;
            for _ in 0..7 {
                if cursor.weekday() == w {
                    return Some(cursor);
                }
                cursor = cursor.succ_opt()?;
            }
            None
        }
    }
}

/// Saturday or Sunday?
pub(crate) fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

/// The first working day (Monday to Friday) on or after `d`.
pub(crate) fn business_day_on_or_after(d: NaiveDate) -> NaiveDate {
    let mut cursor = d;
    while is_weekend(cursor) {
        match cursor.checked_add_signed(Duration::days(1)) {
            Some(next) => cursor = next,
            None => break,
        }
    }
    cursor
}

/// The first working day strictly after `d`.
pub(crate) fn business_day_after(d: NaiveDate) -> NaiveDate {
    d.succ_opt().map_or(d, business_day_on_or_after)
}

/// Parses a clock time at the start of `toks`: `10:00`, `2:30 pm`, `2pm`,
/// `14.30 Uhr`, `10h00`, `10 h`. Returns the time and the tokens used.
pub(crate) fn parse_time(toks: &[(Tok, usize, usize)]) -> Option<(NaiveTime, usize)> {
    let mut i = 0;
    // Optional "at", "um", "à", "a las", "a la".
    while let Some((Tok::Word(w), _, _)) = toks.get(i) {
        if ["at", "um", "à", "a", "las", "la", "from", "von", "de"].contains(&w.as_str()) {
            i += 1;
        } else {
            break;
        }
    }
    let Some((Tok::Num(h), _, _)) = toks.get(i) else {
        return None;
    };
    let mut hour = *h;
    let mut minute = 0;
    let mut used = i + 1;
    let mut explicit = false;
    match (toks.get(used), toks.get(used + 1)) {
        (Some((Tok::Punct(':' | '.'), _, _)), Some((Tok::Num(m), _, _))) if *m < 60 => {
            minute = *m;
            used += 2;
            explicit = true;
        }
        (Some((Tok::Word(w), _, _)), Some((Tok::Num(m), _, _))) if w == "h" && *m < 60 => {
            minute = *m;
            used += 2;
            explicit = true;
        }
        _ => {}
    }
    match toks.get(used) {
        Some((Tok::Word(w), _, _)) if w == "pm" || w == "p" => {
            if hour < 12 {
                hour += 12;
            }
            used += 1 + usize::from(matches!(toks.get(used + 1), Some((Tok::Punct('.'), _, _))));
            explicit = true;
        }
        Some((Tok::Word(w), _, _)) if w == "am" || w == "a" => {
            if hour == 12 {
                hour = 0;
            }
            used += 1;
            explicit = true;
        }
        Some((Tok::Word(w), _, _)) if w == "uhr" || w == "h" => {
            used += 1;
            explicit = true;
        }
        _ => {}
    }
    if !explicit {
        return None;
    }
    NaiveTime::from_hms_opt(hour, minute, 0).map(|t| (t, used))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    fn date_of(s: &str) -> Option<PartialDate> {
        parse_date(&tokens(s)).map(|(p, _)| p)
    }

    #[test]
    fn parses_the_wordings() {
        let p = date_of("monday 4 january.").unwrap_or_default();
        assert_eq!(
            (p.weekday, p.day, p.month),
            (Some(Weekday::Mon), Some(4), Some(1))
        );
        let p = date_of("january 14. i'll").unwrap_or_default();
        assert_eq!((p.day, p.month), (Some(14), Some(1)));
        let p = date_of("the 3rd. i'll").unwrap_or_default();
        assert_eq!((p.day, p.month), (Some(3), None));
        let p = date_of("tuesday the 5th.").unwrap_or_default();
        assert_eq!((p.weekday, p.day), (Some(Weekday::Tue), Some(5)));
        let p = date_of("7. januar wieder").unwrap_or_default();
        assert_eq!((p.day, p.month), (Some(7), Some(1)));
        let p = date_of("el viernes 9 de enero incluido").unwrap_or_default();
        assert_eq!(
            (p.weekday, p.day, p.month),
            (Some(Weekday::Fri), Some(9), Some(1))
        );
        let p = date_of("thursday 11 march 2010 at 10:00").unwrap_or_default();
        assert_eq!(p.year, Some(2010));
        assert!(date_of("the office").is_none());
        assert!(date_of("january").is_none());
    }

    #[test]
    fn year_rollover() {
        let p = date_of("4 january").unwrap_or_default();
        assert_eq!(resolve(p, d(2009, 12, 28)), Some(d(2010, 1, 4)));
        assert_eq!(resolve(p, d(2010, 1, 4)), Some(d(2010, 1, 4)));
        assert_eq!(resolve(p, d(2010, 1, 5)), Some(d(2011, 1, 4)));
    }

    #[test]
    fn day_only_takes_the_month_then_the_next() {
        let p = date_of("the 3rd").unwrap_or_default();
        assert_eq!(resolve(p, d(2010, 2, 1)), Some(d(2010, 2, 3)));
        assert_eq!(resolve(p, d(2010, 2, 4)), Some(d(2010, 3, 3)));
        let p = date_of("the 11th").unwrap_or_default();
        assert_eq!(resolve(p, d(2010, 1, 1)), Some(d(2010, 1, 11)));
        // 31 December in UTC but the 11th is read in the sender's day.
        assert_eq!(resolve(p, d(2009, 12, 31)), Some(d(2010, 1, 11)));
    }

    #[test]
    fn weekday_and_day_only() {
        let p = date_of("tuesday the 5th").unwrap_or_default();
        assert_eq!(resolve(p, d(2009, 12, 29)), Some(d(2010, 1, 5)));
        // The first Friday the 13th after 1 January 2010 is in August.
        let p = date_of("friday the 13th").unwrap_or_default();
        assert_eq!(resolve(p, d(2010, 1, 1)), Some(d(2010, 8, 13)));
    }

    #[test]
    fn business_days() {
        // Friday 8 January 2010 inclusive -> Monday 11.
        assert_eq!(business_day_after(d(2010, 1, 8)), d(2010, 1, 11));
        // Monday 4 January inclusive -> Tuesday 5.
        assert_eq!(business_day_after(d(2010, 1, 4)), d(2010, 1, 5));
        // Until Saturday 9 January -> Monday 11.
        assert_eq!(business_day_on_or_after(d(2010, 1, 9)), d(2010, 1, 11));
        assert_eq!(business_day_on_or_after(d(2010, 1, 6)), d(2010, 1, 6));
    }

    #[test]
    fn times() {
        let t = |s: &str| parse_time(&tokens(s)).map(|(t, _)| t);
        assert_eq!(t("at 2:30 pm eastern"), NaiveTime::from_hms_opt(14, 30, 0));
        assert_eq!(
            t("at 10:00 (london time)"),
            NaiveTime::from_hms_opt(10, 0, 0)
        );
        assert_eq!(t("2pm"), NaiveTime::from_hms_opt(14, 0, 0));
        assert_eq!(t("um 14.30 uhr"), NaiveTime::from_hms_opt(14, 30, 0));
        assert_eq!(t("at 12 noon"), None);
    }
}
