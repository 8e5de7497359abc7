//! `accelerate_search` (Wolkstein): while any opportunity is at final or
//! offer, pipeline health says accelerate; with fewer than `min_active` other
//! active opportunities (applied through interviewing; prospects are not yet
//! a pipeline), one pipeline-wide `apply_more`
//! of high priority, due today (the opening of the seeker's business day),
//! its window ending at
//! the close of the seeker's last business day of the week. Governed by the
//! seeker's playbook (not an opportunity's), since it concerns the whole
//! search.

use chrono::{Datelike, Days};

use crate::action::{ActionKind, IdHasher, NextAction, Priority};
use crate::engine::Engine;
use crate::reason::{Because, ReasonCode};
use crate::rules::RuleId;

const RULE: RuleId = RuleId::AccelerateSearch;

pub(crate) fn apply_more(engine: &Engine<'_>) -> Option<NextAction> {
    let pipeline = &engine.pipeline;
    let params = engine.playbook.params();
    if !engine.playbook.is_enabled(RULE)
        || pipeline.near_offer == 0
        || pipeline.others_open >= params.min_active
    {
        return None;
    }
    let cal = &engine.facts.seeker.calendar;
    let due = cal.opening_of_day(engine.at)?;
    let today = cal.local_date(due);
    let sunday = today.checked_add_days(Days::new(u64::from(
        6 - today.weekday().num_days_from_monday(),
    )))?;
    let mut last = sunday;
    while !cal.is_business_day(last) && last > today {
        last = last.pred_opt()?;
    }
    let window_end = cal
        .end_of_business(last)
        .or_else(|| cal.end_of_business(today));

    let mut reason = Because::new(ReasonCode::FewOpen);
    reason
        .lit("An offer may be near (")
        .count("near_offer", pipeline.near_offer)
        .lit(" at final or offer) but only ")
        .count("others_open", pipeline.others_open)
        .lit(if pipeline.others_open == 1 {
            " other opportunity is"
        } else {
            " other opportunities are"
        })
        .lit(" active: keep looking and apply to ")
        .count("applications", params.weekly_applications)
        .lit(" more this week — never give up")
        .cite(&[RULE]);
    let reason = reason.finish();
    Some(NextAction {
        id: IdHasher::new()
            .str(RULE.as_str())
            .str(&engine.facts.seeker.id)
            .str(ActionKind::ApplyMore.as_str())
            .finish(),
        opportunity_id: None,
        contact_id: None,
        action: ActionKind::ApplyMore,
        channel: None,
        due_at: due,
        window_end,
        priority: Priority::High,
        rule: RULE,
        reason: reason.text,
        reason_code: reason.code,
        args: reason.args,
        constraints: Vec::new(),
        draft: None,
        competing_opportunity_id: None,
        transition: None,
    })
}
