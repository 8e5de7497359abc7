//! Offer terms: currencies, amounts and the yearly total.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// An ISO 4217 currency code: three upper-case ASCII letters, as the
/// standard writes them (`USD`, `EUR`). The one rule for every currency the
/// service takes: the API refuses anything else with a 422 on the field.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Currency(String);

/// A currency code that is not three upper-case letters.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("`{0}` is not an ISO 4217 code; expected three upper-case letters such as USD or EUR")]
pub struct CurrencyError(pub String);

impl Currency {
    /// Parses a three-letter upper-case code (`USD`; `usd` is refused).
    pub fn parse(code: &str) -> Result<Self, CurrencyError> {
        if code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase()) {
            Ok(Self(code.to_owned()))
        } else {
            Err(CurrencyError(code.to_owned()))
        }
    }

    /// The upper-case code.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Currency {
    type Error = CurrencyError;

    fn try_from(code: String) -> Result<Self, Self::Error> {
        Self::parse(&code)
    }
}

impl From<Currency> for String {
    fn from(currency: Currency) -> Self {
        currency.0
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An amount in whole units of a currency.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Money {
    /// Whole units.
    pub amount: u64,
    /// ISO 4217 code.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub currency: Currency,
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.amount, self.currency)
    }
}

/// Compensation and offer terms of an opportunity (posted or offered).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfferTerms {
    /// Yearly base salary, whole units of `currency`.
    #[serde(default)]
    pub base: Option<u64>,
    /// Yearly (target) bonus, whole units of `bonus_currency`, else of `currency`.
    #[serde(default)]
    pub bonus: Option<u64>,
    /// Currency of the base (and of the bonus unless `bonus_currency` says otherwise).
    #[serde(default)]
    pub currency: Option<Currency>,
    /// Currency of the bonus when it differs from the base's.
    #[serde(default)]
    pub bonus_currency: Option<Currency>,
    /// Equity, as the employer described it; never converted to money.
    #[serde(default)]
    pub equity: Option<String>,
    /// Date by which the offer must be answered.
    #[serde(default)]
    pub deadline: Option<NaiveDate>,
}

/// Why the terms give no yearly total.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum NoYearlyTotal {
    /// No base salary.
    #[error("no yearly total: no base salary given")]
    NoBase,
    /// A base without a currency.
    #[error("no yearly total: the currency is not given")]
    NoCurrency,
    /// Base and bonus in different currencies, which are never summed.
    #[error("no yearly total: the base in {base} and the bonus in {bonus} are not added up")]
    MixedCurrencies {
        /// The base's currency.
        base: Currency,
        /// The bonus's currency.
        bonus: Currency,
    },
    /// The sum does not fit in 64 bits.
    #[error("no yearly total: the amounts are too large")]
    TooLarge,
}

/// Base + bonus (a missing bonus counts as none), only when both are in the
/// same currency; equity is never included.
pub fn yearly_total(terms: &OfferTerms) -> Result<Money, NoYearlyTotal> {
    let base = terms.base.ok_or(NoYearlyTotal::NoBase)?;
    let currency = terms.currency.clone().ok_or(NoYearlyTotal::NoCurrency)?;
    let bonus = terms.bonus.unwrap_or(0);
    if let Some(bonus_currency) = &terms.bonus_currency
        && terms.bonus.is_some()
        && *bonus_currency != currency
    {
        return Err(NoYearlyTotal::MixedCurrencies {
            base: currency,
            bonus: bonus_currency.clone(),
        });
    }
    let amount = base.checked_add(bonus).ok_or(NoYearlyTotal::TooLarge)?;
    Ok(Money { amount, currency })
}
