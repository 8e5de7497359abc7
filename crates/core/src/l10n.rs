//! Translations: reasons, warnings, stall reasons, drafts and dates in the
//! account's language, with Mozilla's Fluent.
//!
//! Each language is one file, `crates/core/locales/<tag>.ftl`, found at build
//! time: a translator adds a language with a file and no code. English is
//! the reference (`en.ftl` documents the arguments); the engine writes its
//! English sentences itself, on its hot path, and a translation renders the
//! same facts from the `reason_code` and `args` every reason carries
//! ([`crate::reason`]). A message a language lacks falls back to English.
//!
//! Arguments: text as strings, counts as numbers (plural selectors work on
//! them), conditions as `true`, dates and instants formatted by the
//! language's `date-format` and `instant-format` (naming the zone), lists
//! joined by `<list>-separator` (else `list-separator`), each item rendered
//! by `<list>-<item>` when the language has that message. A variable the message uses that the reason does not have is the
//! string `none`, so optional parts select on it.

use std::collections::BTreeSet;
use std::fmt;
use std::sync::OnceLock;

use chrono::{DateTime, Datelike as _, NaiveDate, Timelike as _, Utc};
use chrono_tz::Tz;
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use fluent_syntax::ast;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::action::{Draft, NextAction, Warning};
use crate::analytics::StallReason;
use crate::reason::{Arg, Args, ReasonCode};

include!(concat!(env!("OUT_DIR"), "/locales.rs"));

/// A language the API writes in: one of the translation files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Locale(usize);

impl Locale {
    /// English, the reference and the default.
    pub fn english() -> Self {
        Self::exact("en").unwrap_or(Self(0))
    }

    fn exact(tag: &str) -> Option<Self> {
        LOCALES.iter().position(|(t, _)| *t == tag).map(Self)
    }

    /// The language named by a BCP 47 tag: `de`, `de-AT` and `DE` are
    /// German. `None` when no translation has it.
    pub fn parse(tag: &str) -> Option<Self> {
        let tag = tag.trim().to_ascii_lowercase().replace('_', "-");
        Self::exact(&tag).or_else(|| {
            let language = tag.split('-').next()?;
            Self::exact(language)
        })
    }

    /// Its tag (`en`, `de`).
    pub fn tag(self) -> &'static str {
        LOCALES.get(self.0).map_or("en", |(t, _)| t)
    }

    /// Every language, by tag.
    pub fn all() -> impl Iterator<Item = Self> {
        (0..LOCALES.len()).map(Self)
    }

    /// Every tag, for error messages and the API's enum.
    pub fn tags() -> Vec<&'static str> {
        LOCALES.iter().map(|(t, _)| *t).collect()
    }

    /// Whether it is English, which the engine writes itself.
    pub fn is_english(self) -> bool {
        self.tag() == "en"
    }
}

impl Default for Locale {
    fn default() -> Self {
        Self::english()
    }
}

impl fmt::Display for Locale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.tag())
    }
}

impl Serialize for Locale {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.tag())
    }
}

impl<'de> Deserialize<'de> for Locale {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let tag = String::deserialize(deserializer)?;
        Self::parse(&tag).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "unknown locale `{tag}`; expected one of: {}",
                Self::tags().join(", ")
            ))
        })
    }
}

type Bundle = FluentBundle<FluentResource>;

/// One bundle per language, in `LOCALES` order, parsed once.
fn bundles() -> &'static [Bundle] {
    static BUNDLES: OnceLock<Vec<Bundle>> = OnceLock::new();
    BUNDLES.get_or_init(|| {
        LOCALES
            .iter()
            .map(|(tag, source)| {
                let id = tag.parse().unwrap_or_default();
                let mut bundle = FluentBundle::new_concurrent(vec![id]);
                bundle.set_use_isolating(false);
                // A file that does not parse keeps what did (a test
                // checks that every file parses whole).
                let resource = FluentResource::try_new((*source).to_owned())
                    .unwrap_or_else(|(partial, _)| partial);
                let _ = bundle.add_resource(resource);
                bundle
            })
            .collect()
    })
}

/// The bundle holding `id`: the language's, else English's.
fn bundle_for(locale: Locale, id: &str) -> Option<&'static Bundle> {
    let all = bundles();
    all.get(locale.0)
        .filter(|b| b.has_message(id))
        .or_else(|| all.get(Locale::english().0).filter(|b| b.has_message(id)))
}

/// What rendering a message found wrong: a message missing, or a Fluent
/// error (a variable or message it names that does not exist).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderError(pub String);

impl fmt::Display for RenderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Renders message `id` in `locale` from `args`, reporting every problem.
pub fn render(locale: Locale, id: &str, args: &Args) -> Result<String, Vec<RenderError>> {
    let Some(bundle) = bundle_for(locale, id) else {
        return Err(vec![RenderError(format!("no message `{id}`"))]);
    };
    let mut fluent = FluentArgs::new();
    for (name, arg) in args.iter() {
        fluent.set(name.to_owned(), value(locale, name, arg));
    }
    let mut used = BTreeSet::new();
    variables(bundle, id, &mut used, 0);
    for name in used {
        if fluent.get(name.as_str()).is_none() {
            fluent.set(name, "none");
        }
    }
    format(bundle, id, &fluent)
}

fn format(bundle: &Bundle, id: &str, args: &FluentArgs<'_>) -> Result<String, Vec<RenderError>> {
    let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) else {
        return Err(vec![RenderError(format!("no message `{id}`"))]);
    };
    let mut errors = Vec::new();
    let text = bundle.format_pattern(pattern, Some(args), &mut errors);
    if errors.is_empty() {
        Ok(text.into_owned())
    } else {
        Err(errors
            .into_iter()
            .map(|e| RenderError(format!("`{id}`: {e}")))
            .collect())
    }
}

/// Renders `id` in `locale`, or `None` when it cannot be rendered cleanly.
fn text(locale: Locale, id: &str, args: &Args) -> Option<String> {
    render(locale, id, args).ok()
}

/// An argument as the message sees it.
fn value(locale: Locale, name: &str, arg: &Arg) -> FluentValue<'static> {
    match arg {
        Arg::Text(s) => FluentValue::from(s.to_string()),
        Arg::Number(n) => FluentValue::from(*n),
        Arg::Flag(b) => FluentValue::from(if *b { "true" } else { "false" }),
        Arg::Date(d) => FluentValue::from(format_date(locale, *d)),
        Arg::Time(at, tz) => FluentValue::from(format_instant(locale, *at, *tz)),
        Arg::Rules(rules) => FluentValue::from(
            rules
                .as_slice()
                .iter()
                .map(|r| r.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        ),
        Arg::List(items) => {
            let separator = simple(locale, &format!("{name}-separator"), &FluentArgs::new())
                .or_else(|| simple(locale, "list-separator", &FluentArgs::new()))
                .unwrap_or_else(|| ", ".to_owned());
            let words: Vec<String> = items
                .iter()
                .map(|item| {
                    let id = format!("{name}-{item}");
                    simple(locale, &id, &FluentArgs::new()).unwrap_or_else(|| item.clone())
                })
                .collect();
            FluentValue::from(words.join(&separator))
        }
    }
}

/// A message with plain arguments, `None` when the language (and English)
/// lacks it.
fn simple(locale: Locale, id: &str, args: &FluentArgs<'_>) -> Option<String> {
    let bundle = bundle_for(locale, id)?;
    format(bundle, id, args).ok()
}

/// "Fri 8 Jan", "Fr., 8. Jan.": a date in `locale`'s words.
pub fn format_date(locale: Locale, date: NaiveDate) -> String {
    let none = FluentArgs::new();
    let weekday = simple(
        locale,
        &format!("weekday-{}", date.weekday().number_from_monday()),
        &none,
    )
    .unwrap_or_default();
    let month = simple(locale, &format!("month-{}", date.month()), &none).unwrap_or_default();
    let mut args = FluentArgs::new();
    args.set("weekday", weekday);
    args.set("day", date.day().to_string());
    args.set("month", month);
    simple(locale, "date-format", &args).unwrap_or_else(|| date.to_string())
}

/// "Mon 16 Nov 09:00 London time", "Mo., 16. Nov., 09:00 Uhr (Ortszeit
/// London)": an instant in `tz`, naming it.
pub fn format_instant(locale: Locale, at: DateTime<Utc>, tz: Tz) -> String {
    let local = at.with_timezone(&tz);
    let mut zone = FluentArgs::new();
    let zone = match crate::reason::zone_city(tz) {
        Some(city) => {
            zone.set("city", city);
            simple(locale, "zone-city", &zone)
        }
        None => {
            zone.set("name", crate::reason::zone_name(tz));
            simple(locale, "zone-name", &zone)
        }
    }
    .unwrap_or_else(|| tz.name().to_owned());
    let mut args = FluentArgs::new();
    args.set("date", format_date(locale, local.date_naive()));
    args.set("hour", format!("{:02}", local.hour()));
    args.set("minute", format!("{:02}", local.minute()));
    args.set("zone", zone);
    simple(locale, "instant-format", &args).unwrap_or_else(|| local.to_rfc3339())
}

/// The variables message `id` uses, following the messages it names.
fn variables(bundle: &Bundle, id: &str, out: &mut BTreeSet<String>, depth: u8) {
    if depth > 8 {
        return;
    }
    if let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) {
        in_pattern(bundle, pattern, out, depth);
    }
}

fn in_pattern(
    bundle: &Bundle,
    pattern: &ast::Pattern<&str>,
    out: &mut BTreeSet<String>,
    depth: u8,
) {
    for element in &pattern.elements {
        if let ast::PatternElement::Placeable { expression } = element {
            in_expression(bundle, expression, out, depth);
        }
    }
}

fn in_expression(
    bundle: &Bundle,
    expression: &ast::Expression<&str>,
    out: &mut BTreeSet<String>,
    depth: u8,
) {
    match expression {
        ast::Expression::Inline(inline) => in_inline(bundle, inline, out, depth),
        ast::Expression::Select { selector, variants } => {
            in_inline(bundle, selector, out, depth);
            for variant in variants {
                in_pattern(bundle, &variant.value, out, depth);
            }
        }
    }
}

fn in_inline(
    bundle: &Bundle,
    inline: &ast::InlineExpression<&str>,
    out: &mut BTreeSet<String>,
    depth: u8,
) {
    match inline {
        ast::InlineExpression::VariableReference { id } => {
            out.insert(id.name.to_owned());
        }
        ast::InlineExpression::MessageReference { id, .. } => {
            variables(bundle, id.name, out, depth + 1);
        }
        ast::InlineExpression::Placeable { expression } => {
            in_expression(bundle, expression, out, depth);
        }
        ast::InlineExpression::FunctionReference { arguments, .. } => {
            for arg in &arguments.positional {
                in_inline(bundle, arg, out, depth);
            }
            for arg in &arguments.named {
                in_inline(bundle, &arg.value, out, depth);
            }
        }
        ast::InlineExpression::StringLiteral { .. }
        | ast::InlineExpression::NumberLiteral { .. }
        | ast::InlineExpression::TermReference { .. } => {}
    }
}

/// A reason in `locale`; `None` for English (the engine's own sentence
/// stands) or when the translation cannot render it.
pub fn reason(locale: Locale, code: ReasonCode, args: &Args) -> Option<String> {
    if locale.is_english() {
        return None;
    }
    text(locale, &format!("reason-{}", code.as_str()), args)
}

/// One of the API's own phrases (an action's title, a label of the morning
/// digest) in `locale`, from its arguments; `None` when no translation has
/// it or it does not render cleanly.
pub fn phrase(locale: Locale, id: &str, args: &[(&'static str, Arg)]) -> Option<String> {
    let mut all = Args::new();
    for (name, arg) in args {
        all.set(name, arg.clone());
    }
    text(locale, id, &all)
}

/// An action in `locale`: its reason and its draft.
pub fn localise_action(action: &mut NextAction, locale: Locale) {
    if locale.is_english() {
        return;
    }
    if let Some(reason) = reason(locale, action.reason_code, &action.args) {
        action.reason = reason;
    }
    if let Some(draft) = &mut action.draft {
        localise_draft(draft, locale);
    }
}

/// A draft in `locale`, rendered from its template; its `mailto:` link,
/// when it has one, follows the new words.
pub fn localise_draft(draft: &mut Draft, locale: Locale) {
    if locale.is_english() {
        return;
    }
    let Some(template) = &draft.template else {
        return;
    };
    let Some(body) = text(
        locale,
        &format!("draft-{}-body", template.name),
        &template.args,
    ) else {
        return;
    };
    if draft.subject.is_some() {
        let Some(subject) = text(
            locale,
            &format!("draft-{}-subject", template.name),
            &template.args,
        ) else {
            return;
        };
        draft.subject = Some(subject);
    }
    draft.body = body;
    if draft.mailto.is_some() {
        draft.mailto = draft.link();
    }
}

/// A warning in `locale`.
pub fn localise_warning(warning: &mut Warning, locale: Locale) {
    if let Some(text) = reason(locale, warning.reason_code, &warning.args) {
        warning.message = text;
    }
}

/// A stall reason in `locale`.
pub fn localise_stall(stall: &mut StallReason, locale: Locale) {
    if let Some(text) = reason(locale, stall.reason_code, &stall.args) {
        stall.reason = text;
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone as _;

    use super::*;

    fn de() -> Locale {
        Locale::parse("de").unwrap()
    }

    #[test]
    fn every_translation_parses_whole() {
        for (tag, source) in LOCALES {
            if let Err((_, errors)) = FluentResource::try_new((*source).to_owned()) {
                panic!("{tag}.ftl: {errors:?}");
            }
        }
        assert!(Locale::tags().contains(&"en"));
        assert!(Locale::tags().contains(&"de"));
    }

    #[test]
    fn tags_are_read_loosely_and_unknown_ones_refused() {
        assert_eq!(Locale::parse("de-AT"), Some(de()));
        assert_eq!(Locale::parse("DE"), Some(de()));
        assert_eq!(Locale::parse("de_CH"), Some(de()));
        assert_eq!(Locale::parse("en-GB"), Some(Locale::english()));
        assert_eq!(Locale::parse("xx"), None);
        assert_eq!(Locale::parse(""), None);
    }

    #[test]
    fn every_language_has_every_reason_and_every_date_word() {
        for locale in Locale::all() {
            let bundle = &bundles()[locale.0];
            for code in ReasonCode::ALL {
                let id = format!("reason-{}", code.as_str());
                assert!(bundle.has_message(&id), "{}.ftl lacks {id}", locale.tag());
            }
            for id in (1..=7)
                .map(|n| format!("weekday-{n}"))
                .chain((1..=12).map(|n| format!("month-{n}")))
                .chain(
                    ["date-format", "instant-format", "zone-city", "zone-name"].map(String::from),
                )
            {
                assert!(bundle.has_message(&id), "{}.ftl lacks {id}", locale.tag());
            }
        }
    }

    #[test]
    fn dates_and_instants_in_german_name_the_zone() {
        let at = Utc.with_ymd_and_hms(2026, 11, 16, 9, 0, 0).unwrap();
        assert_eq!(
            format_instant(de(), at, Tz::Europe__London),
            "Mo., 16. Nov., 09:00 Uhr (Ortszeit London)"
        );
        assert_eq!(
            format_instant(Locale::english(), at, Tz::America__New_York),
            "Mon 16 Nov 04:00 New York time"
        );
        assert_eq!(
            format_instant(de(), at, Tz::UTC),
            "Mo., 16. Nov., 09:00 Uhr (UTC)"
        );
        assert_eq!(
            format_date(de(), NaiveDate::from_ymd_opt(2027, 3, 5).unwrap()),
            "Fr., 5. März"
        );
    }

    #[test]
    fn a_reason_renders_from_its_code_and_args_and_missing_parts_drop_out() {
        let mut args = Args::new();
        args.set("contact_name", Arg::Text("Ann".into()));
        args.set("promised", Arg::Text("call".into()));
        args.set(
            "promised_by",
            Arg::Date(NaiveDate::from_ymd_opt(2027, 3, 5).unwrap()),
        );
        args.set(
            "due_at",
            Arg::Time(
                Utc.with_ymd_and_hms(2027, 3, 5, 22, 0, 0).unwrap(),
                Tz::America__New_York,
            ),
        );
        args.set("rules", Arg::List(vec!["wait_for_promise".into()]));
        assert_eq!(
            reason(de(), ReasonCode::PromisePending, &args).unwrap(),
            "Ann hat einen Anruf bis Fr., 5. März zugesagt: Warten Sie bis Fr., 5. März, \
             17:00 Uhr (Ortszeit New York), bevor Sie nach dem Stand fragen (wait_for_promise)"
        );
        let english = render(Locale::english(), "reason-promise_pending", &args).unwrap();
        assert_eq!(
            english,
            "Ann promised a call by Fri 5 Mar: wait until Fri 5 Mar 17:00 New York time before \
             any status follow-up (wait_for_promise)"
        );
        // No contact: the employer, in the case the sentence needs.
        let mut anonymous = Args::new();
        anonymous.set("rules", Arg::List(vec!["call_no_voicemail".into()]));
        assert_eq!(
            reason(de(), ReasonCode::VoicemailLeft, &anonymous).unwrap(),
            "Hinterlassen Sie keine Nachricht auf der Mailbox: Legen Sie auf und rufen Sie \
             weiter an, bis der Arbeitgeber abnimmt (call_no_voicemail)"
        );
    }

    #[test]
    fn stall_reasons_translate_and_english_says_what_the_engine_wrote() {
        use crate::analytics::{StallInput, stalled};
        let now = Utc.with_ymd_and_hms(2027, 3, 1, 12, 0, 0).unwrap();
        for (promises, finals, breaches) in [(1, 1, 1), (2, 3, 4)] {
            let input = StallInput {
                now,
                last_activity: Some(now - chrono::Duration::days(20)),
                stages: vec![crate::Stage::Final; finals],
                promises_broken: promises,
                cap_breaches: breaches,
            };
            let result = stalled(&input, 14);
            assert_eq!(result.reasons.len(), 4);
            for reason in result.reasons {
                let id = format!("reason-{}", reason.reason_code.as_str());
                assert_eq!(
                    render(Locale::english(), &id, &reason.args).unwrap(),
                    reason.reason
                );
                let mut german = reason.clone();
                localise_stall(&mut german, de());
                assert_ne!(german.reason, reason.reason);
                assert!(render(de(), &id, &reason.args).is_ok());
            }
        }
    }

    #[test]
    fn english_is_left_to_the_engine() {
        assert_eq!(
            reason(Locale::english(), ReasonCode::Inactive, &Args::new()),
            None
        );
    }
}
