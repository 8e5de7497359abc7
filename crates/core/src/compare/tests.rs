use chrono::{DateTime, NaiveDate, Utc};
use proptest::prelude::*;

use super::*;
use crate::stage::Stage;

fn criterion(name: &str, weight: u8, self_rating: u8, interviewer: Option<u8>) -> Criterion {
    Criterion {
        name: name.to_owned(),
        weight,
        self_rating,
        interviewer_rating: interviewer,
        evidence: None,
    }
}

/// Seven criteria; the rating that counts is the interviewer's when given.
///
/// | name          | w | self | int | r | w·r | w·(5−r) |
/// |---------------|---|------|-----|---|-----|---------|
/// | SQL           | 4 | 3    | 2   | 2 | 8   | 12      |
/// | Leadership    | 5 | 4    | –   | 4 | 20  | 5       |
/// | Product sense | 3 | 3    | 5   | 5 | 15  | 0       |
/// | Analytics     | 2 | 2    | –   | 2 | 4   | 6       |
/// | Budgeting     | 2 | 2    | –   | 2 | 4   | 6       |
/// | Communication | 3 | 5    | 4   | 4 | 12  | 3       |
/// | Writing       | 1 | 5    | –   | 5 | 5   | 0       |
///
/// Σw = 20, Σw·5 = 100, Σw·r = 68 → fit 0.68. Interviewer-rated weight:
/// 4 + 3 + 3 = 10 of 20 → 0.50.
fn profile() -> Vec<Criterion> {
    vec![
        criterion("SQL", 4, 3, Some(2)),
        criterion("Leadership", 5, 4, None),
        criterion("Product sense", 3, 3, Some(5)),
        criterion("Analytics", 2, 2, None),
        criterion("Budgeting", 2, 2, None),
        criterion("Communication", 3, 5, Some(4)),
        criterion("Writing", 1, 5, None),
    ]
}

fn names(scored: &[ScoredCriterion]) -> Vec<(&str, u32)> {
    scored.iter().map(|s| (s.name.as_str(), s.score)).collect()
}

#[test]
fn fit_gaps_and_strengths_by_hand() {
    let report = assess_fit(&profile()).unwrap();
    assert_eq!(report.points, 68);
    assert_eq!(report.max_points, 100);
    assert_eq!(report.fit, Some(0.68));
    assert_eq!(report.interviewer_share, Some(0.5));
    // Gaps by w·(5 − r): 12, 6, 6 (tie: Analytics before Budgeting), 5, 3;
    // the two criteria rated 5 have none.
    assert_eq!(
        names(&report.gaps),
        [
            ("SQL", 12),
            ("Analytics", 6),
            ("Budgeting", 6),
            ("Leadership", 5),
            ("Communication", 3)
        ]
    );
    // Strengths: rated ≥ 4, by w·r: 20, 15, 12 (Writing's 5 is the fourth, cut).
    assert_eq!(
        names(&report.strengths),
        [
            ("Leadership", 20),
            ("Product sense", 15),
            ("Communication", 12)
        ]
    );
    let sql = &report.gaps[0];
    assert_eq!(
        (sql.weight, sql.rating, sql.rated_by),
        (4, 2, RatedBy::Interviewer)
    );
    assert_eq!(report.strengths[0].rated_by, RatedBy::Seeker);

    let signal = report.signal().unwrap();
    assert!((signal.value - 0.68).abs() < 1e-12);
    assert!((signal.interviewer_share - 0.5).abs() < 1e-12);
}

#[test]
fn fit_rounds_to_two_decimals() {
    // 3·4 + 2·3 + 1·5 = 23 of (3 + 2 + 1)·5 = 30 → 0.7666… → 0.77.
    let report = assess_fit(&[
        criterion("a", 3, 4, None),
        criterion("b", 2, 3, None),
        criterion("c", 1, 5, None),
    ])
    .unwrap();
    assert_eq!((report.points, report.max_points), (23, 30));
    assert_eq!(report.fit, Some(0.77));
    assert_eq!(report.interviewer_share, Some(0.0));
}

#[test]
fn no_criteria_no_fit() {
    let report = assess_fit(&[]).unwrap();
    assert_eq!(report.fit, None);
    assert_eq!(report.interviewer_share, None);
    assert!(report.gaps.is_empty() && report.strengths.is_empty());
    assert_eq!(report.signal(), None);
}

#[test]
fn invalid_criteria_name_their_index_and_field() {
    let criteria = [
        criterion("SQL", 0, 3, None),
        criterion("  ", 3, 6, Some(9)),
        criterion(" sql ", 3, 3, None),
    ];
    let errors = validate_criteria(&criteria);
    let located: Vec<(usize, CriterionField)> =
        errors.iter().map(|e| (e.index(), e.field())).collect();
    assert_eq!(
        located,
        [
            (0, CriterionField::Weight),
            (1, CriterionField::Name),
            (1, CriterionField::SelfRating),
            (1, CriterionField::InterviewerRating),
            (2, CriterionField::Name),
        ]
    );
    assert_eq!(
        errors[0].to_string(),
        "criteria[0].weight: must be between 1 and 5, got 0"
    );
    assert_eq!(
        errors[3].to_string(),
        "criteria[1].interviewer_rating: must be between 0 and 5, got 9"
    );
    assert_eq!(
        errors[4].to_string(),
        "criteria[2].name: ` sql ` repeats criteria[0]"
    );
    assert_eq!(assess_fit(&criteria).unwrap_err(), errors[0]);
}

fn open(stage: Stage) -> StandingInput {
    StandingInput {
        stage,
        competition: Competition::default(),
        fit: None,
        promises_broken: 0,
        promise_pending: false,
        unanswered_follow_ups: 0,
        days_since_inbound: None,
    }
}

fn effects(standing: &Standing) -> Vec<(FactorName, f64)> {
    standing
        .factors
        .iter()
        .map(|f| (f.name, f.effect))
        .collect()
}

#[test]
fn jane_on_monday_11_january() {
    // `final`, count unknown: 0.40; promise broken: × 0.80 = 0.32; her
    // follow-up not sent yet; 25 days since 17 Dec: × 0.85 = 0.272 → 0.27.
    let input = StandingInput {
        promises_broken: 1,
        days_since_inbound: Some(25),
        ..open(Stage::Final)
    };
    let standing = standing(&input);
    assert_eq!(standing.value, 0.27);
    assert_eq!(
        effects(&standing),
        [
            (FactorName::Stage, 0.40),
            (FactorName::BrokenPromises, -0.08),
            (FactorName::UnansweredFollowUps, 0.0),
            (FactorName::Silence, -0.05),
        ]
    );
    assert_eq!(
        standing.missing,
        [
            MissingInput::CompetitorCount,
            MissingInput::InternalCandidate,
            MissingInput::Fit
        ]
    );
    assert_eq!(
        standing.factors[0].detail,
        "At `final` with the competitor count unknown, the prior is 0.40 (published hiring funnels)."
    );
    assert_eq!(
        standing.factors[3].detail,
        "25 days since the employer was last heard from: ×0.85."
    );
}

#[test]
fn jane_a_week_later_and_while_the_promise_was_pending() {
    // 18 Jan: one follow-up unanswered (free), 32 days: 0.40 × 0.80 × 0.60 = 0.192.
    let later = StandingInput {
        promises_broken: 1,
        unanswered_follow_ups: 1,
        days_since_inbound: Some(32),
        ..open(Stage::Final)
    };
    assert_eq!(standing(&later).value, 0.19);
    // 4 Jan: 18 days of silence, but the call was promised for after New Year's.
    let waiting = StandingInput {
        promise_pending: true,
        days_since_inbound: Some(18),
        ..open(Stage::Final)
    };
    let standing = standing(&waiting);
    assert_eq!(standing.value, 0.40);
    assert_eq!(standing.factors[3].multiplier, Some(1.0));
}

#[test]
fn known_field_internal_candidate_and_interviewer_fit() {
    // 2 others: 1/3; internal: × 0.70 = 0.2333; fit 0.80 all by the
    // interviewer: × (1 + 0.20 × 1) = 1.20 → 0.28; nothing else.
    let input = StandingInput {
        competition: Competition {
            count: Some(2),
            internal_candidate: Some(true),
        },
        fit: Some(FitSignal {
            value: 0.8,
            interviewer_share: 1.0,
        }),
        days_since_inbound: Some(3),
        ..open(Stage::Interviewing)
    };
    let standing = standing(&input);
    assert_eq!(standing.value, 0.28);
    assert_eq!(
        effects(&standing),
        [
            (FactorName::Competitors, 0.33),
            (FactorName::InternalCandidate, -0.10),
            (FactorName::Fit, 0.05),
            (FactorName::BrokenPromises, 0.0),
            (FactorName::UnansweredFollowUps, 0.0),
            (FactorName::Silence, 0.0),
        ]
    );
    assert!(standing.missing.is_empty());
    assert_eq!(standing.factors[2].multiplier, Some(1.2));
    assert_eq!(
        standing.factors[0].detail,
        "2 other candidates: 1 of 3, in place of the stage prior."
    );
}

#[test]
fn self_rated_fit_counts_half_and_lists_interviewer_ratings_as_missing() {
    // fit 1.0 on self ratings: × (1 + 0.40 × 0.5) = 1.20; 0.25 × 1.2 = 0.30.
    let input = StandingInput {
        fit: Some(FitSignal {
            value: 1.0,
            interviewer_share: 0.0,
        }),
        days_since_inbound: Some(0),
        ..open(Stage::Interviewing)
    };
    let standing = standing(&input);
    assert_eq!(standing.value, 0.30);
    assert!(standing.missing.contains(&MissingInput::InterviewerRatings));
}

#[test]
fn sole_candidate_is_capped_before_the_offer() {
    let input = StandingInput {
        competition: Competition {
            count: Some(0),
            internal_candidate: Some(false),
        },
        fit: Some(FitSignal {
            value: 1.0,
            interviewer_share: 1.0,
        }),
        days_since_inbound: Some(1),
        ..open(Stage::Final)
    };
    let standing = standing(&input);
    assert_eq!(standing.value, 0.90);
    let cap = standing.factors.last().unwrap();
    // 1.0 × 1.4 = 1.4 → 0.9.
    assert_eq!(
        (cap.name, cap.effect, cap.multiplier),
        (FactorName::Cap, -0.5, None)
    );
}

#[test]
fn closed_stages_and_offers_have_fixed_values() {
    for (stage, value) in [
        (Stage::Offer, 1.0),
        (Stage::Accepted, 1.0),
        (Stage::Declined, 0.0),
        (Stage::Rejected, 0.0),
        (Stage::Withdrawn, 0.0),
        (Stage::Ghosted, 0.05),
    ] {
        let input = StandingInput {
            promises_broken: 3,
            days_since_inbound: Some(90),
            ..open(stage)
        };
        let standing = standing(&input);
        assert_eq!(standing.value, value, "{stage}");
        assert_eq!(standing.factors.len(), 1, "{stage}");
        assert_eq!(standing.factors[0].name, FactorName::Stage);
        assert!(standing.missing.is_empty());
    }
}

#[test]
fn priors_rise_along_the_chain() {
    let priors: Vec<f64> = [
        Stage::Prospect,
        Stage::Applied,
        Stage::Screening,
        Stage::Interviewing,
        Stage::Final,
    ]
    .into_iter()
    .map(|stage| standing(&open(stage)).value)
    .collect();
    assert_eq!(priors, [0.01, 0.03, 0.10, 0.25, 0.40]);
}

#[test]
fn standing_serializes_with_its_factors() {
    let input = StandingInput {
        promises_broken: 1,
        days_since_inbound: Some(25),
        ..open(Stage::Final)
    };
    let json = serde_json::to_value(standing(&input)).unwrap();
    assert_eq!(json["value"], 0.27);
    assert_eq!(json["factors"][1]["name"], "broken_promises");
    assert_eq!(json["factors"][1]["effect"], -0.08);
    assert_eq!(json["factors"][1]["multiplier"], 0.8);
    assert_eq!(json["factors"][0]["multiplier"], serde_json::Value::Null);
    assert_eq!(
        json["missing"],
        serde_json::json!(["competitor_count", "internal_candidate", "fit"])
    );
}

fn stage_strategy() -> impl Strategy<Value = Stage> {
    prop::sample::select(Stage::ALL.to_vec())
}

prop_compose! {
    fn any_input()(
        stage in stage_strategy(),
        count in prop::option::of(0u32..60),
        internal in prop::option::of(any::<bool>()),
        fit in prop::option::of((0.0f64..=1.0, 0.0f64..=1.0)),
        promises_broken in 0u32..6,
        promise_pending in any::<bool>(),
        unanswered_follow_ups in 0u32..10,
        days in prop::option::of(0u32..400),
    ) -> StandingInput {
        StandingInput {
            stage,
            competition: Competition { count, internal_candidate: internal },
            fit: fit.map(|(value, interviewer_share)| FitSignal { value, interviewer_share }),
            promises_broken,
            promise_pending,
            unanswered_follow_ups,
            days_since_inbound: days,
        }
    }
}

proptest! {
    #[test]
    fn more_competitors_never_raise_it(input in any_input(), n in 0u32..60, more in 1u32..60) {
        let fewer = StandingInput { competition: Competition { count: Some(n), ..input.competition }, ..input };
        let crowded = StandingInput { competition: Competition { count: Some(n + more), ..input.competition }, ..input };
        prop_assert!(standing(&crowded).value <= standing(&fewer).value);
    }

    #[test]
    fn a_broken_promise_never_raises_it(input in any_input()) {
        let broken = StandingInput { promises_broken: input.promises_broken + 1, ..input };
        prop_assert!(standing(&broken).value <= standing(&input).value);
    }

    #[test]
    fn more_silence_never_raises_it(input in any_input(), days in 0u32..400, more in 1u32..400) {
        let recent = StandingInput { days_since_inbound: Some(days), ..input };
        let silent = StandingInput { days_since_inbound: Some(days + more), ..input };
        prop_assert!(standing(&silent).value <= standing(&recent).value);
    }

    #[test]
    fn another_unanswered_follow_up_never_raises_it(input in any_input()) {
        let more = StandingInput { unanswered_follow_ups: input.unanswered_follow_ups + 1, ..input };
        prop_assert!(standing(&more).value <= standing(&input).value);
    }

    #[test]
    fn an_internal_candidate_never_raises_it(input in any_input()) {
        let with = StandingInput { competition: Competition { internal_candidate: Some(true), ..input.competition }, ..input };
        let without = StandingInput { competition: Competition { internal_candidate: Some(false), ..input.competition }, ..input };
        prop_assert!(standing(&with).value <= standing(&without).value);
    }

    #[test]
    fn higher_fit_never_lowers_it(
        input in any_input(),
        low in 0.0f64..=1.0,
        extra in 0.0f64..=1.0,
        share in 0.0f64..=1.0,
    ) {
        let high = (low + extra).min(1.0);
        let at = |value| StandingInput { fit: Some(FitSignal { value, interviewer_share: share }), ..input };
        prop_assert!(standing(&at(high)).value >= standing(&at(low)).value);
    }

    #[test]
    fn value_is_a_rounded_share_explained_by_its_factors(input in any_input()) {
        let standing = standing(&input);
        prop_assert!((0.0..=1.0).contains(&standing.value));
        prop_assert!(((standing.value * 100.0).round() - standing.value * 100.0).abs() < 1e-9);
        prop_assert!(!standing.factors.is_empty());
        // Each effect is rounded to 0.005 at most, the value too.
        let sum: f64 = standing.factors.iter().map(|f| f.effect).sum();
        let slack = 0.005 * (standing.factors.len() as f64 + 1.0) + 1e-9;
        prop_assert!((sum - standing.value).abs() <= slack, "{sum} vs {}", standing.value);
        if input.stage.is_open() && input.stage != Stage::Offer {
            prop_assert!(standing.value <= OPEN_CAP);
        }
    }
}

#[test]
fn improve_asks_open_questions_then_the_gap_then_a_reply() {
    let report = assess_fit(&profile()).unwrap();
    // 0.40 × (1 + 0.08 × 0.75 = 1.06) × 0.90 (2 unanswered) × 0.85 (10 days)
    // = 0.3244 → 0.32.
    let input = StandingInput {
        fit: report.signal(),
        unanswered_follow_ups: 2,
        days_since_inbound: Some(10),
        ..open(Stage::Final)
    };
    assert_eq!(standing(&input).value, 0.32);
    let answered = ProcessAnswers {
        where_in_process: true,
        ..ProcessAnswers::default()
    };
    let steps = improve(&input, Some(&report), answered);
    let actions: Vec<ImproveAction> = steps.iter().map(|s| s.action).collect();
    // The comparison question counts as answered: the interviewer rated half.
    assert_eq!(
        actions,
        [
            ImproveAction::AskQuestion,
            ImproveAction::CloseGap,
            ImproveAction::GetAReply
        ]
    );
    assert!(
        steps[0]
            .detail
            .starts_with("Ask \"How many other candidates")
    );
    // Closing SQL (12 points): fit 80/100 = 0.80, × (1 + 0.20 × 0.75) = 1.15:
    // 0.40 × 1.15 × 0.90 × 0.85 = 0.3519 → 0.35.
    assert_eq!(
        steps[1].detail,
        "Show in your influence letter how you would cover \"SQL\" in your first six months: \
         it weighs 4 and is rated 2 of 5, the largest gap (12 points). Closing it would lift \
         fit from 0.68 to 0.80 and standing from 0.32 to 0.35."
    );
    // A reply: no silence, no unanswered follow-ups: 0.40 × 1.06 = 0.424 → 0.42.
    assert!(
        steps[2].detail.contains("from 0.32 to 0.42"),
        "{}",
        steps[2].detail
    );
}

#[test]
fn improve_without_a_profile_asks_everything() {
    let input = StandingInput {
        days_since_inbound: Some(2),
        ..open(Stage::Interviewing)
    };
    let steps = improve(&input, None, ProcessAnswers::default());
    assert_eq!(steps.len(), 3);
    assert!(steps.iter().all(|s| s.action == ImproveAction::AskQuestion));
    assert!(
        steps[1]
            .detail
            .contains("How do I compare to your ideal candidate?")
    );

    let answered = ProcessAnswers {
        where_in_process: true,
        compare_to_ideal: true,
        other_candidates: true,
    };
    let steps = improve(&input, None, answered);
    assert_eq!(
        steps.iter().map(|s| s.action).collect::<Vec<_>>(),
        [ImproveAction::RecordProfile]
    );
}

#[test]
fn improve_is_empty_outside_the_interview_stages() {
    for stage in [
        Stage::Applied,
        Stage::Offer,
        Stage::Rejected,
        Stage::Ghosted,
    ] {
        assert!(improve(&open(stage), None, ProcessAnswers::default()).is_empty());
    }
}

fn currency(code: &str) -> Currency {
    Currency::parse(code).unwrap()
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

#[test]
fn yearly_totals() {
    let usd = OfferTerms {
        base: Some(120_000),
        bonus: Some(10_000),
        currency: Some(currency("USD")),
        ..OfferTerms::default()
    };
    assert_eq!(
        yearly_total(&usd),
        Ok(Money {
            amount: 130_000,
            currency: currency("USD")
        })
    );
    let no_bonus = OfferTerms {
        bonus: None,
        ..usd.clone()
    };
    assert_eq!(yearly_total(&no_bonus).unwrap().amount, 120_000);
    let same = OfferTerms {
        bonus_currency: Some(currency("USD")),
        ..usd.clone()
    };
    assert_eq!(yearly_total(&same).unwrap().amount, 130_000);
    let mixed = OfferTerms {
        bonus_currency: Some(currency("EUR")),
        ..usd.clone()
    };
    assert_eq!(
        yearly_total(&mixed).unwrap_err().to_string(),
        "no yearly total: the base in USD and the bonus in EUR are not added up"
    );
    let no_currency = OfferTerms {
        currency: None,
        ..usd.clone()
    };
    assert_eq!(yearly_total(&no_currency), Err(NoYearlyTotal::NoCurrency));
    assert_eq!(
        yearly_total(&OfferTerms::default()),
        Err(NoYearlyTotal::NoBase)
    );
    let huge = OfferTerms {
        base: Some(u64::MAX),
        ..usd
    };
    assert_eq!(yearly_total(&huge), Err(NoYearlyTotal::TooLarge));
}

#[test]
fn currency_codes() {
    assert_eq!(currency("EUR").as_str(), "EUR");
    assert!(
        Currency::parse("eur").is_err(),
        "the code is written upper-case"
    );
    assert!(Currency::parse("EURO").is_err());
    assert!(Currency::parse("U$D").is_err());
    assert!(serde_json::from_str::<Currency>("\"12a\"").is_err());
    assert_eq!(serde_json::to_string(&currency("CHF")).unwrap(), "\"CHF\"");
}

/// Two finals, an offer with a deadline, one interviewing.
///
/// | id    | stage        | standing                                        |
/// |-------|--------------|-------------------------------------------------|
/// | opp-a | final        | 1/3 × 1 (no internal) × 1.20 (fit 0.80) = 0.40   |
/// | opp-b | final        | 0.40 × 1.00 (fit 0.60) × 0.80 × 0.85 = 0.27      |
/// | opp-c | offer        | 1.00                                            |
/// | opp-d | interviewing | 0.25                                            |
fn fixture() -> Vec<ComparisonRow> {
    let a = RowInput {
        opportunity_id: "opp-a".to_owned(),
        standing: StandingInput {
            competition: Competition {
                count: Some(2),
                internal_candidate: Some(false),
            },
            fit: Some(FitSignal {
                value: 0.8,
                interviewer_share: 1.0,
            }),
            days_since_inbound: Some(5),
            ..open(Stage::Final)
        },
        excitement: Some(4),
        offer: OfferTerms {
            base: Some(110_000),
            bonus: Some(5_000),
            currency: Some(currency("USD")),
            bonus_currency: Some(currency("EUR")),
            ..OfferTerms::default()
        },
    };
    let b = RowInput {
        opportunity_id: "opp-b".to_owned(),
        standing: StandingInput {
            fit: Some(FitSignal {
                value: 0.6,
                interviewer_share: 0.0,
            }),
            promises_broken: 1,
            unanswered_follow_ups: 1,
            days_since_inbound: Some(20),
            ..open(Stage::Final)
        },
        excitement: Some(5),
        offer: OfferTerms::default(),
    };
    let c = RowInput {
        opportunity_id: "opp-c".to_owned(),
        standing: StandingInput {
            days_since_inbound: Some(2),
            ..open(Stage::Offer)
        },
        excitement: Some(3),
        offer: OfferTerms {
            base: Some(120_000),
            bonus: Some(10_000),
            currency: Some(currency("USD")),
            equity: Some("0.1 % over four years".to_owned()),
            deadline: Some(date(2027, 5, 21)),
            ..OfferTerms::default()
        },
    };
    let d = RowInput {
        opportunity_id: "opp-d".to_owned(),
        standing: StandingInput {
            days_since_inbound: Some(3),
            ..open(Stage::Interviewing)
        },
        excitement: Some(2),
        offer: OfferTerms {
            base: Some(95_000),
            currency: Some(currency("EUR")),
            ..OfferTerms::default()
        },
    };
    // Given out of order on purpose.
    [d, b, c, a].iter().map(comparison_row).collect()
}

fn order(rows: &[ComparisonRow]) -> Vec<&str> {
    rows.iter().map(|r| r.opportunity_id.as_str()).collect()
}

#[test]
fn fixture_rows() {
    let mut rows = fixture();
    sort_rows(&mut rows, SortColumn::Standing, SortOrder::Desc);
    let summary: Vec<_> = rows
        .iter()
        .map(|r| {
            (
                r.opportunity_id.as_str(),
                r.stage,
                r.fit,
                r.competitors,
                r.standing.value,
                r.days_since_inbound,
                r.promises_broken,
                r.yearly_total.as_ref().map(ToString::to_string),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (
                "opp-c",
                Stage::Offer,
                None,
                None,
                1.0,
                Some(2),
                0,
                Some("130000 USD".to_owned())
            ),
            (
                "opp-a",
                Stage::Final,
                Some(0.8),
                Some(2),
                0.40,
                Some(5),
                0,
                None
            ),
            (
                "opp-b",
                Stage::Final,
                Some(0.6),
                None,
                0.27,
                Some(20),
                1,
                None
            ),
            (
                "opp-d",
                Stage::Interviewing,
                None,
                None,
                0.25,
                Some(3),
                0,
                Some("95000 EUR".to_owned())
            ),
        ]
    );
    assert_eq!(
        rows[1].notes,
        ["no yearly total: the base in USD and the bonus in EUR are not added up"]
    );
    // No terms at all: nothing to explain.
    assert!(rows[2].notes.is_empty());
    assert_eq!(rows[0].offer.deadline, Some(date(2027, 5, 21)));
}

#[test]
fn fixture_sorted_by_every_column() {
    let cases = [
        (SortColumn::Stage, vec!["opp-c", "opp-a", "opp-b", "opp-d"]),
        (SortColumn::Fit, vec!["opp-a", "opp-b", "opp-c", "opp-d"]),
        (
            SortColumn::Competitors,
            vec!["opp-a", "opp-b", "opp-c", "opp-d"],
        ),
        (
            SortColumn::Standing,
            vec!["opp-c", "opp-a", "opp-b", "opp-d"],
        ),
        (
            SortColumn::DaysSinceInbound,
            vec!["opp-c", "opp-d", "opp-a", "opp-b"],
        ),
        (
            SortColumn::PromisesBroken,
            vec!["opp-a", "opp-c", "opp-d", "opp-b"],
        ),
        (
            SortColumn::Deadline,
            vec!["opp-c", "opp-a", "opp-b", "opp-d"],
        ),
        (
            SortColumn::Excitement,
            vec!["opp-b", "opp-a", "opp-c", "opp-d"],
        ),
        (
            SortColumn::YearlyTotal,
            vec!["opp-d", "opp-c", "opp-a", "opp-b"],
        ),
    ];
    assert_eq!(cases.len(), SortColumn::ALL.len());
    for (column, expected) in cases {
        let mut rows = fixture();
        sort_rows(&mut rows, column, column.default_order());
        assert_eq!(order(&rows), expected, "{column}");
    }
}

#[test]
fn missing_values_stay_last_in_both_directions() {
    let mut rows = fixture();
    let notes = sort_rows(&mut rows, SortColumn::Deadline, SortOrder::Desc);
    assert_eq!(order(&rows), ["opp-c", "opp-a", "opp-b", "opp-d"]);
    assert_eq!(notes, ["3 rows without a deadline are listed last."]);

    let notes = sort_rows(&mut rows, SortColumn::Fit, SortOrder::Asc);
    assert_eq!(order(&rows), ["opp-b", "opp-a", "opp-c", "opp-d"]);
    assert_eq!(notes, ["2 rows without a fit are listed last."]);

    let notes = sort_rows(&mut rows, SortColumn::Standing, SortOrder::Asc);
    assert_eq!(order(&rows), ["opp-d", "opp-b", "opp-a", "opp-c"]);
    assert!(notes.is_empty());
}

#[test]
fn totals_in_different_currencies_are_grouped_not_ranked() {
    let mut rows = fixture();
    let notes = sort_rows(&mut rows, SortColumn::YearlyTotal, SortOrder::Asc);
    // EUR before USD whatever the direction; within a currency by amount.
    assert_eq!(order(&rows), ["opp-d", "opp-c", "opp-a", "opp-b"]);
    assert_eq!(
        notes,
        [
            "Yearly totals in EUR and USD are not ranked against each other: rows are grouped by currency, in that order, and sorted within each group.",
            "2 rows without a yearly total are listed last.",
        ]
    );

    // Two USD totals are ranked against each other.
    let mut rows = fixture();
    rows[0].yearly_total = Some(Money {
        amount: 140_000,
        currency: currency("USD"),
    });
    assert_eq!(rows[0].opportunity_id, "opp-d");
    let notes = sort_rows(&mut rows, SortColumn::YearlyTotal, SortOrder::Desc);
    assert_eq!(order(&rows), ["opp-d", "opp-c", "opp-a", "opp-b"]);
    assert_eq!(notes, ["2 rows without a yearly total are listed last."]);
    let notes = sort_rows(&mut rows, SortColumn::YearlyTotal, SortOrder::Asc);
    assert_eq!(order(&rows), ["opp-c", "opp-d", "opp-a", "opp-b"]);
    assert_eq!(notes.len(), 1);
}

/// A caller's own row type, sorted by the core's columns.
#[derive(Debug)]
struct WithNextAction {
    row: ComparisonRow,
    next_action: &'static str,
}

impl AsRef<ComparisonRow> for WithNextAction {
    fn as_ref(&self) -> &ComparisonRow {
        &self.row
    }
}

#[test]
fn callers_sort_their_own_rows() {
    let mut rows: Vec<WithNextAction> = fixture()
        .into_iter()
        .map(|row| WithNextAction {
            row,
            next_action: "wait",
        })
        .collect();
    sort_rows(&mut rows, SortColumn::Excitement, SortOrder::Desc);
    let ids: Vec<&str> = rows.iter().map(|r| r.row.opportunity_id.as_str()).collect();
    assert_eq!(ids, ["opp-b", "opp-a", "opp-c", "opp-d"]);
    assert!(rows.iter().all(|r| r.next_action == "wait"));
}

#[test]
fn row_serializes_in_snake_case() {
    let rows = fixture();
    let json = serde_json::to_value(&rows[2]).unwrap();
    assert_eq!(json["opportunity_id"], "opp-c");
    assert_eq!(json["stage"], "offer");
    assert_eq!(json["offer"]["deadline"], "2027-05-21");
    assert_eq!(json["offer"]["currency"], "USD");
    assert_eq!(
        json["yearly_total"],
        serde_json::json!({"amount": 130000, "currency": "USD"})
    );
    assert_eq!(json["standing"]["value"], 1.0);
}

#[test]
fn whole_days_round_down_and_never_go_negative() {
    let at = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
    // Jane's last meeting, Thu 17 Dec 2009, to Mon 11 Jan 2010 09:00 New York.
    assert_eq!(
        whole_days_between(at("2009-12-17T20:00:00Z"), at("2010-01-11T14:00:00Z")),
        24
    );
    assert_eq!(
        whole_days_between(at("2009-12-17T14:00:00Z"), at("2010-01-11T14:00:00Z")),
        25
    );
    assert_eq!(
        whole_days_between(at("2010-01-12T00:00:00Z"), at("2010-01-11T00:00:00Z")),
        0
    );
}
