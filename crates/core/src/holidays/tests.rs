//! Tests of the shared machinery and of the calendars of the United States,
//! England and Wales, Germany and France; each other country's file tests its
//! own calendar against its official lists.

use proptest::prelude::*;

use super::*;

pub(super) fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

pub(super) fn dates(calendar: HolidayCalendar, year: i32) -> Vec<NaiveDate> {
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
        let expected =
            HolidayCalendar::Us.is_holiday(day) || HolidayCalendar::GbEnglandWales.is_holiday(day);
        assert_eq!(national.contains(day), expected, "{day}");
        day = day.succ_opt().unwrap();
    }
    assert!(!NationalHolidays::default().contains(date(2026, 12, 25)));
}

#[test]
fn every_calendar_round_trips_and_describes_itself() {
    for calendar in HolidayCalendar::ALL {
        assert_eq!(calendar.as_str().parse::<HolidayCalendar>(), Ok(*calendar));
        for text in [
            calendar.title(),
            calendar.source(),
            calendar.weekend_rule(),
            calendar.coverage(),
        ] {
            assert!(!text.is_empty(), "{calendar}");
        }
        // The years 2025 and 2026 are complete everywhere.
        assert!(calendar.complete_for(2025) && calendar.complete_for(2026));
    }
    assert!(HolidayCalendar::Us.complete_for(1900));
}

/// A table or a moved day gives its date in its years and nothing else.
#[test]
fn tables_and_moves() {
    let table = When::Table(&[(2025, 3, 14), (2026, 3, 4)]);
    assert_eq!(date_of(table, 2026), Some(date(2026, 3, 4)));
    assert_eq!(date_of(table, 2027), None);
    let moved = When::Moved(&When::Fixed(8, 11), &[(2020, 8, 10)]);
    assert_eq!(date_of(moved, 2020), Some(date(2020, 8, 10)));
    assert_eq!(date_of(moved, 2021), Some(date(2021, 8, 11)));
    // The Monday before 25 May, when the 25th is itself a Monday.
    let victoria = When::Before(5, 25, Weekday::Mon);
    assert_eq!(date_of(victoria, 2026), Some(date(2026, 5, 18)));
}

proptest! {
    /// `is_holiday` agrees with the year's list, for every calendar, and a
    /// year's list is sorted, inside the year, and has at most one entry
    /// per holiday and date.
    #[test]
    fn is_holiday_agrees_with_the_list(
        calendar in 0..HolidayCalendar::ALL.len(),
        year in 1900..2200_i32,
        ordinal in 1..=365_u32,
    ) {
        let calendar = HolidayCalendar::ALL[calendar];
        let day = NaiveDate::from_yo_opt(year, ordinal).unwrap();
        let listed = calendar.holidays(year);
        prop_assert_eq!(calendar.is_holiday(day), listed.iter().any(|h| h.date == day));
        prop_assert!(listed.windows(2).all(|w| w[0] < w[1]), "{:?}", listed);
        prop_assert!(listed.iter().all(|h| h.date.year() == year));
    }
}
