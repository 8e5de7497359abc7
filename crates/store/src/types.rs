//! The one mapping between the database's text columns and the core's types.
//!
//! The columns stay `TEXT` on both backends (see docs/architecture.md); rows
//! hold the core's types. Reading, a field is declared
//! `#[diesel(deserialize_as = Stored)]` (or [`StoredOpt`], [`StoredJson`]):
//! diesel reads the text and calls the wrapper's `try_into`, which parses it.
//! Text that does not parse is data corruption, and comes back from the query
//! as an error ([`crate::StoreError::Query`]), never as a panic. Writing,
//! `#[diesel(serialize_as = …)]` converts the field into the wrapper, which
//! binds its text. The wrappers are local types because the orphan rule keeps
//! diesel's traits off the core's types here.

use std::collections::BTreeSet;
use std::fmt::Display;
use std::str::FromStr;

use chrono::{NaiveDate, NaiveTime, Weekday};
use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql, FromSqlRow};
use diesel::expression::AsExpression;
use diesel::serialize::{self, Output, ToSql};
use diesel::sql_types::{Nullable, Text};
use followup_core::{
    Actor, BestTime, BusinessHours, Channel, ContactRole, EventType, HolidayCalendar,
    InteractionKind, PlaybookSpec, PromiseWhat, RejectionReason, Role, Stage,
};

/// A stored value that does not read back as its type.
#[derive(Debug, thiserror::Error)]
#[error("stored {what} `{value}` does not read back: {reason}")]
pub struct CorruptValue {
    /// The Rust type expected.
    pub what: &'static str,
    /// The stored text.
    pub value: String,
    /// Why it does not parse.
    pub reason: String,
}

impl CorruptValue {
    fn new<T>(value: &str, reason: impl Display) -> Self {
        Self {
            what: std::any::type_name::<T>(),
            value: value.to_owned(),
            reason: reason.to_string(),
        }
    }
}

/// A `TEXT NOT NULL` column's value: the text form of a core type.
#[derive(Debug, Clone, PartialEq, Eq, AsExpression, FromSqlRow)]
#[diesel(sql_type = Text)]
pub struct Stored(String);

impl Stored {
    /// Parses the text into the field's type (called by diesel's derive).
    pub fn try_into<T>(self) -> Result<T, CorruptValue>
    where
        T: FromStr,
        T::Err: Display,
    {
        self.0
            .parse()
            .map_err(|e| CorruptValue::new::<T>(&self.0, e))
    }
}

/// A `TEXT NOT NULL` column holding a list of core values in their text
/// form, comma-separated (`read,write`).
#[derive(Debug, Clone, PartialEq, Eq, AsExpression, FromSqlRow)]
#[diesel(sql_type = Text)]
pub struct StoredList(String);

impl StoredList {
    /// Parses every item into the field's element type (called by diesel's
    /// derive); an empty column is an empty list.
    pub fn try_into<T>(self) -> Result<Vec<T>, CorruptValue>
    where
        T: FromStr,
        T::Err: Display,
    {
        self.0
            .split(',')
            .filter(|item| !item.is_empty())
            .map(|item| item.parse().map_err(|e| CorruptValue::new::<T>(&self.0, e)))
            .collect()
    }
}

impl<T: Display> From<Vec<T>> for StoredList {
    fn from(items: Vec<T>) -> Self {
        Self(
            items
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(","),
        )
    }
}

/// A nullable `TEXT` column's value: the text form of an optional core type.
#[derive(Debug, Clone, PartialEq, Eq, AsExpression, FromSqlRow)]
#[diesel(sql_type = Nullable<Text>)]
pub struct StoredOpt(Option<String>);

impl StoredOpt {
    /// Parses the text, if any, into the field's type.
    pub fn try_into<T>(self) -> Result<Option<T>, CorruptValue>
    where
        T: FromStr,
        T::Err: Display,
    {
        self.0
            .map(|text| text.parse().map_err(|e| CorruptValue::new::<T>(&text, e)))
            .transpose()
    }
}

/// A `TEXT NOT NULL` column holding a core value as JSON. Writing, a value
/// that does not serialise is kept as the reason, and the write fails with
/// it instead of storing anything.
#[derive(Debug, Clone, PartialEq, Eq, AsExpression, FromSqlRow)]
#[diesel(sql_type = Text)]
pub struct StoredJsonText(Result<String, String>);

impl StoredJsonText {
    /// Reads the JSON into the field's type.
    pub fn try_into<T>(self) -> Result<T, CorruptValue>
    where
        T: serde::de::DeserializeOwned,
    {
        match self.0 {
            Ok(text) => serde_json::from_str(&text).map_err(|e| CorruptValue::new::<T>(&text, e)),
            Err(reason) => Err(CorruptValue::new::<T>("", reason)),
        }
    }

    fn of<T: serde::Serialize>(value: &T) -> Self {
        Self(serde_json::to_string(value).map_err(|e| e.to_string()))
    }

    /// JSON written already.
    pub(crate) fn text(json: String) -> Self {
        Self(Ok(json))
    }
}

impl<DB> FromSql<Text, DB> for StoredJsonText
where
    DB: Backend,
    String: FromSql<Text, DB>,
{
    fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
        String::from_sql(bytes).map(|s| Self(Ok(s)))
    }
}

impl<DB> ToSql<Text, DB> for StoredJsonText
where
    DB: Backend,
    String: ToSql<Text, DB>,
{
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
        match &self.0 {
            Ok(text) => text.to_sql(out),
            Err(reason) => Err(reason.clone().into()),
        }
    }
}

impl From<serde_json::Value> for StoredJsonText {
    fn from(value: serde_json::Value) -> Self {
        Self::of(&value)
    }
}

impl From<BTreeSet<NaiveDate>> for StoredJsonText {
    fn from(value: BTreeSet<NaiveDate>) -> Self {
        Self::of(&value)
    }
}

impl From<Vec<HolidayCalendar>> for StoredJsonText {
    fn from(value: Vec<HolidayCalendar>) -> Self {
        Self::of(&value)
    }
}

impl From<Vec<followup_core::compare::Criterion>> for StoredJsonText {
    fn from(value: Vec<followup_core::compare::Criterion>) -> Self {
        Self::of(&value)
    }
}

impl From<followup_core::compare::Competition> for StoredJsonText {
    fn from(value: followup_core::compare::Competition) -> Self {
        Self::of(&value)
    }
}

impl From<followup_core::facts::QuestionAnswers> for StoredJsonText {
    fn from(value: followup_core::facts::QuestionAnswers) -> Self {
        Self::of(&value)
    }
}

impl From<PlaybookSpec> for StoredJsonText {
    fn from(value: PlaybookSpec) -> Self {
        Self::of(&value)
    }
}

/// A nullable `TEXT` column holding a core value as JSON. As with
/// [`StoredJsonText`], a value that does not serialise fails the write.
#[derive(Debug, Clone, PartialEq, Eq, AsExpression, FromSqlRow)]
#[diesel(sql_type = Nullable<Text>)]
pub struct StoredJson(Option<Result<String, String>>);

impl StoredJson {
    /// Reads the JSON, if any, into the field's type.
    pub fn try_into<T>(self) -> Result<Option<T>, CorruptValue>
    where
        T: serde::de::DeserializeOwned,
    {
        self.0
            .map(|text| StoredJsonText(text).try_into())
            .transpose()
    }

    fn of<T: serde::Serialize>(value: Option<&T>) -> Self {
        Self(value.map(|v| serde_json::to_string(v).map_err(|e| e.to_string())))
    }
}

/// `users.business_hours`: the core's [`BusinessHours`] stored as
/// `{"mon": {"start": "09:00", "end": "17:00"}, …}`, a missing day closed;
/// `NULL` for the default week.
#[derive(Debug, Clone, PartialEq, Eq, AsExpression, FromSqlRow)]
#[diesel(sql_type = Nullable<Text>)]
pub struct StoredHours(StoredJson);

/// One open day as `users.business_hours` stores it.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredDay {
    start: String,
    end: String,
}

/// The stored week, Monday first.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredWeek {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    mon: Option<StoredDay>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    tue: Option<StoredDay>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    wed: Option<StoredDay>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    thu: Option<StoredDay>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    fri: Option<StoredDay>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sat: Option<StoredDay>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sun: Option<StoredDay>,
}

const WEEK: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];

impl StoredHours {
    /// Reads the stored week, if any, into the core's hours.
    pub fn try_into(self) -> Result<Option<BusinessHours>, CorruptValue> {
        let Some(week) = self.0.try_into::<StoredWeek>()? else {
            return Ok(None);
        };
        let stored = [
            week.mon, week.tue, week.wed, week.thu, week.fri, week.sat, week.sun,
        ];
        let mut days = [None; 7];
        for (slot, day) in days.iter_mut().zip(stored) {
            if let Some(day) = day {
                let parse = |t: &str| {
                    NaiveTime::parse_from_str(t, "%H:%M")
                        .map_err(|e| CorruptValue::new::<BusinessHours>(t, e))
                };
                *slot = Some((parse(&day.start)?, parse(&day.end)?));
            }
        }
        BusinessHours::new(days)
            .map(Some)
            .map_err(|e| CorruptValue::new::<BusinessHours>("business_hours", e))
    }
}

impl From<Option<BusinessHours>> for StoredHours {
    fn from(value: Option<BusinessHours>) -> Self {
        let week = value.map(|hours| {
            let mut days = WEEK.map(|weekday| {
                hours.on(weekday).map(|open| StoredDay {
                    start: open.open().format("%H:%M").to_string(),
                    end: open.close().format("%H:%M").to_string(),
                })
            });
            let mut take = |i: usize| days.get_mut(i).and_then(Option::take);
            StoredWeek {
                mon: take(0),
                tue: take(1),
                wed: take(2),
                thu: take(3),
                fri: take(4),
                sat: take(5),
                sun: take(6),
            }
        });
        Self(StoredJson::of(week.as_ref()))
    }
}

/// Reads and writes a `TEXT NOT NULL` column as the wrapper's string.
macro_rules! text_column {
    ($($wrapper:ident),+) => {$(
        impl<DB> FromSql<Text, DB> for $wrapper
        where
            DB: Backend,
            String: FromSql<Text, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
                String::from_sql(bytes).map(Self)
            }
        }

        impl<DB> ToSql<Text, DB> for $wrapper
        where
            DB: Backend,
            String: ToSql<Text, DB>,
        {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
                self.0.to_sql(out)
            }
        }
    )+};
}

text_column!(Stored, StoredList);

/// Reads a nullable text column: `NULL` is `None`.
fn nullable_text<DB>(bytes: Option<DB::RawValue<'_>>) -> deserialize::Result<Option<String>>
where
    DB: Backend,
    String: FromSql<Text, DB>,
{
    bytes.map(String::from_sql).transpose()
}

impl<DB> FromSql<Nullable<Text>, DB> for StoredOpt
where
    DB: Backend,
    String: FromSql<Text, DB>,
{
    fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
        String::from_sql(bytes).map(|s| Self(Some(s)))
    }

    fn from_nullable_sql(bytes: Option<DB::RawValue<'_>>) -> deserialize::Result<Self> {
        nullable_text::<DB>(bytes).map(Self)
    }
}

impl<DB> ToSql<Nullable<Text>, DB> for StoredOpt
where
    DB: Backend,
    Option<String>: ToSql<Nullable<Text>, DB>,
{
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
        self.0.to_sql(out)
    }
}

impl<DB> FromSql<Nullable<Text>, DB> for StoredJson
where
    DB: Backend,
    String: FromSql<Text, DB>,
{
    fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
        String::from_sql(bytes).map(|s| Self(Some(Ok(s))))
    }

    fn from_nullable_sql(bytes: Option<DB::RawValue<'_>>) -> deserialize::Result<Self> {
        nullable_text::<DB>(bytes).map(|text| Self(text.map(Ok)))
    }
}

impl<DB> ToSql<Nullable<Text>, DB> for StoredJson
where
    DB: Backend,
    String: ToSql<Text, DB>,
    Option<String>: ToSql<Nullable<Text>, DB>,
{
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
        match &self.0 {
            None => None::<String>.to_sql(out),
            Some(Ok(text)) => <String as ToSql<Text, DB>>::to_sql(text, out),
            Some(Err(reason)) => Err(reason.clone().into()),
        }
    }
}

impl<DB> FromSql<Nullable<Text>, DB> for StoredHours
where
    DB: Backend,
    String: FromSql<Text, DB>,
{
    fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
        StoredJson::from_sql(bytes).map(Self)
    }

    fn from_nullable_sql(bytes: Option<DB::RawValue<'_>>) -> deserialize::Result<Self> {
        StoredJson::from_nullable_sql(bytes).map(Self)
    }
}

impl<DB> ToSql<Nullable<Text>, DB> for StoredHours
where
    DB: Backend,
    String: ToSql<Text, DB>,
    Option<String>: ToSql<Nullable<Text>, DB>,
{
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
        <StoredJson as ToSql<Nullable<Text>, DB>>::to_sql(&self.0, out)
    }
}

/// The text a core value is stored as: its `Display` form, which its
/// `FromStr` reads back.
macro_rules! stored_as_text {
    ($($ty:ty),+ $(,)?) => {$(
        impl From<$ty> for Stored {
            fn from(value: $ty) -> Self {
                Self(value.to_string())
            }
        }

        impl From<Option<$ty>> for StoredOpt {
            fn from(value: Option<$ty>) -> Self {
                Self(value.map(|v| v.to_string()))
            }
        }
    )+};
}

stored_as_text!(
    Stage,
    RejectionReason,
    ContactRole,
    Channel,
    InteractionKind,
    PromiseWhat,
    Role,
    Actor,
    EventType,
    HolidayCalendar,
    chrono_tz::Tz,
    crate::webhooks::DeliveryState,
    followup_core::GrantPolicy,
    followup_core::OrgRole,
    followup_core::JoinedVia
);

impl From<Option<BestTime>> for StoredJson {
    fn from(value: Option<BestTime>) -> Self {
        Self::of(value.as_ref())
    }
}

#[cfg(test)]
mod tests {
    use followup_core::Scope;

    use super::*;

    #[test]
    fn a_stored_list_round_trips_and_refuses_what_does_not_parse() {
        let stored = StoredList::from(vec![Scope::Read, Scope::Write]);
        assert_eq!(stored, StoredList("read,write".to_owned()));
        assert_eq!(
            stored.try_into::<Scope>().unwrap(),
            [Scope::Read, Scope::Write]
        );
        assert!(
            StoredList(String::new())
                .try_into::<Scope>()
                .unwrap()
                .is_empty()
        );
        assert!(
            StoredList("read,admin".to_owned())
                .try_into::<Scope>()
                .is_err()
        );
    }
}
