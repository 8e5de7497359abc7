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
wire_schema!(
    /// Schema of [`followup_core::ActionKind`].
    ActionKind => followup_core::ActionKind,
    "What to do."
);
wire_schema!(
    /// Schema of [`followup_core::Priority`].
    Priority => followup_core::Priority,
    "How urgent it is."
);
wire_schema!(
    /// Schema of [`followup_core::Constraint`].
    Constraint => followup_core::Constraint,
    "What not to do while doing it."
);
wire_schema!(
    /// Schema of [`followup_core::RuleId`].
    RuleId => followup_core::RuleId,
    "A cadence rule's stable id; `GET /v1/rules` describes each."
);
wire_schema!(
    /// Schema of [`followup_core::ToneCategory`].
    ToneCategory => followup_core::ToneCategory,
    "What is wrong with the wording."
);
wire_schema!(
    /// Schema of [`followup_core::PromiseStatus`].
    PromiseStatus => followup_core::PromiseStatus,
    "Where a promise stands: pending (not yet due, nothing heard), kept (the employer was heard from after it was made), broken (due, nothing heard) or cancelled (by the seeker)."
);
wire_schema!(
    /// Schema of [`followup_core::compare::FactorName`].
    StandingFactorName => followup_core::compare::FactorName,
    "A factor of the standing: `stage` or `competitors` (the base), `internal_candidate`, `fit`, `broken_promises`, `unanswered_follow_ups`, `silence`, `cap`."
);
wire_schema!(
    /// Schema of [`followup_core::compare::MissingInput`].
    MissingInput => followup_core::compare::MissingInput,
    "An input the standing did not know, so it rests on a prior instead."
);
wire_schema!(
    /// Schema of [`followup_core::compare::ImproveAction`].
    ImproveAction => followup_core::compare::ImproveAction,
    "A kind of step that would raise the standing or firm it up."
);
wire_schema!(
    /// Schema of [`followup_core::compare::RatedBy`].
    RatedBy => followup_core::compare::RatedBy,
    "Whose rating a score was computed from: the interviewer's (preferred) or the seeker's own."
);
wire_schema!(
    /// Schema of [`followup_core::compare::SortColumn`].
    SortColumn => followup_core::compare::SortColumn,
    "A column the comparison table can be sorted by."
);
wire_schema!(
    /// Schema of [`followup_core::compare::SortOrder`].
    SortOrder => followup_core::compare::SortOrder,
    "Sort direction."
);
wire_schema!(
    /// Schema of [`followup_core::HolidayCalendar`].
    HolidayCalendar => followup_core::HolidayCalendar,
    "A built-in public-holiday calendar: `us` (federal), `gb_england_wales` (bank holidays), `de` (nationwide), `fr`, `jp`, `ca` (federal), `au_nsw` (New South Wales), `in` (central government, Delhi), `sg`."
);
