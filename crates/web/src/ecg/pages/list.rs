//! The study lists: the reading worklist, a clinic's sent studies and the office's
//! whole list, with filters, sortable columns and an Excel export of what is shown.

use crate::ecg::api::{self as api, StudyView};
use crate::i18n::Lang;
use crate::state::AppState;
use crate::ui::export::{self, Cell};
use crate::ui::list::{Head, ListQuery, Sort};
use crate::ui::{Chrome, OrUi, Pager, UiResult, UiUser, duration_text, local, render};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use yigong_domain::ecg::{EcgScope, Status};
use yigong_domain::ids::StudyId;
use yigong_store::ecg::StudyFilter;

pub(super) struct Row {
    pub(super) id: StudyId,
    pub(super) urgency: &'static str,
    pub(super) urgency_label: &'static str,
    pub(super) resident_name: String,
    pub(super) from_name: String,
    pub(super) status: String,
    pub(super) status_label: &'static str,
    pub(super) alerts: Vec<&'static str>,
    pub(super) heart_rate: String,
    pub(super) waiting: String,
    pub(super) reader: String,
    pub(super) ack_needed: bool,
    pub(super) acknowledged: bool,
    pub(super) recorded: String,
}

pub(super) fn row(lang: Lang, v: StudyView) -> Row {
    let s = v.study;
    Row {
        id: s.id,
        urgency: v.urgency,
        urgency_label: lang.t(&format!("ecg.urgency.{}", v.urgency)),
        resident_name: s.resident_name,
        from_name: s.from_institution_name,
        status_label: lang.t(&format!("ecg.status.{}", s.status)),
        status: s.status.to_string(),
        alerts: v
            .alert_list
            .iter()
            .map(|a| lang.t(&format!("ecg.alert.{a}")))
            .collect(),
        heart_rate: s
            .heart_rate
            .map_or_else(|| "—".into(), |h| format!("{h:.0}")),
        waiting: duration_text(lang, v.waiting_minutes),
        reader: s.claimed_by_name.unwrap_or_default(),
        ack_needed: s.critical && s.acknowledged_at.is_none(),
        acknowledged: s.acknowledged_at.is_some(),
        recorded: local(s.recorded_at),
    }
}

#[derive(Template)]
#[template(path = "ecg/list.html")]
struct ListPage {
    chrome: Chrome,
    view: String,
    rows: Vec<Row>,
    heads: Vec<Head>,
    pager: Pager,
    export_url: String,
    reads: bool,
    sends: bool,
    p: api::ListQuery,
    statuses: Vec<(&'static str, &'static str)>,
}

fn view_of(filter: &StudyFilter) -> &'static str {
    match filter {
        StudyFilter::Worklist => "worklist",
        StudyFilter::Senders(_) => "sent",
        StudyFilter::All => "all",
    }
}

fn query_of(view: &str, p: &api::ListQuery) -> ListQuery {
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    ListQuery::new(
        "/ecg",
        vec![
            ("view", view.to_string()),
            ("status", text(&p.status)),
            ("critical", text(&p.critical)),
            ("from", text(&p.from)),
            ("to", text(&p.to)),
            ("q", text(&p.q)),
            (
                "institution",
                p.institution.map(|i| i.to_string()).unwrap_or_default(),
            ),
        ],
        Sort::parse(p.sort.as_deref(), p.dir.as_deref(), &api::SORTS),
    )
}

pub(super) async fn list(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Query(mut p): Query<api::ListQuery>,
) -> UiResult<Response> {
    let lang = user.lang;
    p.per_page = Some(30);
    let (filter, page) = api::studies_for(&state, &user, &p, false).await.ui(lang)?;
    let view = view_of(&filter);
    let query = query_of(view, &p);
    let t = |k: &str| lang.t(k);
    let heads = vec![
        query.head(t("field.urgency"), Some("urgency")),
        query.head(t("field.resident"), None),
        query.head(t("ecg.from"), None),
        query.head(t("ecg.heart_rate"), None),
        query.head(t("ecg.computer_short"), None),
        query.head(t("field.status"), None),
        query.head(t("ecg.waiting"), Some("waiting")),
    ];
    let page = ListPage {
        chrome: Chrome::for_user(&user, "ecg"),
        view: view.to_string(),
        pager: query.pager(lang, (page.page, page.per_page, page.total)),
        rows: page
            .items
            .into_iter()
            .map(|s| row(lang, StudyView::of(s)))
            .collect(),
        heads,
        export_url: query.export_url(),
        reads: user.ecg.reads() || matches!(user.ecg, EcgScope::All),
        sends: user.ecg.sends(),
        statuses: Status::ALL
            .iter()
            .map(|s| (s.as_str(), lang.t(&format!("ecg.status.{s}"))))
            .collect(),
        p,
    };
    Ok(render(&page).into_response())
}

/// The studies the list's filters select, as an Excel file named after those filters.
pub(super) async fn export_xlsx(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Query(p): Query<api::ListQuery>,
) -> UiResult<Response> {
    let lang = user.lang;
    let (filter, page) = api::studies_for(&state, &user, &p, true).await.ui(lang)?;
    let t = |k: &str| lang.t(k);
    let headers = [
        t("field.urgency"),
        t("field.resident"),
        t("ecg.recorded_at"),
        t("ecg.from"),
        t("ecg.heart_rate"),
        t("ecg.computer_short"),
        t("field.status"),
        t("ecg.reader"),
    ];
    let table: Vec<Vec<Cell>> = page
        .items
        .into_iter()
        .map(|s| {
            let heart_rate = s.heart_rate.map(|h| h.round() as i64);
            let r = row(lang, StudyView::of(s));
            vec![
                r.urgency_label.into(),
                r.resident_name.into(),
                r.recorded.into(),
                r.from_name.into(),
                heart_rate.map_or(Cell::Text(String::new()), Cell::from),
                r.alerts.join(" · ").into(),
                r.status_label.into(),
                r.reader.into(),
            ]
        })
        .collect();
    let title = t("ecg.title");
    let status = p
        .status
        .as_deref()
        .and_then(Status::parse)
        .map_or("", |s| lang.t(&format!("ecg.status.{s}")));
    let critical = if p.critical.as_deref() == Some("1") {
        t("ecg.critical_only")
    } else {
        ""
    };
    let period = crate::ui::list::period(lang, p.from.as_deref(), p.to.as_deref());
    export::respond(
        lang,
        title,
        &headers,
        &table,
        &[
            t(&format!("ecg.{}", view_of(&filter))),
            status,
            critical,
            &period,
            p.q.as_deref().unwrap_or(""),
        ],
    )
}
