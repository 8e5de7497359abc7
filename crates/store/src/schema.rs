//! The database schema, as diesel sees it. Kept in step with `migrations/`;
//! only column types both backends share are used (see docs/architecture.md).

diesel::table! {
    users (id) {
        id -> Text,
        email -> Text,
        password_hash -> Text,
        display_name -> Text,
        role -> Text,
        timezone -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}
