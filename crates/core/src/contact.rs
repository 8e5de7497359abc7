//! The people at the employer and how they like to be reached.

use crate::wire::wire_enum;

wire_enum! {
    /// The contact's part in the hiring.
    pub enum ContactRole as "contact role" {
        /// The person who decides; the one follow-ups go to.
        HiringManager => "hiring_manager",
        /// The manager's assistant, who knows when the manager can be reached.
        Assistant => "assistant",
        /// Someone above the hiring manager ("one more conversation").
        HigherUp => "higher_up",
        /// An in-house or agency recruiter.
        Recruiter => "recruiter",
        /// Someone who interviewed the seeker.
        Interviewer => "interviewer",
        /// Whoever referred the seeker.
        Referrer => "referrer",
    }
}

wire_enum! {
    /// How the contact prefers to be reached.
    pub enum Channel as "channel" {
        /// E-mail only.
        Email => "email",
        /// Phone preferred.
        Phone => "phone",
        /// No preference.
        Any => "any",
    }
}
