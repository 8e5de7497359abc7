//! Built-in public-holiday calendars: a seeker in the United States need not
//! type in Thanksgiving, nor one in England the Boxing Day substitute, before
//! a call lands on it.
//!
//! Each calendar is the set of days its law fixes, with the weekend rule it
//! uses, and nothing more. One-off days (a royal funeral, a coronation, an
//! election's polling day) and regional days (a German Land's own,
//! Alsace-Moselle's Good Friday) are not included: seekers add those as dates
//! of their own.
//!
//! Most days are computed by rule for any year. Where the law leaves the date
//! to an announcement (a lunar festival, a moon sighting), the calendar holds
//! a dated table copied from the official list for the years it covers, and
//! [`HolidayCalendar::complete_for`] says whether a year is inside it; outside,
//! only the days fixed by rule are known, and [`HolidayCalendar::coverage`]
//! says so in words.
//!
//! Easter Sunday is computed with the anonymous Gregorian algorithm
//! (Meeus/Jones/Butcher). One file per country holds its rules and the
//! official lists its tests check them against;
//! [`HolidayCalendar::for_zone`] maps a time zone to the calendar it
//! determines.

use std::collections::BTreeSet;
use std::ops::RangeInclusive;

use chrono::{Datelike, Days, NaiveDate, Weekday};

use crate::wire::wire_enum;

mod au_nsw;
mod ca;
mod de;
mod fr;
mod gb;
mod india;
mod jp;
mod sg;
mod us;
mod zones;

wire_enum! {
    /// A built-in public-holiday calendar: `us` (federal), `gb_england_wales` (bank holidays), `de` (nationwide), `fr`, `jp`, `ca` (federal), `au_nsw` (New South Wales), `in` (central government, Delhi), `sg`.
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
        /// Japan's national holidays (Act on National Holidays), with the
        /// substitute holiday after one on a Sunday and the citizens'
        /// holiday between two of them.
        Jp => "jp",
        /// Canada's federal general holidays (Canada Labour Code, s. 166);
        /// one of those s. 193(2) names on a weekend gives the next working
        /// day too.
        Ca => "ca",
        /// New South Wales public holidays (Public Holidays Act 2010 (NSW),
        /// s. 4), with its additional days for weekends.
        AuNsw => "au_nsw",
        /// India's central government holidays at Delhi: the three national
        /// days by rule, the rest from the yearly order of the Department of
        /// Personnel and Training.
        In => "in",
        /// Singapore's public holidays (Holidays Act 1998); one on a Sunday
        /// gives the next day that is not one. The festival dates come from
        /// the Ministry of Manpower's yearly list.
        Sg => "sg",
    }
}

/// One day off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = HolidayDay))]
pub struct Holiday {
    /// The day off (the observed day where a weekend moves the holiday).
    pub date: NaiveDate,
    /// The holiday's name.
    #[cfg_attr(feature = "openapi", schema(example = "Thanksgiving Day"))]
    pub name: &'static str,
    /// Whether the day stands in for (or is added because of) a holiday that
    /// fell on a weekend.
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
    /// The last weekday before a day of a month (Victoria Day: the Monday
    /// before 25 May).
    Before(u32, u32, Weekday),
    /// Days after Easter Sunday (negative: before).
    Easter(i64),
    /// Computed by a function of the year (Japan's equinox days).
    Computed(fn(i32) -> Option<NaiveDate>),
    /// As the inner rule, except in the listed years (year, month, day),
    /// when a law moved it.
    Moved(&'static When, &'static [(i32, u32, u32)]),
    /// A dated table from an official list: the day in each listed year,
    /// none in the others.
    Table(&'static [(i32, u32, u32)]),
}

/// What a calendar does with a holiday that falls on a weekend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Weekend {
    /// Nothing: the day is lost.
    Kept,
    /// Saturday → the Friday before, Sunday → the Monday after.
    Nearest,
    /// Instead, the next weekday that is not already a holiday.
    NextFree,
    /// The day stays a holiday, and on a Saturday or a Sunday the next
    /// weekday that is not already one is a holiday too.
    AlsoNextWeekday,
    /// The day stays a holiday, and on a Sunday the next day that is not
    /// already one is a holiday too.
    AlsoAfterSunday,
}

#[derive(Debug, Clone, Copy)]
struct Rule {
    name: &'static str,
    when: When,
    /// The first year the holiday was kept.
    since: i32,
    /// The last year it was kept under this rule.
    until: i32,
    /// The calendar's weekend rule, unless this holiday has its own.
    weekend: Option<Weekend>,
}

const fn rule(name: &'static str, when: When, since: i32) -> Rule {
    Rule {
        name,
        when,
        since,
        until: i32::MAX,
        weekend: None,
    }
}

impl Rule {
    /// Kept under this rule up to `year` only.
    const fn until(self, year: i32) -> Self {
        Self {
            until: year,
            ..self
        }
    }

    /// With its own weekend rule.
    const fn on_weekend(self, weekend: Weekend) -> Self {
        Self {
            weekend: Some(weekend),
            ..self
        }
    }
}

impl HolidayCalendar {
    /// A name to show.
    pub const fn title(self) -> &'static str {
        match self {
            Self::Us => "United States federal holidays",
            Self::GbEnglandWales => "Bank holidays in England and Wales",
            Self::De => "Germany: nationwide public holidays",
            Self::Fr => "France: public holidays",
            Self::Jp => "Japan: national holidays",
            Self::Ca => "Canada: federal general holidays",
            Self::AuNsw => "Australia: New South Wales public holidays",
            Self::In => "India: central government holidays (Delhi)",
            Self::Sg => "Singapore: public holidays",
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
            Self::Jp => jp::SOURCE,
            Self::Ca => ca::SOURCE,
            Self::AuNsw => au_nsw::SOURCE,
            Self::In => india::SOURCE,
            Self::Sg => sg::SOURCE,
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
            Self::Jp => jp::WEEKEND_RULE,
            Self::Ca => ca::WEEKEND_RULE,
            Self::AuNsw => au_nsw::WEEKEND_RULE,
            Self::In => india::WEEKEND_RULE,
            Self::Sg => sg::WEEKEND_RULE,
        }
    }

    /// Which years the calendar knows in full, in words: every year for a
    /// calendar computed by rule; for one with a dated table, the years the
    /// table covers and what is missing outside them.
    pub const fn coverage(self) -> &'static str {
        match self {
            Self::Us | Self::GbEnglandWales | Self::De | Self::Fr | Self::Ca => {
                "every year, by rule"
            }
            Self::Jp => jp::COVERAGE,
            Self::AuNsw => au_nsw::COVERAGE,
            Self::In => india::COVERAGE,
            Self::Sg => sg::COVERAGE,
        }
    }

    /// Whether [`holidays`](Self::holidays) lists every day off of `year`.
    /// When it does not, the days fixed by rule are still listed, but days
    /// the law leaves to a yearly announcement are missing (see
    /// [`coverage`](Self::coverage)).
    pub fn complete_for(self, year: i32) -> bool {
        match self {
            Self::Us | Self::GbEnglandWales | Self::De | Self::Fr | Self::Ca => true,
            Self::Jp => jp::complete(year),
            Self::AuNsw => au_nsw::complete(year),
            Self::In => india::complete(year),
            Self::Sg => sg::complete(year),
        }
    }

    const fn rules(self) -> &'static [Rule] {
        match self {
            Self::Us => us::RULES,
            Self::GbEnglandWales => gb::RULES,
            Self::De => de::RULES,
            Self::Fr => fr::RULES,
            Self::Jp => jp::RULES,
            Self::Ca => ca::RULES,
            Self::AuNsw => au_nsw::RULES,
            Self::In => india::RULES,
            Self::Sg => sg::RULES,
        }
    }

    const fn weekend(self) -> Weekend {
        match self {
            Self::Us => Weekend::Nearest,
            Self::GbEnglandWales => Weekend::NextFree,
            Self::De | Self::Fr | Self::In => Weekend::Kept,
            Self::Ca | Self::AuNsw => Weekend::AlsoNextWeekday,
            Self::Jp | Self::Sg => Weekend::AlsoAfterSunday,
        }
    }

    /// The holidays the rules fix in `year`, on their own days, by date,
    /// each with the weekend rule that applies to it.
    fn nominal(self, year: i32) -> Vec<(NaiveDate, &'static str, Weekend)> {
        let mut days: Vec<_> = self
            .rules()
            .iter()
            .filter(|r| (r.since..=r.until).contains(&year))
            .filter_map(|r| {
                let date = date_of(r.when, year)?;
                Some((date, r.name, r.weekend.unwrap_or(self.weekend())))
            })
            .collect();
        days.sort_unstable_by_key(|(date, _, _)| *date);
        days
    }

    /// The days off in `year`, by date: the days as kept (observed), so a
    /// US holiday on a Saturday is the Friday before, even when that Friday
    /// is 31 December of the year before (it is listed in that year). Where
    /// a weekend adds a day rather than moving one (Japan, Canada, New South
    /// Wales, Singapore), both are listed, the added one as a substitute.
    pub fn holidays(self, year: i32) -> Vec<Holiday> {
        let nominal = self.nominal(year);
        let mut taken: BTreeSet<NaiveDate> = nominal.iter().map(|(d, _, _)| *d).collect();
        let mut days: Vec<Holiday> = Vec::with_capacity(nominal.len() + 4);
        let keep = |date, name, substitute| Holiday {
            date,
            name,
            substitute,
        };
        for (date, name, weekend) in nominal {
            match weekend {
                Weekend::Kept => days.push(keep(date, name, false)),
                Weekend::Nearest => {
                    let observed = match date.weekday() {
                        Weekday::Sat => date.pred_opt(),
                        Weekday::Sun => date.succ_opt(),
                        _ => Some(date),
                    };
                    if let Some(observed) = observed.filter(|d| d.year() == year) {
                        days.push(keep(observed, name, observed != date));
                    }
                }
                Weekend::NextFree | Weekend::AlsoNextWeekday if is_weekend(date) => {
                    if weekend == Weekend::AlsoNextWeekday {
                        days.push(keep(date, name, false));
                    }
                    if let Some(day) = next_free(date, &taken, is_weekend) {
                        taken.insert(day);
                        days.push(keep(day, name, true));
                    }
                }
                Weekend::AlsoAfterSunday if date.weekday() == Weekday::Sun => {
                    days.push(keep(date, name, false));
                    if let Some(day) = next_free(date, &taken, |_| false) {
                        taken.insert(day);
                        days.push(keep(day, name, true));
                    }
                }
                Weekend::NextFree | Weekend::AlsoNextWeekday | Weekend::AlsoAfterSunday => {
                    days.push(keep(date, name, false));
                }
            }
        }
        if self.weekend() == Weekend::Nearest {
            // Next year's New Year's Day may be observed on this year's
            // last day.
            for (date, name, _) in self.nominal(year + 1) {
                if date.weekday() == Weekday::Sat
                    && let Some(observed) = date.pred_opt().filter(|d| d.year() == year)
                {
                    days.push(keep(observed, name, true));
                }
            }
        }
        if self == Self::Jp {
            days.extend(jp::citizens_holidays(year, &self.nominal(year), &taken));
        }
        days.sort_unstable();
        days
    }

    /// Whether `date` is a day off in this calendar.
    pub fn is_holiday(self, date: NaiveDate) -> bool {
        self.holidays(date.year()).iter().any(|h| h.date == date)
    }
}

/// The first day after `date` that is neither `skipped` nor `taken`.
fn next_free(
    date: NaiveDate,
    taken: &BTreeSet<NaiveDate>,
    skipped: impl Fn(NaiveDate) -> bool,
) -> Option<NaiveDate> {
    let mut day = date;
    // A week and a half always finds one: no calendar has ten days off in a
    // row.
    for _ in 0..10 {
        day = day.succ_opt()?;
        if !skipped(day) && !taken.contains(&day) {
            return Some(day);
        }
    }
    None
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
            last_before(first_of_next, weekday)
        }
        When::Before(month, day, weekday) => {
            last_before(NaiveDate::from_ymd_opt(year, month, day)?, weekday)
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
        When::Computed(f) => f(year),
        When::Moved(usual, moved) => match moved.iter().find(|(y, _, _)| *y == year) {
            Some(&(_, month, day)) => NaiveDate::from_ymd_opt(year, month, day),
            None => date_of(*usual, year),
        },
        When::Table(table) => table
            .iter()
            .find(|(y, _, _)| *y == year)
            .and_then(|&(_, month, day)| NaiveDate::from_ymd_opt(year, month, day)),
    }
}

/// The last `weekday` strictly before `date`.
fn last_before(date: NaiveDate, weekday: Weekday) -> Option<NaiveDate> {
    let last = date.pred_opt()?;
    let back = (7 + last.weekday().num_days_from_monday() - weekday.num_days_from_monday()) % 7;
    last.checked_sub_days(Days::new(u64::from(back)))
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
mod tests;
