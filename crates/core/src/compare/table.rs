//! The comparison table: one row per opportunity, sorted by any column.

use std::cmp::Ordering;

use serde::{Deserialize, Serialize};

use super::{
    FitSignal, Money, NoYearlyTotal, OfferTerms, Standing, StandingInput, round2, standing,
    yearly_total,
};
use crate::stage::Stage;
use crate::wire::wire_enum;

/// What one comparison row is built from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RowInput {
    /// The opportunity's id.
    pub opportunity_id: String,
    /// The standing inputs (stage, competition, fit, promises, silence).
    pub standing: StandingInput,
    /// The seeker's excitement about the job, 1–5.
    #[serde(default)]
    pub excitement: Option<u8>,
    /// Compensation and offer terms.
    #[serde(default)]
    pub offer: OfferTerms,
}

/// One row of the side-by-side comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComparisonRow {
    /// The opportunity's id.
    pub opportunity_id: String,
    /// Its stage.
    pub stage: Stage,
    /// Fit, 0–1 rounded to 2 decimals; `None` without a profile.
    pub fit: Option<f64>,
    /// Other candidates, when known.
    pub competitors: Option<u32>,
    /// Whether an internal candidate competes, when known.
    pub internal_candidate: Option<bool>,
    /// The standing with its factors.
    pub standing: Standing,
    /// Whole days since the employer was last heard from; `None` when never.
    pub days_since_inbound: Option<u32>,
    /// Promises the employer broke.
    pub promises_broken: u32,
    /// The seeker's excitement, 1–5.
    pub excitement: Option<u8>,
    /// Compensation and offer terms, with the deadline.
    pub offer: OfferTerms,
    /// Base + bonus when the terms allow it (same currency).
    pub yearly_total: Option<Money>,
    /// Why a value is missing (e.g. why there is no yearly total).
    pub notes: Vec<String>,
}

impl AsRef<Self> for ComparisonRow {
    fn as_ref(&self) -> &Self {
        self
    }
}

/// Builds the row: the standing, the rounded fit and the yearly total (with a
/// note when offer terms exist but give none).
pub fn comparison_row(input: &RowInput) -> ComparisonRow {
    let inputs = &input.standing;
    let mut notes = Vec::new();
    let yearly = match yearly_total(&input.offer) {
        Ok(total) => Some(total),
        Err(NoYearlyTotal::NoBase) if input.offer.bonus.is_none() => None,
        Err(why) => {
            notes.push(why.to_string());
            None
        }
    };
    ComparisonRow {
        opportunity_id: input.opportunity_id.clone(),
        stage: inputs.stage,
        fit: inputs
            .fit
            .and_then(FitSignal::sanitized)
            .map(|fit| round2(fit.value)),
        competitors: inputs.competition.count,
        internal_candidate: inputs.competition.internal_candidate,
        standing: standing(inputs),
        days_since_inbound: inputs.days_since_inbound,
        promises_broken: inputs.promises_broken,
        excitement: input.excitement,
        offer: input.offer.clone(),
        yearly_total: yearly,
        notes,
    }
}

wire_enum! {
    /// A column the comparison table can be sorted by.
    pub enum SortColumn as "sort column" {
        /// Furthest along first when descending; closed stages always rank lowest.
        Stage => "stage",
        /// Fit.
        Fit => "fit",
        /// Known competitor count.
        Competitors => "competitors",
        /// Standing value.
        Standing => "standing",
        /// Days since the employer was last heard from.
        DaysSinceInbound => "days_since_inbound",
        /// Promises broken.
        PromisesBroken => "promises_broken",
        /// Offer deadline.
        Deadline => "deadline",
        /// Excitement.
        Excitement => "excitement",
        /// Yearly total, grouped by currency.
        YearlyTotal => "yearly_total",
    }
}

wire_enum! {
    /// Sort direction.
    pub enum SortOrder as "sort order" {
        /// Smallest first.
        Asc => "asc",
        /// Largest first.
        Desc => "desc",
    }
}

impl SortColumn {
    /// The natural direction: best first (highest standing, fit, excitement,
    /// total and stage; fewest competitors, broken promises and days of
    /// silence; soonest deadline).
    pub const fn default_order(self) -> SortOrder {
        match self {
            Self::Stage | Self::Fit | Self::Standing | Self::Excitement | Self::YearlyTotal => {
                SortOrder::Desc
            }
            Self::Competitors | Self::DaysSinceInbound | Self::PromisesBroken | Self::Deadline => {
                SortOrder::Asc
            }
        }
    }

    /// The column's name in notes.
    const fn label(self) -> &'static str {
        match self {
            Self::Stage => "a stage",
            Self::Fit => "a fit",
            Self::Competitors => "a competitor count",
            Self::Standing => "a standing",
            Self::DaysSinceInbound => "a reply from the employer yet",
            Self::PromisesBroken => "a promise count",
            Self::Deadline => "a deadline",
            Self::Excitement => "an excitement rating",
            Self::YearlyTotal => "a yearly total",
        }
    }
}

/// Rank of a stage for sorting: along the chain, with the closed stages
/// (`declined`, `rejected`, `withdrawn`, `ghosted`) below `prospect`.
const fn stage_rank(stage: Stage) -> u8 {
    match stage {
        Stage::Declined | Stage::Rejected | Stage::Withdrawn | Stage::Ghosted => 0,
        Stage::Prospect => 1,
        Stage::Applied => 2,
        Stage::Screening => 3,
        Stage::Interviewing => 4,
        Stage::Final => 5,
        Stage::Offer => 6,
        Stage::Accepted => 7,
    }
}

/// Sorts rows by `column` in `order`, and returns notes on what the order
/// does not say.
///
/// - Rows without a value in the column come last, whatever the order.
/// - Ties keep a fixed order: by `opportunity_id`.
/// - `yearly_total`: totals in different currencies are never ranked against
///   each other; rows are grouped by currency (alphabetically by code) and
///   sorted by amount within each group, and a note says so.
///
/// Generic over anything that holds a row, so a caller can sort its own row
/// type (one that adds the next action, say) by the core's columns.
pub fn sort_rows<T: AsRef<ComparisonRow>>(
    rows: &mut [T],
    column: SortColumn,
    order: SortOrder,
) -> Vec<String> {
    rows.sort_by(|a, b| {
        let (a, b) = (a.as_ref(), b.as_ref());
        compare_column(a, b, column, order).then_with(|| a.opportunity_id.cmp(&b.opportunity_id))
    });

    let mut notes = Vec::new();
    if column == SortColumn::YearlyTotal {
        let mut currencies: Vec<&str> = rows
            .iter()
            .filter_map(|row| row.as_ref().yearly_total.as_ref())
            .map(|total| total.currency.as_str())
            .collect();
        currencies.sort_unstable();
        currencies.dedup();
        if currencies.len() > 1 {
            notes.push(format!(
                "Yearly totals in {} are not ranked against each other: rows are grouped by currency, in that order, and sorted within each group.",
                list_phrase(&currencies)
            ));
        }
    }
    let without = rows
        .iter()
        .filter(|row| !has_value(row.as_ref(), column))
        .count();
    if without > 0 {
        let rows_phrase = if without == 1 {
            "1 row".to_owned()
        } else {
            format!("{without} rows")
        };
        let verb = if without == 1 { "is" } else { "are" };
        notes.push(format!(
            "{rows_phrase} without {} {verb} listed last.",
            column.label()
        ));
    }
    notes
}

fn list_phrase(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

fn has_value(row: &ComparisonRow, column: SortColumn) -> bool {
    match column {
        SortColumn::Stage | SortColumn::Standing | SortColumn::PromisesBroken => true,
        SortColumn::Fit => row.fit.is_some(),
        SortColumn::Competitors => row.competitors.is_some(),
        SortColumn::DaysSinceInbound => row.days_since_inbound.is_some(),
        SortColumn::Deadline => row.offer.deadline.is_some(),
        SortColumn::Excitement => row.excitement.is_some(),
        SortColumn::YearlyTotal => row.yearly_total.is_some(),
    }
}

fn compare_column(
    a: &ComparisonRow,
    b: &ComparisonRow,
    column: SortColumn,
    order: SortOrder,
) -> Ordering {
    let directed = |ordering: Ordering| match order {
        SortOrder::Asc => ordering,
        SortOrder::Desc => ordering.reverse(),
    };
    match column {
        SortColumn::Stage => directed(stage_rank(a.stage).cmp(&stage_rank(b.stage))),
        SortColumn::Standing => directed(a.standing.value.total_cmp(&b.standing.value)),
        SortColumn::PromisesBroken => directed(a.promises_broken.cmp(&b.promises_broken)),
        SortColumn::Fit => present_first(a.fit, b.fit, |x, y| directed(x.total_cmp(&y))),
        SortColumn::Competitors => {
            present_first(a.competitors, b.competitors, |x, y| directed(x.cmp(&y)))
        }
        SortColumn::DaysSinceInbound => {
            present_first(a.days_since_inbound, b.days_since_inbound, |x, y| {
                directed(x.cmp(&y))
            })
        }
        SortColumn::Deadline => present_first(a.offer.deadline, b.offer.deadline, |x, y| {
            directed(x.cmp(&y))
        }),
        SortColumn::Excitement => {
            present_first(a.excitement, b.excitement, |x, y| directed(x.cmp(&y)))
        }
        SortColumn::YearlyTotal => {
            present_first(a.yearly_total.as_ref(), b.yearly_total.as_ref(), |x, y| {
                x.currency
                    .cmp(&y.currency)
                    .then_with(|| directed(x.amount.cmp(&y.amount)))
            })
        }
    }
}

/// Orders present values by `cmp` and puts absent ones after them.
fn present_first<V>(a: Option<V>, b: Option<V>, cmp: impl Fn(V, V) -> Ordering) -> Ordering {
    match (a, b) {
        (Some(x), Some(y)) => cmp(x, y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}
