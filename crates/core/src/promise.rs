//! What the employer said they would do, and by when.

use crate::wire::wire_enum;

wire_enum! {
    /// What the employer promised to do.
    pub enum PromiseWhat as "promise" {
        /// To call the seeker.
        Call => "call",
        /// To write to the seeker.
        Email => "email",
        /// To decide (by any channel).
        Decision => "decision",
    }
}
