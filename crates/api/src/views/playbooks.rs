//! A playbook as the API shows it: a built-in or a custom one.

use chrono::{DateTime, Utc};
use followup_core::{BuiltinPlaybook, Playbook};
use followup_store::playbooks::PlaybookRow;
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::ApiError;
use crate::views::utc;

/// A playbook: a named set of enabled rules and their parameters.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlaybookView {
    /// What users and opportunities refer to it by: the name of a built-in,
    /// the id of a custom playbook.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Built-ins are read-only.
    pub built_in: bool,
    /// Who made it; `null` for built-ins.
    pub owner_id: Option<String>,
    /// The built-in it starts from (custom playbooks).
    pub extends: Option<String>,
    /// Rules by id: `{enabled, params}`; absent rules keep the base's settings.
    #[schema(value_type = Object)]
    pub rules: serde_json::Value,
    /// Last changed (custom playbooks).
    pub updated_at: Option<DateTime<Utc>>,
}

/// A built-in playbook as the API shows it.
pub fn builtin_view(builtin: BuiltinPlaybook) -> Result<PlaybookView, ApiError> {
    let spec = serde_json::to_value(Playbook::builtin(builtin).to_spec())
        .map_err(|e| ApiError::Internal(Box::new(e)))?;
    Ok(PlaybookView {
        id: builtin.as_str().to_owned(),
        name: builtin.as_str().to_owned(),
        built_in: true,
        owner_id: None,
        extends: None,
        rules: spec.get("rules").cloned().unwrap_or_default(),
        updated_at: None,
    })
}

/// A custom playbook as the API shows it (`GET /v1/playbooks/{id}`).
pub fn custom_view(row: PlaybookRow) -> Result<PlaybookView, ApiError> {
    let spec = row.spec;
    Ok(PlaybookView {
        id: row.id,
        name: row.name,
        built_in: false,
        owner_id: Some(row.owner_id),
        extends: spec.extends.clone(),
        rules: serde_json::to_value(&spec.rules).map_err(|e| ApiError::Internal(Box::new(e)))?,
        updated_at: Some(utc(row.updated_at)),
    })
}
