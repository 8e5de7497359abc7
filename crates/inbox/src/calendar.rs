//! The `text/calendar` (iCalendar) parts of an invitation: `METHOD`, and the
//! first `VEVENT`'s `UID`, `SEQUENCE` and `DTSTART`, with its `TZID` read as an
//! IANA name or a Windows zone name.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use chrono_tz::Tz;

/// What one calendar object says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct CalendarEvent {
    pub method: Option<String>,
    pub uid: Option<String>,
    pub sequence: Option<u32>,
    /// The `DTSTART` line as written (unfolded), for the evidence.
    pub dtstart_line: Option<String>,
    pub start: Option<DateTime<FixedOffset>>,
    /// IANA name, or `UTC` for a `Z` time.
    pub tz: Option<String>,
    /// The `DTSTART` could not be read (garbage value or unknown zone).
    pub bad_start: bool,
}

/// Reads a calendar object. `fallback` is the offset to use for a floating
/// time (no `TZID`, no `Z`). Never fails: what cannot be read stays `None`.
pub(crate) fn parse(ics: &str, fallback: Option<FixedOffset>) -> CalendarEvent {
    let mut event = CalendarEvent::default();
    let mut stack: Vec<String> = Vec::new();
    let mut seen_event = false;
    for line in unfold(ics) {
        let Some((name_params, value)) = line.split_once(':').map(|(a, b)| (a, b.trim())) else {
            continue;
        };
        let mut params = split_params(name_params);
        let name = params.remove(0).to_ascii_uppercase();
        match name.as_str() {
            "BEGIN" => {
                stack.push(value.to_ascii_uppercase());
                continue;
            }
            "END" => {
                if stack.last().map(String::as_str) == Some("VEVENT") {
                    seen_event = true;
                }
                stack.pop();
                continue;
            }
            _ => {}
        }
        let at_calendar = stack.len() == 1 && stack.first().is_some_and(|s| s == "VCALENDAR");
        let in_event = stack.last().is_some_and(|s| s == "VEVENT") && !seen_event;
        if at_calendar && name == "METHOD" {
            event.method = Some(value.to_ascii_uppercase());
        }
        if !in_event {
            continue;
        }
        match name.as_str() {
            "UID" if event.uid.is_none() => event.uid = Some(value.to_owned()),
            "SEQUENCE" if event.sequence.is_none() => event.sequence = value.parse().ok(),
            "DTSTART" if event.dtstart_line.is_none() => {
                event.dtstart_line = Some(line.clone());
                let tzid = params.iter().find_map(|p| {
                    let (k, v) = p.split_once('=')?;
                    k.eq_ignore_ascii_case("TZID")
                        .then(|| v.trim_matches('"').to_owned())
                });
                match read_start(value, tzid.as_deref(), fallback) {
                    Some((start, tz)) => {
                        event.start = Some(start);
                        event.tz = tz;
                    }
                    None => event.bad_start = true,
                }
            }
            _ => {}
        }
    }
    event
}

/// Joins folded lines (a line break followed by a space or a tab continues the
/// previous line) and splits on any line break.
fn unfold(ics: &str) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for raw in ics.split('\n') {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        if let Some(rest) = raw.strip_prefix([' ', '\t'])
            && let Some(last) = lines.last_mut()
        {
            last.push_str(rest);
            continue;
        }
        lines.push(raw.to_owned());
    }
    lines
}

/// Splits `NAME;P1=V1;P2="V;2"` on the semicolons outside quotes.
fn split_params(s: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut quoted = false;
    for c in s.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                if let Some(last) = out.last_mut() {
                    last.push(c);
                }
            }
            ';' if !quoted => out.push(String::new()),
            _ => {
                if let Some(last) = out.last_mut() {
                    last.push(c);
                }
            }
        }
    }
    out
}

fn read_start(
    value: &str,
    tzid: Option<&str>,
    fallback: Option<FixedOffset>,
) -> Option<(DateTime<FixedOffset>, Option<String>)> {
    let (text, utc) = match value.strip_suffix(['Z', 'z']) {
        Some(t) => (t, true),
        None => (value, false),
    };
    let naive = if text.len() == 8 {
        NaiveDate::parse_from_str(text, "%Y%m%d")
            .ok()?
            .and_time(NaiveTime::MIN)
    } else {
        NaiveDateTime::parse_from_str(text, "%Y%m%dT%H%M%S").ok()?
    };
    if utc {
        let start = chrono::Utc.from_utc_datetime(&naive).fixed_offset();
        return Some((start, Some("UTC".to_owned())));
    }
    match tzid {
        Some(id) => {
            let tz = zone(id)?;
            let start = tz.from_local_datetime(&naive).earliest()?.fixed_offset();
            Some((start, Some(tz.name().to_owned())))
        }
        None => {
            let offset = fallback?;
            let start = offset.from_local_datetime(&naive).single()?;
            Some((start, None))
        }
    }
}

/// An IANA zone for a `TZID`: the IANA name itself, a Windows name, or a
/// Windows name wrapped the way some servers write it (`(UTC+01:00) ...`).
pub(crate) fn zone(tzid: &str) -> Option<Tz> {
    let id = tzid.trim().trim_matches('"').trim_start_matches('/');
    if let Ok(tz) = id.parse::<Tz>() {
        return Some(tz);
    }
    windows_zone(id).and_then(|name| name.parse::<Tz>().ok())
}

/// Maps a Windows time-zone name to the IANA zone of its "001" (default)
/// territory.
///
/// The pairs follow the Unicode CLDR `windowsZones.xml` supplemental data
/// (common/supplemental/windowsZones.xml in the CLDR release), which is the
/// public reference for this mapping.
pub fn windows_zone(name: &str) -> Option<&'static str> {
    let wanted = name.trim();
    WINDOWS_ZONES
        .iter()
        .find(|(w, _)| w.eq_ignore_ascii_case(wanted))
        .map(|(_, iana)| *iana)
}

/// Windows zone name → IANA zone (CLDR windowsZones, territory "001").
const WINDOWS_ZONES: &[(&str, &str)] = &[
    ("Dateline Standard Time", "Etc/GMT+12"),
    ("UTC-11", "Etc/GMT+11"),
    ("Aleutian Standard Time", "America/Adak"),
    ("Hawaiian Standard Time", "Pacific/Honolulu"),
    ("Marquesas Standard Time", "Pacific/Marquesas"),
    ("Alaskan Standard Time", "America/Anchorage"),
    ("UTC-09", "Etc/GMT+9"),
    ("Pacific Standard Time (Mexico)", "America/Tijuana"),
    ("UTC-08", "Etc/GMT+8"),
    ("Pacific Standard Time", "America/Los_Angeles"),
    ("US Mountain Standard Time", "America/Phoenix"),
    ("Mountain Standard Time (Mexico)", "America/Mazatlan"),
    ("Mountain Standard Time", "America/Denver"),
    ("Yukon Standard Time", "America/Whitehorse"),
    ("Central America Standard Time", "America/Guatemala"),
    ("Central Standard Time", "America/Chicago"),
    ("Easter Island Standard Time", "Pacific/Easter"),
    ("Central Standard Time (Mexico)", "America/Mexico_City"),
    ("Canada Central Standard Time", "America/Regina"),
    ("SA Pacific Standard Time", "America/Bogota"),
    ("Eastern Standard Time (Mexico)", "America/Cancun"),
    ("Eastern Standard Time", "America/New_York"),
    ("Haiti Standard Time", "America/Port-au-Prince"),
    ("Cuba Standard Time", "America/Havana"),
    ("US Eastern Standard Time", "America/Indiana/Indianapolis"),
    ("Turks And Caicos Standard Time", "America/Grand_Turk"),
    ("Paraguay Standard Time", "America/Asuncion"),
    ("Atlantic Standard Time", "America/Halifax"),
    ("Venezuela Standard Time", "America/Caracas"),
    ("Central Brazilian Standard Time", "America/Cuiaba"),
    ("SA Western Standard Time", "America/La_Paz"),
    ("Pacific SA Standard Time", "America/Santiago"),
    ("Newfoundland Standard Time", "America/St_Johns"),
    ("Tocantins Standard Time", "America/Araguaina"),
    ("E. South America Standard Time", "America/Sao_Paulo"),
    ("SA Eastern Standard Time", "America/Cayenne"),
    ("Argentina Standard Time", "America/Buenos_Aires"),
    ("Greenland Standard Time", "America/Godthab"),
    ("Montevideo Standard Time", "America/Montevideo"),
    ("Magallanes Standard Time", "America/Punta_Arenas"),
    ("Saint Pierre Standard Time", "America/Miquelon"),
    ("Bahia Standard Time", "America/Bahia"),
    ("UTC-02", "Etc/GMT+2"),
    ("Azores Standard Time", "Atlantic/Azores"),
    ("Cape Verde Standard Time", "Atlantic/Cape_Verde"),
    ("UTC", "Etc/UTC"),
    ("GMT Standard Time", "Europe/London"),
    ("Greenwich Standard Time", "Atlantic/Reykjavik"),
    ("Sao Tome Standard Time", "Africa/Sao_Tome"),
    ("Morocco Standard Time", "Africa/Casablanca"),
    ("W. Europe Standard Time", "Europe/Berlin"),
    ("Central Europe Standard Time", "Europe/Budapest"),
    ("Romance Standard Time", "Europe/Paris"),
    ("Central European Standard Time", "Europe/Warsaw"),
    ("W. Central Africa Standard Time", "Africa/Lagos"),
    ("Jordan Standard Time", "Asia/Amman"),
    ("GTB Standard Time", "Europe/Bucharest"),
    ("Middle East Standard Time", "Asia/Beirut"),
    ("Egypt Standard Time", "Africa/Cairo"),
    ("E. Europe Standard Time", "Europe/Chisinau"),
    ("Syria Standard Time", "Asia/Damascus"),
    ("West Bank Standard Time", "Asia/Hebron"),
    ("South Africa Standard Time", "Africa/Johannesburg"),
    ("FLE Standard Time", "Europe/Kiev"),
    ("Israel Standard Time", "Asia/Jerusalem"),
    ("South Sudan Standard Time", "Africa/Juba"),
    ("Kaliningrad Standard Time", "Europe/Kaliningrad"),
    ("Sudan Standard Time", "Africa/Khartoum"),
    ("Libya Standard Time", "Africa/Tripoli"),
    ("Namibia Standard Time", "Africa/Windhoek"),
    ("Arabic Standard Time", "Asia/Baghdad"),
    ("Turkey Standard Time", "Europe/Istanbul"),
    ("Arab Standard Time", "Asia/Riyadh"),
    ("Belarus Standard Time", "Europe/Minsk"),
    ("Russian Standard Time", "Europe/Moscow"),
    ("E. Africa Standard Time", "Africa/Nairobi"),
    ("Volgograd Standard Time", "Europe/Volgograd"),
    ("Iran Standard Time", "Asia/Tehran"),
    ("Arabian Standard Time", "Asia/Dubai"),
    ("Astrakhan Standard Time", "Europe/Astrakhan"),
    ("Azerbaijan Standard Time", "Asia/Baku"),
    ("Russia Time Zone 3", "Europe/Samara"),
    ("Mauritius Standard Time", "Indian/Mauritius"),
    ("Saratov Standard Time", "Europe/Saratov"),
    ("Georgian Standard Time", "Asia/Tbilisi"),
    ("Caucasus Standard Time", "Asia/Yerevan"),
    ("Afghanistan Standard Time", "Asia/Kabul"),
    ("West Asia Standard Time", "Asia/Tashkent"),
    ("Ekaterinburg Standard Time", "Asia/Yekaterinburg"),
    ("Pakistan Standard Time", "Asia/Karachi"),
    ("Qyzylorda Standard Time", "Asia/Qyzylorda"),
    ("India Standard Time", "Asia/Calcutta"),
    ("Sri Lanka Standard Time", "Asia/Colombo"),
    ("Nepal Standard Time", "Asia/Katmandu"),
    ("Central Asia Standard Time", "Asia/Almaty"),
    ("Bangladesh Standard Time", "Asia/Dhaka"),
    ("Omsk Standard Time", "Asia/Omsk"),
    ("Myanmar Standard Time", "Asia/Rangoon"),
    ("SE Asia Standard Time", "Asia/Bangkok"),
    ("Altai Standard Time", "Asia/Barnaul"),
    ("W. Mongolia Standard Time", "Asia/Hovd"),
    ("North Asia Standard Time", "Asia/Krasnoyarsk"),
    ("N. Central Asia Standard Time", "Asia/Novosibirsk"),
    ("Tomsk Standard Time", "Asia/Tomsk"),
    ("China Standard Time", "Asia/Shanghai"),
    ("North Asia East Standard Time", "Asia/Irkutsk"),
    ("Singapore Standard Time", "Asia/Singapore"),
    ("W. Australia Standard Time", "Australia/Perth"),
    ("Taipei Standard Time", "Asia/Taipei"),
    ("Ulaanbaatar Standard Time", "Asia/Ulaanbaatar"),
    ("Aus Central W. Standard Time", "Australia/Eucla"),
    ("Transbaikal Standard Time", "Asia/Chita"),
    ("Tokyo Standard Time", "Asia/Tokyo"),
    ("North Korea Standard Time", "Asia/Pyongyang"),
    ("Korea Standard Time", "Asia/Seoul"),
    ("Yakutsk Standard Time", "Asia/Yakutsk"),
    ("Cen. Australia Standard Time", "Australia/Adelaide"),
    ("AUS Central Standard Time", "Australia/Darwin"),
    ("E. Australia Standard Time", "Australia/Brisbane"),
    ("AUS Eastern Standard Time", "Australia/Sydney"),
    ("West Pacific Standard Time", "Pacific/Port_Moresby"),
    ("Tasmania Standard Time", "Australia/Hobart"),
    ("Vladivostok Standard Time", "Asia/Vladivostok"),
    ("Lord Howe Standard Time", "Australia/Lord_Howe"),
    ("Bougainville Standard Time", "Pacific/Bougainville"),
    ("Russia Time Zone 10", "Asia/Srednekolymsk"),
    ("Magadan Standard Time", "Asia/Magadan"),
    ("Norfolk Standard Time", "Pacific/Norfolk"),
    ("Sakhalin Standard Time", "Asia/Sakhalin"),
    ("Central Pacific Standard Time", "Pacific/Guadalcanal"),
    ("Russia Time Zone 11", "Asia/Kamchatka"),
    ("New Zealand Standard Time", "Pacific/Auckland"),
    ("UTC+12", "Etc/GMT-12"),
    ("Fiji Standard Time", "Pacific/Fiji"),
    ("Chatham Islands Standard Time", "Pacific/Chatham"),
    ("UTC+13", "Etc/GMT-13"),
    ("Tonga Standard Time", "Pacific/Tongatapu"),
    ("Samoa Standard Time", "Pacific/Apia"),
    ("Line Islands Standard Time", "Pacific/Kiritimati"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_names_map_to_iana() {
        for (windows, iana) in [
            ("Eastern Standard Time", "America/New_York"),
            ("Central Standard Time", "America/Chicago"),
            ("Mountain Standard Time", "America/Denver"),
            ("Pacific Standard Time", "America/Los_Angeles"),
            ("GMT Standard Time", "Europe/London"),
            ("W. Europe Standard Time", "Europe/Berlin"),
            ("Romance Standard Time", "Europe/Paris"),
            ("Central Europe Standard Time", "Europe/Budapest"),
            ("E. Europe Standard Time", "Europe/Chisinau"),
            ("Tokyo Standard Time", "Asia/Tokyo"),
            ("India Standard Time", "Asia/Calcutta"),
            ("China Standard Time", "Asia/Shanghai"),
            ("AUS Eastern Standard Time", "Australia/Sydney"),
        ] {
            assert_eq!(windows_zone(windows), Some(iana), "{windows}");
            assert!(
                zone(windows).is_some(),
                "{windows} must be a zone chrono-tz knows"
            );
        }
        assert_eq!(
            windows_zone("w. europe standard time"),
            Some("Europe/Berlin")
        );
        assert_eq!(windows_zone("Mars Standard Time"), None);
    }

    #[test]
    fn every_mapped_zone_is_known_to_chrono_tz() {
        for (windows, iana) in WINDOWS_ZONES {
            assert!(iana.parse::<Tz>().is_ok(), "{windows} -> {iana}");
        }
    }

    #[test]
    fn reads_a_folded_event_and_ignores_timezone_blocks() {
        let ics = "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nBEGIN:VTIMEZONE\r\nTZID:Eastern Standard Time\r\n\
                   BEGIN:STANDARD\r\nDTSTART:16010101T020000\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n\
                   BEGIN:VEVENT\r\nUID:0400000082\r\n 00E0\r\nDTSTART;TZID=\"Eastern Standard Time\":20100315T090000\r\n\
                   SEQUENCE:0\r\nBEGIN:VALARM\r\nDTSTART:20000101T000000\r\nEND:VALARM\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        let e = parse(ics, None);
        assert_eq!(e.method.as_deref(), Some("REQUEST"));
        assert_eq!(e.uid.as_deref(), Some("040000008200E0"));
        assert_eq!(e.sequence, Some(0));
        assert_eq!(e.tz.as_deref(), Some("America/New_York"));
        assert_eq!(
            e.start.map(|s| s.to_rfc3339()).as_deref(),
            Some("2010-03-15T09:00:00-04:00")
        );
    }

    #[test]
    fn garbage_start_is_flagged() {
        let ics = "BEGIN:VCALENDAR\nMETHOD:REQUEST\nBEGIN:VEVENT\nDTSTART;TZID=Mars/Olympus_Mons:2010-13-45T25:61:00\nEND:VEVENT\nEND:VCALENDAR\n";
        let e = parse(ics, None);
        assert!(e.bad_start);
        assert!(e.start.is_none());
    }
}
