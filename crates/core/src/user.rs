//! Who uses the API.

use crate::wire::wire_enum;

wire_enum! {
    /// A user's role, which decides whose data they may see.
    pub enum Role as "role" {
        /// Runs their own job search.
        Seeker => "seeker",
        /// Sees the clients who granted access and sets their playbooks.
        Coach => "coach",
        /// Operates the service.
        Admin => "admin",
    }
}
