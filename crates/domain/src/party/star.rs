//! Star-rated branches (星级党支部, seeds 003 and 004): each year a branch is rated on a
//! sheet of criteria; the branch files evidence for each criterion, the committee scores
//! them, and the total earns a number of stars. Regions use three or five levels, so the
//! levels are configuration: a community picks a scale and may move its thresholds.

use super::work::Criterion;

/// The criteria of the yearly rating and the most each gives (100 in all).
pub const STAR_CRITERIA: [(&str, u32); 6] = [
    // 班子建设: the committee elected on time, the double-leader secretary.
    ("leadership", 20),
    // 组织生活: 三会一课 and theme days held as the schedule asks.
    ("org_life", 20),
    // 党员教育管理: study, points, dues and development.
    ("member_management", 15),
    // 党建与业务融合: party work that moves the clinical work.
    ("integration", 20),
    // 服务群众: outreach, volunteer service, pairing.
    ("service", 15),
    // 制度落实: records kept, rules followed.
    ("rules", 10),
];

/// The sheet as the engine's criteria.
pub fn star_sheet() -> Vec<Criterion> {
    STAR_CRITERIA
        .iter()
        .map(|(code, max)| Criterion {
            code: (*code).to_string(),
            max: *max,
        })
        .collect()
}

/// The thresholds of a three-level scale and of a five-level one, ascending.
pub const THREE_LEVELS: [u32; 3] = [70, 80, 90];
pub const FIVE_LEVELS: [u32; 5] = [60, 70, 80, 90, 95];

/// Why a scale is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScaleProblem {
    /// Not three or five levels.
    Levels,
    /// A threshold not above the one before it, or above 100.
    Order,
}

impl ScaleProblem {
    pub fn code(self) -> &'static str {
        match self {
            ScaleProblem::Levels => "star_levels",
            ScaleProblem::Order => "star_thresholds",
        }
    }
}

/// Reads a scale typed as thresholds separated by commas (`70,80,90`): three or five,
/// strictly rising, each at most 100.
pub fn parse_scale(text: &str) -> Result<Vec<u32>, ScaleProblem> {
    let parts: Vec<&str> = text
        .split([',', '，', ' '])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    let mut out = Vec::with_capacity(parts.len());
    for p in parts {
        out.push(p.parse::<u32>().map_err(|_| ScaleProblem::Order)?);
    }
    if out.len() != 3 && out.len() != 5 {
        return Err(ScaleProblem::Levels);
    }
    if out.windows(2).any(|w| w[0] >= w[1]) || out.iter().any(|t| *t > 100) {
        return Err(ScaleProblem::Order);
    }
    Ok(out)
}

/// A scale as text (`70,80,90`).
pub fn scale_text(thresholds: &[u32]) -> String {
    thresholds
        .iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::party::work::{stars, total};

    #[test]
    fn the_sheet_adds_up_to_a_hundred() {
        let sum: u32 = STAR_CRITERIA.iter().map(|c| c.1).sum();
        assert_eq!(sum, 100);
    }

    #[test]
    fn a_rating_earns_stars_on_the_scale_in_force() {
        let scores: Vec<(String, u32)> = [
            ("leadership", 18),
            ("org_life", 17),
            ("member_management", 13),
            ("integration", 16),
            ("service", 12),
            ("rules", 9),
        ]
        .iter()
        .map(|(c, n)| (c.to_string(), *n))
        .collect();
        // 18 + 17 + 13 + 16 + 12 + 9 = 85.
        let t = total(&star_sheet(), &scores).expect("scored");
        assert_eq!(t, 85);
        assert_eq!(stars(t, &THREE_LEVELS), 2, "70 and 80 reached, not 90");
        assert_eq!(stars(t, &FIVE_LEVELS), 3, "60, 70 and 80 reached");
    }

    #[test]
    fn a_scale_has_three_or_five_rising_thresholds() {
        assert_eq!(parse_scale("70, 80, 90"), Ok(vec![70, 80, 90]));
        assert_eq!(parse_scale("60，70，80，90，95"), Ok(FIVE_LEVELS.to_vec()));
        assert_eq!(parse_scale("70,80"), Err(ScaleProblem::Levels));
        assert_eq!(parse_scale("70,80,80"), Err(ScaleProblem::Order));
        assert_eq!(parse_scale("70,80,101"), Err(ScaleProblem::Order));
        assert_eq!(parse_scale("七十,80,90"), Err(ScaleProblem::Order));
        assert_eq!(scale_text(&THREE_LEVELS), "70,80,90");
    }
}
