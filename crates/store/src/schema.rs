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
        business_hours -> Nullable<Text>,
        holidays -> Text,
        default_playbook -> Nullable<Text>,
    }
}

diesel::table! {
    refresh_tokens (id) {
        id -> Text,
        user_id -> Text,
        family_id -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        spent_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    coach_invites (id) {
        id -> Text,
        coach_id -> Text,
        code_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        accepted_at -> Nullable<Timestamp>,
        accepted_by -> Nullable<Text>,
    }
}

diesel::table! {
    grants (id) {
        id -> Text,
        seeker_id -> Text,
        coach_id -> Text,
        created_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    api_keys (id) {
        id -> Text,
        owner_id -> Text,
        name -> Text,
        prefix -> Text,
        key_hash -> Text,
        scopes -> Text,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    login_failures (id) {
        id -> Text,
        email -> Text,
        failed_at -> Timestamp,
    }
}

diesel::joinable!(refresh_tokens -> users (user_id));
diesel::joinable!(coach_invites -> users (coach_id));
diesel::joinable!(api_keys -> users (owner_id));

diesel::allow_tables_to_appear_in_same_query!(
    users,
    refresh_tokens,
    coach_invites,
    grants,
    api_keys,
    login_failures,
);
