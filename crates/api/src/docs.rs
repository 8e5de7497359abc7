//! The OpenAPI document: metadata, tags, the bearer-token scheme, and the
//! method table that answers 405 with `Allow`.

use actix_web::dev::HttpServiceFactory;
use actix_web::http::header::ContentType;
use actix_web::{App, HttpResponse, guard, web};
use utoipa::openapi::Required;
use utoipa::openapi::content::Content;
use utoipa::openapi::path::{ParameterBuilder, ParameterIn};
use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{Ref, RefOr};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::AppExt as _;
use utoipa_swagger_ui::{Config, SwaggerUi};

use crate::error::{FieldError, Problem};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "followup",
        description = "Coaches a job seeker through the stretch after the interviews, when the \
promised call does not come. Keep the pipeline (opportunities, contacts, interviews, emails, \
calls, promises) and get one agenda: what to do next, when, on which channel, with a draft, \
and why.\n\nErrors are RFC 9457 `application/problem+json` documents with a stable `code` \
(and, for a 422, every invalid field in `errors`, each with its own `code` and `params`; \
docs/errors.md lists every code). Send a bearer access \
token (`Authorization: Bearer …`) to every `/v1` endpoint except the `auth` ones and \
`POST /v1/inbox/inbound`, which the deployment's mail provider calls with the inbound secret.",
        license(name = "MIT", identifier = "MIT"),
    ),
    tags(
        (name = "auth", description = "Accounts and sessions: register, sign in, renew and revoke tokens."),
        (name = "account", description = "The caller's own account and settings."),
        (name = "coaching", description = "Coach access: invites, clients, and the grants a seeker can withdraw at any time."),
        (name = "organizations", description = "Career centres: organizations with admins, coaches and members, groups, invitations, cohort codes, tokens; membership shares a member's search through grants they can see and withdraw (docs/organizations.md)."),
        (name = "api keys", description = "Keys for coaching platforms to act for a coach, server to server."),
        (name = "opportunities", description = "The seeker's pipeline: one opportunity per job, its stage and the history of its stages."),
        (name = "contacts", description = "The people at an employer, per opportunity: role, email, phone, time zone, preferred channel and the best time to call."),
        (name = "interactions", description = "What happened, back-datable: interviews, letters, emails, calls, replies and notes."),
        (name = "inbox", description = "Forwarded e-mail, or mail received at the seeker's personal address, read into one proposed step (an out-of-office reply, a rejection, an offer, an interview message, a reply), which the seeker accepts or dismisses; nothing is logged without them and nothing is ever sent."),
        (name = "promises", description = "What the employer said they would do and by when; kept, broken or pending is derived, at any instant."),
        (name = "profile", description = "The ideal-candidate profile of an opportunity: criteria and ratings, the competition, the answers to the process questions."),
        (name = "export", description = "Everything a seeker keeps, as JSON or as a CSV of opportunities."),
        (name = "cadence", description = "What to do next, when, on which channel, with which words, and why: next actions, the agenda, pipeline health, the rules, playbooks and the tone check."),
        (name = "calendar", description = "The agenda as an iCalendar feed, under revocable feed tokens for calendar apps."),
        (name = "comparisons", description = "How the seeker compares to the ideal candidate and stands on each opportunity, and the side-by-side table for \"which offer?\" and \"where do I put my effort?\"."),
        (name = "analytics", description = "The search in numbers: funnel conversion, employer response times, follow-ups and applications per week, promises kept."),
        (name = "events", description = "What changed, for apps and coaching platforms: the change feed, and signed webhook deliveries by the Standard Webhooks specification."),
        (name = "sync", description = "One endpoint for apps that keep a copy: every record of the caller created, changed or deleted since a token, tombstones included; without a token, everything."),
        (name = "operations", description = "Liveness, readiness and metrics for operators and load balancers."),
    ),
    // Relative: the document is served by the server it describes, so Swagger
    // UI and clients call whichever host they read it from.
    servers((url = "/", description = "The server this document was read from.")),
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
        // The mail provider's, on `POST /v1/inbox/inbound` only.
        let mut inbound = Http::new(HttpAuthScheme::Bearer);
        inbound.description = Some(
            "The deployment's inbound secret (`--inbound-secret`), for its mail provider."
                .to_owned(),
        );
        components.add_security_scheme("inbound_secret", SecurityScheme::Http(inbound));
        let mut basic = Http::new(HttpAuthScheme::Basic);
        basic.description = Some(
            "The inbound secret as the password, any user name: what providers send for \
             credentials in the URL (`https://inbound:<secret>@host/v1/inbox/inbound`)."
                .to_owned(),
        );
        components.add_security_scheme("inbound_basic", SecurityScheme::Http(basic));
    }
}

/// The operations anyone may call, without credentials: `(method, path)`.
/// They say so with an empty `security: []`; every other operation names its
/// scheme in its `#[utoipa::path]`, which [`PublicOperations`] checks.
const PUBLIC: &[(&str, &str)] = &[
    ("get", "/healthz"),
    ("get", "/readyz"),
    ("get", "/metrics"),
    ("post", "/v1/auth/register"),
    ("post", "/v1/auth/login"),
    ("post", "/v1/auth/refresh"),
    // The refresh token in the body is the credential.
    ("post", "/v1/auth/logout"),
    // The feed token in the query string is the credential.
    ("get", "/v1/agenda.ics"),
    // The signed token in the query string is the credential.
    ("get", "/v1/digest/verify"),
    ("get", "/v1/digest/unsubscribe"),
    ("post", "/v1/digest/unsubscribe"),
    ("get", "/v1/holiday-calendars"),
    ("get", "/v1/holiday-calendars/{id}"),
    ("get", "/v1/rules"),
];

/// Marks the [`PUBLIC`] operations with an explicit `security: []`, so the
/// document says they take no credentials rather than leaving it unsaid.
struct PublicOperations;

impl Modify for PublicOperations {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for (path, item) in openapi.paths.paths.iter_mut() {
            let operations = [
                ("get", item.get.as_mut()),
                ("put", item.put.as_mut()),
                ("post", item.post.as_mut()),
                ("delete", item.delete.as_mut()),
                ("patch", item.patch.as_mut()),
            ];
            for (method, operation) in operations {
                let Some(operation) = operation else { continue };
                if PUBLIC.contains(&(method, path.as_str())) {
                    operation.security.get_or_insert_with(Vec::new);
                }
            }
        }
    }
}

/// Whether an operation takes the `bearer` scheme (an account's
/// credentials): only those take `Idempotency-Key`, which is kept per caller.
fn takes_bearer(operation: &utoipa::openapi::path::Operation) -> bool {
    operation.security.iter().flatten().any(|requirement| {
        serde_json::to_value(requirement).is_ok_and(|value| value.get("bearer").is_some())
    })
}

/// The 304 of a GET whose route does not describe its own.
const NOT_MODIFIED: &str = "Unchanged since the `If-None-Match` ETag: no body. Every 200 to a GET carries an `ETag` (a hash of the content when the resource has no version) and answers `If-None-Match` (weakly compared) with this.";

/// Adds the error responses every operation of a kind can give, so each
/// handler documents only what is particular to it: 400/413/415/422 where a
/// body is read, 401 where credentials are required, 404 where the path
/// names a resource, 422 everywhere for a query value with a control
/// character, 503 where the database is read; and 304 for every GET.
struct StandardResponses;

impl Modify for StandardResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for (path, item) in openapi.paths.paths.iter_mut() {
            // Every GET answer with a body has an ETag: the route's own, or
            // a hash of the content (crate::http_conventions::content_etag).
            if let Some(get) = item.get.as_mut() {
                get.responses
                    .responses
                    .entry("304".to_owned())
                    .or_insert_with(|| {
                        RefOr::T(ResponseBuilder::new().description(NOT_MODIFIED).build())
                    });
            }
            let operations = [
                (false, item.get.as_mut()),
                (false, item.put.as_mut()),
                (true, item.post.as_mut()),
                (false, item.delete.as_mut()),
                (false, item.patch.as_mut()),
            ];
            for (is_post, operation) in operations {
                let Some(operation) = operation else { continue };
                if is_post && takes_bearer(operation) {
                    let parameters = operation.parameters.get_or_insert_with(Vec::new);
                    parameters.push(
                        ParameterBuilder::new()
                            .name("Idempotency-Key")
                            .parameter_in(ParameterIn::Header)
                            .required(Required::False)
                            .description(Some(
                                "A random UUID (version 4 or 7), new for each operation, that makes the POST safe to retry: a replay within 24 hours returns the first response and creates nothing.",
                            ))
                            .schema(Some(
                                ObjectBuilder::new()
                                    .schema_type(Type::String)
                                    .format(Some(SchemaFormat::KnownFormat(KnownFormat::Uuid))),
                            ))
                            .build()
                            .into(),
                    );
                }
                let mut add = Vec::new();
                if operation.request_body.is_some() {
                    add.extend([
                        ("400", "The body is not well-formed JSON (`malformed_json`), or ends too soon (`incomplete_body`); `detail` says where, in words."),
                        ("413", "The body is larger than the server accepts."),
                        ("415", "The body is not `application/json`."),
                        ("422", "Fields are missing, of the wrong type, unknown or invalid: `errors` names every one, in the order of the body, each with a `code` and its `params` (docs/errors.md lists them)."),
                    ]);
                }
                if operation.security.as_ref().is_some_and(|s| !s.is_empty()) {
                    add.push(("401", "Missing (`unauthenticated`), invalid (`invalid_credentials`) or expired (`token_expired`) credentials, or an ended session (`session_ended`)."));
                    if is_post && takes_bearer(operation) {
                        add.extend([
                            ("409", "A request with this `Idempotency-Key` is still in progress (`idempotency_in_progress`)."),
                            ("422", "The `Idempotency-Key` was used with a different request, or is malformed."),
                        ]);
                    }
                }
                let has_query = operation
                    .parameters
                    .iter()
                    .flatten()
                    .any(|p| matches!(p, RefOr::T(p) if p.parameter_in == ParameterIn::Query));
                if has_query {
                    add.push(("400", "A query parameter could not be read."));
                }
                if path.contains('{') {
                    add.push(("404", "No such resource, or none the caller may see."));
                }
                // Every path and query string is read for control characters,
                // documented parameters or not (docs/errors.md, "Control
                // characters").
                add.push((
                    "422",
                    "The path or a query value holds a control character; `errors` names it (`path`, or the parameter).",
                ));
                // One description of the 412 for every operation that takes
                // `If-Match` (declared once by `conditional::Precondition`).
                let takes_if_match = operation.parameters.iter().flatten().any(|p| {
                    matches!(p, RefOr::T(p) if p.parameter_in == ParameterIn::Header
                        && p.name == crate::conditional::IF_MATCH)
                });
                if takes_if_match {
                    add.push((
                        "412",
                        "`If-Match` names an ETag the resource no longer has; nothing changed. The response's `ETag` is the current one.",
                    ));
                }
                if path.starts_with("/v1/") {
                    add.push((
                        "503",
                        "The database is unavailable, or too many writes are waiting; retry after `Retry-After` seconds.",
                    ));
                }
                for (status, description) in add {
                    operation
                        .responses
                        .responses
                        .entry(status.to_owned())
                        .or_insert_with(|| problem_response(description));
                }
            }
        }
    }
}

fn problem_response(description: &str) -> RefOr<Response> {
    RefOr::T(
        ResponseBuilder::new()
            .description(description)
            .content(
                crate::error::PROBLEM_JSON,
                Content::new(Some(Ref::from_schema_name("Problem"))),
            )
            .build(),
    )
}

/// The OpenAPI document as `/openapi.json` serves it, serialized once.
///
/// The document's own types take about 10 MB of heap, a hundred times the
/// JSON; every HTTP worker used to keep a copy of them to serialize at each
/// request. The bytes are shared by the workers instead, and the types are
/// dropped once the method and query tables are built from them.
pub fn document_json(doc: &utoipa::openapi::OpenApi) -> serde_json::Result<web::Bytes> {
    serde_json::to_vec(doc).map(web::Bytes::from)
}

/// Swagger UI at `/docs/`, on the document at `/openapi.json` (`document`:
/// [`document_json`]), from the files utoipa-swagger-ui vendors (nothing is
/// fetched at run time), with its initializer replaced by
/// `swagger-initializer.js`: executing register, login or refresh signs the
/// page in, and the sign-in survives a reload.
pub fn swagger_ui(document: web::Bytes) -> impl HttpServiceFactory {
    let config = Config::new(["/openapi.json"])
        .persist_authorization(true)
        // Swagger UI would otherwise send the document to validator.swagger.io.
        .validator_url("none");
    let initializer = format!(
        "const followupConfig = {};\n{}",
        serde_json::to_string(&config).unwrap_or_else(|_| "{}".to_owned()),
        include_str!("swagger-initializer.js"),
    );
    (
        // Registered first, so it answers before the UI's catch-all.
        web::resource("/docs/swagger-initializer.js").route(web::get().to(move || {
            let body = initializer.clone();
            async move {
                HttpResponse::Ok()
                    .content_type("text/javascript; charset=utf-8")
                    .body(body)
            }
        })),
        // Only GET: other methods fall through to the 405 with `Allow`.
        web::resource("/openapi.json")
            .guard(guard::Get())
            .to(move || {
                let body = document.clone();
                async move {
                    HttpResponse::Ok()
                        .content_type(ContentType::json())
                        .body(body)
                }
            }),
        SwaggerUi::new("/docs/{_:.*}").config(config),
    )
}

/// The OpenAPI document of every route the server registers.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let (_, doc) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(|cfg| crate::routes::configure(cfg))
        .split_for_parts();
    // Paths are merged in after the derive's modifiers ran: apply these now.
    let mut doc = doc;
    PublicOperations.modify(&mut doc);
    PageItems.modify(&mut doc);
    StandardResponses.modify(&mut doc);
    ResponseLinks.modify(&mut doc);
    doc
}

/// Refers to the item schema from each `Page_<Item>` instead of repeating
/// it inline (utoipa inlines generic arguments), so generated clients get
/// one class per item type, and an item type only ever listed in pages (the
/// coach's `CoachClient`) is still a used component.
struct PageItems;

impl Modify for PageItems {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let Some(components) = openapi.components.as_mut() else {
            return;
        };
        let names: Vec<String> = components.schemas.keys().cloned().collect();
        for name in names {
            let Some(item) = name.strip_prefix("Page_") else {
                continue;
            };
            let Some(RefOr::T(component)) = components.schemas.get(item).cloned() else {
                continue;
            };
            let Some(RefOr::T(utoipa::openapi::schema::Schema::Object(page))) =
                components.schemas.get_mut(&name)
            else {
                continue;
            };
            let Some(RefOr::T(utoipa::openapi::schema::Schema::Array(items))) =
                page.properties.get_mut("items")
            else {
                continue;
            };
            // Only where the inline schema is the component's, unchanged.
            if let utoipa::openapi::schema::ArrayItems::RefOrSchema(inline) = &mut items.items
                && **inline == RefOr::T(component)
            {
                **inline = RefOr::Ref(Ref::from_schema_name(item));
            }
        }
    }
}

/// `(operation, status, body pointer to the id, [(link name, target operation)])`.
type LinkSpec = (
    &'static str,
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
);

/// OpenAPI links from what a create answers to what can be done with it
/// next, so Swagger UI shows the way and generated clients and stateful
/// testers follow the ids: `(operation, status, body pointer to the id,
/// [(link name, target operation)])`. Every target takes the id as `id`.
const LINKS: &[LinkSpec] = &[
    (
        "create_opportunity",
        "201",
        "/opportunity/id",
        &[
            ("GetOpportunity", "get_opportunity"),
            ("UpdateOpportunity", "update_opportunity"),
            ("DeleteOpportunity", "delete_opportunity"),
            ("MoveOpportunity", "transition"),
            ("History", "history"),
            ("NextActions", "next_actions"),
            ("AddContact", "create_contact"),
            ("LogInteraction", "create_interaction"),
            ("RecordPromise", "create_promise"),
            ("GetProfile", "get_profile"),
            ("PutProfile", "put_profile"),
            ("Comparison", "comparison"),
        ],
    ),
    (
        "transition",
        "201",
        "/opportunity/id",
        &[
            ("GetOpportunity", "get_opportunity"),
            ("History", "history"),
            ("NextActions", "next_actions"),
        ],
    ),
    (
        "create_contact",
        "201",
        "/contact/id",
        &[
            ("GetContact", "get_contact"),
            ("UpdateContact", "update_contact"),
            ("DeleteContact", "delete_contact"),
        ],
    ),
    (
        "create_interaction",
        "201",
        "/interaction/id",
        &[
            ("GetInteraction", "get_interaction"),
            ("UpdateInteraction", "update_interaction"),
            ("DeleteInteraction", "delete_interaction"),
        ],
    ),
    (
        "create_promise",
        "201",
        "/promise/id",
        &[
            ("GetPromise", "get_promise"),
            ("UpdatePromise", "update_promise"),
            ("DeletePromise", "delete_promise"),
        ],
    ),
    (
        "create_playbook",
        "201",
        "/playbook/id",
        &[
            ("GetPlaybook", "get_playbook"),
            ("ReplacePlaybook", "replace_playbook"),
            ("DeletePlaybook", "delete_playbook"),
        ],
    ),
    (
        "create_feed_token",
        "201",
        "/id",
        &[("RevokeFeedToken", "revoke_feed_token")],
    ),
    (
        "create_api_key",
        "201",
        "/id",
        &[("RevokeApiKey", "revoke_api_key")],
    ),
    (
        "accept_invite",
        "201",
        "/id",
        &[("RevokeGrant", "revoke_grant")],
    ),
];

/// Adds [`LINKS`] to the responses they start from.
struct ResponseLinks;

impl Modify for ResponseLinks {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for item in openapi.paths.paths.values_mut() {
            let operations = [
                item.get.as_mut(),
                item.put.as_mut(),
                item.post.as_mut(),
                item.delete.as_mut(),
                item.patch.as_mut(),
            ];
            for operation in operations.into_iter().flatten() {
                let id = operation.operation_id.clone().unwrap_or_default();
                for (from, status, pointer, targets) in LINKS {
                    if *from != id {
                        continue;
                    }
                    let Some(RefOr::T(response)) = operation.responses.responses.get_mut(*status)
                    else {
                        continue;
                    };
                    for (name, target) in *targets {
                        let link = utoipa::openapi::link::LinkBuilder::new()
                            .operation_id(*target)
                            .parameter("id", format!("$response.body#{pointer}"))
                            .build();
                        response.links.insert((*name).to_owned(), RefOr::T(link));
                    }
                }
            }
        }
    }
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
    /// Where a literal route and a templated one both match
    /// (`/v1/orgs/join` and `/v1/orgs/{id}`), the path is the literal
    /// route's: the routes with the fewest parameters win.
    pub fn allowed(&self, path: &str) -> Option<Vec<String>> {
        let wanted: Vec<&str> = path.trim_end_matches('/').split('/').collect();
        let mut allowed: Vec<String> = Vec::new();
        let mut fewest = usize::MAX;
        for (pattern, methods) in &self.routes {
            let matches = pattern.len() == wanted.len()
                && pattern.iter().zip(&wanted).all(|(p, w)| match p {
                    Segment::Literal(l) => l == w,
                    Segment::Param => !w.is_empty(),
                });
            if !matches {
                continue;
            }
            let params = pattern
                .iter()
                .filter(|p| matches!(p, Segment::Param))
                .count();
            if params < fewest {
                fewest = params;
                allowed.clear();
            }
            if params == fewest {
                allowed.extend(methods.iter().cloned());
            }
        }
        allowed.sort();
        allowed.dedup();
        (!allowed.is_empty()).then_some(allowed)
    }
}

/// The query parameters each operation of the document takes, so that a
/// request with one it does not take is refused (422) instead of being
/// silently ignored: a client that sends `limit` where there is no paging
/// learns it at once.
#[derive(Debug, Clone, Default)]
pub struct QueryTable {
    operations: std::collections::HashMap<(String, String), Vec<String>>,
}

impl QueryTable {
    /// Builds the table from the document: per path template and method,
    /// the operation's `in: query` parameters and its path item's.
    pub fn from_openapi(doc: &utoipa::openapi::OpenApi) -> Self {
        let mut operations = std::collections::HashMap::new();
        for (path, item) in &doc.paths.paths {
            let item = serde_json::to_value(item).unwrap_or_default();
            let shared = query_names(item.get("parameters"));
            for method in METHODS {
                let Some(operation) = item.get(method) else {
                    continue;
                };
                let mut names = shared.clone();
                names.extend(query_names(operation.get("parameters")));
                names.sort();
                names.dedup();
                operations.insert((path.clone(), method.to_ascii_uppercase()), names);
            }
        }
        Self { operations }
    }

    /// The query parameters the operation at `pattern` (an actix route
    /// pattern, `/v1/opportunities/{id}`) takes with `method`; `None` for a
    /// route the document does not describe. HEAD takes what GET takes.
    pub fn taken(&self, pattern: &str, method: &str) -> Option<&[String]> {
        let method = if method == "HEAD" { "GET" } else { method };
        self.operations
            .get(&(pattern.to_owned(), method.to_owned()))
            .map(Vec::as_slice)
    }
}

fn query_names(parameters: Option<&serde_json::Value>) -> Vec<String> {
    parameters
        .and_then(serde_json::Value::as_array)
        .into_iter()
        .flatten()
        .filter(|p| p.get("in").and_then(serde_json::Value::as_str) == Some("query"))
        .filter_map(|p| p.get("name").and_then(serde_json::Value::as_str))
        .map(str::to_owned)
        .collect()
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

    /// Every link starts from a response that exists, names an operation
    /// that exists and takes `id` in its path, and points at a property the
    /// response's schema has.
    #[test]
    fn every_link_leads_somewhere_real() {
        let doc = serde_json::to_value(openapi()).unwrap_or_default();
        let mut operations = std::collections::HashMap::new();
        for (path, item) in doc["paths"].as_object().into_iter().flatten() {
            for operation in item.as_object().into_iter().flatten().map(|(_, o)| o) {
                if let Some(id) = operation["operationId"].as_str() {
                    operations.insert(id.to_owned(), (path.clone(), operation.clone()));
                }
            }
        }
        let mut links = 0;
        for (from, status, pointer, targets) in LINKS {
            let (_, operation) = &operations[*from];
            let response = &operation["responses"][*status];
            let schema = &response["content"]["application/json"]["schema"]["$ref"];
            let name = schema
                .as_str()
                .unwrap_or_default()
                .rsplit('/')
                .next()
                .unwrap_or_default();
            // The schema and those it includes (`allOf` of a flattened one).
            let mut schema =
                serde_json::to_string(&doc["components"]["schemas"][name]).unwrap_or_default();
            let included: Vec<String> = schema
                .split("#/components/schemas/")
                .skip(1)
                .filter_map(|rest| rest.split('"').next())
                .map(|included| {
                    serde_json::to_string(&doc["components"]["schemas"][included])
                        .unwrap_or_default()
                })
                .collect();
            schema.extend(included);
            let first = pointer
                .trim_start_matches('/')
                .split('/')
                .next()
                .unwrap_or_default();
            assert!(
                schema.contains(&format!("\"{first}\"")),
                "{from}: {first} in {name}"
            );
            for (link, target) in *targets {
                let (path, _) = &operations[*target];
                assert!(path.contains("{id}"), "{target} takes an id: {path}");
                assert_eq!(
                    response["links"][*link]["operationId"], *target,
                    "{from} → {link}"
                );
                assert_eq!(
                    response["links"][*link]["parameters"]["id"],
                    format!("$response.body#{pointer}")
                );
                links += 1;
            }
        }
        assert!(links >= 25, "{links}");
    }

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

    /// Every operation says what it takes: a scheme, or `security: []` for
    /// exactly the [`PUBLIC`] ones, each of which exists.
    #[test]
    fn every_operation_declares_its_security() {
        let doc = serde_json::to_value(openapi()).unwrap_or_default();
        let mut public = Vec::new();
        for (path, item) in doc["paths"].as_object().into_iter().flatten() {
            for (method, operation) in item.as_object().into_iter().flatten() {
                let security = operation["security"].as_array();
                assert!(security.is_some(), "{method} {path} declares no security");
                if security.is_some_and(Vec::is_empty) {
                    public.push((method.clone(), path.clone()));
                }
            }
        }
        let mut expected: Vec<(String, String)> = PUBLIC
            .iter()
            .map(|(m, p)| ((*m).to_owned(), (*p).to_owned()))
            .collect();
        public.sort();
        expected.sort();
        assert_eq!(public, expected);
    }

    /// Pages refer to their item schema, and every component is referred to.
    #[test]
    fn pages_refer_to_their_items() {
        let doc = serde_json::to_value(openapi()).unwrap_or_default();
        let text = doc.to_string();
        for (name, page) in doc["components"]["schemas"]
            .as_object()
            .into_iter()
            .flatten()
        {
            let Some(item) = name.strip_prefix("Page_") else {
                continue;
            };
            assert_eq!(
                page["properties"]["items"]["items"]["$ref"],
                format!("#/components/schemas/{item}"),
                "{name}"
            );
        }
        for name in doc["components"]["schemas"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(n, _)| n)
        {
            assert!(
                text.contains(&format!("\"#/components/schemas/{name}\"")),
                "{name} is never used"
            );
        }
    }

    #[test]
    fn the_query_table_knows_what_each_operation_takes() {
        let table = QueryTable::from_openapi(&openapi());
        let list = table.taken("/v1/opportunities", "GET").unwrap();
        assert!(list.iter().any(|p| p == "limit"), "{list:?}");
        assert!(list.iter().any(|p| p == "cursor"), "{list:?}");
        assert_eq!(table.taken("/v1/opportunities", "HEAD"), Some(list));
        assert_eq!(table.taken("/v1/opportunities/{id}", "GET"), Some(&[][..]));
        assert_eq!(table.taken("/openapi.json", "GET"), None);
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
        // A literal route wins over a template that also matches.
        assert_eq!(
            table.allowed("/v1/orgs/join"),
            Some(vec!["POST".to_owned()])
        );
        assert_eq!(
            table.allowed("/v1/orgs/some-id/members/import"),
            Some(vec!["POST".to_owned()])
        );
        assert_eq!(
            table.allowed("/v1/orgs/some-id"),
            Some(vec![
                "DELETE".to_owned(),
                "GET".to_owned(),
                "PUT".to_owned()
            ])
        );
    }
}
