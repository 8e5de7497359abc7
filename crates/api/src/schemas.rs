//! OpenAPI schemas for the core's wire enums. DTOs hold the core's own
//! validated enums (so an unknown value is a 422 naming the field) and point
//! their schema here with `#[schema(value_type = …)]`.

use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};

macro_rules! wire_schema {
    ($(#[$doc:meta])* $name:ident => $core:ty, $description:literal) => {
        $(#[$doc])*
        #[derive(Debug)]
        pub struct $name;

        impl utoipa::PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .description(Some($description))
                    .enum_values(Some(<$core>::ALL.iter().map(|v| v.as_str())))
                    .into()
            }
        }

        impl utoipa::ToSchema for $name {}
    };
}

wire_schema!(
    /// Schema of [`followup_core::Stage`].
    Stage => followup_core::Stage,
    "Where an opportunity is: prospect → applied → screening → interviewing → final → offer → accepted | declined; closed: rejected, withdrawn, ghosted."
);
wire_schema!(
    /// Schema of [`followup_core::RejectionReason`].
    RejectionReason => followup_core::RejectionReason,
    "Why an employer said no, when known."
);
wire_schema!(
    /// Schema of [`followup_core::InteractionKind`].
    InteractionKind => followup_core::InteractionKind,
    "What happened; direction and channel follow from it."
);
wire_schema!(
    /// Schema of [`followup_core::ContactRole`].
    ContactRole => followup_core::ContactRole,
    "The contact's part in the hiring."
);
wire_schema!(
    /// Schema of [`followup_core::Channel`].
    Channel => followup_core::Channel,
    "How the contact prefers to be reached."
);
wire_schema!(
    /// Schema of [`followup_core::PromiseWhat`].
    PromiseWhat => followup_core::PromiseWhat,
    "What the employer promised to do."
);
