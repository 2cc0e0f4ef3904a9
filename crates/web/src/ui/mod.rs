//! The HTML UI: server-rendered askama pages in the request's language, with htmx for
//! live search. Cookie sessions; every form carries the session's CSRF token.

pub mod chart;
pub mod export;
pub mod figures;
pub mod form;
pub mod list;
pub mod pages;
pub mod picker;
pub mod todo;

use crate::http::auth::CurrentUser;
use crate::http::error::ApiError;
use crate::i18n::Lang;
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;

pub fn router() -> Router<AppState> {
    let mut ui = Router::new().merge(pages::router());
    for context in crate::contexts::CONTEXTS {
        ui = ui.merge((context.pages)());
    }
    ui.route(
        "/static/app.css",
        get(|| async { asset("text/css", include_str!("../../../../static/app.css")) }),
    )
    .route(
        "/static/js/app.js",
        get(|| async {
            asset(
                "text/javascript",
                include_str!("../../../../static/js/app.js"),
            )
        }),
    )
    .route(
        "/static/favicon.svg",
        get(|| async {
            asset(
                "image/svg+xml",
                include_str!("../../../../static/favicon.svg"),
            )
        }),
    )
    .route(
        "/static/vendor/htmx.min.js",
        get(|| async {
            asset(
                "text/javascript",
                include_str!("../../../../static/vendor/htmx.min.js"),
            )
        }),
    )
}

/// `2026-11-22 08:50`, China time.
pub fn local(t: time::OffsetDateTime) -> String {
    let f = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]");
    yigong_domain::clock::local(t)
        .format(&f)
        .unwrap_or_default()
}

/// A waiting time: `40 分钟`, `2 小时 5 分`, `3 天` (the `duration.*` messages).
pub fn duration_text(lang: Lang, minutes: i64) -> String {
    let m = minutes.max(0);
    let (h, min, d) = (
        (m / 60).to_string(),
        (m % 60).to_string(),
        (m / 1440).to_string(),
    );
    match m {
        0..=59 => lang.tr("duration.minutes", &[("m", &min)]),
        60..=2879 => lang.tr("duration.hours", &[("h", &h), ("m", &min)]),
        _ => lang.tr("duration.days", &[("d", &d)]),
    }
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response()
}

/// What the page frame shows about the signed-in user.
pub struct UserCtx {
    pub display_name: String,
    pub role_key: String,
    pub csrf: String,
    pub sees_residents: bool,
    pub imports: bool,
    pub audit: bool,
    pub accounts: bool,
    pub referrals: bool,
    pub ecg: bool,
    /// The ECG link carries a live badge of critical reports to acknowledge.
    pub ecg_alerts: bool,
    /// Orders to the diagnostic centres.
    pub diagnostics: bool,
    /// Instrument packs from the central sterile supply unit.
    pub sterile: bool,
    /// Teleconsultations.
    pub teleconsult: bool,
    /// The roster of visiting experts.
    pub outreach: bool,
    pub follow_ups: bool,
    pub quality: bool,
    /// The party organisation, whole: the committee and the bureau.
    pub party: bool,
    pub indicators: bool,
}

/// The frame around every page: language, user, active section.
pub struct Chrome {
    pub lang: Lang,
    pub user: Option<UserCtx>,
    pub section: &'static str,
}

impl Chrome {
    pub fn t(&self, key: &str) -> &'static str {
        self.lang.t(key)
    }

    pub fn anonymous(lang: Lang) -> Self {
        Self {
            lang,
            user: None,
            section: "",
        }
    }

    pub fn for_user(u: &CurrentUser, section: &'static str) -> Self {
        Self {
            lang: u.lang,
            user: Some(UserCtx {
                display_name: u.display_name.clone(),
                role_key: format!("role.{}", u.role.as_str()),
                csrf: u.csrf.clone(),
                sees_residents: u.scope != yigong_domain::access::ResidentScope::None,
                imports: u.role.edits_registry(),
                audit: u.role.reads_audit(),
                accounts: u.role.manages_accounts(),
                referrals: u.referrals != yigong_domain::access::ReferralScope::None,
                ecg: u.ecg != yigong_domain::ecg::EcgScope::None,
                ecg_alerts: matches!(
                    u.ecg,
                    yigong_domain::ecg::EcgScope::Senders(_) | yigong_domain::ecg::EcgScope::All
                ),
                diagnostics: u.diagnostics.has_orders(),
                sterile: crate::diagnostics::api::sterile_reach(u).is_some(),
                teleconsult: crate::diagnostics::api::consult_reach(u).is_some(),
                // A village clinic hosts no sessions: it reads the public board.
                outreach: u.role != yigong_domain::access::Role::VillageDoctor
                    && crate::outreach::api::places(u).is_none_or(|p| !p.is_empty()),
                follow_ups: crate::chronic::api::clinics(u).is_ok(),
                quality: crate::chronic::api::clinics(u).is_ok() || u.role.sees_figures(),
                party: crate::party::api::sees_all(u),
                indicators: crate::indicators::pages::shows_link(u),
            }),
            section,
        }
    }
}

/// A signed-in UI user; anyone else is sent to the login page.
pub struct UiUser(pub CurrentUser);

impl FromRequestParts<AppState> for UiUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        match CurrentUser::from_request_parts(parts, state).await {
            Ok(u) => Ok(UiUser(u)),
            Err(e) if e.status == StatusCode::UNAUTHORIZED => {
                let next = parts.uri.path_and_query().map_or("/", |p| p.as_str());
                Err(Redirect::to(&format!("/login?next={}", encode(next))).into_response())
            }
            Err(e) => Err(UiError(
                e,
                crate::http::request_lang(parts.uri.query(), &parts.headers),
            )
            .into_response()),
        }
    }
}

#[derive(Template)]
#[template(path = "message.html")]
struct MessagePage {
    chrome: Chrome,
    heading: String,
    message: String,
}

/// An error shown as a page in the user's language.
pub struct UiError(pub ApiError, pub Lang);

impl IntoResponse for UiError {
    fn into_response(self) -> Response {
        let page = MessagePage {
            chrome: Chrome::anonymous(self.1),
            heading: self.0.status.as_u16().to_string(),
            message: self.0.message(self.1),
        };
        (self.0.status, render(&page)).into_response()
    }
}

pub type UiResult<T> = Result<T, UiError>;

/// Attaches the user's language to an API error.
pub trait OrUi<T> {
    fn ui(self, lang: Lang) -> UiResult<T>;
}

impl<T> OrUi<T> for Result<T, ApiError> {
    fn ui(self, lang: Lang) -> UiResult<T> {
        self.map_err(|e| UiError(e, lang))
    }
}

impl<T> OrUi<T> for Result<T, yigong_store::StoreError> {
    fn ui(self, lang: Lang) -> UiResult<T> {
        self.map_err(|e| UiError(e.into(), lang))
    }
}

pub fn render(t: &impl Template) -> Html<String> {
    Html(t.render().unwrap_or_else(|e| {
        tracing::error!(error = %e, "template failed");
        String::from("<h1>500</h1>")
    }))
}

/// Percent-encodes a query value.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~/".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Builds `path?k=v&…&page=N`, skipping empty values.
pub fn page_url(path: &str, params: &[(&str, &str)], page: i64) -> String {
    let mut q: Vec<String> = params
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect();
    q.push(format!("page={page}"));
    format!("{path}?{}", q.join("&"))
}

/// What `pager.html` shows under a list: the total and links to the neighbouring pages.
pub struct Pager {
    pub total_text: String,
    pub page: i64,
    pub pages: i64,
    pub prev_url: Option<String>,
    pub next_url: Option<String>,
}

impl Pager {
    /// For page `page` of `total` items, `per_page` a page, under `path?params`.
    pub fn new(
        lang: Lang,
        path: &str,
        params: &[(&str, &str)],
        (page, per_page, total): (i64, i64, i64),
    ) -> Self {
        let pages = ((total + per_page - 1) / per_page.max(1)).max(1);
        Self {
            total_text: lang.tr("list.total", &[("n", &list::count(total))]),
            page,
            pages,
            prev_url: (page > 1).then(|| page_url(path, params, page - 1)),
            next_url: (page < pages).then(|| page_url(path, params, page + 1)),
        }
    }
}

/// A safe local redirect target: a path on this server, never another host. Only
/// printable ASCII is kept as it is: browsers drop tabs and newlines from a URL, so
/// `/\t/evil.example` would become `//evil.example`; anything else goes home.
pub fn local_path(next: &str) -> &str {
    let printable = next.bytes().all(|b| (0x21..=0x7e).contains(&b));
    if printable && next.starts_with('/') && !next.starts_with("//") && !next.contains('\\') {
        next
    } else {
        "/"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waiting_times_read_in_minutes_hours_or_days() {
        assert_eq!(duration_text(Lang::Zh, 40), "40 分钟");
        assert_eq!(duration_text(Lang::Zh, -5), "0 分钟");
        assert_eq!(duration_text(Lang::Zh, 125), "2 小时 5 分");
        assert_eq!(duration_text(Lang::Zh, 2879), "47 小时 59 分");
        assert_eq!(duration_text(Lang::Zh, 4320), "3 天");
        assert_eq!(duration_text(Lang::En, 59), "59 min");
        assert_eq!(duration_text(Lang::En, 60), "1 h 0 min");
        assert_eq!(duration_text(Lang::En, 2880), "2 d");
    }

    #[test]
    fn redirects_stay_on_this_server() {
        for good in ["/", "/residents?q=%E5%BC%A0", "/referrals/1"] {
            assert_eq!(local_path(good), good);
        }
        for bad in [
            "//evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r/evil.example",
            "/ /evil.example",
            "/\\evil.example",
            "https://evil.example",
            "evil",
            "/\u{7f}x",
            "/张",
            "",
        ] {
            assert_eq!(local_path(bad), "/", "{bad:?}");
        }
    }

    #[test]
    fn urls() {
        assert_eq!(encode("张 a&b"), "%E5%BC%A0%20a%26b");
        assert_eq!(
            page_url("/residents", &[("q", "张"), ("x", "")], 2),
            "/residents?q=%E5%BC%A0&page=2"
        );
        let p = Pager::new(Lang::Zh, "/r", &[], (1, 20, 45));
        assert_eq!(
            (p.prev_url, p.next_url, p.pages),
            (None, Some("/r?page=2".into()), 3)
        );
        assert_eq!(p.total_text, "共 45 条");
        assert_eq!(local_path("//evil.example"), "/");
        assert_eq!(local_path("https://evil.example"), "/");
        assert_eq!(local_path("/residents?q=1"), "/residents?q=1");
    }
}
