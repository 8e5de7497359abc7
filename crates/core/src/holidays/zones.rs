//! The calendar a time zone determines: a contact's zone names the country it
//! is in when the zone is used in one country only, and for that country's
//! calendar to apply the zone must also lie wholly in the region the
//! calendar covers (Australia/Sydney is New South Wales; Australia/Melbourne
//! is Victoria, which has no built-in calendar).
//!
//! Zones are matched by their IANA name, aliases included (`US/Eastern`,
//! `Asia/Calcutta`, `Japan`). Zones shared by several countries (`EST`,
//! `Etc/GMT+5`), overseas territories with calendars of their own (Puerto
//! Rico, Guam, American Samoa, the Crown dependencies, Northern Ireland's
//! `Europe/Belfast`), and the Australian Capital Territory's aliases of
//! Sydney (`Australia/ACT`, `Australia/Canberra`) determine none.

use chrono_tz::Tz;

use super::HolidayCalendar;

impl HolidayCalendar {
    /// The built-in calendar the zone `tz` determines, if it determines
    /// exactly one: the zone is used in a single country (and, for a
    /// regional calendar, a single region) that has one. `Europe/London`
    /// gives England and Wales, whose bank holidays most of the zone's
    /// people keep. Total: every zone gets an answer.
    pub fn for_zone(tz: Tz) -> Option<Self> {
        zone_calendar(tz)
    }
}

fn zone_calendar(tz: Tz) -> Option<HolidayCalendar> {
    let name = tz.name();
    let calendar = match name {
        "Asia/Tokyo" | "Japan" => HolidayCalendar::Jp,
        "Asia/Singapore" | "Singapore" => HolidayCalendar::Sg,
        "Asia/Kolkata" | "Asia/Calcutta" => HolidayCalendar::In,
        "Australia/Sydney"
        | "Australia/NSW"
        | "Australia/Broken_Hill"
        | "Australia/Yancowinna"
        | "Australia/Lord_Howe"
        | "Australia/LHI" => HolidayCalendar::AuNsw,
        "Europe/London" | "GB" => HolidayCalendar::GbEnglandWales,
        "Europe/Berlin" | "Europe/Busingen" => HolidayCalendar::De,
        "Europe/Paris" => HolidayCalendar::Fr,
        "Pacific/Honolulu" | "Navajo" => HolidayCalendar::Us,
        _ if CANADA.contains(&name) || name.starts_with("Canada/") => HolidayCalendar::Ca,
        _ if UNITED_STATES.contains(&name)
            || name.starts_with("America/Indiana/")
            || name.starts_with("America/Kentucky/")
            || name.starts_with("America/North_Dakota/")
            || (name.starts_with("US/") && name != "US/Samoa") =>
        {
            HolidayCalendar::Us
        }
        _ => return None,
    };
    Some(calendar)
}

/// The `America/…` zones of Canada, current names and aliases.
const CANADA: &[&str] = &[
    "America/Atikokan",
    "America/Blanc-Sablon",
    "America/Cambridge_Bay",
    "America/Coral_Harbour",
    "America/Creston",
    "America/Dawson",
    "America/Dawson_Creek",
    "America/Edmonton",
    "America/Fort_Nelson",
    "America/Glace_Bay",
    "America/Goose_Bay",
    "America/Halifax",
    "America/Inuvik",
    "America/Iqaluit",
    "America/Moncton",
    "America/Montreal",
    "America/Nipigon",
    "America/Pangnirtung",
    "America/Rainy_River",
    "America/Rankin_Inlet",
    "America/Regina",
    "America/Resolute",
    "America/St_Johns",
    "America/Swift_Current",
    "America/Thunder_Bay",
    "America/Toronto",
    "America/Vancouver",
    "America/Whitehorse",
    "America/Winnipeg",
    "America/Yellowknife",
];

/// The `America/…` zones of the fifty states and the District of Columbia
/// (Indiana's, Kentucky's and North Dakota's sub-zones are matched by
/// prefix).
const UNITED_STATES: &[&str] = &[
    "America/Adak",
    "America/Anchorage",
    "America/Atka",
    "America/Boise",
    "America/Chicago",
    "America/Denver",
    "America/Detroit",
    "America/Fort_Wayne",
    "America/Indianapolis",
    "America/Juneau",
    "America/Knox_IN",
    "America/Los_Angeles",
    "America/Louisville",
    "America/Menominee",
    "America/Metlakatla",
    "America/New_York",
    "America/Nome",
    "America/Phoenix",
    "America/Shiprock",
    "America/Sitka",
    "America/Yakutat",
];

#[cfg(test)]
mod tests {
    use chrono_tz::{TZ_VARIANTS, Tz};

    use super::super::HolidayCalendar::{self, AuNsw, Ca, De, Fr, GbEnglandWales, In, Jp, Sg, Us};

    #[test]
    fn zones_that_determine_one_calendar() {
        for (tz, expected) in [
            (Tz::Asia__Tokyo, Some(Jp)),
            (Tz::Japan, Some(Jp)),
            (Tz::Asia__Singapore, Some(Sg)),
            (Tz::Asia__Kolkata, Some(In)),
            (Tz::Asia__Calcutta, Some(In)),
            (Tz::Australia__Sydney, Some(AuNsw)),
            (Tz::Australia__Broken_Hill, Some(AuNsw)),
            (Tz::Australia__Melbourne, None),
            (Tz::Australia__Canberra, None),
            (Tz::Australia__Brisbane, None),
            (Tz::America__Toronto, Some(Ca)),
            (Tz::America__Vancouver, Some(Ca)),
            (Tz::America__St_Johns, Some(Ca)),
            (Tz::Canada__Pacific, Some(Ca)),
            (Tz::Europe__London, Some(GbEnglandWales)),
            (Tz::Europe__Belfast, None),
            (Tz::Europe__Jersey, None),
            (Tz::Europe__Berlin, Some(De)),
            (Tz::Europe__Paris, Some(Fr)),
            (Tz::America__New_York, Some(Us)),
            (Tz::America__Indiana__Indianapolis, Some(Us)),
            (Tz::America__Kentucky__Louisville, Some(Us)),
            (Tz::America__Phoenix, Some(Us)),
            (Tz::Pacific__Honolulu, Some(Us)),
            (Tz::US__Eastern, Some(Us)),
            (Tz::US__Samoa, None),
            (Tz::America__Puerto_Rico, None),
            (Tz::America__Mexico_City, None),
            (Tz::Europe__Zurich, None),
            (Tz::Asia__Shanghai, None),
            (Tz::EST5EDT, None),
            (Tz::Etc__GMT, None),
            (Tz::UTC, None),
        ] {
            assert_eq!(HolidayCalendar::for_zone(tz), expected, "{}", tz.name());
        }
    }

    /// Every zone gets an answer, and each calendar comes only from zones of
    /// its own country.
    #[test]
    fn the_mapping_is_total_and_stays_in_each_country() {
        let mut seen = std::collections::BTreeSet::new();
        for tz in TZ_VARIANTS {
            let name = tz.name();
            let Some(calendar) = HolidayCalendar::for_zone(tz) else {
                continue;
            };
            seen.insert(calendar.as_str());
            let prefixes: &[&str] = match calendar {
                HolidayCalendar::Us => &["America/", "US/", "Pacific/Honolulu", "Navajo"],
                HolidayCalendar::Ca => &["America/", "Canada/"],
                HolidayCalendar::Jp => &["Asia/Tokyo", "Japan"],
                HolidayCalendar::Sg => &["Asia/Singapore", "Singapore"],
                HolidayCalendar::In => &["Asia/Kolkata", "Asia/Calcutta"],
                HolidayCalendar::AuNsw => &["Australia/"],
                HolidayCalendar::GbEnglandWales => &["Europe/London", "GB"],
                HolidayCalendar::De => &["Europe/Berlin", "Europe/Busingen"],
                HolidayCalendar::Fr => &["Europe/Paris"],
            };
            assert!(
                prefixes.iter().any(|p| name.starts_with(p)),
                "{name} → {calendar}"
            );
            assert_ne!(name, "GB-Eire");
        }
        assert_eq!(seen.len(), HolidayCalendar::ALL.len(), "{seen:?}");
    }
}
