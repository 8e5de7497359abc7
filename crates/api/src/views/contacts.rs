//! A contact as the API shows it, with the best time to reach them.

use crate::conventions::Actor;
use crate::error::{ApiError, FieldError};
use crate::views::utc;
use chrono::{DateTime, NaiveTime, Utc, Weekday};
use followup_core::{Channel, ContactRole};
use followup_store::records::ContactRow;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A day of the week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Day {
    /// Monday.
    Mon,
    /// Tuesday.
    Tue,
    /// Wednesday.
    Wed,
    /// Thursday.
    Thu,
    /// Friday.
    Fri,
    /// Saturday.
    Sat,
    /// Sunday.
    Sun,
}

impl From<Day> for Weekday {
    fn from(day: Day) -> Self {
        match day {
            Day::Mon => Self::Mon,
            Day::Tue => Self::Tue,
            Day::Wed => Self::Wed,
            Day::Thu => Self::Thu,
            Day::Fri => Self::Fri,
            Day::Sat => Self::Sat,
            Day::Sun => Self::Sun,
        }
    }
}

impl From<Weekday> for Day {
    fn from(day: Weekday) -> Self {
        match day {
            Weekday::Mon => Self::Mon,
            Weekday::Tue => Self::Tue,
            Weekday::Wed => Self::Wed,
            Weekday::Thu => Self::Thu,
            Weekday::Fri => Self::Fri,
            Weekday::Sat => Self::Sat,
            Weekday::Sun => Self::Sun,
        }
    }
}

/// When a contact can be reached by phone, in the contact's own time zone —
/// what the assistant says ("Tuesdays and Thursdays, two to three"). Calls
/// the agenda suggests to this contact are placed inside this window only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(remote = "Self")]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"days": ["tue", "thu"], "from": "14:00", "to": "15:00"}))]
pub struct BestTime {
    /// The weekdays; empty (or absent) means every day.
    #[serde(default)]
    pub days: Vec<Day>,
    /// Start of the window, local wall-clock time.
    #[schema(example = "14:00", pattern = r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]
    pub from: String,
    /// End of the window (exclusive), after `from`.
    #[schema(example = "15:00", pattern = r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]
    pub to: String,
}

crate::object_only!(BestTime);

impl BestTime {
    /// The engine's form, or the field at fault (`best_time.from`).
    pub fn to_core(&self, field: &str) -> Result<followup_core::BestTime, FieldError> {
        let time = |which: &str, value: &str| {
            let bytes = value.as_bytes();
            let shaped = bytes.len() == 5 && bytes[2] == b':';
            shaped
                .then(|| NaiveTime::parse_from_str(value, "%H:%M").ok())
                .flatten()
                .ok_or_else(|| {
                    FieldError::new(
                        format!("{field}.{which}"),
                        crate::error::FieldCode::InvalidTime,
                        format!("`{value}` is not a time of day (HH:MM)"),
                    )
                    .with("format", "HH:MM")
                })
        };
        let from = time("from", &self.from)?;
        let to = time("to", &self.to)?;
        let days: Vec<Weekday> = self.days.iter().map(|&d| d.into()).collect();
        followup_core::BestTime::new(&days, from, to).map_err(|e| {
            FieldError::new(
                format!("{field}.to"),
                crate::error::FieldCode::WrongOrder,
                e.to_string(),
            )
            .with("other", format!("{field}.from"))
        })
    }

    /// The normal form of the engine's value: days in week order, once each.
    pub fn from_core(best: followup_core::BestTime) -> Self {
        Self {
            days: best.days().into_iter().map(Day::from).collect(),
            from: best.from().format("%H:%M").to_string(),
            to: best.to().format("%H:%M").to_string(),
        }
    }
}

/// A person at the employer.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Contact {
    /// UUIDv7.
    pub id: String,
    /// The opportunity this contact belongs to.
    pub opportunity_id: String,
    /// Their name; drafts greet them by its first word.
    #[schema(example = "Sam Boss")]
    pub name: String,
    /// Their part in the hiring.
    pub role: ContactRole,
    /// Email address (lower-case).
    #[schema(example = "sam@example.com")]
    pub email: Option<String>,
    /// Phone number, normalised to `+` and digits.
    #[schema(example = "+12125550100")]
    pub phone: Option<String>,
    /// IANA time zone; `null` = the seeker's.
    #[schema(example = "America/New_York")]
    pub timezone: Option<String>,
    /// How they like to be reached; `email` means never a call.
    pub preferred_channel: Channel,
    /// When to call them, in their time zone.
    pub best_time: Option<BestTime>,
    /// The public holidays they observe (a built-in calendar); `null` takes
    /// the opportunity's, else the one their time zone determines.
    pub holiday_calendar: Option<followup_core::HolidayCalendar>,
    /// Rapport notes.
    pub notes: Option<String>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
    /// Who changed it last.
    pub updated_by: Actor,
}

impl TryFrom<ContactRow> for Contact {
    type Error = ApiError;

    fn try_from(row: ContactRow) -> Result<Self, ApiError> {
        Ok(Self {
            role: row.role,
            preferred_channel: row.preferred_channel,
            best_time: row.best_time.map(BestTime::from_core),
            updated_by: Actor::from(row.updated_by),
            created_at: utc(row.created_at),
            updated_at: utc(row.updated_at),
            id: row.id,
            opportunity_id: row.opportunity_id,
            name: row.name,
            email: row.email,
            phone: row.phone,
            timezone: row.timezone.map(|tz| tz.name().to_owned()),
            holiday_calendar: row.holiday_calendar,
            notes: row.notes,
        })
    }
}
