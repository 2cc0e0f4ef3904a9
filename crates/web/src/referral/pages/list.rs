//! The referral lists: the receiving worklist and everything in reach, with a search
//! box, filters by status, urgency, direction, period and institution, sortable urgency
//! and waiting columns, and an Excel export of the rows selected.

use super::*;

struct Row {
    id: ReferralId,
    urgency: String,
    urgency_label: String,
    pathway_label: Option<String>,
    resident_name: String,
    icd10: String,
    direction_label: String,
    from_name: String,
    to_name: String,
    department: Option<String>,
    status: String,
    status_label: String,
    waiting: String,
    sent: String,
}

#[derive(Template)]
#[template(path = "referral/list.html")]
struct ListPage {
    chrome: Chrome,
    view: String,
    rows: Vec<Row>,
    heads: Vec<Head>,
    pager: Pager,
    export_url: String,
    can_receive: bool,
    can_send: bool,
    can_stats: bool,
    p: ListParams,
    statuses: Vec<(&'static str, String)>,
    urgencies: Vec<(&'static str, String)>,
    directions: Vec<(&'static str, String)>,
}

pub(super) fn receives(user: &CurrentUser) -> bool {
    !matches!(user.referrals, ReferralScope::None)
}

/// The worklist's query as the user asked for it, the receiving view by default for a
/// receiving department.
fn asked(user: &CurrentUser, mut p: ListParams) -> (ListParams, ListQuery) {
    if p.view.is_none() && matches!(user.referrals, ReferralScope::Receiving { .. }) {
        p.view = Some("incoming".into());
    }
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let id = |v: Option<Uuid>| v.map(|i| i.to_string()).unwrap_or_default();
    let query = ListQuery::new(
        "/referrals",
        vec![
            ("view", text(&p.view)),
            ("status", text(&p.status)),
            ("urgency", text(&p.urgency)),
            ("direction", text(&p.direction)),
            ("from", text(&p.from)),
            ("to", text(&p.to)),
            ("q", text(&p.q)),
            ("from_institution", id(p.from_institution)),
            ("to_institution", id(p.to_institution)),
        ],
        Sort::parse(p.sort.as_deref(), p.dir.as_deref(), &api::SORTS),
    );
    (p, query)
}

fn choices<T: Copy + std::fmt::Display>(
    lang: Lang,
    group: &str,
    all: &[T],
    code: fn(T) -> &'static str,
) -> Vec<(&'static str, String)> {
    all.iter()
        .map(|v| (code(*v), label(lang, group, v)))
        .collect()
}

fn rows_of(lang: Lang, items: Vec<Referral>) -> Vec<Row> {
    items
        .into_iter()
        .map(|r| Row {
            urgency_label: label(lang, "urgency", r.urgency),
            pathway_label: r.pathway.as_deref().map(|p| label(lang, "pathway", p)),
            direction_label: label(lang, "direction", r.direction),
            status_label: label(lang, "status", r.status),
            waiting: waiting(lang, r.created_at),
            sent: local(r.created_at),
            icd10: diagnosis(lang, &r.icd10_code, &r.icd10_text),
            id: r.id,
            urgency: r.urgency.to_string(),
            resident_name: r.resident_name,
            from_name: r.from_name,
            to_name: r.to_name,
            department: r.to_department_name,
            status: r.status.to_string(),
        })
        .collect()
}

pub(super) async fn list(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Query(p): Query<ListParams>,
) -> UiResult<Response> {
    let lang = user.lang;
    let (p, query) = asked(&user, p);
    let page = api::search(&state, &user, &p, false).await.ui(lang)?;
    let t = |k: &str| lang.t(k);
    let heads = vec![
        query.head(t("field.urgency"), Some("urgency")),
        query.head(t("field.resident"), None),
        query.head(t("field.icd10"), None),
        query.head(t("field.direction"), None),
        query.head(t("field.to_institution"), None),
        query.head(t("field.status"), None),
        query.head(t("referral.waiting"), Some("waiting")),
    ];
    let page = ListPage {
        chrome: Chrome::for_user(&user, "referrals"),
        view: p.view.clone().unwrap_or_default(),
        pager: query.pager(lang, (page.page, page.per_page, page.total)),
        rows: rows_of(lang, page.items),
        heads,
        export_url: query.export_url(),
        can_receive: matches!(
            user.referrals,
            ReferralScope::Receiving { .. } | ReferralScope::All
        ) || user.role == Role::TownshipDoctor,
        can_send: receives(&user) && user.role != Role::Admin,
        can_stats: user.role.edits_registry() || user.role.sees_figures(),
        statuses: choices(lang, "status", Status::ALL, Status::as_str),
        urgencies: choices(lang, "urgency", Urgency::ALL, Urgency::as_str),
        directions: choices(lang, "direction", Direction::ALL, Direction::as_str),
        p,
    };
    Ok(render(&page).into_response())
}

/// The referrals the list's filters select, as an Excel file named after those filters.
pub(super) async fn export_xlsx(
    State(state): State<AppState>,
    UiUser(user): UiUser,
    Query(p): Query<ListParams>,
) -> UiResult<Response> {
    let lang = user.lang;
    let (p, _) = asked(&user, p);
    let page = api::search(&state, &user, &p, true).await.ui(lang)?;
    let t = |k: &str| lang.t(k);
    let headers = [
        t("field.urgency"),
        t("field.resident"),
        t("field.icd10"),
        t("field.direction"),
        t("field.from_institution"),
        t("field.to_institution"),
        t("field.status"),
        t("referral.sent_at"),
    ];
    let table: Vec<Vec<Cell>> = rows_of(lang, page.items)
        .into_iter()
        .map(|r| {
            let to = match r.department {
                Some(d) => format!("{} · {d}", r.to_name),
                None => r.to_name,
            };
            let urgency = match r.pathway_label {
                Some(p) => format!("{} · {p}", r.urgency_label),
                None => r.urgency_label,
            };
            vec![
                urgency.into(),
                r.resident_name.into(),
                r.icd10.into(),
                r.direction_label.into(),
                r.from_name.into(),
                to.into(),
                r.status_label.into(),
                r.sent.into(),
            ]
        })
        .collect();
    let title = t("referral.title");
    let code = |group: &str, v: &Option<String>| {
        v.as_deref()
            .filter(|s| !s.is_empty())
            .map_or(String::new(), |s| label(lang, group, s))
    };
    let period = crate::ui::list::period(lang, p.from.as_deref(), p.to.as_deref());
    let view = if p.view.as_deref() == Some("incoming") {
        t("referral.incoming")
    } else {
        ""
    };
    export::respond(
        lang,
        title,
        &headers,
        &table,
        &[
            view,
            &code("status", &p.status),
            &code("urgency", &p.urgency),
            &code("direction", &p.direction),
            &period,
            p.q.as_deref().unwrap_or(""),
        ],
    )
}
