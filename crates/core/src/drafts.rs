//! The words for message actions, built from the facts: the contact's first
//! name, the company and title, the interview date, the seeker's strengths and
//! first-six-months plan, and Roy Cohen's lines for sharing a competing offer
//! and offering to collaborate. Every template passes [`crate::tone_check`].

use chrono::NaiveDate;

use crate::action::{Draft, DraftTemplate};
use crate::facts::{Contact, Profile};
use crate::reason::{Arg, Args, Text};
use crate::schedule::push_date;

/// Who writes to whom about what.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Letterhead<'a> {
    /// The seeker, who signs.
    pub(crate) seeker: &'a str,
    /// The recipient, when known.
    pub(crate) contact: Option<&'a Contact>,
    pub(crate) company: &'a str,
    pub(crate) title: &'a str,
    /// Keep each draft's template and facts, for a translation to render.
    pub(crate) translate: bool,
}

impl Letterhead<'_> {
    fn greeting(&self, out: &mut String) {
        match self.contact {
            Some(c) => {
                out.push_str("Hi ");
                out.push_str(c.first_name());
                out.push_str(",\n\n");
            }
            None => out.push_str("Hello,\n\n"),
        }
    }

    fn sign(&self, out: &mut String) {
        out.push_str("\n\nBest regards,\n");
        out.push_str(self.seeker);
    }

    fn email(&self, subject: String, body: String, template: Pending) -> Draft {
        let to = self.contact.and_then(|c| c.email.clone());
        Draft {
            // Built on demand (`Draft::link`): the API sends it only when
            // asked, and a translation changes the words it encodes.
            mailto: None,
            to,
            subject: Some(subject),
            body,
            template: template.finish(),
        }
    }

    /// The template `name` with the letterhead's facts, when the seeker
    /// reads another language than English (the engine writes English
    /// itself; the facts cost nothing otherwise).
    fn template(&self, name: &'static str) -> Pending {
        if !self.translate {
            return Pending { name, args: None };
        }
        let mut args = Args::new();
        if let Some(c) = self.contact {
            args.set("contact_name", Arg::Text(Text::new(c.first_name())));
        }
        args.set("seeker_name", Arg::Text(Text::new(self.seeker)));
        args.set("company", Arg::Text(Text::new(self.company)));
        args.set("title", Arg::Text(Text::new(self.title)));
        Pending {
            name,
            args: Some(args),
        }
    }
}

/// A template being filled: its facts are gathered only when a translation
/// will render it.
#[derive(Debug)]
pub(crate) struct Pending {
    name: &'static str,
    args: Option<Args>,
}

impl Pending {
    /// Records the fact `arg()` under `name`, when the template is kept.
    fn set(&mut self, name: &'static str, arg: impl FnOnce() -> Arg) {
        if let Some(args) = &mut self.args {
            args.set(name, arg());
        }
    }

    fn finish(self) -> Option<DraftTemplate> {
        self.args.map(|args| DraftTemplate {
            name: self.name,
            args,
        })
    }
}

/// What a status follow-up says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Message {
    /// A plain status check.
    Plain,
    /// Cohen's collaborative offer for a silent final.
    Collaboration,
    /// Cohen's information-sharing line about a competing offer, with its
    /// deadline when known.
    ShareStatus(Option<NaiveDate>),
}

impl Message {
    /// The template `name` for this message: `purpose` and, when known,
    /// the competing offer's `deadline`.
    fn template(self, head: &Letterhead<'_>, name: &'static str) -> Pending {
        let mut template = head.template(name);
        let purpose = match self {
            Self::Plain => "status_check",
            Self::Collaboration => "collaboration",
            Self::ShareStatus(_) => "share_status",
        };
        template.set("purpose", || Arg::Text(purpose.into()));
        if let Self::ShareStatus(Some(deadline)) = self {
            template.set("deadline", || Arg::Date(deadline));
        }
        template
    }
}

/// The influence letter after an interview (Attridge): what the seeker would
/// accomplish in the first six months, and their strengths.
pub(crate) fn influence_letter(
    head: &Letterhead<'_>,
    interview: NaiveDate,
    profile: &Profile,
) -> Draft {
    let subject = ["My first six months as ", head.title].concat();
    let mut body = String::with_capacity(640);
    head.greeting(&mut body);
    body.push_str("Thank you for our conversation on ");
    push_date(&mut body, interview);
    body.push_str(" about the ");
    body.push_str(head.title);
    body.push_str(" role at ");
    body.push_str(head.company);
    body.push_str(
        ". I have been thinking about what I would want to accomplish in my first six months:\n\n",
    );
    match profile.first_six_months.as_deref().map(str::trim) {
        Some(plan) if !plan.is_empty() => body.push_str(plan),
        _ => body.push_str("[Two or three concrete goals for your first six months.]"),
    }
    let strengths: Vec<&str> = profile
        .strengths
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .take(3)
        .collect();
    if let Some((last, rest)) = strengths.split_last() {
        body.push_str("\n\nMy experience in ");
        if !rest.is_empty() {
            body.push_str(&rest.join(", "));
            body.push_str(" and ");
        }
        body.push_str(last);
        body.push_str(" would help me get there quickly.");
    }
    body.push_str("\n\nI look forward to continuing our conversation.");
    head.sign(&mut body);
    let mut template = head.template("influence_letter");
    template.set("interview_on", || Arg::Date(interview));
    if let Some(plan) = profile
        .first_six_months
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        template.set("plan", || Arg::Text(Text::new(plan)));
    }
    if !strengths.is_empty() {
        template.set("strengths", || {
            Arg::List(strengths.iter().map(|s| (*s).to_owned()).collect())
        });
    }
    head.email(subject, body, template)
}

/// A status follow-up e-mail.
pub(crate) fn status_email(head: &Letterhead<'_>, message: Message) -> Draft {
    let mut body = String::with_capacity(512);
    head.greeting(&mut body);
    let subject = match message {
        Message::Plain => {
            body.push_str("Thank you again for our conversations about the ");
            body.push_str(head.title);
            body.push_str(" role at ");
            body.push_str(head.company);
            body.push_str(
                ". I wanted to get a sense of where things stand, and whether there is anything \
                 more I can share to help your decision.\n\nI remain very interested in the role.",
            );
            ["The ", head.title, " role at ", head.company].concat()
        }
        Message::Collaboration => {
            body.push_str("I was so excited by our conversations about the ");
            body.push_str(head.title);
            body.push_str(
                " role, I just wanted to get a sense of where things stand. If it's helpful, I \
                 could strategize with you about what we should do to move forward: I would be \
                 glad to meet anyone else on the team or put together anything that helps.",
            );
            ["The ", head.title, " role: moving forward"].concat()
        }
        Message::ShareStatus(deadline) => {
            body.push_str(
                "I want to let you know where things stand for me. I have received an offer from \
                 another company",
            );
            match deadline {
                Some(date) => {
                    body.push_str(" and have been asked to decide by ");
                    push_date(&mut body, date);
                }
                None => body.push_str(" and will need to give them an answer soon"),
            }
            body.push_str(". I remain very interested in the ");
            body.push_str(head.title);
            body.push_str(" role at ");
            body.push_str(head.company);
            body.push_str(
                ", so I wanted you to have this information before I decide. Is there anything I \
                 can share that would help with your timeline?",
            );
            ["Where things stand for me: the ", head.title, " role"].concat()
        }
    };
    head.sign(&mut body);
    head.email(subject, body, message.template(head, "status_email"))
}

/// After a rejection: thanks for their time, and a door left open for
/// future roles — no pleading, no asking them to reconsider.
pub(crate) fn gracious_close(head: &Letterhead<'_>) -> Draft {
    let mut body = String::with_capacity(480);
    head.greeting(&mut body);
    body.push_str(
        "Thank you for letting me know, and for the time you and the team gave me. I \
         enjoyed our conversations about the ",
    );
    body.push_str(head.title);
    body.push_str(" role and learned a lot about ");
    body.push_str(head.company);
    body.push_str(
        ". I would be glad if you kept me in mind for future roles, and I hope our paths cross \
         again.\n\nI wish you and the team all the best.",
    );
    head.sign(&mut body);
    head.email(
        ["Thank you — ", head.title].concat(),
        body,
        head.template("gracious_close"),
    )
}

/// Asking for the written offer, naming the terms not known yet
/// (`missing`, e.g. "start date, deadline to answer").
pub(crate) fn review_offer(head: &Letterhead<'_>, missing: &str, terms: &[String]) -> Draft {
    let mut body = String::with_capacity(520);
    head.greeting(&mut body);
    body.push_str("Thank you so much for the offer for the ");
    body.push_str(head.title);
    body.push_str(" role at ");
    body.push_str(head.company);
    body.push_str(
        ". I was so excited by our conversations, and I want to give it the attention it \
         deserves. Could you send me the offer in writing, with the ",
    );
    body.push_str(missing);
    body.push_str("? Having it all in one place will help me get back to you with a clear answer.");
    head.sign(&mut body);
    let mut template = head.template("review_offer");
    template.set("terms", || Arg::List(terms.to_vec()));
    head.email(
        ["The ", head.title, " offer in writing"].concat(),
        body,
        template,
    )
}

/// The answer to an offer, for the seeker to finish: accepting or
/// declining, graciously either way.
pub(crate) fn decide_offer(head: &Letterhead<'_>, deadline: NaiveDate) -> Draft {
    let mut body = String::with_capacity(480);
    head.greeting(&mut body);
    body.push_str("Thank you for the offer for the ");
    body.push_str(head.title);
    body.push_str(" role at ");
    body.push_str(head.company);
    body.push_str(", and for giving me until ");
    push_date(&mut body, deadline);
    body.push_str(
        " to decide. I want to let you know where things stand for me: [I am delighted to \
         accept, and look forward to getting started / after much thought, I have decided to \
         decline, and I am grateful for the time you and the team gave me].",
    );
    head.sign(&mut body);
    let mut template = head.template("decide_offer");
    template.set("deadline", || Arg::Date(deadline));
    head.email(
        ["Your offer for the ", head.title, " role"].concat(),
        body,
        template,
    )
}

/// Asking the offering employer for more time, with Cohen's line: the seeker
/// provides information rather than pushing.
pub(crate) fn ask_for_extension(head: &Letterhead<'_>, deadline: NaiveDate) -> Draft {
    let mut body = String::with_capacity(560);
    head.greeting(&mut body);
    body.push_str("Thank you again for the offer for the ");
    body.push_str(head.title);
    body.push_str(
        " role. I want to let you know where things stand for me: I am in the final \
         stages with another company and expect to hear from them shortly. Your offer matters a \
         great deal to me, and I want to give you a considered answer rather than a rushed one. \
         Would it be possible to have until a week after ",
    );
    push_date(&mut body, deadline);
    body.push_str(" to decide?");
    head.sign(&mut body);
    let mut template = head.template("ask_for_extension");
    template.set("deadline", || Arg::Date(deadline));
    head.email(
        ["The ", head.title, " offer: timing"].concat(),
        body,
        template,
    )
}

/// What to say on a call: the message if the contact picks up, Attridge's
/// line for the assistant, and no voicemail (when `no_messages`).
pub(crate) fn call_script(head: &Letterhead<'_>, message: Message, no_messages: bool) -> Draft {
    let name = head
        .contact
        .map_or("the hiring manager", Contact::first_name);
    let mut body = String::with_capacity(512);
    body.push_str("If ");
    body.push_str(name);
    body.push_str(" picks up: \"");
    match message {
        Message::Plain => {
            body.push_str("I wanted to get a sense of where things stand with the ");
            body.push_str(head.title);
            body.push_str(" role, and whether there is anything more I can share.");
        }
        Message::Collaboration => body.push_str(
            "I was so excited by our conversations, I just wanted to get a sense of where things \
             stand. If it's helpful, I could strategize about what we should do to move forward.",
        ),
        Message::ShareStatus(deadline) => {
            body.push_str(
                "I want to let you know where things stand for me: I have an offer from another \
                 company",
            );
            if let Some(date) = deadline {
                body.push_str(" and need to answer by ");
                push_date(&mut body, date);
            }
            body.push_str(". I remain very interested in the ");
            body.push_str(head.title);
            body.push_str(" role.");
        }
    }
    body.push('"');
    if no_messages {
        body.push_str(
            "\nIf the assistant answers: \"I'm going to be in and out, so I'll just keep \
             trying.\" Ask when a good time would be to reach ",
        );
        body.push_str(name);
        body.push_str(".\nIf voicemail answers: hang up without a message and try again later.");
    }
    let mut template = message.template(head, "call_script");
    if no_messages {
        template.set("no_voicemail", || Arg::Flag(true));
    }
    Draft {
        to: None,
        subject: None,
        body,
        mailto: None,
        template: template.finish(),
    }
}

/// Asking the assistant when the manager is best reached (Attridge), by
/// e-mail or as a call script.
pub(crate) fn ask_assistant(head: &Letterhead<'_>, manager: &Contact, by_email: bool) -> Draft {
    let manager = manager.first_name();
    if by_email {
        let subject = ["A good time to reach ", manager, "?"].concat();
        let mut body = String::with_capacity(400);
        head.greeting(&mut body);
        body.push_str("Thank you for your help during the process for the ");
        body.push_str(head.title);
        body.push_str(" role. When would be a good time to reach ");
        body.push_str(manager);
        body.push_str(" by phone? I'm going to be in and out, so I'll just keep trying.");
        head.sign(&mut body);
        let mut template = head.template("ask_assistant_email");
        template.set("manager_name", || Arg::Text(Text::new(manager)));
        return head.email(subject, body, template);
    }
    let assistant = head.contact.map_or("the assistant", Contact::first_name);
    let mut body = String::with_capacity(300);
    body.push_str("Ask ");
    body.push_str(assistant);
    body.push_str(": \"When would be a good time to reach ");
    body.push_str(manager);
    body.push_str("?\" Take a moment to get to know ");
    body.push_str(assistant);
    body.push_str(". If ");
    body.push_str(manager);
    body.push_str(
        " is out: \"I'm going to be in and out, so I'll just keep trying.\" Leave no message.",
    );
    let mut template = head.template("ask_assistant_call");
    template.set("manager_name", || Arg::Text(Text::new(manager)));
    Draft {
        to: None,
        subject: None,
        body,
        mailto: None,
        template: template.finish(),
    }
}

/// A `mailto:` URI (RFC 6068) with the recipient, subject and body
/// percent-encoded as UTF-8; line breaks in the body become `%0D%0A`.
pub fn mailto(to: Option<&str>, subject: &str, body: &str) -> String {
    let mut out =
        Vec::with_capacity(16 + to.map_or(0, str::len) + 3 * (subject.len() + body.len()));
    out.extend_from_slice(b"mailto:");
    if let Some(to) = to {
        encode(&mut out, to, b"@+");
    }
    out.extend_from_slice(b"?subject=");
    encode(&mut out, subject, b"");
    out.extend_from_slice(b"&body=");
    encode(&mut out, body, b"");
    // Every byte written is ASCII.
    String::from_utf8(out).unwrap_or_default()
}

/// RFC 3986 unreserved characters, by byte.
const UNRESERVED: [bool; 256] = {
    let mut out = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        out[b] = c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_' | b'~');
        b += 1;
    }
    out
};

/// Percent-encodes everything but RFC 3986 unreserved characters and `keep`;
/// `\n` (not after `\r`) is written as `%0D%0A`.
fn encode(out: &mut Vec<u8>, text: &str, keep: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut previous = 0u8;
    for &b in text.as_bytes() {
        if UNRESERVED[usize::from(b)] || keep.contains(&b) {
            out.push(b);
        } else {
            if b == b'\n' && previous != b'\r' {
                out.extend_from_slice(b"%0D");
            }
            out.extend_from_slice(&[b'%', HEX[usize::from(b >> 4)], HEX[usize::from(b & 0xf)]]);
        }
        previous = b;
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use chrono::NaiveDate;

    use super::{
        Letterhead, Message, ask_assistant, ask_for_extension, call_script, decide_offer,
        gracious_close, influence_letter, mailto, review_offer, status_email,
    };
    use crate::action::Draft;
    use crate::facts::{Contact, Profile};
    use crate::{Channel, ContactRole, tone_check, tone_check_with_names};

    fn contact(name: &str, role: ContactRole) -> Contact {
        Contact {
            id: name.to_owned(),
            name: name.to_owned(),
            role,
            email: Some("sam.boss+jobs@newsite.example".to_owned()),
            phone: None,
            time_zone: None,
            preferred_channel: Channel::Any,
            best_time: None,
            holiday_calendar: None,
        }
    }

    /// Every template with sample facts, with and without optional parts.
    pub(crate) fn every_builtin_draft() -> Vec<Draft> {
        let manager = contact("Sam Boss", ContactRole::HiringManager);
        let assistant = contact("Pat Helper", ContactRole::Assistant);
        let date = NaiveDate::from_ymd_opt(2010, 1, 8).unwrap();
        let mut drafts = Vec::new();
        for contact in [Some(&manager), None] {
            let head = Letterhead {
                seeker: "Jane Doe",
                contact,
                company: "Newsite",
                title: "Managing Editor",
                translate: true,
            };
            let full = Profile {
                answered: Vec::new(),
                strengths: vec![
                    "audience growth".into(),
                    "newsroom operations".into(),
                    "SEO".into(),
                ],
                first_six_months: Some(
                    "Launch the weekly newsletter and double its readers.".into(),
                ),
            };
            drafts.push(influence_letter(&head, date, &full));
            drafts.push(influence_letter(&head, date, &Profile::default()));
            for message in [
                Message::Plain,
                Message::Collaboration,
                Message::ShareStatus(Some(date)),
                Message::ShareStatus(None),
            ] {
                drafts.push(status_email(&head, message));
                drafts.push(call_script(&head, message, true));
                drafts.push(call_script(&head, message, false));
            }
            drafts.push(gracious_close(&head));
            drafts.push(review_offer(
                &head,
                "base salary, bonus, equity, start date, deadline to answer",
                &[
                    "base_salary".to_owned(),
                    "bonus".to_owned(),
                    "equity".to_owned(),
                    "start_date".to_owned(),
                    "deadline_to_answer".to_owned(),
                ],
            ));
            drafts.push(decide_offer(&head, date));
            drafts.push(ask_for_extension(&head, date));
        }
        let head = Letterhead {
            seeker: "Jane Doe",
            contact: Some(&assistant),
            company: "Newsite",
            title: "Managing Editor",
            translate: true,
        };
        drafts.push(ask_assistant(&head, &manager, true));
        drafts.push(ask_assistant(&head, &manager, false));
        drafts
    }

    #[test]
    fn every_e_mail_draft_names_its_recipient_and_its_link_is_rebuilt_from_the_draft() {
        for draft in every_builtin_draft() {
            assert_eq!(draft.mailto, None, "built on demand: {draft:?}");
            assert_eq!(draft.subject.is_some(), draft.link().is_some(), "{draft:?}");
            // Every contact of the examples has this address; a letter
            // without a contact has no recipient, a call script never.
            if draft.subject.is_some() {
                assert!(
                    matches!(
                        draft.to.as_deref(),
                        None | Some("sam.boss+jobs@newsite.example")
                    ),
                    "{draft:?}"
                );
            } else {
                assert_eq!(draft.to, None);
            }
            assert_eq!(draft.clone().with_link(false).mailto, None);
            assert_eq!(draft.clone().with_link(true).mailto, draft.link());
        }
    }

    #[test]
    fn every_builtin_draft_passes_the_tone_check() {
        for draft in every_builtin_draft() {
            for text in [draft.subject.as_deref().unwrap_or(""), &draft.body] {
                let findings = tone_check(text);
                assert!(findings.is_empty(), "{findings:?} in:\n{text}");
            }
        }
    }

    /// Names in capitals (a company, a contact, a title) are not shouting,
    /// once the check knows them.
    #[test]
    fn drafts_for_names_in_capitals_pass_with_the_names() {
        let manager = contact("DEVON O'NEILL", ContactRole::HiringManager);
        let head = Letterhead {
            seeker: "Jane Doe",
            contact: Some(&manager),
            company: "NVIDIA",
            title: "SENIOR EDITOR",
            translate: true,
        };
        let date = NaiveDate::from_ymd_opt(2010, 1, 8).unwrap();
        let names = ["NVIDIA", "DEVON O'NEILL", "SENIOR EDITOR", "Jane Doe"];
        let drafts = [
            influence_letter(&head, date, &Profile::default()),
            status_email(&head, Message::Collaboration),
            status_email(&head, Message::ShareStatus(Some(date))),
            call_script(&head, Message::Plain, true),
        ];
        for draft in drafts {
            for text in [draft.subject.as_deref().unwrap_or(""), &draft.body] {
                assert!(!tone_check(text).is_empty() || !text.contains("NVIDIA"));
                let findings = tone_check_with_names(text, &names);
                assert!(findings.is_empty(), "{findings:?} in:\n{text}");
            }
        }
        // Shouting beside a name is still shouting.
        let shout = "NVIDIA: PLEASE ANSWER";
        assert_eq!(tone_check_with_names(shout, &names).len(), 1);
    }

    #[test]
    fn cohens_lines_are_used_word_for_word() {
        let manager = contact("Sam Boss", ContactRole::HiringManager);
        let head = Letterhead {
            seeker: "Jane Doe",
            contact: Some(&manager),
            company: "Newsite",
            title: "Managing Editor",
            translate: true,
        };
        let collab = status_email(&head, Message::Collaboration);
        assert!(
            collab
                .body
                .starts_with("Hi Sam,\n\nI was so excited by our conversations")
        );
        assert!(collab.body.contains("I just wanted to get a sense of where things stand. If it's helpful, I could strategize"));
        assert!(collab.body.ends_with("Best regards,\nJane Doe"));
        let date = NaiveDate::from_ymd_opt(2027, 5, 21).unwrap();
        let share = status_email(&head, Message::ShareStatus(Some(date)));
        assert!(
            share
                .body
                .contains("I want to let you know where things stand for me.")
        );
        assert!(share.body.contains("decide by Fri 21 May"));
        let script = call_script(&head, Message::Collaboration, true);
        assert!(
            script
                .body
                .contains("I'm going to be in and out, so I'll just keep trying.")
        );
        assert_eq!(script.mailto, None);
    }

    #[test]
    fn influence_letter_names_the_interview_plan_and_strengths() {
        let manager = contact("Sam Boss", ContactRole::HiringManager);
        let head = Letterhead {
            seeker: "Jane Doe",
            contact: Some(&manager),
            company: "Newsite",
            title: "Managing Editor",
            translate: true,
        };
        let profile = Profile {
            answered: Vec::new(),
            strengths: vec!["audience growth".into(), "SEO".into()],
            first_six_months: Some("Relaunch the newsletter.".into()),
        };
        let date = NaiveDate::from_ymd_opt(2027, 2, 9).unwrap();
        let letter = influence_letter(&head, date, &profile);
        assert_eq!(
            letter.subject.as_deref(),
            Some("My first six months as Managing Editor")
        );
        assert!(
            letter.body.contains(
                "our conversation on Tue 9 Feb about the Managing Editor role at Newsite"
            )
        );
        assert!(letter.body.contains("Relaunch the newsletter."));
        assert!(
            letter
                .body
                .contains("My experience in audience growth and SEO would help")
        );
        assert!(
            letter.link().unwrap().starts_with(
                "mailto:sam.boss+jobs@newsite.example?subject=My%20first%20six%20months"
            )
        );
    }

    /// The encoding, one character at a time.
    fn encode_bytewise(text: &str, keep: &[u8]) -> String {
        let mut out = String::new();
        let mut previous = 0u8;
        for &b in text.as_bytes() {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) || keep.contains(&b) {
                out.push(char::from(b));
            } else {
                if b == b'\n' && previous != b'\r' {
                    out.push_str("%0D");
                }
                out.push_str(&format!("%{b:02X}"));
            }
            previous = b;
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn encoding_bytes_is_encoding_characters(text in "\\PC{0,40}|[a-z\\r\\n é日本@+&]{0,40}") {
            let mut out = Vec::new();
            super::encode(&mut out, &text, b"@+");
            proptest::prop_assert_eq!(String::from_utf8(out).unwrap(), encode_bytewise(&text, b"@+"));
        }
    }

    #[test]
    fn mailto_encodes_characters_of_several_bytes() {
        assert_eq!(
            mailto(None, "Café", "日本 ok\n"),
            "mailto:?subject=Caf%C3%A9&body=%E6%97%A5%E6%9C%AC%20ok%0D%0A"
        );
    }

    #[test]
    fn mailto_percent_encodes_subject_and_body() {
        assert_eq!(
            mailto(Some("a@b.example"), "Hi & bye?", "Line 1\nLine 2 — ok"),
            "mailto:a@b.example?subject=Hi%20%26%20bye%3F&body=Line%201%0D%0ALine%202%20%E2%80%94%20ok"
        );
        assert_eq!(
            mailto(None, "s", "a\r\nb"),
            "mailto:?subject=s&body=a%0D%0Ab"
        );
    }
}
