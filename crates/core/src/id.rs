//! The id of a logged interaction (its own, and the contact it names), as
//! the facts keep it: 24 bytes, with no allocation for the ids the API
//! makes.
//!
//! The facts of every seeker reading their agenda are kept between requests
//! (the API's facts cache), and interactions are most of them: a hundred or
//! more per seeker. As `String`s, the two ids of each took two allocations of
//! 36 bytes. A canonical UUID (lower-case and hyphenated, as every id the API
//! stores is) is kept here as its 16 bytes; any other text (tests, imports)
//! is kept as it is. Either way it compares, orders, prints and serializes as
//! the text it was made from.

use std::cmp::Ordering;
use std::fmt;
use std::ops::Deref;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An id: a canonical UUID in 16 bytes, else its text.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Id(Repr);

#[derive(Clone, PartialEq, Eq, Hash)]
enum Repr {
    /// A UUID's bytes; its text is their lower-case hyphenated form.
    Uuid([u8; 16]),
    /// Any other text (never a canonical UUID, so that equal texts are
    /// equal ids).
    Text(Box<str>),
}

/// The length of a hyphenated UUID.
const UUID_LEN: usize = 36;

/// Where a hyphenated UUID has its hyphens.
const fn is_hyphen_at(i: usize) -> bool {
    matches!(i, 8 | 13 | 18 | 23)
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// The value of a lower-case hex digit.
const fn nibble(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        _ => None,
    }
}

/// The bytes of `text` when it is a canonical (lower-case, hyphenated) UUID.
pub(crate) fn parse_uuid(text: &str) -> Option<[u8; 16]> {
    let text = text.as_bytes();
    if text.len() != UUID_LEN {
        return None;
    }
    let mut bytes = [0u8; 16];
    let mut n = 0;
    let mut i = 0;
    while i < UUID_LEN {
        if is_hyphen_at(i) {
            if text[i] != b'-' {
                return None;
            }
            i += 1;
            continue;
        }
        let high = nibble(text[i])?;
        let low = nibble(text[i + 1])?;
        bytes[n] = (high << 4) | low;
        n += 1;
        i += 2;
    }
    Some(bytes)
}

/// The lower-case hyphenated text of a UUID's bytes.
pub(crate) fn format_uuid(bytes: &[u8; 16]) -> [u8; UUID_LEN] {
    let mut text = [b'-'; UUID_LEN];
    let mut i = 0;
    for byte in bytes {
        if is_hyphen_at(i) {
            i += 1;
        }
        text[i] = HEX[usize::from(byte >> 4)];
        text[i + 1] = HEX[usize::from(byte & 0xf)];
        i += 2;
    }
    text
}

impl Id {
    /// The id whose text is `text`.
    pub fn new(text: &str) -> Self {
        match parse_uuid(text) {
            Some(bytes) => Self(Repr::Uuid(bytes)),
            None => Self(Repr::Text(text.into())),
        }
    }

    /// The id whose text is the canonical UUID of `bytes`.
    pub(crate) const fn from_uuid(bytes: [u8; 16]) -> Self {
        Self(Repr::Uuid(bytes))
    }

    /// Its bytes when it is a canonical UUID, else its text.
    pub(crate) fn uuid_or_text(&self) -> Result<&[u8; 16], &str> {
        match &self.0 {
            Repr::Uuid(bytes) => Ok(bytes),
            Repr::Text(text) => Err(text),
        }
    }

    /// Its text.
    pub fn text(&self) -> IdText<'_> {
        match &self.0 {
            Repr::Uuid(bytes) => IdText(TextRepr::Uuid(format_uuid(bytes))),
            Repr::Text(text) => IdText(TextRepr::Borrowed(text)),
        }
    }
}

impl From<&str> for Id {
    fn from(text: &str) -> Self {
        Self::new(text)
    }
}

impl From<String> for Id {
    fn from(text: String) -> Self {
        match parse_uuid(&text) {
            Some(bytes) => Self(Repr::Uuid(bytes)),
            None => Self(Repr::Text(text.into_boxed_str())),
        }
    }
}

impl From<&String> for Id {
    fn from(text: &String) -> Self {
        Self::new(text)
    }
}

impl From<&Id> for String {
    fn from(id: &Id) -> Self {
        (*id.text()).to_owned()
    }
}

impl From<Id> for String {
    fn from(id: Id) -> Self {
        match id.0 {
            Repr::Uuid(_) => (*id.text()).to_owned(),
            Repr::Text(text) => text.into_string(),
        }
    }
}

/// An id's text: formatted on the stack for a UUID, borrowed otherwise.
#[derive(Clone, Copy)]
pub struct IdText<'a>(TextRepr<'a>);

#[derive(Clone, Copy)]
enum TextRepr<'a> {
    Uuid([u8; UUID_LEN]),
    Borrowed(&'a str),
}

impl Deref for IdText<'_> {
    type Target = str;

    fn deref(&self) -> &str {
        match &self.0 {
            // Hex digits and hyphens only: always UTF-8.
            TextRepr::Uuid(text) => std::str::from_utf8(text).unwrap_or_default(),
            TextRepr::Borrowed(text) => text,
        }
    }
}

impl<'a> From<&'a str> for IdText<'a> {
    fn from(text: &'a str) -> Self {
        Self(TextRepr::Borrowed(text))
    }
}

impl<'a> From<&'a String> for IdText<'a> {
    fn from(text: &'a String) -> Self {
        Self(TextRepr::Borrowed(text))
    }
}

impl<'a> From<&'a Id> for IdText<'a> {
    fn from(id: &'a Id) -> Self {
        id.text()
    }
}

impl PartialEq for IdText<'_> {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl Eq for IdText<'_> {}

impl PartialOrd for IdText<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for IdText<'_> {
    fn cmp(&self, other: &Self) -> Ordering {
        (**self).cmp(&**other)
    }
}

impl fmt::Debug for IdText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl AsRef<str> for IdText<'_> {
    fn as_ref(&self) -> &str {
        self
    }
}

impl fmt::Display for IdText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self)
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text())
    }
}

impl fmt::Debug for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.text(), f)
    }
}

/// In the order of their texts (for UUIDs, the order of their bytes).
impl Ord for Id {
    fn cmp(&self, other: &Self) -> Ordering {
        match (&self.0, &other.0) {
            (Repr::Uuid(a), Repr::Uuid(b)) => a.cmp(b),
            (Repr::Text(a), Repr::Text(b)) => a.cmp(b),
            _ => (*self.text()).cmp(&*other.text()),
        }
    }
}

impl PartialOrd for Id {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq<str> for Id {
    fn eq(&self, other: &str) -> bool {
        match &self.0 {
            // Formatting is a table look-up per digit, with no branch per
            // character as parsing would take: the engine compares an
            // interaction's contact with the opportunity's contacts often.
            Repr::Uuid(bytes) => other.len() == UUID_LEN && format_uuid(bytes) == *other.as_bytes(),
            Repr::Text(text) => **text == *other,
        }
    }
}

impl PartialEq<&str> for Id {
    fn eq(&self, other: &&str) -> bool {
        *self == **other
    }
}

impl PartialEq<String> for Id {
    fn eq(&self, other: &String) -> bool {
        *self == **other
    }
}

impl PartialEq<Id> for str {
    fn eq(&self, other: &Id) -> bool {
        *other == *self
    }
}

impl PartialEq<Id> for String {
    fn eq(&self, other: &Id) -> bool {
        *other == **self
    }
}

impl Serialize for Id {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text())
    }
}

impl<'de> Deserialize<'de> for Id {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const UUID: &str = "01890a5d-ac96-774b-bcce-b302099a8057";

    #[test]
    fn a_canonical_uuid_is_kept_as_bytes_and_reads_back_the_same() {
        let id = Id::new(UUID);
        assert!(matches!(id.0, Repr::Uuid(_)));
        assert_eq!(&*id.text(), UUID);
        assert_eq!(id.to_string(), UUID);
        assert_eq!(format!("{id:?}"), format!("{UUID:?}"));
        assert_eq!(String::from(id.clone()), UUID);
        assert_eq!(id, *UUID);
        assert_eq!(id, Id::from(UUID.to_owned()));
    }

    #[test]
    fn any_other_text_is_kept_as_it_is() {
        for text in [
            "i1",
            "",
            "01890A5D-AC96-774B-BCCE-B302099A8057",
            "01890a5dac96774bbccEb302099a8057",
            "01890a5d-ac96-774b-bcce-b302099a805g",
            "01890a5d_ac96-774b-bcce-b302099a8057",
        ] {
            let id = Id::new(text);
            assert!(matches!(id.0, Repr::Text(_)), "{text}");
            assert_eq!(&*id.text(), text);
            assert_eq!(id, *text);
            assert_ne!(id, *UUID);
        }
    }

    #[test]
    fn ids_order_as_their_texts() {
        let texts = [
            "",
            "0",
            "01890a5d-ac96-774b-bcce-b302099a8057",
            "01890a5d-ac96-774b-bcce-b302099a8058",
            "01890a5d-ac96-774b-bcce-b302099a8057x",
            "01890a5e-0000-7000-8000-000000000000",
            "ffffffff-ffff-ffff-ffff-ffffffffffff",
            "g",
            "i1",
            "i2",
        ];
        for a in texts {
            for b in texts {
                assert_eq!(Id::new(a).cmp(&Id::new(b)), a.cmp(b), "{a} against {b}");
                assert_eq!(Id::new(a) == Id::new(b), a == b);
            }
        }
    }

    #[test]
    fn it_serializes_as_its_text() {
        let id = Id::new(UUID);
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(json, format!("\"{UUID}\""));
        assert_eq!(serde_json::from_str::<Id>(&json).unwrap(), id);
        assert_eq!(serde_json::from_str::<Id>("\"i1\"").unwrap(), Id::new("i1"));
    }

    #[test]
    fn it_takes_no_more_room_than_a_string() {
        assert_eq!(std::mem::size_of::<Id>(), 24);
        assert_eq!(std::mem::size_of::<Option<Id>>(), 24);
    }
}
