//! What the digest and the verification e-mail say, as text and as HTML
//! (docs/digest.md). Pure: built from the facts, the day's actions and the
//! links; the sending is elsewhere.

use std::fmt::Write as _;

use chrono::{DateTime, NaiveDate, Utc};
use followup_core::l10n::{self, Locale};
use followup_core::{Arg, BusinessCalendar, Channel, Constraint, Facts, NextAction};

use crate::views::agenda::action_title;

/// An e-mail's words: subject, plain text and HTML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Content {
    /// The subject line.
    pub subject: String,
    /// The `text/plain` part.
    pub text: String,
    /// The `text/html` part.
    pub html: String,
}

/// Escapes text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn day_name(date: NaiveDate) -> String {
    date.format("%A %-d %B %Y").to_string()
}

/// The digest's own words in the seeker's language: English as written
/// here, any other from its translation (`digest-*` in
/// crates/core/locales), falling back to English.
#[derive(Debug, Clone, Copy)]
struct Words(Locale);

impl Words {
    /// `id` in the seeker's language, else `english`.
    fn say(
        self,
        id: &str,
        args: &[(&'static str, Arg)],
        english: impl FnOnce() -> String,
    ) -> String {
        if self.0.is_english() {
            return english();
        }
        l10n::phrase(self.0, id, args).unwrap_or_else(english)
    }

    fn day(self, date: NaiveDate) -> String {
        if self.0.is_english() {
            day_name(date)
        } else {
            l10n::format_date(self.0, date)
        }
    }
}

fn channel_word(channel: Option<Channel>) -> Option<&'static str> {
    match channel? {
        Channel::Email => Some("by e-mail"),
        Channel::Phone => Some("by phone"),
        Channel::Any => None,
    }
}

fn constraint_words(constraint: Constraint) -> &'static str {
    match constraint {
        Constraint::NoVoicemail => "leave no voicemail: hang up and try again later",
        Constraint::NoMessageWithAssistant => "leave no message with the assistant",
        Constraint::BestTimeOnly => "call only inside the contact's best time",
        Constraint::CapOverridden => {
            "sent despite the weekly e-mail cap: waiting would miss a deadline"
        }
    }
}

/// When an action is due, on the seeker's wall clock: "overdue since
/// Friday 6 March 2026, 09:00", "at 09:00", or "today".
fn when(words: Words, calendar: &BusinessCalendar, action: &NextAction, date: NaiveDate) -> String {
    let local = calendar.local(action.due_at);
    let time = local.format("%H:%M").to_string();
    if local.date() < date {
        let day = words.day(local.date());
        words.say(
            "digest-overdue",
            &[("date", text(&day)), ("time", text(&time))],
            || format!("overdue since {day}, {time}"),
        )
    } else {
        words.say("digest-at", &[("time", text(&time))], || {
            format!("at {time}")
        })
    }
}

fn text(s: &str) -> Arg {
    Arg::Text(s.to_owned().into())
}

/// The digest of `date` for the seeker of `facts`: the day's `actions`
/// with their drafts and `mailto:` links, and the unsubscribe link.
pub fn digest(
    facts: &Facts,
    display_name: &str,
    date: NaiveDate,
    actions: &[&NextAction],
    unsubscribe_url: &str,
) -> Content {
    let calendar = &facts.seeker.calendar;
    let words = Words(facts.seeker.locale);
    let count = actions.len();
    let count_arg = Arg::Number(u32::try_from(count).unwrap_or(u32::MAX));
    let subject = words.say(
        "digest-subject",
        &[("date", text(&words.day(date))), ("count", count_arg)],
        || {
            format!(
                "Your follow-ups for {}: {count} {}",
                date.format("%A %-d %B"),
                if count == 1 { "action" } else { "actions" }
            )
        },
    );
    let greeting = words.say("digest-greeting", &[("name", text(display_name))], || {
        format!("Good morning {display_name},")
    });
    let today = words.day(date);
    let intro = words.say("digest-intro", &[("date", text(&today))], || {
        format!("Here is what to do today, {today}, in order.")
    });
    let why = words.say("digest-why", &[], || "Why".to_owned());
    let mind = words.say("digest-mind", &[], || "Mind".to_owned());
    let draft_label = words.say("digest-draft", &[], || "Draft".to_owned());
    let subject_label = words.say("digest-draft-subject", &[], || "Subject".to_owned());
    let open_draft = words.say("digest-open-draft", &[], || {
        "Open the draft in your mail app".to_owned()
    });
    let mut text_part = format!("{greeting}\n\n{intro}\n");
    let mut html = format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{}</title></head>\
         <body style=\"font-family: sans-serif; max-width: 40em\">\n\
         <p>{}</p>\n<p>{}</p>\n<ol>\n",
        escape(&subject),
        escape(&greeting),
        escape(&intro)
    );
    for (n, action) in actions.iter().enumerate() {
        let title = action_title(action, facts);
        let mut how = when(words, calendar, action, date);
        if let Some(channel) = channel_word(action.channel) {
            how.push_str(", ");
            let id = match action.channel {
                Some(Channel::Phone) => "digest-by-phone",
                _ => "digest-by-email",
            };
            how.push_str(&words.say(id, &[], || channel.to_owned()));
        }
        let _ = write!(
            text_part,
            "\n{}. {title} ({how})\n   {why}: {}\n",
            n + 1,
            action.reason
        );
        let _ = writeln!(
            html,
            "<li><p><strong>{}</strong> ({})<br>{}: {}</p>",
            escape(&title),
            escape(&how),
            escape(&why),
            escape(&action.reason)
        );
        for constraint in &action.constraints {
            let words = words.say(&format!("constraint-{}", constraint.as_str()), &[], || {
                constraint_words(*constraint).to_owned()
            });
            let _ = writeln!(text_part, "   {mind}: {words}");
            let _ = writeln!(html, "<p>{}: {}</p>", escape(&mind), escape(&words));
        }
        if let Some(draft) = &action.draft {
            let _ = writeln!(text_part, "   {draft_label}:");
            html.push_str("<blockquote>");
            if let Some(subject) = &draft.subject {
                let _ = writeln!(text_part, "   {subject_label}: {subject}");
                let _ = write!(
                    html,
                    "<p><em>{}: {}</em></p>",
                    escape(&subject_label),
                    escape(subject)
                );
            }
            for line in draft.body.lines() {
                let _ = writeln!(text_part, "   | {line}");
            }
            let _ = writeln!(
                html,
                "<p style=\"white-space: pre-wrap\">{}</p></blockquote>",
                escape(&draft.body)
            );
            if let Some(mailto) = &draft.link() {
                let _ = writeln!(text_part, "   {open_draft}: {mailto}");
                let _ = writeln!(
                    html,
                    "<p><a href=\"{}\">{}</a></p>",
                    escape(mailto),
                    escape(&open_draft)
                );
            }
        }
        html.push_str("</li>\n");
    }
    let footer = words.say("digest-footer", &[], || {
        "You get this e-mail because you turned on the morning digest.".to_owned()
    });
    let stop = words.say("digest-stop", &[], || "Stop it with one click:".to_owned());
    let unsubscribe = words.say("digest-unsubscribe", &[], || "Unsubscribe".to_owned());
    let _ = write!(text_part, "\n{footer} {stop} {unsubscribe_url}\n");
    let _ = write!(
        html,
        "</ol>\n<p style=\"color: #555\">{} <a href=\"{}\">{}</a>.</p>\n</body></html>\n",
        escape(&footer),
        escape(unsubscribe_url),
        escape(&unsubscribe)
    );
    Content {
        subject,
        text: text_part,
        html,
    }
}

/// The e-mail that asks the seeker to confirm their address.
pub fn verification(
    display_name: &str,
    email: &str,
    verify_url: &str,
    expires_at: DateTime<Utc>,
) -> Content {
    let subject = "Confirm your address for the morning digest".to_owned();
    let expires = expires_at.format("%Y-%m-%d %H:%M UTC");
    let text = format!(
        "Hello {display_name},\n\nYou turned on the morning digest of your follow-ups. \
         To receive it at {email}, confirm the address by opening this link:\n\n\
         {verify_url}\n\nThe link works until {expires}. If you did not ask for this, \
         ignore this e-mail: nothing will be sent.\n"
    );
    let html = format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{}</title></head>\
         <body style=\"font-family: sans-serif; max-width: 40em\">\n\
         <p>Hello {},</p>\n<p>You turned on the morning digest of your follow-ups. \
         To receive it at {}, confirm the address:</p>\n\
         <p><a href=\"{}\">Confirm my address</a></p>\n\
         <p>The link works until {expires}. If you did not ask for this, ignore this \
         e-mail: nothing will be sent.</p>\n</body></html>\n",
        escape(&subject),
        escape(display_name),
        escape(email),
        escape(verify_url),
    );
    Content {
        subject,
        text,
        html,
    }
}

/// The e-mail that brings an organization's invitation and its code.
pub fn invitation(
    org_name: &str,
    display_name: Option<&str>,
    code: &str,
    expires_at: DateTime<Utc>,
    docs_url: &str,
) -> Content {
    let subject = format!("{org_name} invites you to followup");
    let expires = expires_at.format("%Y-%m-%d %H:%M UTC");
    let hello = display_name.map_or_else(|| "Hello,".to_owned(), |n| format!("Hello {n},"));
    let text = format!(
        "{hello}\n\n{org_name} invites you to followup, where you keep your job search \
         and its coaches help you follow up. Sign in with this e-mail address (or sign up \
         with it), then enter your invitation code in your app:\n\n    {code}\n\n\
         Joining shares your search with the organization's coaches; you see exactly who, \
         and you can leave at any time. The code works until {expires}. The API: \
         {docs_url}\n"
    );
    let html = format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{}</title></head>\
         <body style=\"font-family: sans-serif; max-width: 40em\">\n<p>{}</p>\n\
         <p>{} invites you to followup, where you keep your job search and its coaches \
         help you follow up. Sign in with this e-mail address (or sign up with it), then \
         enter your invitation code in your app:</p>\n\
         <p style=\"font-size: 1.4em; letter-spacing: 0.1em\"><code>{}</code></p>\n\
         <p>Joining shares your search with the organization's coaches; you see exactly \
         who, and you can leave at any time. The code works until {expires}.</p>\n\
         </body></html>\n",
        escape(&subject),
        escape(&hello),
        escape(org_name),
        escape(code),
    );
    Content {
        subject,
        text,
        html,
    }
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn html_is_escaped() {
        assert_eq!(
            escape(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }
}
