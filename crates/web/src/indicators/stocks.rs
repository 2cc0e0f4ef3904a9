//! The stocks of a year laid into a tally before a figure is computed: the residents of
//! each institution (the registry's count, an official figure where the office entered
//! one) and the physicians posted six months or more at each grassroots site. Both are
//! read from small tables on each view — a few hundred rows — and never stored as
//! tallies, because they change with the calendar (a posting reaches six months without
//! any write) as well as with writes.

use super::api::{Case, Scope};
use crate::http::error::ApiResult;
use crate::state::AppState;
use std::collections::HashMap;
use time::{Date, Month as CalMonth};
use uuid::Uuid;
use yigong_domain::clock::today;
use yigong_domain::indicators::formula::{Levels, Term, stock_month};
use yigong_domain::indicators::month::Span;
use yigong_domain::indicators::population::{Official, entries};
use yigong_domain::indicators::tally::{Measure, Tally};
use yigong_domain::outreach::posting::{self as rules, Direction, Posting};
use yigong_store::Page;
use yigong_store::institutions::Institution;
use yigong_store::outreach::PostingRow;

/// What the stocks are computed from.
pub struct StockRows {
    pub institutions: Vec<Institution>,
    /// Each institution's parent (a village clinic's township).
    pub parent_of: HashMap<Uuid, Uuid>,
    registry: HashMap<Uuid, i64>,
    official: Vec<Official>,
    /// Each official figure's source, by (institution, year).
    sources: HashMap<(Uuid, i32), String>,
    postings: Vec<PostingRow>,
}

fn year_days(first: i32, last: i32) -> Option<(Date, Date)> {
    Some((
        Date::from_calendar_date(first, CalMonth::January, 1).ok()?,
        Date::from_calendar_date(last, CalMonth::December, 31).ok()?,
    ))
}

/// Reads the rows the stocks of the years `first..=last` need.
pub async fn rows(state: &AppState, (first, last): (i32, i32)) -> ApiResult<StockRows> {
    let c = state.community.id;
    let populations = state.store.populations(c).await?;
    let postings = match year_days(first, last) {
        Some(days) => state.store.postings(c, days).await?,
        None => Vec::new(),
    };
    let institutions = state.store.list_institutions(c).await?;
    Ok(StockRows {
        parent_of: institutions
            .iter()
            .filter_map(|i| Some((i.id, i.parent_id?)))
            .collect(),
        institutions,
        registry: state.store.registry_counts(c).await?.into_iter().collect(),
        official: populations
            .iter()
            .map(|p| Official {
                institution: p.institution_id,
                year: p.year,
                residents: p.residents,
            })
            .collect(),
        sources: populations
            .into_iter()
            .map(|p| ((p.institution_id, p.year), p.source))
            .collect(),
        postings,
    })
}

impl StockRows {
    /// The postings down to a site, as the indicator reads them: (person, site, posting).
    fn counted(&self) -> Vec<(Uuid, Uuid, Posting)> {
        self.postings
            .iter()
            .filter(|p| p.direction == Direction::Down)
            .map(|p| {
                let (physician, intermediate_or_above) = rules::title_level(&p.title);
                let posting = Posting {
                    start: p.start_on,
                    end: p.end_on,
                    physician,
                    intermediate_or_above,
                };
                (p.staff_id, p.institution_id, posting)
            })
            .collect()
    }

    /// The official figure of an institution for a year, with its source.
    pub fn official(&self, i: Uuid, year: i32) -> Option<(i64, &str)> {
        let o = self
            .official
            .iter()
            .find(|o| o.institution == i && o.year == year)?;
        let source = self.sources.get(&(i, year)).map_or("", String::as_str);
        Some((o.residents, source))
    }

    /// The registry's residents at `id` and the institutions under it.
    pub fn registry_under(&self, id: Uuid) -> i64 {
        self.registry
            .iter()
            .filter(|(i, _)| **i == id || self.parent_of.get(*i) == Some(&id))
            .map(|(_, n)| n)
            .sum()
    }

    /// Residents of `year` per institution, as additive entries (see
    /// `indicators::population`).
    pub fn residents(&self, year: i32) -> Vec<(Uuid, i64)> {
        entries(year, &self.registry, &self.official, &self.parent_of)
    }

    /// Adds the stocks of `years` to `tally`.
    pub fn add_to(&self, tally: &mut Tally, years: &[i32]) {
        let counted = self.counted();
        for &y in years {
            let at = stock_month(y);
            for (i, n) in self.residents(y) {
                tally.add(at, i, &[(Measure::Residents, n)], 1);
            }
            for (site, n) in rules::counted_at(&counted, y, today()) {
                tally.add(at, site, &[(Measure::Posted, n)], 1);
            }
        }
    }

    /// The rows behind a stock term over `span` within the scope: each institution's
    /// residents with where the figure comes from, or each counted posting.
    pub fn cases(&self, terms: &[Term], span: Span, scope: &Scope) -> Vec<Case> {
        let year = span.last.year;
        let holds = |i: Uuid, l: Levels| scope.kinds.get(&i).is_some_and(|k| l.holds(*k));
        let name = |i: Uuid| {
            self.institutions
                .iter()
                .find(|x| x.id == i)
                .map(|x| (x.name.clone(), x.kind.clone()))
                .unwrap_or_default()
        };
        let mut out = Vec::new();
        for t in terms {
            match t.measure {
                Measure::Residents => {
                    let official = |i: Uuid| self.official(i, year).is_some();
                    // A village inside its township's official figure is not listed
                    // apart when the township is in the list too.
                    let covered = |i: Uuid| {
                        self.parent_of
                            .get(&i)
                            .is_some_and(|p| official(*p) && holds(*p, t.levels))
                    };
                    for i in self.institutions.iter().map(|i| i.id) {
                        let present = self.registry.contains_key(&i) || official(i);
                        if present && holds(i, t.levels) && !covered(i) {
                            out.push(self.population_case(&i, year, &name));
                        }
                    }
                }
                Measure::Posted => {
                    out.extend(self.posting_cases(year, &|i| holds(i, t.levels), &name))
                }
                _ => {}
            }
        }
        out.sort_by(|a, b| (&a.place, &a.day).cmp(&(&b.place, &b.day)));
        out
    }

    fn population_case(
        &self,
        i: &Uuid,
        year: i32,
        name: &dyn Fn(Uuid) -> (String, String),
    ) -> Case {
        let (place, level) = name(*i);
        let official = self.official(*i, year);
        let registered = self.registry.get(i).copied().unwrap_or(0);
        Case {
            id: *i,
            source: "population".into(),
            kind: if official.is_some() {
                "official"
            } else {
                "registry"
            }
            .into(),
            day: year.to_string(),
            place,
            level,
            resident_name: None,
            staff_name: None,
            id_number: String::new(),
            diagnoses: official.map_or(String::new(), |o| o.1.to_string()),
            total_fen: 0,
            insurance_fen: 0,
            served: official.map_or(registered, |o| o.0),
        }
    }

    fn posting_cases(
        &self,
        year: i32,
        holds: &dyn Fn(Uuid) -> bool,
        name: &dyn Fn(Uuid) -> (String, String),
    ) -> Vec<Case> {
        let counted = self.counted();
        let today = today();
        let sites = rules::site_of_each(&counted, year, today);
        // Each counted physician's postings at the site they count at that count.
        self.postings
            .iter()
            .filter(|p| p.direction == Direction::Down)
            .zip(counted.iter())
            .filter(|(_, (person, site, posting))| {
                sites.get(person) == Some(site)
                    && holds(*site)
                    && rules::counts(posting, year, today)
            })
            .map(|(p, (_, site, posting))| {
                let (place, level) = name(*site);
                Case {
                    id: p.id,
                    source: "posting".into(),
                    kind: p.kind.as_str().into(),
                    day: p.start_on.to_string(),
                    place,
                    level,
                    resident_name: None,
                    staff_name: Some(p.staff_name.clone()),
                    id_number: String::new(),
                    diagnoses: String::new(),
                    total_fen: 0,
                    insurance_fen: 0,
                    served: rules::days_in_year(posting, year, today),
                }
            })
            .collect()
    }
}

/// One page of `all`.
pub fn page_of(all: Vec<Case>, page: yigong_store::PageRequest) -> Page<Case> {
    let total = all.len() as i64;
    let items = all
        .into_iter()
        .skip(usize::try_from(page.offset()).unwrap_or(0))
        .take(usize::try_from(page.per_page).unwrap_or(0))
        .collect();
    Page {
        items,
        total,
        page: page.page,
        per_page: page.per_page,
    }
}
