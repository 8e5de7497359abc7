//! Response bodies shared by several resources, with explicit conversions
//! from the store's rows.

pub mod agenda;
pub mod analytics;
pub mod coaching;
pub mod comparisons;
pub mod contacts;
pub mod digest;
pub mod events;
pub mod inbox;
pub mod interactions;
pub mod pipeline;
pub mod playbooks;
pub mod profile;
pub mod promises;
pub mod sync;
pub mod webhooks;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use followup_core::{Arg, Args, ReasonCode};
use followup_store::users::UserRow;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A stored UTC instant as an RFC 3339 timestamp.
pub fn utc(at: NaiveDateTime) -> DateTime<Utc> {
    at.and_utc()
}

/// Opening hours of one weekday, local wall-clock time (`HH:MM`).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct DayHours {
    /// Opening time, e.g. `09:00`.
    #[schema(example = "09:00", pattern = r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]
    pub start: String,
    /// Closing time, after the opening, e.g. `17:00`.
    #[schema(example = "17:00", pattern = r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]
    pub end: String,
}

/// Business hours per weekday; a missing or `null` day is closed.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct WeekHours {
    /// Monday.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mon: Option<DayHours>,
    /// Tuesday.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tue: Option<DayHours>,
    /// Wednesday.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wed: Option<DayHours>,
    /// Thursday.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thu: Option<DayHours>,
    /// Friday.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fri: Option<DayHours>,
    /// Saturday.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sat: Option<DayHours>,
    /// Sunday.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sun: Option<DayHours>,
}

impl WeekHours {
    /// The default: Monday to Friday, 09:00–17:00.
    pub fn standard() -> Self {
        let day = || {
            Some(DayHours {
                start: "09:00".to_owned(),
                end: "17:00".to_owned(),
            })
        };
        Self {
            mon: day(),
            tue: day(),
            wed: day(),
            thu: day(),
            fri: day(),
            sat: None,
            sun: None,
        }
    }

    /// The core's hours, written `HH:MM`.
    pub fn from_core(hours: &followup_core::BusinessHours) -> Self {
        let day = |weekday| {
            hours.on(weekday).map(|open| DayHours {
                start: open.open().format("%H:%M").to_string(),
                end: open.close().format("%H:%M").to_string(),
            })
        };
        use chrono::Weekday;
        Self {
            mon: day(Weekday::Mon),
            tue: day(Weekday::Tue),
            wed: day(Weekday::Wed),
            thu: day(Weekday::Thu),
            fri: day(Weekday::Fri),
            sat: day(Weekday::Sat),
            sun: day(Weekday::Sun),
        }
    }

    /// The days in order, Monday first.
    pub fn days(&self) -> [(&'static str, Option<&DayHours>); 7] {
        [
            ("mon", self.mon.as_ref()),
            ("tue", self.tue.as_ref()),
            ("wed", self.wed.as_ref()),
            ("thu", self.thu.as_ref()),
            ("fri", self.fri.as_ref()),
            ("sat", self.sat.as_ref()),
            ("sun", self.sun.as_ref()),
        ]
    }
}

/// An account as its owner sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct User {
    /// UUIDv7.
    pub id: String,
    /// Normalised email (lower-case).
    #[schema(example = "jane@example.com")]
    pub email: String,
    /// Name shown to coaches and in drafts.
    #[schema(example = "Jane Doe")]
    pub display_name: String,
    /// `seeker`, `coach` or `admin`.
    #[schema(example = "seeker")]
    pub role: String,
    /// IANA time zone.
    #[schema(example = "America/New_York")]
    pub timezone: String,
    /// The language reasons, warnings, drafts and dates are written in
    /// (docs/localisation.md).
    #[schema(example = "en")]
    pub locale: String,
    /// When follow-ups may be scheduled, in the account's time zone.
    pub business_hours: WeekHours,
    /// Days off: nothing is scheduled on them.
    pub holidays: Vec<NaiveDate>,
    /// Built-in public-holiday calendars observed as well
    /// (`GET /v1/holiday-calendars` lists them).
    pub holiday_calendars: Vec<followup_core::HolidayCalendar>,
    /// Playbook used where an opportunity names none (`balanced` by default).
    #[schema(example = "balanced")]
    pub default_playbook: String,
    /// When the account was created.
    pub created_at: DateTime<Utc>,
    /// When the account last changed.
    pub updated_at: DateTime<Utc>,
}

/// The built-in playbook used when none is chosen.
pub const DEFAULT_PLAYBOOK: &str = "balanced";

impl From<&UserRow> for User {
    fn from(row: &UserRow) -> Self {
        Self {
            id: row.id.clone(),
            email: row.email.clone(),
            display_name: row.display_name.clone(),
            role: row.role.as_str().to_owned(),
            timezone: row.timezone.name().to_owned(),
            locale: row.locale.clone(),
            business_hours: row
                .business_hours
                .as_ref()
                .map_or_else(WeekHours::standard, WeekHours::from_core),
            holidays: row.holidays.iter().copied().collect(),
            holiday_calendars: row.holiday_calendars.clone(),
            default_playbook: row
                .default_playbook
                .clone()
                .unwrap_or_else(|| DEFAULT_PLAYBOOK.to_owned()),
            created_at: utc(row.created_at),
            updated_at: utc(row.updated_at),
        }
    }
}

/// A token pair: a short-lived access token and a refresh token to renew it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TokenPair {
    /// Send as `Authorization: Bearer <access_token>`.
    pub access_token: String,
    /// Always `Bearer`.
    #[schema(example = "Bearer")]
    pub token_type: String,
    /// Seconds until the access token expires.
    #[schema(example = 900)]
    pub expires_in: u64,
    /// Exchange at `POST /v1/auth/refresh` for a new pair; works once.
    pub refresh_token: String,
}

/// The current instant at the precision both databases keep (microseconds),
/// so what a write answers is what a later read returns.
pub fn now() -> DateTime<Utc> {
    use chrono::SubsecRound as _;
    Utc::now().trunc_subsecs(6)
}
/// Something the caller may want to know about a write that succeeded.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Warning {
    /// Machine-readable: a rule id or a code such as `possible_duplicate`.
    #[schema(example = "possible_duplicate")]
    pub code: String,
    /// In words, in the account's language.
    pub message: String,
    /// What `message` says, as a stable code an app can write its own words
    /// for (docs/localisation.md).
    pub reason_code: ReasonCode,
    /// The facts `message` names.
    pub args: Args,
    /// The records involved.
    pub ids: Vec<String>,
}

impl Warning {
    /// `field` came `ahead` of the server's clock (a device whose clock runs
    /// fast) and was recorded as `now` instead.
    pub fn clock_ahead(field: &str, ahead: chrono::TimeDelta, now: DateTime<Utc>) -> Self {
        let seconds = ahead.num_seconds();
        let by = if seconds >= 120 {
            format!("{} minutes", seconds / 60)
        } else {
            format!("{seconds} seconds")
        };
        let mut args = Args::new();
        args.set("field", Arg::Text(field.to_owned().into()));
        args.set(
            "ahead_seconds",
            Arg::Number(u32::try_from(seconds).unwrap_or(u32::MAX)),
        );
        args.set("recorded_at", Arg::Time(now, chrono_tz::UTC));
        Self {
            code: "clock_ahead".to_owned(),
            message: format!(
                "{field} was {by} ahead of the server's clock (is the device's clock fast?): \
                 it was recorded as the server's time, {}",
                now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            ),
            reason_code: ReasonCode::ClockAhead,
            args,
            ids: Vec::new(),
        }
    }
}

impl Warning {
    /// The message in the language tagged `locale` (the account's).
    #[must_use]
    pub fn in_locale(mut self, locale: &str) -> Self {
        if let Some(locale) = followup_core::l10n::Locale::parse(locale)
            && let Some(text) = followup_core::l10n::reason(locale, self.reason_code, &self.args)
        {
            self.message = text;
        }
        self
    }
}

impl From<followup_core::Warning> for Warning {
    /// A cadence rule's warning: the rule is the code; the records are the
    /// contact and the interactions it names.
    fn from(w: followup_core::Warning) -> Self {
        Self {
            code: w.rule.as_str().to_owned(),
            message: w.message,
            reason_code: w.reason_code,
            args: w.args,
            ids: w.contact_id.into_iter().chain(w.interaction_ids).collect(),
        }
    }
}
