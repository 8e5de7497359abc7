// @generated automatically by Diesel CLI.

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
    calendar_interviews (seeker_id, uid) {
        seeker_id -> Text,
        uid -> Text,
        interaction_id -> Text,
        sequence -> Integer,
        updated_at -> Timestamp,
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
    contacts (id) {
        id -> Text,
        opportunity_id -> Text,
        seeker_id -> Text,
        name -> Text,
        role -> Text,
        email -> Nullable<Text>,
        phone -> Nullable<Text>,
        timezone -> Nullable<Text>,
        preferred_channel -> Text,
        best_time -> Nullable<Text>,
        notes -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        updated_by -> Text,
        version -> Integer,
        holiday_calendar -> Nullable<Text>,
    }
}

diesel::table! {
    digest_sends (seeker_id, local_date) {
        seeker_id -> Text,
        local_date -> Date,
        state -> Text,
        actions -> Integer,
        claimed_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
        message_id -> Nullable<Text>,
        error -> Nullable<Text>,
    }
}

diesel::table! {
    digest_settings (seeker_id) {
        seeker_id -> Text,
        enabled -> Bool,
        send_at -> Time,
        verified_email -> Nullable<Text>,
        verified_at -> Nullable<Timestamp>,
        verification_hash -> Nullable<Text>,
        verification_sent_at -> Nullable<Timestamp>,
        unsubscribe_token -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    event_counter (id) {
        id -> Integer,
        last_tx -> BigInt,
    }
}

diesel::table! {
    events (id) {
        id -> Text,
        tx -> BigInt,
        seq -> Integer,
        seeker_id -> Text,
        kind -> Text,
        actor -> Text,
        occurred_at -> Timestamp,
        created_at -> Timestamp,
        data -> Text,
        prev_tx -> Nullable<BigInt>,
        prev_seq -> Nullable<Integer>,
    }
}

diesel::table! {
    feed_tokens (id) {
        id -> Text,
        user_id -> Text,
        name -> Text,
        prefix -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    grants (id) {
        id -> Text,
        seeker_id -> Text,
        coach_id -> Text,
        created_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
        org_id -> Nullable<Text>,
        revoked_by -> Nullable<Text>,
    }
}

diesel::table! {
    idempotency_keys (caller_id, key) {
        caller_id -> Text,
        key -> Text,
        request_hash -> Text,
        status -> Nullable<Integer>,
        content_type -> Nullable<Text>,
        location -> Nullable<Text>,
        etag -> Nullable<Text>,
        response_body -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    inbound_addresses (seeker_id) {
        seeker_id -> Text,
        token -> Text,
        created_at -> Timestamp,
        rotated_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    inbox_messages (id) {
        id -> Text,
        seeker_id -> Text,
        message_id -> Text,
        received_at -> Timestamp,
        raw_base64 -> Nullable<Text>,
        size -> BigInt,
    }
}

diesel::table! {
    inbox_proposals (id) {
        id -> Text,
        seeker_id -> Text,
        message_id -> Text,
        class -> Text,
        confidence -> Double,
        evidence -> Text,
        step -> Text,
        sender -> Nullable<Text>,
        subject -> Nullable<Text>,
        sent_at -> Nullable<Timestamp>,
        opportunity_id -> Nullable<Text>,
        contact_id -> Nullable<Text>,
        candidates -> Text,
        status -> Text,
        created_at -> Timestamp,
        decided_at -> Nullable<Timestamp>,
        interaction_id -> Nullable<Text>,
        transition_id -> Nullable<Text>,
        interview_id -> Nullable<Text>,
        promise_id -> Nullable<Text>,
    }
}

diesel::table! {
    interactions (id) {
        id -> Text,
        opportunity_id -> Text,
        seeker_id -> Text,
        contact_id -> Nullable<Text>,
        kind -> Text,
        occurred_at -> Timestamp,
        notes -> Nullable<Text>,
        out_of_office_until -> Nullable<Date>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        updated_by -> Text,
        version -> Integer,
        rejection_reason -> Nullable<Text>,
    }
}

diesel::table! {
    login_failures (id) {
        id -> Text,
        email -> Text,
        failed_at -> Timestamp,
    }
}

diesel::table! {
    opportunities (id) {
        id -> Text,
        seeker_id -> Text,
        company -> Text,
        title -> Text,
        industry -> Nullable<Text>,
        location -> Nullable<Text>,
        source -> Nullable<Text>,
        posting_url -> Nullable<Text>,
        excitement -> Nullable<Integer>,
        notes -> Nullable<Text>,
        base_salary -> Nullable<Double>,
        bonus -> Nullable<Double>,
        equity -> Nullable<Text>,
        currency -> Nullable<Text>,
        offer_deadline -> Nullable<Date>,
        playbook -> Nullable<Text>,
        stage -> Text,
        rejection_reason -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        updated_by -> Text,
        version -> Integer,
        employer -> Nullable<Text>,
        offer_start_date -> Nullable<Date>,
        holiday_calendar -> Nullable<Text>,
    }
}

diesel::table! {
    org_codes (id) {
        id -> Text,
        org_id -> Text,
        group_id -> Nullable<Text>,
        code_hash -> Text,
        prefix -> Text,
        max_uses -> Integer,
        uses -> Integer,
        created_by -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    org_group_coaches (group_id, coach_id) {
        group_id -> Text,
        coach_id -> Text,
    }
}

diesel::table! {
    org_groups (id) {
        id -> Text,
        org_id -> Text,
        name -> Text,
        playbook -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    org_invitations (id) {
        id -> Text,
        org_id -> Text,
        email -> Text,
        display_name -> Nullable<Text>,
        role -> Text,
        group_id -> Nullable<Text>,
        coach_id -> Nullable<Text>,
        code_hash -> Text,
        created_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        expires_at -> Timestamp,
        accepted_at -> Nullable<Timestamp>,
        accepted_by -> Nullable<Text>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    org_members (id) {
        id -> Text,
        org_id -> Text,
        user_id -> Text,
        role -> Text,
        group_id -> Nullable<Text>,
        coach_id -> Nullable<Text>,
        joined_via -> Text,
        joined_at -> Timestamp,
        left_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    org_tokens (id) {
        id -> Text,
        org_id -> Text,
        name -> Text,
        prefix -> Text,
        token_hash -> Text,
        scopes -> Text,
        created_by -> Text,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    organizations (id) {
        id -> Text,
        name -> Text,
        grant_policy -> Text,
        created_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
    }
}

diesel::table! {
    playbooks (id) {
        id -> Text,
        owner_id -> Text,
        name -> Text,
        spec -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        updated_by -> Text,
        version -> Integer,
    }
}

diesel::table! {
    profiles (opportunity_id) {
        opportunity_id -> Text,
        seeker_id -> Text,
        criteria -> Text,
        competition -> Text,
        answers -> Text,
        updated_at -> Timestamp,
        updated_by -> Text,
        version -> Integer,
        first_six_months -> Nullable<Text>,
    }
}

diesel::table! {
    promises (id) {
        id -> Text,
        opportunity_id -> Text,
        seeker_id -> Text,
        contact_id -> Nullable<Text>,
        what -> Text,
        due_date -> Nullable<Date>,
        due_at -> Nullable<Timestamp>,
        made_at -> Timestamp,
        cancelled_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        updated_by -> Text,
        version -> Integer,
        kept_at -> Nullable<Timestamp>,
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
    stage_transitions (id) {
        id -> Text,
        opportunity_id -> Text,
        from_stage -> Nullable<Text>,
        to_stage -> Text,
        occurred_at -> Timestamp,
        reason -> Nullable<Text>,
        rejection_reason -> Nullable<Text>,
        actor -> Text,
        created_at -> Timestamp,
    }
}

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
        facts_revision -> BigInt,
        holiday_calendars -> Text,
        token_generation -> BigInt,
        locale -> Text,
        last_event_tx -> Nullable<BigInt>,
        last_event_seq -> Nullable<Integer>,
        playbook_set_by -> Nullable<Text>,
        playbook_set_via -> Nullable<Text>,
        playbook_set_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    webhook_attempts (id) {
        id -> Text,
        delivery_id -> Text,
        attempted_at -> Timestamp,
        response_status -> Nullable<Integer>,
        error -> Nullable<Text>,
        duration_ms -> BigInt,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> Text,
        webhook_id -> Text,
        event_id -> Text,
        seeker_id -> Nullable<Text>,
        event_type -> Text,
        payload -> Text,
        state -> Text,
        attempts -> Integer,
        next_attempt_at -> Nullable<Timestamp>,
        last_status -> Nullable<Integer>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    webhook_dispatch (id) {
        id -> Integer,
        tx -> BigInt,
        seq -> Integer,
    }
}

diesel::table! {
    webhooks (id) {
        id -> Text,
        owner_id -> Text,
        url -> Text,
        event_types -> Text,
        description -> Nullable<Text>,
        active -> Bool,
        secret -> Text,
        previous_secret -> Nullable<Text>,
        previous_expires_at -> Nullable<Timestamp>,
        disabled_reason -> Nullable<Text>,
        failing_since -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
        org_id -> Nullable<Text>,
    }
}

diesel::joinable!(api_keys -> users (owner_id));
diesel::joinable!(calendar_interviews -> interactions (interaction_id));
diesel::joinable!(calendar_interviews -> users (seeker_id));
diesel::joinable!(contacts -> opportunities (opportunity_id));
diesel::joinable!(contacts -> users (seeker_id));
diesel::joinable!(digest_sends -> users (seeker_id));
diesel::joinable!(digest_settings -> users (seeker_id));
diesel::joinable!(events -> users (seeker_id));
diesel::joinable!(feed_tokens -> users (user_id));
diesel::joinable!(inbound_addresses -> users (seeker_id));
diesel::joinable!(inbox_messages -> users (seeker_id));
diesel::joinable!(inbox_proposals -> contacts (contact_id));
diesel::joinable!(inbox_proposals -> inbox_messages (message_id));
diesel::joinable!(inbox_proposals -> opportunities (opportunity_id));
diesel::joinable!(inbox_proposals -> users (seeker_id));
diesel::joinable!(interactions -> contacts (contact_id));
diesel::joinable!(interactions -> opportunities (opportunity_id));
diesel::joinable!(interactions -> users (seeker_id));
diesel::joinable!(opportunities -> users (seeker_id));
diesel::joinable!(org_codes -> org_groups (group_id));
diesel::joinable!(org_codes -> organizations (org_id));
diesel::joinable!(org_group_coaches -> org_groups (group_id));
diesel::joinable!(org_group_coaches -> users (coach_id));
diesel::joinable!(org_groups -> organizations (org_id));
diesel::joinable!(org_invitations -> org_groups (group_id));
diesel::joinable!(org_invitations -> organizations (org_id));
diesel::joinable!(org_invitations -> users (coach_id));
diesel::joinable!(org_members -> org_groups (group_id));
diesel::joinable!(org_members -> organizations (org_id));
diesel::joinable!(org_tokens -> organizations (org_id));
diesel::joinable!(playbooks -> users (owner_id));
diesel::joinable!(profiles -> opportunities (opportunity_id));
diesel::joinable!(profiles -> users (seeker_id));
diesel::joinable!(promises -> contacts (contact_id));
diesel::joinable!(promises -> opportunities (opportunity_id));
diesel::joinable!(promises -> users (seeker_id));
diesel::joinable!(refresh_tokens -> users (user_id));
diesel::joinable!(stage_transitions -> opportunities (opportunity_id));
diesel::joinable!(webhook_attempts -> webhook_deliveries (delivery_id));
diesel::joinable!(webhook_deliveries -> users (seeker_id));
diesel::joinable!(webhook_deliveries -> webhooks (webhook_id));
diesel::joinable!(webhooks -> users (owner_id));

diesel::allow_tables_to_appear_in_same_query!(
    api_keys,
    calendar_interviews,
    coach_invites,
    contacts,
    digest_sends,
    digest_settings,
    event_counter,
    events,
    feed_tokens,
    grants,
    idempotency_keys,
    inbound_addresses,
    inbox_messages,
    inbox_proposals,
    interactions,
    login_failures,
    opportunities,
    org_codes,
    org_group_coaches,
    org_groups,
    org_invitations,
    org_members,
    org_tokens,
    organizations,
    playbooks,
    profiles,
    promises,
    refresh_tokens,
    stage_transitions,
    users,
    webhook_attempts,
    webhook_deliveries,
    webhook_dispatch,
    webhooks,
);
