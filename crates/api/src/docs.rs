//! The OpenAPI document: metadata, tags, the bearer-token scheme, and the
//! method table that answers 405 with `Allow`.

use actix_web::App;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::AppExt as _;

use crate::error::{FieldError, Problem};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "followup",
        description = "Coaches a job seeker through the stretch after the interviews, when the \
promised call does not come. Keep the pipeline (opportunities, contacts, interviews, emails, \
calls, promises) and get one agenda: what to do next, when, on which channel, with a draft, \
and why.\n\nErrors are RFC 9457 `application/problem+json` documents. Send a bearer access \
token (`Authorization: Bearer …`) to every `/v1` endpoint except the `auth` ones.",
        license(name = "MIT", identifier = "MIT"),
    ),
    tags(
        (name = "operations", description = "Liveness, readiness and metrics for operators and load balancers."),
    ),
    components(schemas(Problem, FieldError)),
    modifiers(&SecurityAddon),
)]
struct ApiDoc;

/// Declares the `bearer` security scheme that protected operations reference.
struct SecurityAddon;

impl Modify for SecurityAddon {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let mut scheme = Http::new(HttpAuthScheme::Bearer);
        scheme.bearer_format = Some("JWT".to_owned());
        scheme.description = Some(
            "An access token from `POST /v1/auth/login`, or a platform API key (`fu_…`)."
                .to_owned(),
        );
        components.add_security_scheme("bearer", SecurityScheme::Http(scheme));
    }
}

/// The OpenAPI document of every route the server registers.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let (_, doc) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(crate::routes::configure)
        .split_for_parts();
    doc
}

/// Which methods each documented path takes, so an unknown method on a known
/// path is answered 405 with `Allow` rather than 404.
#[derive(Debug, Clone)]
pub struct MethodTable {
    routes: Vec<(Vec<Segment>, Vec<String>)>,
}

#[derive(Debug, Clone)]
enum Segment {
    Literal(String),
    Param,
}

const METHODS: [&str; 7] = ["get", "put", "post", "delete", "patch", "head", "options"];

impl MethodTable {
    /// Builds the table from the document, plus the undocumented GET routes.
    pub fn from_openapi(doc: &utoipa::openapi::OpenApi, extra_get: &[&str]) -> Self {
        let mut routes: Vec<(Vec<Segment>, Vec<String>)> = doc
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let item = serde_json::to_value(item).unwrap_or_default();
                let methods = METHODS
                    .iter()
                    .filter(|m| item.get(**m).is_some())
                    .map(|m| m.to_ascii_uppercase())
                    .collect();
                (segments(path), methods)
            })
            .collect();
        routes.extend(
            extra_get
                .iter()
                .map(|path| (segments(path), vec!["GET".to_owned()])),
        );
        Self { routes }
    }

    /// The methods `path` accepts, or `None` when no route matches it.
    pub fn allowed(&self, path: &str) -> Option<Vec<String>> {
        let wanted: Vec<&str> = path.trim_end_matches('/').split('/').collect();
        let mut allowed: Vec<String> = Vec::new();
        for (pattern, methods) in &self.routes {
            let matches = pattern.len() == wanted.len()
                && pattern.iter().zip(&wanted).all(|(p, w)| match p {
                    Segment::Literal(l) => l == w,
                    Segment::Param => !w.is_empty(),
                });
            if matches {
                allowed.extend(methods.iter().cloned());
            }
        }
        allowed.sort();
        allowed.dedup();
        (!allowed.is_empty()).then_some(allowed)
    }
}

fn segments(path: &str) -> Vec<Segment> {
    path.trim_end_matches('/')
        .split('/')
        .map(|s| {
            if s.starts_with('{') && s.ends_with('}') {
                Segment::Param
            } else {
                Segment::Literal(s.to_owned())
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_is_openapi_3_1_with_the_bearer_scheme() {
        let doc = serde_json::to_value(openapi()).unwrap_or_default();
        assert!(
            doc["openapi"]
                .as_str()
                .unwrap_or_default()
                .starts_with("3.1")
        );
        assert_eq!(
            doc["components"]["securitySchemes"]["bearer"]["scheme"],
            "bearer"
        );
        assert!(doc["paths"]["/healthz"]["get"].is_object());
    }

    #[test]
    fn the_method_table_matches_templates() {
        let table = MethodTable::from_openapi(&openapi(), &["/openapi.json"]);
        assert_eq!(table.allowed("/healthz"), Some(vec!["GET".to_owned()]));
        assert_eq!(table.allowed("/openapi.json"), Some(vec!["GET".to_owned()]));
        assert_eq!(table.allowed("/nowhere"), None);
        let templated = MethodTable {
            routes: vec![(
                segments("/v1/things/{id}"),
                vec!["DELETE".to_owned(), "GET".to_owned()],
            )],
        };
        assert_eq!(
            templated.allowed("/v1/things/abc"),
            Some(vec!["DELETE".to_owned(), "GET".to_owned()])
        );
        assert_eq!(templated.allowed("/v1/things"), None);
        assert_eq!(templated.allowed("/v1/things/abc/more"), None);
    }
}
