//! Smaller answers for apps (docs/payloads.md): a sparse field set of a
//! list's items (`fields=`), `limit` on lists that have no pages, and
//! `include=mailto` where drafts are answered.
//!
//! The names `fields` takes are the item schema's properties in the OpenAPI
//! document, so what is documented is what is accepted, and a field added
//! to a view is selectable at once.

use std::collections::HashMap;
use std::sync::OnceLock;

use actix_web::HttpResponse;
use followup_core::{Draft, NextAction};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use crate::error::{ApiError, FieldCode, FieldError};

/// The most names `fields` takes; more than any item has.
const MAX_FIELDS: usize = 100;

/// `fields=`: the fields each item of the list carries.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FieldsParam {
    /// A sparse field set: comma-separated top-level field names of each
    /// item (`fields=id,company,stage`). The items carry only these, and
    /// `id` always; the paging fields (`next_cursor`) stay. An unknown name
    /// is a 422 (`unknown_field`, `params.allowed` lists the names), and so
    /// is an empty list. Default: every field.
    #[param(example = "id,company,stage")]
    pub fields: Option<String>,
}

impl FieldsParam {
    /// The field set asked for on items of type `T`, checked; `None` for
    /// every field.
    pub fn of<T: ToSchema>(&self) -> Result<Option<FieldSet>, ApiError> {
        let mut errors = Vec::new();
        let set = FieldSet::parse(self.fields.as_deref(), field_names::<T>(), &mut errors);
        if errors.is_empty() {
            Ok(set)
        } else {
            Err(ApiError::Validation(errors))
        }
    }
}

/// Both checks' results, or one 422 naming every invalid parameter of the
/// two.
pub fn both<A, B>(a: Result<A, ApiError>, b: Result<B, ApiError>) -> Result<(A, B), ApiError> {
    match (a, b) {
        (Ok(a), Ok(b)) => Ok((a, b)),
        (Err(ApiError::Validation(mut first)), Err(ApiError::Validation(second))) => {
            first.extend(second);
            Err(ApiError::Validation(first))
        }
        (Err(e), _) | (_, Err(e)) => Err(e),
    }
}

/// `limit` of a list that comes whole, without pages.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LimitParam {
    /// At most this many items, 1–200, the first in the list's order;
    /// default all. This list has no further pages.
    #[param(minimum = 1, maximum = 200)]
    #[serde(default, deserialize_with = "crate::extract::not_empty")]
    pub limit: Option<u32>,
}

impl LimitParam {
    /// The limit, checked (1–200).
    pub fn checked(&self) -> Result<Option<usize>, ApiError> {
        let mut errors = Vec::new();
        let limit = check_limit(self.limit, 200, &mut errors);
        if errors.is_empty() {
            Ok(limit)
        } else {
            Err(ApiError::Validation(errors))
        }
    }
}

/// `include=mailto`: fill in the drafts' `mailto` links.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct IncludeParam {
    /// `mailto`: fill in each draft's `mailto` link. Without it a draft
    /// carries `to`, `subject` and `body` and no link: the client builds
    /// it (RFC 6068; docs/payloads.md).
    #[param(example = "mailto")]
    pub include: Option<String>,
}

impl IncludeParam {
    /// Whether the links are asked for, checked.
    pub fn mailto(&self) -> Result<bool, ApiError> {
        let mut errors = Vec::new();
        let mailto = check_include(self.include.as_deref(), &mut errors);
        if errors.is_empty() {
            Ok(mailto)
        } else {
            Err(ApiError::Validation(errors))
        }
    }
}

/// What `include` takes.
pub const INCLUDES: [&str; 1] = ["mailto"];

/// Reads `include` (comma-separated; only `mailto` so far): whether the
/// `mailto` links are asked for. Errors go to `errors`.
pub fn check_include(given: Option<&str>, errors: &mut Vec<FieldError>) -> bool {
    let Some(given) = given else {
        return false;
    };
    let names: Vec<&str> = given
        .split(',')
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .collect();
    if names.is_empty() {
        errors.push(
            FieldError::new("include", FieldCode::Empty, "must not be empty")
                .with("allowed", INCLUDES.to_vec()),
        );
        return false;
    }
    let mut mailto = false;
    for name in names {
        if INCLUDES.contains(&name) {
            mailto = true;
        } else {
            errors.push(FieldError::unknown_value("include", name, &INCLUDES));
        }
    }
    mailto
}

/// Checks a `limit` of 1..=`max`. Errors go to `errors`.
pub fn check_limit(limit: Option<u32>, max: u32, errors: &mut Vec<FieldError>) -> Option<usize> {
    let limit = limit?;
    if (1..=max).contains(&limit) {
        usize::try_from(limit).ok()
    } else {
        errors.push(FieldError::out_of_range("limit", 1, max));
        None
    }
}

/// A checked sparse field set: sorted, each name once, `id` in it when the
/// items have one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldSet {
    names: Vec<String>,
}

impl FieldSet {
    /// Reads `fields` against the names the items have (`allowed`); `None`
    /// when not given. Every unknown name, and an empty list, goes to
    /// `errors`.
    pub fn parse(
        given: Option<&str>,
        allowed: &[String],
        errors: &mut Vec<FieldError>,
    ) -> Option<Self> {
        let given = given?;
        let mut names: Vec<String> = given
            .split(',')
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_owned)
            .collect();
        if names.is_empty() {
            errors.push(
                FieldError::new("fields", FieldCode::Empty, "must name at least one field")
                    .with("allowed", allowed.to_vec()),
            );
            return None;
        }
        if names.len() > MAX_FIELDS {
            errors.push(FieldError::too_many("fields", MAX_FIELDS, "fields"));
            return None;
        }
        let before = errors.len();
        let mut unknown: Vec<&str> = Vec::new();
        for name in &names {
            if !allowed.contains(name) && !unknown.contains(&name.as_str()) {
                unknown.push(name);
                errors.push(
                    FieldError::new(
                        "fields",
                        FieldCode::UnknownField,
                        format!(
                            "`{name}` is not a field of these items; they have: {}",
                            allowed.join(", ")
                        ),
                    )
                    .with("allowed", allowed.to_vec()),
                );
            }
        }
        if errors.len() > before {
            return None;
        }
        if allowed.iter().any(|n| n == "id") {
            names.push("id".to_owned());
        }
        names.sort();
        names.dedup();
        Some(Self { names })
    }

    /// The names, sorted, comma-separated: the same for every way of
    /// writing the same set.
    pub fn normalised(&self) -> String {
        self.names.join(",")
    }

    /// Keeps only the set's fields of `item` (an object).
    pub fn project(&self, item: &mut Value) {
        if let Value::Object(map) = item {
            map.retain(|key, _| self.names.iter().any(|n| n == key));
        }
    }
}

/// The top-level property names of the schema `T` is documented as, from
/// the OpenAPI document (following `$ref` and `allOf`), sorted.
pub fn field_names<T: ToSchema>() -> &'static [String] {
    static TABLE: OnceLock<HashMap<String, Vec<String>>> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let doc = serde_json::to_value(crate::docs::openapi()).unwrap_or_default();
        let schemas = doc
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        schemas
            .iter()
            .map(|(name, schema)| {
                let mut names = Vec::new();
                properties(schema, &schemas, &mut names, 0);
                names.sort();
                names.dedup();
                (name.clone(), names)
            })
            .collect()
    });
    table.get(T::name().as_ref()).map_or(&[], Vec::as_slice)
}

/// Collects the property names of `schema` into `out`.
fn properties(
    schema: &Value,
    schemas: &serde_json::Map<String, Value>,
    out: &mut Vec<String>,
    depth: usize,
) {
    if depth > 8 {
        return;
    }
    if let Some(target) = schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
        .and_then(|name| schemas.get(name))
    {
        properties(target, schemas, out, depth + 1);
    }
    if let Some(map) = schema.get("properties").and_then(Value::as_object) {
        out.extend(map.keys().cloned());
    }
    for part in schema
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        properties(part, schemas, out, depth + 1);
    }
}

/// A list answer (a page, or a whole list) with only the fields asked for in
/// each of its `items` (a bare array's elements); the whole thing when
/// `fields` is `None`.
pub fn list<B: Serialize>(body: &B, fields: Option<&FieldSet>) -> Result<HttpResponse, ApiError> {
    let Some(fields) = fields else {
        return Ok(HttpResponse::Ok().json(body));
    };
    let mut value = serde_json::to_value(body).map_err(|e| ApiError::Internal(Box::new(e)))?;
    let items = match &mut value {
        Value::Array(items) => Some(items),
        Value::Object(map) => map.get_mut("items").and_then(Value::as_array_mut),
        _ => None,
    };
    for item in items.into_iter().flatten() {
        fields.project(item);
    }
    Ok(HttpResponse::Ok().json(value))
}

/// An action as answered: in the seeker's language (`locale`), its
/// draft's `mailto` link filled in only when asked for (`include=mailto`).
#[must_use]
pub fn action(
    mut action: NextAction,
    mailto: bool,
    locale: followup_core::l10n::Locale,
) -> NextAction {
    followup_core::l10n::localise_action(&mut action, locale);
    if let Some(draft) = action.draft.as_deref_mut() {
        draft.set_link(mailto);
    }
    action
}

/// How a list of actions (the agenda, an opportunity's next actions) is to
/// be answered: which fields, how many, and whether with `mailto` links.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActionShape {
    /// The fields of each action; `None` for all.
    pub fields: Option<FieldSet>,
    /// At most this many actions, the first in the list's order.
    pub limit: Option<usize>,
    /// Fill in the drafts' `mailto` links.
    pub mailto: bool,
}

impl ActionShape {
    /// The most actions `limit` takes.
    pub const MAX_LIMIT: u32 = 500;

    /// Reads `fields`, `limit` (1–500) and `include`; errors go to `errors`.
    pub fn parse(
        fields: Option<&str>,
        limit: Option<u32>,
        include: Option<&str>,
        errors: &mut Vec<FieldError>,
    ) -> Self {
        Self {
            fields: FieldSet::parse(fields, field_names::<NextAction>(), errors),
            limit: check_limit(limit, Self::MAX_LIMIT, errors),
            mailto: check_include(include, errors),
        }
    }

    /// Whether the answer is the plain one (every field, every action, no
    /// links).
    pub fn is_plain(&self) -> bool {
        *self == Self::default()
    }

    /// The shape written the same way for the same request, for the
    /// answer's `ETag`.
    pub fn key(&self) -> String {
        format!(
            "fields={};limit={};include={}",
            self.fields
                .as_ref()
                .map(FieldSet::normalised)
                .unwrap_or_default(),
            self.limit.map(|l| l.to_string()).unwrap_or_default(),
            if self.mailto { "mailto" } else { "" }
        )
    }

    /// Shapes the rendered actions (each without its `mailto` link).
    pub fn apply(&self, items: &mut Vec<Value>) {
        if let Some(limit) = self.limit {
            items.truncate(limit);
        }
        for item in items.iter_mut() {
            if self.mailto {
                add_link(item);
            }
            if let Some(fields) = &self.fields {
                fields.project(item);
            }
        }
    }

    /// Shapes a rendered `{"at": …, "items": […]}` body.
    pub fn apply_to_body(&self, body: &[u8]) -> Result<Vec<u8>, ApiError> {
        let internal = |e: serde_json::Error| ApiError::Internal(Box::new(e));
        let mut value: Value = serde_json::from_slice(body).map_err(internal)?;
        if let Some(items) = value.get_mut("items").and_then(Value::as_array_mut) {
            self.apply(items);
        }
        serde_json::to_vec(&value).map_err(internal)
    }
}

/// Fills in the `mailto` link of a rendered action's draft.
fn add_link(item: &mut Value) {
    let Some(draft) = item.get_mut("draft").filter(|d| d.is_object()) else {
        return;
    };
    let link = serde_json::from_value::<Draft>(draft.clone())
        .ok()
        .and_then(|d| d.link());
    if let (Some(link), Value::Object(map)) = (link, draft) {
        map.insert("mailto".to_owned(), Value::String(link));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allowed() -> Vec<String> {
        ["id", "company", "stage"].map(str::to_owned).to_vec()
    }

    #[test]
    fn a_field_set_is_normalised_and_always_has_the_id() {
        let mut errors = Vec::new();
        let set = FieldSet::parse(Some(" stage,company,stage,"), &allowed(), &mut errors).unwrap();
        assert!(errors.is_empty());
        assert_eq!(set.normalised(), "company,id,stage");
        let mut item = serde_json::json!({"id": "1", "company": "A", "stage": "final", "x": 1});
        set.project(&mut item);
        assert_eq!(
            item,
            serde_json::json!({"id": "1", "company": "A", "stage": "final"})
        );
    }

    #[test]
    fn unknown_and_empty_field_sets_are_refused_with_the_allowed_names() {
        let mut errors = Vec::new();
        assert!(FieldSet::parse(Some("stage,nmae,nmae,x"), &allowed(), &mut errors).is_none());
        assert_eq!(errors.len(), 2);
        assert!(errors.iter().all(|e| e.field == "fields"
            && e.code == FieldCode::UnknownField
            && e.params["allowed"] == serde_json::json!(["id", "company", "stage"])));
        let mut errors = Vec::new();
        assert!(FieldSet::parse(Some(" , "), &allowed(), &mut errors).is_none());
        assert_eq!(errors[0].code, FieldCode::Empty);
        assert!(FieldSet::parse(None, &allowed(), &mut Vec::new()).is_none());
    }

    #[test]
    fn include_takes_mailto_only_and_limits_are_bounded() {
        let mut errors = Vec::new();
        assert!(check_include(Some("mailto"), &mut errors));
        assert!(!check_include(None, &mut errors));
        assert!(errors.is_empty());
        check_include(Some("body"), &mut errors);
        check_include(Some(""), &mut errors);
        assert_eq!(errors[0].code, FieldCode::UnknownValue);
        assert_eq!(errors[1].code, FieldCode::Empty);
        let mut errors = Vec::new();
        assert_eq!(check_limit(Some(500), 500, &mut errors), Some(500));
        assert_eq!(check_limit(Some(0), 500, &mut errors), None);
        assert_eq!(check_limit(Some(501), 500, &mut errors), None);
        assert_eq!(errors.len(), 2);
        assert!(errors.iter().all(|e| e.code == FieldCode::OutOfRange));
    }

    #[test]
    fn documented_item_schemas_give_their_field_names() {
        let names = field_names::<NextAction>();
        for name in ["id", "action", "due_at", "draft", "reason"] {
            assert!(names.iter().any(|n| n == name), "{name} in {names:?}");
        }
        let names = field_names::<crate::views::pipeline::Opportunity>();
        assert!(names.iter().any(|n| n == "company"), "{names:?}");
    }

    #[test]
    fn an_action_shape_links_drafts_limits_and_projects() {
        let shape = ActionShape {
            fields: FieldSet::parse(
                Some("draft"),
                &["id".to_owned(), "draft".to_owned()],
                &mut Vec::new(),
            ),
            limit: Some(1),
            mailto: true,
        };
        let mut items = vec![
            serde_json::json!({"id": "a", "reason": "r", "draft": {"to": "a@b.example", "subject": "Hi", "body": "x y"}}),
            serde_json::json!({"id": "b", "draft": null}),
        ];
        shape.apply(&mut items);
        assert_eq!(
            items,
            [serde_json::json!({"id": "a", "draft": {
                "to": "a@b.example", "subject": "Hi", "body": "x y",
                "mailto": "mailto:a@b.example?subject=Hi&body=x%20y",
            }})]
        );
        assert_eq!(shape.key(), "fields=draft,id;limit=1;include=mailto");
        assert!(ActionShape::default().is_plain());
    }
}
