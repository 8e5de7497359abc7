//! Built-in public-holiday calendars, computed by rule for any year: a seeker
//! in the United States need not type in Thanksgiving, nor one in England the
//! Boxing Day substitute, before a call lands on it.
//!
//! Each calendar is the set of days its law fixes, with the weekend rule it
//! uses, and nothing more. One-off days (a royal funeral, a coronation) and
//! regional days (a German Land's own, Alsace-Moselle's Good Friday) are not
//! included: seekers add those as dates of their own.
//!
//! Easter Sunday is computed with the anonymous Gregorian algorithm
//! (Meeus/Jones/Butcher).

use std::collections::BTreeSet;
use std::ops::RangeInclusive;

use chrono::{Datelike, Days, NaiveDate, Weekday};

use crate::wire::wire_enum;

wire_enum! {
    /// A public-holiday calendar the engine knows by rule.
    pub enum HolidayCalendar as "holiday calendar" {
        /// United States federal holidays (5 U.S.C. § 6103); one on a
        /// Saturday is observed the Friday before, one on a Sunday the
        /// Monday after (Executive Order 11582, as OPM applies it).
        Us => "us",
        /// Bank holidays of England and Wales (Banking and Financial
        /// Dealings Act 1971, as gov.uk lists them); one on a weekend moves
        /// to the next weekday that is not already one.
        GbEnglandWales => "gb_england_wales",
        /// Germany's nationwide public holidays (the nine that every Land
        /// keeps); none moves.
        De => "de",
        /// France's public holidays (Code du travail, art. L3133-1); none
        /// moves.
        Fr => "fr",
    }
}

/// One public holiday: the day it is kept (observed) and its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Holiday {
    /// The day off: the observed day where a weekend moves it.
    pub date: NaiveDate,
    /// Its name, in English.
    pub name: &'static str,
    /// Whether `date` is a substitute for a holiday that fell on a weekend.
    pub substitute: bool,
}

/// When a holiday falls in a year.
#[derive(Debug, Clone, Copy)]
enum When {
    /// A fixed day of a month.
    Fixed(u32, u32),
    /// The n-th (1-based) weekday of a month.
    Nth(u32, Weekday, u8),
    /// The last weekday of a month.
    Last(u32, Weekday),
    /// Days after Easter Sunday (negative: before).
    Easter(i64),
}

/// What a calendar does with a holiday that falls on a weekend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Weekend {
    /// Nothing: the day is lost.
    Kept,
    /// Saturday → the Friday before, Sunday → the Monday after.
    Nearest,
    /// The next weekday that is not already a holiday.
    NextFree,
}

#[derive(Debug, Clone, Copy)]
struct Rule {
    name: &'static str,
    when: When,
    /// The first year the holiday was kept.
    since: i32,
}

const fn rule(name: &'static str, when: When, since: i32) -> Rule {
    Rule { name, when, since }
}

use Weekday::{Mon, Thu};
use When::{Easter, Fixed, Last, Nth};

/// 5 U.S.C. § 6103(a).
const US: &[Rule] = &[
    rule("New Year's Day", Fixed(1, 1), 1870),
    rule("Birthday of Martin Luther King, Jr.", Nth(1, Mon, 3), 1986),
    rule("Washington's Birthday", Nth(2, Mon, 3), 1971),
    rule("Memorial Day", Last(5, Mon), 1971),
    rule("Juneteenth National Independence Day", Fixed(6, 19), 2021),
    rule("Independence Day", Fixed(7, 4), 1870),
    rule("Labor Day", Nth(9, Mon, 1), 1894),
    rule("Columbus Day", Nth(10, Mon, 2), 1971),
    rule("Veterans Day", Fixed(11, 11), 1978),
    rule("Thanksgiving Day", Nth(11, Thu, 4), 1942),
    rule("Christmas Day", Fixed(12, 25), 1870),
];

/// Banking and Financial Dealings Act 1971, Schedule 1, and the royal
/// proclamations that fixed the May days (early May since 1978).
const GB_ENGLAND_WALES: &[Rule] = &[
    rule("New Year's Day", Fixed(1, 1), 1974),
    rule("Good Friday", Easter(-2), 1971),
    rule("Easter Monday", Easter(1), 1971),
    rule("Early May bank holiday", Nth(5, Mon, 1), 1978),
    rule("Spring bank holiday", Last(5, Mon), 1971),
    rule("Summer bank holiday", Last(8, Mon), 1971),
    rule("Christmas Day", Fixed(12, 25), 1971),
    rule("Boxing Day", Fixed(12, 26), 1971),
];

/// The holidays every German Land keeps (Tag der Deutschen Einheit by the
/// Unification Treaty, art. 2(2)).
const DE: &[Rule] = &[
    rule("Neujahr", Fixed(1, 1), 1949),
    rule("Karfreitag", Easter(-2), 1949),
    rule("Ostermontag", Easter(1), 1949),
    rule("Tag der Arbeit", Fixed(5, 1), 1949),
    rule("Christi Himmelfahrt", Easter(39), 1949),
    rule("Pfingstmontag", Easter(50), 1949),
    rule("Tag der Deutschen Einheit", Fixed(10, 3), 1990),
    rule("Erster Weihnachtstag", Fixed(12, 25), 1949),
    rule("Zweiter Weihnachtstag", Fixed(12, 26), 1949),
];

/// Code du travail, article L3133-1.
const FR: &[Rule] = &[
    rule("Jour de l'an", Fixed(1, 1), 1946),
    rule("Lundi de Pâques", Easter(1), 1946),
    rule("Fête du Travail", Fixed(5, 1), 1946),
    rule("Victoire 1945", Fixed(5, 8), 1982),
    rule("Ascension", Easter(39), 1946),
    rule("Lundi de Pentecôte", Easter(50), 1946),
    rule("Fête nationale", Fixed(7, 14), 1946),
    rule("Assomption", Fixed(8, 15), 1946),
    rule("Toussaint", Fixed(11, 1), 1946),
    rule("Armistice 1918", Fixed(11, 11), 1946),
    rule("Noël", Fixed(12, 25), 1946),
];

impl HolidayCalendar {
    /// A name to show.
    pub const fn title(self) -> &'static str {
        match self {
            Self::Us => "United States federal holidays",
            Self::GbEnglandWales => "Bank holidays in England and Wales",
            Self::De => "Germany: nationwide public holidays",
            Self::Fr => "France: public holidays",
        }
    }

    /// The law or list the rules come from.
    pub const fn source(self) -> &'static str {
        match self {
            Self::Us => "5 U.S.C. § 6103; Executive Order 11582 for the weekend rule",
            Self::GbEnglandWales => {
                "Banking and Financial Dealings Act 1971, Schedule 1, with the royal proclamations of the May days"
            }
            Self::De => "the holiday laws of the Länder; Unification Treaty, art. 2(2)",
            Self::Fr => "Code du travail, article L3133-1",
        }
    }

    /// What happens to a holiday that falls on a weekend, in words.
    pub const fn weekend_rule(self) -> &'static str {
        match self {
            Self::Us => "Saturday: observed the Friday before; Sunday: the Monday after",
            Self::GbEnglandWales => {
                "a substitute day off on the next weekday that is not already a bank holiday"
            }
            Self::De | Self::Fr => "none: a holiday on a weekend is not moved",
        }
    }

    const fn rules(self) -> &'static [Rule] {
        match self {
            Self::Us => US,
            Self::GbEnglandWales => GB_ENGLAND_WALES,
            Self::De => DE,
            Self::Fr => FR,
        }
    }

    const fn weekend(self) -> Weekend {
        match self {
            Self::Us => Weekend::Nearest,
            Self::GbEnglandWales => Weekend::NextFree,
            Self::De | Self::Fr => Weekend::Kept,
        }
    }

    /// The days off in `year`, by date: the days as kept (observed), so a
    /// US holiday on a Saturday is the Friday before, even when that Friday
    /// is 31 December of the year before (it is listed in that year).
    pub fn holidays(self, year: i32) -> Vec<Holiday> {
        let nominal = |year: i32| {
            self.rules()
                .iter()
                .filter(move |r| r.since <= year)
                .filter_map(move |r| Some((date_of(r.when, year)?, r.name)))
        };
        let mut days: Vec<Holiday> = Vec::with_capacity(self.rules().len() + 2);
        match self.weekend() {
            Weekend::Kept => days.extend(nominal(year).map(|(date, name)| Holiday {
                date,
                name,
                substitute: false,
            })),
            Weekend::Nearest => {
                // Next year's New Year's Day may be observed on this year's
                // last day.
                for (date, name) in nominal(year).chain(nominal(year + 1)) {
                    let observed = match date.weekday() {
                        Weekday::Sat => date.pred_opt(),
                        Weekday::Sun => date.succ_opt(),
                        _ => Some(date),
                    };
                    if let Some(observed) = observed.filter(|d| d.year() == year) {
                        days.push(Holiday {
                            date: observed,
                            name,
                            substitute: observed != date,
                        });
                    }
                }
            }
            Weekend::NextFree => {
                let mut nominal: Vec<(NaiveDate, &'static str)> = nominal(year).collect();
                nominal.sort_unstable();
                let mut taken: BTreeSet<NaiveDate> = nominal.iter().map(|(d, _)| *d).collect();
                for (date, name) in nominal {
                    if !is_weekend(date) {
                        days.push(Holiday {
                            date,
                            name,
                            substitute: false,
                        });
                        continue;
                    }
                    let mut day = date;
                    while let Some(next) = day.succ_opt() {
                        day = next;
                        if !is_weekend(day) && !taken.contains(&day) {
                            taken.insert(day);
                            days.push(Holiday {
                                date: day,
                                name,
                                substitute: true,
                            });
                            break;
                        }
                    }
                }
            }
        }
        days.sort_unstable();
        days
    }

    /// Whether `date` is a day off in this calendar.
    pub fn is_holiday(self, date: NaiveDate) -> bool {
        self.holidays(date.year()).iter().any(|h| h.date == date)
    }
}

fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

fn date_of(when: When, year: i32) -> Option<NaiveDate> {
    match when {
        When::Fixed(month, day) => NaiveDate::from_ymd_opt(year, month, day),
        When::Nth(month, weekday, n) => {
            NaiveDate::from_weekday_of_month_opt(year, month, weekday, n)
        }
        When::Last(month, weekday) => {
            let first_of_next = if month == 12 {
                NaiveDate::from_ymd_opt(year + 1, 1, 1)
            } else {
                NaiveDate::from_ymd_opt(year, month + 1, 1)
            }?;
            let last = first_of_next.pred_opt()?;
            let back =
                (7 + last.weekday().num_days_from_monday() - weekday.num_days_from_monday()) % 7;
            last.checked_sub_days(Days::new(u64::from(back)))
        }
        When::Easter(offset) => {
            let easter = easter_sunday(year)?;
            let days = Days::new(offset.unsigned_abs());
            if offset >= 0 {
                easter.checked_add_days(days)
            } else {
                easter.checked_sub_days(days)
            }
        }
    }
}

/// Easter Sunday in the Gregorian calendar (the anonymous algorithm published
/// by Meeus, after Jones and Butcher).
pub fn easter_sunday(year: i32) -> Option<NaiveDate> {
    let a = year.rem_euclid(19);
    let b = year.div_euclid(100);
    let c = year.rem_euclid(100);
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, u32::try_from(month).ok()?, u32::try_from(day).ok()?)
}

/// The built-in calendars a business calendar observes, with their days
/// precomputed for a span of years (the engine asks about dates near the
/// instant it evaluates) and computed on demand outside it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NationalHolidays {
    calendars: Vec<HolidayCalendar>,
    years: Option<RangeInclusive<i32>>,
    days: BTreeSet<NaiveDate>,
}

impl NationalHolidays {
    /// Observes `calendars`, with their days for `years` computed now.
    pub fn new(calendars: Vec<HolidayCalendar>, years: RangeInclusive<i32>) -> Self {
        let days = calendars
            .iter()
            .flat_map(|c| years.clone().flat_map(move |y| c.holidays(y)))
            .map(|h| h.date)
            .collect();
        Self {
            calendars,
            years: Some(years),
            days,
        }
    }

    /// Observes `calendars`, computing the days when asked about them.
    pub fn on_demand(calendars: Vec<HolidayCalendar>) -> Self {
        Self {
            calendars,
            years: None,
            days: BTreeSet::new(),
        }
    }

    /// The calendars observed.
    pub fn calendars(&self) -> &[HolidayCalendar] {
        &self.calendars
    }

    /// Whether `date` is a day off in any of the calendars.
    pub fn contains(&self, date: NaiveDate) -> bool {
        if self.calendars.is_empty() {
            return false;
        }
        match &self.years {
            Some(years) if years.contains(&date.year()) => self.days.contains(&date),
            _ => self.calendars.iter().any(|c| c.is_holiday(date)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn dates(calendar: HolidayCalendar, year: i32) -> Vec<NaiveDate> {
        calendar.holidays(year).iter().map(|h| h.date).collect()
    }

    #[test]
    fn easter_sundays() {
        // Published dates of Easter Sunday.
        for (y, m, d) in [
            (2009, 4, 12),
            (2010, 4, 4),
            (2019, 4, 21),
            (2024, 3, 31),
            (2025, 4, 20),
            (2026, 4, 5),
            (2027, 3, 28),
            (2038, 4, 25),
            (2285, 3, 22),
        ] {
            assert_eq!(easter_sunday(y), Some(date(y, m, d)), "{y}");
        }
    }

    #[test]
    fn us_federal_holidays_as_opm_lists_them() {
        // OPM's published federal holiday lists for 2026 and 2027.
        assert_eq!(
            dates(HolidayCalendar::Us, 2026),
            [
                date(2026, 1, 1),
                date(2026, 1, 19),
                date(2026, 2, 16),
                date(2026, 5, 25),
                date(2026, 6, 19),
                date(2026, 7, 3),
                date(2026, 9, 7),
                date(2026, 10, 12),
                date(2026, 11, 11),
                date(2026, 11, 26),
                date(2026, 12, 25),
            ]
        );
        assert_eq!(
            dates(HolidayCalendar::Us, 2027),
            [
                date(2027, 1, 1),
                date(2027, 1, 18),
                date(2027, 2, 15),
                date(2027, 5, 31),
                date(2027, 6, 18),
                date(2027, 7, 5),
                date(2027, 9, 6),
                date(2027, 10, 11),
                date(2027, 11, 11),
                date(2027, 11, 25),
                date(2027, 12, 24),
                // New Year's Day 2028 is a Saturday.
                date(2027, 12, 31),
            ]
        );
        assert!(
            !dates(HolidayCalendar::Us, 2028).contains(&date(2028, 1, 1)),
            "observed the day before"
        );
        let independence = HolidayCalendar::Us
            .holidays(2026)
            .into_iter()
            .find(|h| h.name == "Independence Day")
            .unwrap();
        assert!(independence.substitute);
        assert!(
            !dates(HolidayCalendar::Us, 2020).contains(&date(2020, 6, 19)),
            "Juneteenth from 2021"
        );
    }

    #[test]
    fn bank_holidays_in_england_and_wales_as_gov_uk_lists_them() {
        assert_eq!(
            dates(HolidayCalendar::GbEnglandWales, 2026),
            [
                date(2026, 1, 1),
                date(2026, 4, 3),
                date(2026, 4, 6),
                date(2026, 5, 4),
                date(2026, 5, 25),
                date(2026, 8, 31),
                date(2026, 12, 25),
                // Boxing Day is a Saturday.
                date(2026, 12, 28),
            ]
        );
        assert_eq!(
            dates(HolidayCalendar::GbEnglandWales, 2027),
            [
                date(2027, 1, 1),
                date(2027, 3, 26),
                date(2027, 3, 29),
                date(2027, 5, 3),
                date(2027, 5, 31),
                date(2027, 8, 30),
                // Christmas on a Saturday, Boxing Day on a Sunday.
                date(2027, 12, 27),
                date(2027, 12, 28),
            ]
        );
        // Christmas on a Sunday (2022): Boxing Day keeps Monday, Christmas
        // moves to Tuesday; New Year's Day on a Saturday moves to Monday.
        let y2022 = dates(HolidayCalendar::GbEnglandWales, 2022);
        assert!(y2022.contains(&date(2022, 1, 3)));
        assert!(y2022.contains(&date(2022, 12, 26)));
        assert!(y2022.contains(&date(2022, 12, 27)));
    }

    #[test]
    fn germany_and_france_by_rule() {
        assert_eq!(
            dates(HolidayCalendar::De, 2026),
            [
                date(2026, 1, 1),
                date(2026, 4, 3),
                date(2026, 4, 6),
                date(2026, 5, 1),
                date(2026, 5, 14),
                date(2026, 5, 25),
                date(2026, 10, 3),
                date(2026, 12, 25),
                date(2026, 12, 26),
            ]
        );
        assert_eq!(
            dates(HolidayCalendar::Fr, 2026),
            [
                date(2026, 1, 1),
                date(2026, 4, 6),
                date(2026, 5, 1),
                date(2026, 5, 8),
                date(2026, 5, 14),
                date(2026, 5, 25),
                date(2026, 7, 14),
                date(2026, 8, 15),
                date(2026, 11, 1),
                date(2026, 11, 11),
                date(2026, 12, 25),
            ]
        );
    }

    #[test]
    fn precomputed_and_on_demand_agree() {
        let national = NationalHolidays::new(
            vec![HolidayCalendar::Us, HolidayCalendar::GbEnglandWales],
            2026..=2027,
        );
        let mut day = date(2024, 1, 1);
        while day < date(2030, 1, 1) {
            let expected = HolidayCalendar::Us.is_holiday(day)
                || HolidayCalendar::GbEnglandWales.is_holiday(day);
            assert_eq!(national.contains(day), expected, "{day}");
            day = day.succ_opt().unwrap();
        }
        assert!(!NationalHolidays::default().contains(date(2026, 12, 25)));
    }
}
