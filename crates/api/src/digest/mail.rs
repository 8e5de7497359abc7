//! What the digest and the verification e-mail say, as text and as HTML
//! (docs/digest.md). Pure: built from the facts, the day's actions and the
//! links; the sending is elsewhere.

use std::fmt::Write as _;

use chrono::{DateTime, NaiveDate, Utc};
use followup_core::{BusinessCalendar, Channel, Constraint, Facts, NextAction};

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
fn when(calendar: &BusinessCalendar, action: &NextAction, date: NaiveDate) -> String {
    let local = calendar.local(action.due_at);
    if local.date() < date {
        format!(
            "overdue since {}, {}",
            day_name(local.date()),
            local.format("%H:%M")
        )
    } else {
        format!("at {}", local.format("%H:%M"))
    }
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
    let count = actions.len();
    let subject = format!(
        "Your follow-ups for {}: {count} {}",
        date.format("%A %-d %B"),
        if count == 1 { "action" } else { "actions" }
    );
    let mut text = format!(
        "Good morning {display_name},\n\nHere is what to do today, {}, in order.\n",
        day_name(date)
    );
    let mut html = format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{}</title></head>\
         <body style=\"font-family: sans-serif; max-width: 40em\">\n\
         <p>Good morning {},</p>\n<p>Here is what to do today, {}, in order.</p>\n<ol>\n",
        escape(&subject),
        escape(display_name),
        escape(&day_name(date))
    );
    for (n, action) in actions.iter().enumerate() {
        let title = action_title(action, facts);
        let mut how = when(calendar, action, date);
        if let Some(channel) = channel_word(action.channel) {
            how.push_str(", ");
            how.push_str(channel);
        }
        let _ = write!(
            text,
            "\n{}. {title} ({how})\n   Why: {}\n",
            n + 1,
            action.reason
        );
        let _ = writeln!(
            html,
            "<li><p><strong>{}</strong> ({})<br>Why: {}</p>",
            escape(&title),
            escape(&how),
            escape(&action.reason)
        );
        for constraint in &action.constraints {
            let words = constraint_words(*constraint);
            let _ = writeln!(text, "   Mind: {words}");
            let _ = writeln!(html, "<p>Mind: {}</p>", escape(words));
        }
        if let Some(draft) = &action.draft {
            let _ = writeln!(text, "   Draft:");
            html.push_str("<blockquote>");
            if let Some(subject) = &draft.subject {
                let _ = writeln!(text, "   Subject: {subject}");
                let _ = write!(html, "<p><em>Subject: {}</em></p>", escape(subject));
            }
            for line in draft.body.lines() {
                let _ = writeln!(text, "   | {line}");
            }
            let _ = writeln!(
                html,
                "<p style=\"white-space: pre-wrap\">{}</p></blockquote>",
                escape(&draft.body)
            );
            if let Some(mailto) = &draft.link() {
                let _ = writeln!(text, "   Open the draft in your mail app: {mailto}");
                let _ = writeln!(
                    html,
                    "<p><a href=\"{}\">Open the draft in your mail app</a></p>",
                    escape(mailto)
                );
            }
        }
        html.push_str("</li>\n");
    }
    let _ = write!(
        text,
        "\nYou get this e-mail because you turned on the morning digest. \
         Stop it with one click: {unsubscribe_url}\n"
    );
    let _ = write!(
        html,
        "</ol>\n<p style=\"color: #555\">You get this e-mail because you turned on the \
         morning digest. <a href=\"{}\">Unsubscribe</a>.</p>\n</body></html>\n",
        escape(unsubscribe_url)
    );
    Content {
        subject,
        text,
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
