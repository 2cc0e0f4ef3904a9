//! A first-secretary site's fund (seed 001: 1,000,000 yuan a site): a budget and the
//! spending against it, exact in fen. A spending that would overspend is refused whole.

/// Why a spending is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FundProblem {
    /// Nothing or less than nothing.
    NotPositive,
    /// More than remains: the remaining amount, in fen.
    Overspent(i64),
}

impl FundProblem {
    pub fn code(self) -> &'static str {
        match self {
            FundProblem::NotPositive => "amount_not_positive",
            FundProblem::Overspent(_) => "fund_overspent",
        }
    }
}

/// A fund's standing, in fen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fund {
    pub budget_fen: i64,
    pub spent_fen: i64,
}

impl Fund {
    pub fn remaining_fen(&self) -> i64 {
        self.budget_fen - self.spent_fen
    }

    /// The fund after spending `amount_fen`, or why not.
    pub fn spend(self, amount_fen: i64) -> Result<Fund, FundProblem> {
        if amount_fen <= 0 {
            return Err(FundProblem::NotPositive);
        }
        if amount_fen > self.remaining_fen() {
            return Err(FundProblem::Overspent(self.remaining_fen()));
        }
        Ok(Fund {
            spent_fen: self.spent_fen + amount_fen,
            ..self
        })
    }
}

/// An amount in yuan as written (`12,345.6`, `0.05`) in fen, exactly; more than two
/// decimals, signs, or anything else is refused.
pub fn parse_yuan(text: &str) -> Option<i64> {
    let t: String = text.trim().chars().filter(|c| *c != ',').collect();
    let (whole, frac) = t.split_once('.').unwrap_or((&t, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !digits(whole) || !digits(frac) || frac.len() > 2 || whole.len() > 13 {
        return None;
    }
    let cents = format!("{frac:0<2}");
    Some(whole.parse::<i64>().ok()? * 100 + cents.parse::<i64>().ok()?)
}

/// Fen written as yuan: `1234567` → `12,345.67`.
pub fn yuan_text(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let (y, f) = (fen.unsigned_abs() / 100, fen.unsigned_abs() % 100);
    let digits = y.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{sign}{grouped}.{f:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spending_never_passes_the_budget_and_sums_exactly() {
        let fund = Fund {
            budget_fen: 100_000_000,
            spent_fen: 0,
        };
        // Ten spendings of 0.10 yuan: exactly 1 yuan, where floats drift.
        let mut f = fund;
        for _ in 0..10 {
            f = f.spend(10).expect("within budget");
        }
        assert_eq!(f.spent_fen, 100);
        let f = f.spend(99_999_900).expect("to the fen");
        assert_eq!(f.remaining_fen(), 0);
        assert_eq!(f.spend(1), Err(FundProblem::Overspent(0)));
        assert_eq!(fund.spend(0), Err(FundProblem::NotPositive));
        assert_eq!(fund.spend(-5), Err(FundProblem::NotPositive));
        assert_eq!(FundProblem::Overspent(0).code(), "fund_overspent");
    }

    #[test]
    fn yuan_are_read_and_written_exactly() {
        assert_eq!(parse_yuan("1,000,000"), Some(100_000_000));
        assert_eq!(parse_yuan("12345.6"), Some(1_234_560));
        assert_eq!(parse_yuan("0.05"), Some(5));
        for bad in ["", "-1", "1.234", "1e3", "abc", "1.2.3", ".5", "１２"] {
            assert_eq!(parse_yuan(bad), None, "{bad}");
        }
        assert_eq!(yuan_text(123_456_789), "1,234,567.89");
        assert_eq!(yuan_text(5), "0.05");
        assert_eq!(yuan_text(-250), "-2.50");
    }
}
