//! Candidate comparisons: how the seeker fits the employer's ideal candidate,
//! how they stand in the race, what would most raise that standing, and the
//! rows of the side-by-side table ("which offer?", "where do I put my
//! effort?").
//!
//! Everything here is a pure function of plain values; the caller loads the
//! facts and maps them into [`Criterion`], [`StandingInput`] and [`RowInput`].
//!
//! # Fit
//!
//! The ideal-candidate profile comes from asking "how do I compare to your
//! ideal candidate?" (Sheffield, Attridge). Each [`Criterion`] has the
//! employer's weight `w` (1–5), the seeker's self rating (0–5) and, when given,
//! the interviewer's rating (0–5). The rating used, `r`, is the interviewer's
//! when given, else the seeker's own.
//!
//! - `fit = Σ w·r / Σ w·5`, in 0–1, rounded to 2 decimals on the wire; `None`
//!   when there are no criteria. The report also carries the integer points
//!   (`Σ w·r`, `Σ w·5`) it was computed from.
//! - Gaps: every criterion with `r < 5`, ranked by `score = w·(5 − r)` (the
//!   points missing to the ideal) descending, ties by name.
//! - Strengths: the criteria with `r ≥ 4` ([`STRENGTH_MIN_RATING`]), ranked by
//!   `score = w·r` descending, ties by name, at most 3 ([`STRENGTHS_MAX`]).
//!   They feed the influence letter. A criterion rated 4 can be both a
//!   strength and a (small) gap.
//! - The interviewer share is the part of the total weight whose rating came
//!   from the interviewer; the standing trusts a fit more when it is high.
//!
//! # Standing
//!
//! A deterministic heuristic for "how likely is this opportunity to end in an
//! offer?", always returned with its factors and the inputs it did not know,
//! never as a bare number. It is a coaching aid, not a statistical model: the
//! priors come from published hiring funnels, the adjustments are judgment
//! calls documented here, and the value is rounded to 2 decimals because it
//! has no more precision than that.
//!
//! ## Closed stages and offers
//!
//! | stage | value | why |
//! |---|---|---|
//! | `offer`, `accepted` | 1.00 | the offer is made; what is left is the seeker's call |
//! | `declined`, `rejected`, `withdrawn` | 0.00 | closed, nothing left to win |
//! | `ghosted` | 0.05 | reopens only if the employer comes back ([`GHOSTED_STANDING`], a judgment call) |
//!
//! These carry a single `stage` factor and no missing inputs.
//!
//! ## Open stages before an offer (`prospect` … `final`)
//!
//! ```text
//! base  = 1 / (n + 1)            when the competitor count n is known
//!                                (n others plus the seeker, each equally likely)
//!       = prior(stage)           otherwise (table below)
//! v     = base
//!       × internal               0.70 when an internal candidate competes, else 1
//!       × fit                    1 + (fit − 0.60) × (0.5 + 0.5 × s)
//!       × 0.80 ^ b               b = broken promises
//!       × 0.90 ^ max(u − 1, 0)   u = follow-ups since the employer was last heard from
//!       × silence(d)             d = whole days since the employer was last heard from
//! value = round(min(v, 0.90), 2 decimals)
//! ```
//!
//! Stage priors, used when the competitor count is unknown:
//!
//! | stage | prior | source |
//! |---|---|---|
//! | `prospect` | 0.01 | not applied yet: below `applied` (judgment) |
//! | `applied` | 0.03 | applicant → interview ≈ 12 % (Jobvite's 2014 funnel: 7 of 59 applicants per opening interviewed) × interview → offer ≈ 28 % (Jobvite 2018 Recruiting Benchmark Report, 2017 data) ≈ 3.4 %; CareerPlug's small-business data (≈ 3 % × 27 %) is lower, so 0.03 |
//! | `screening` | 0.10 | no published benchmark isolates it; between `applied` and `interviewing` (their geometric mean is 0.09) |
//! | `interviewing` | 0.25 | interview → offer: 28 % in 2017, 20 % in 2016 (Jobvite 2018 benchmark); 27 % interview → hire (CareerPlug) |
//! | `final` | 0.40 | ERE: 1–3 finalists per opening → 1/2–1/3; 0.40 sits between (a sole finalist usually knows it and enters a count of 0) |
//!
//! The factors, applied in this order:
//!
//! 1. `competitors` (count known) or `stage` (count unknown): the base above.
//!    A known count replaces the stage prior.
//! 2. `internal_candidate`: ×0.70 when the employer has an internal candidate
//!    in the race — the article's "promote someone internally" — because
//!    internal candidates are hired far more often than their share of the
//!    applicants (Jobvite's source-of-hire figures put them well ahead of
//!    every external source); ×1 when there is none. The 0.70 itself is a
//!    judgment call (an internal candidate about twice as likely as each of
//!    two external ones gives 1/4 instead of 1/3). Unknown: no factor,
//!    `internal_candidate` listed as missing.
//! 3. `fit`: `1 + (fit − 0.60) × (0.5 + 0.5 × s)`, where `s` is the
//!    interviewer share. A fit of 0.60 (3 of 5 on every criterion) is neutral;
//!    the multiplier runs from 0.40 to 1.40 when the interviewer rated
//!    everything and from 0.70 to 1.20 on self ratings alone (they count half).
//!    Unknown (no criteria): no factor, `fit` missing; `interviewer_ratings`
//!    missing whenever `s < 1`.
//! 4. `broken_promises`: ×0.80 per promise the employer broke. Mild, because
//!    a missed call is as often "work life intervenes" (Sheffield) as a no.
//! 5. `unanswered_follow_ups`: ×0.90 per follow-up without a reply, the first
//!    one free (a follow-up just sent has not had time to be answered); at the
//!    `move_on` rule's 4 this is ×0.73.
//! 6. `silence`: days since the employer was last heard from (an inbound
//!    message or a conversation): up to 7 days ×1 (the `follow_up_after_silence`
//!    rule waits a week), 8–30 days ×0.85, 31–60 days ×0.60 (past the `move_on`
//!    rule's 30 days), more than 60 days ×0.40. While a promise is pending the
//!    silence is expected and counts ×1. Never heard from: no factor,
//!    `last_inbound` missing.
//! 7. `cap`: before an offer the value never exceeds 0.90 ([`OPEN_CAP`]): a
//!    finalist can still lose to an internal promotion or a cancelled
//!    position, the article's reasons. Listed only when it binds.
//!
//! Each factor reports its `multiplier` (none for the base and the cap) and
//! its `effect`: the signed change it made to the running value, in the order
//! above, rounded to 2 decimals. The base's effect is the base itself, so the
//! effects add up to the value, give or take rounding. Factors with no effect
//! (×1) are still listed, so the seeker sees what was considered.
//!
//! Every multiplier is positive and monotonic in its input, so the value
//! never rises with more competitors, a broken promise, more unanswered
//! follow-ups or more silence, and never falls with a higher fit (the tests
//! check these as properties).
//!
//! Worked example, Jane on Mon 18 Jan 2010: `final`, count unknown (0.40), no
//! internal candidate known, no profile, the promised call broken (×0.80),
//! one follow-up unanswered (free), 32 days since the last meeting (×0.60):
//! 0.40 × 0.80 × 0.60 = 0.192 → **0.19**. A week earlier, at 25 days (×0.85),
//! it was 0.272 → 0.27.
//!
//! ## What would raise it
//!
//! [`improve`] lists, for `screening`, `interviewing` and `final`: the open
//! process questions (where are you in the process; how do I compare to your
//! ideal candidate; how many other candidates), entering the profile when the
//! comparison question was answered but no criteria are recorded, closing the
//! largest gap in the influence letter (with the fit and standing it would
//! give), and getting a reply when silence costs standing.
//!
//! # Comparison rows
//!
//! [`comparison_row`] builds one row per opportunity; [`sort_rows`] sorts rows
//! by any [`SortColumn`]. The yearly total is base + bonus, only when both are
//! in the same currency; totals in different currencies are never ranked
//! against each other: sorting by `yearly_total` groups rows by currency
//! (alphabetically) and sorts within each group, and says so in a note.

mod fit;
mod improve;
mod offer;
mod standing;
mod table;

pub use fit::{
    Criterion, CriterionError, CriterionField, FitReport, RatedBy, SCALE_MAX, STRENGTH_MIN_RATING,
    STRENGTHS_MAX, ScoredCriterion, assess_fit, validate_criteria,
};
pub use improve::{ImproveAction, Improvement, ProcessAnswers, improve};
pub use offer::{Currency, CurrencyError, Money, NoYearlyTotal, OfferTerms, yearly_total};
pub use standing::{
    BROKEN_PROMISE_MULTIPLIER, Competition, Factor, FactorName, FitSignal, GHOSTED_STANDING,
    INTERNAL_CANDIDATE_MULTIPLIER, MissingInput, NEUTRAL_FIT, OPEN_CAP, Standing, StandingInput,
    UNANSWERED_FOLLOW_UP_MULTIPLIER, silence_multiplier, stage_prior, standing, whole_days_between,
};
pub use table::{ComparisonRow, RowInput, SortColumn, SortOrder, comparison_row, sort_rows};

/// Rounds to 2 decimals, never returning `-0.0`.
pub(crate) fn round2(x: f64) -> f64 {
    let rounded = (x * 100.0).round() / 100.0;
    if rounded == 0.0 { 0.0 } else { rounded }
}

#[cfg(test)]
mod tests;
