//! The conventions every resource follows: actors and cursor pagination
//! (conditional requests are in [`crate::conditional`]).

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::{Caller, Via};
use crate::error::ApiError;

/// Who made a change.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
pub struct Actor {
    /// `seeker`, `coach`, `admin` or `api_key`.
    #[serde(rename = "type")]
    #[schema(example = "coach")]
    pub kind: String,
    /// The account's id, or the API key's.
    pub id: String,
}

impl Actor {
    /// Who the caller is, as the store records it.
    pub fn of(caller: &Caller) -> followup_core::Actor {
        match &caller.via {
            Via::ApiKey { id, .. } => followup_core::Actor {
                kind: followup_core::ActorKind::ApiKey,
                id: id.clone(),
            },
            Via::OrgToken { id, .. } => followup_core::Actor {
                kind: followup_core::ActorKind::OrgToken,
                id: id.clone(),
            },
            Via::Token => followup_core::Actor {
                kind: caller.role.into(),
                id: caller.user.id.clone(),
            },
        }
    }
}

impl From<&followup_core::Actor> for Actor {
    fn from(actor: &followup_core::Actor) -> Self {
        Self {
            kind: actor.kind.as_str().to_owned(),
            id: actor.id.clone(),
        }
    }
}

impl From<followup_core::Actor> for Actor {
    fn from(actor: followup_core::Actor) -> Self {
        Self {
            kind: actor.kind.as_str().to_owned(),
            id: actor.id,
        }
    }
}

/// Paging parameters of every list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Items per page: 1–200, default 50.
    #[param(minimum = 1, maximum = 200)]
    #[serde(default, deserialize_with = "crate::extract::not_empty")]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// A page of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    /// The items, in a stable order.
    pub items: Vec<T>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// Validated paging: the limit and the id to continue after.
#[derive(Debug, Clone)]
pub struct Paging {
    /// Items per page.
    pub limit: usize,
    /// Continue after this id.
    pub after: Option<String>,
}

impl Paging {
    /// Checks `limit` (1–200) and decodes `cursor`.
    pub fn new(limit: Option<u32>, cursor: Option<&str>) -> Result<Self, ApiError> {
        let limit = limit.unwrap_or(50);
        if !(1..=200).contains(&limit) {
            return Err(ApiError::Validation(vec![
                crate::error::FieldError::out_of_range("limit", 1, 200),
            ]));
        }
        let after = cursor
            .filter(|c| !c.is_empty())
            .map(decode_cursor)
            .transpose()?;
        Ok(Self {
            limit: limit as usize,
            after,
        })
    }

    /// The page of `rows` (fetched with `limit + 1`), each rendered by
    /// `view`, and the next cursor.
    pub fn page<R, T>(
        &self,
        mut rows: Vec<R>,
        id: impl Fn(&R) -> &str,
        view: impl Fn(R) -> Result<T, ApiError>,
    ) -> Result<Page<T>, ApiError> {
        let next_cursor = if rows.len() > self.limit {
            rows.truncate(self.limit);
            rows.last().map(|r| encode_cursor(id(r)))
        } else {
            None
        };
        Ok(Page {
            items: rows.into_iter().map(view).collect::<Result<_, _>>()?,
            next_cursor,
        })
    }

    /// The page of a whole list already in its order (a list sorted by a
    /// computed value, such as the last activity): the items after the
    /// cursor's id, and the next cursor.
    pub fn page_in_memory<T>(
        &self,
        items: Vec<T>,
        id: impl Fn(&T) -> &str,
    ) -> Result<Page<T>, ApiError> {
        let rest: Vec<T> = match &self.after {
            Some(after) => items
                .into_iter()
                .skip_while(|item| id(item) != after)
                .skip(1)
                .take(self.limit + 1)
                .collect(),
            None => items.into_iter().take(self.limit + 1).collect(),
        };
        self.page(rest, id, Ok)
    }

    /// Rows to fetch: one more than a page, to know whether another follows.
    pub fn fetch(&self) -> i64 {
        i64::try_from(self.limit + 1).unwrap_or(i64::MAX)
    }
}

/// Cursors are opaque to clients: `c1` and the last id, hex-encoded.
pub fn encode_cursor(last_id: &str) -> String {
    let mut out = String::from("c1");
    for b in last_id.bytes() {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

fn decode_cursor(cursor: &str) -> Result<String, ApiError> {
    let invalid = || ApiError::Validation(vec![crate::error::FieldError::invalid_cursor("cursor")]);
    let hex = cursor.strip_prefix("c1").ok_or_else(invalid)?;
    if hex.len() % 2 != 0 || hex.len() > 256 {
        return Err(invalid());
    }
    // Pairs of bytes, not of characters: a client's cursor may hold
    // multi-byte characters, and slicing the text could split one.
    let bytes = hex
        .as_bytes()
        .chunks_exact(2)
        .map(|pair| match pair {
            [high, low] => Some((hex_digit(*high)? << 4) | hex_digit(*low)?),
            _ => None,
        })
        .collect::<Option<Vec<u8>>>()
        .ok_or_else(invalid)?;
    String::from_utf8(bytes).map_err(|_| invalid())
}

/// The value of one ASCII hex digit.
fn hex_digit(byte: u8) -> Option<u8> {
    char::from(byte)
        .to_digit(16)
        .and_then(|d| u8::try_from(d).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_refuse_forgeries() {
        let cursor = encode_cursor("0190abcd-0000-7000-8000-000000000001");
        assert_eq!(
            decode_cursor(&cursor).unwrap(),
            "0190abcd-0000-7000-8000-000000000001"
        );
        for bad in [
            "", "x", "c1zz", "c1abc", "c1ff", "c1aé0", "c1é", "c1€0", "c1+1", "c1 1",
        ] {
            assert!(decode_cursor(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn paging_limits_are_checked() {
        assert!(Paging::new(Some(0), None).is_err());
        assert!(Paging::new(Some(201), None).is_err());
        assert_eq!(Paging::new(None, None).unwrap().limit, 50);
        let paging = Paging::new(Some(2), None).unwrap();
        let page = paging
            .page(vec!["a", "b", "c"], |s| s, |s| Ok(s.to_owned()))
            .unwrap();
        assert_eq!(page.items, ["a", "b"]);
        assert_eq!(
            decode_cursor(page.next_cursor.as_deref().unwrap()).unwrap(),
            "b"
        );
    }
}
