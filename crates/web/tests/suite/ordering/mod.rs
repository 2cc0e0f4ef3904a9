//! What the diagnostic-centre tests share: ids of a list, a past order, patients in the
//! demo township doctor's reach, a member hospital.

use serde_json::Value;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;
use yigong_domain::diagnostics::catalogue::{Centre, Urgency};
use yigong_domain::diagnostics::recognition::RepeatReason;
use yigong_store::diagnostics::{NewOrder, NewResult, PastOrder};
use yigong_testkit::app::TestApp;

pub fn ids(v: &Value) -> Vec<String> {
    v["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["id"].as_str().expect("id").to_string())
        .collect()
}

/// A past order of `item` for `resident` from `from`, performed by `performer`, placed
/// `ago` before now and reported `took` later.
pub fn past(
    (resident, item, centre): (Uuid, &str, Centre),
    (from, performer): (Uuid, Uuid),
    (ago, took): (Duration, Duration),
) -> PastOrder {
    let created_at = OffsetDateTime::now_utc() - ago;
    PastOrder {
        order: NewOrder {
            resident_id: resident,
            item_code: item.into(),
            centre,
            from_institution_id: from,
            performer_id: performer,
            urgency: Urgency::Urgent,
            question: String::new(),
            repeat: None::<(RepeatReason, Uuid)>,
            price_fen: 20000,
        },
        ordered_by: None,
        created_at,
        received_at: None,
        reported: Some((
            created_at + took,
            None,
            NewResult {
                findings: "脑实质未见明显异常密度影。".into(),
                impression: "头颅CT平扫未见异常。".into(),
                ..NewResult::default()
            },
        )),
        acknowledged: None,
    }
}

/// `n` residents in the demo township doctor's reach (the township and its villages).
pub async fn patients(app: &TestApp, n: usize) -> Vec<yigong_store::residents::Resident> {
    let mut people = Vec::new();
    for place in [
        app.places.township,
        app.places.village,
        app.places.other_village,
    ] {
        people.extend(app.residents_at(place, n as i64).await);
    }
    assert!(
        people.len() >= n,
        "{}: {} residents",
        app.label,
        people.len()
    );
    people.truncate(n);
    people
}

pub async fn member(app: &TestApp) -> Uuid {
    app.state
        .store
        .list_institutions(app.state.community.id)
        .await
        .expect("institutions")
        .into_iter()
        .find(|i| i.kind == "member" && i.name.ends_with("医院"))
        .expect("a member hospital")
        .id
}
