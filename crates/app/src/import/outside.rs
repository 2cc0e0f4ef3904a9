//! Care outside the county from an insurance settlement file (医保结算数据): one row per
//! settlement with the patient's ID number, the kind of care, its dates, the outside
//! hospital and its level, and the amounts in yuan as the slips show them. Each row is
//! checked as the office's form checks one slip; the resident is found by ID number and
//! the visit counted at their registered institution; a settlement number already
//! registered is left alone, so a file imported twice adds nothing.

use super::encounters::{Importer, reasons};
use super::{Table, required};
use crate::AppError;
use time::Date;
use uuid::Uuid;
use yigong_domain::indicators::outside::{OutsideInput, validate};
use yigong_domain::party::fund::parse_yuan;
use yigong_domain::registry::FieldError;
use yigong_store::Store;
use yigong_store::audit::AuditEntry;
use yigong_store::indicators::outside::NewOutside;

/// The header row of a settlement file, in this order in the template.
pub const HEADERS: [&str; 9] = [
    "结算单号",
    "身份证号",
    "就诊类型",
    "就诊日期",
    "出院日期",
    "就诊机构",
    "机构级别",
    "总费用(元)",
    "医保支付(元)",
];

/// What an import did.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct OutsideSummary {
    pub total: u64,
    pub inserted: u64,
    /// Settlements already registered (by this file before, or by hand).
    pub known: u64,
    pub rejected: u64,
    /// (line, every reason) of the refused rows, the first 200.
    pub rejects: Vec<(usize, String)>,
}

/// The code of a kind or level written as the settlement file writes it (or as a code).
fn code_of(word: &str, words: &[(&str, &'static str)]) -> String {
    let w = word.trim();
    words
        .iter()
        .find(|(zh, code)| *zh == w || *code == w)
        .map_or(w.to_string(), |(_, code)| code.to_string())
}

const KINDS: [(&str, &str); 3] = [
    ("门诊", "outpatient"),
    ("急诊", "emergency"),
    ("住院", "inpatient"),
];
const LEVELS: [(&str, &str); 4] = [
    ("省级", "provincial"),
    ("市级", "municipal"),
    ("外县", "other_county"),
    ("其他", "other"),
];

/// One row as the domain's input, the amounts turned from yuan into fen; the problems of
/// amounts that are not yuan.
fn input(row: &[String], at: &[usize; 9]) -> (String, OutsideInput, Vec<FieldError>) {
    let c = |i: usize| {
        row.get(at[i])
            .map(|s| s.trim().to_string())
            .unwrap_or_default()
    };
    let mut problems = Vec::new();
    let mut fen = |i: usize, field: &'static str| match parse_yuan(&c(i)) {
        Some(v) => v.to_string(),
        None => {
            problems.push(FieldError::new(field, "yuan_invalid"));
            "0".to_string()
        }
    };
    let (total_fen, insurance_fen) = (fen(7, "total_fen"), fen(8, "insurance_fen"));
    let input = OutsideInput {
        settlement_no: c(0),
        kind: code_of(&c(2), &KINDS),
        started_on: c(3),
        ended_on: c(4),
        hospital: c(5),
        level: code_of(&c(6), &LEVELS),
        total_fen,
        insurance_fen,
    };
    (c(1), input, problems)
}

/// Imports a settlement file read into `table`; the rows it stores share one audit row
/// per batch of 500.
pub async fn import(
    store: &Store,
    community: Uuid,
    (who, file_name): (Importer<'_>, &str),
    table: &Table,
    today: Date,
) -> Result<OutsideSummary, AppError> {
    let mut at = [0usize; 9];
    for (slot, name) in at.iter_mut().zip(HEADERS) {
        *slot = required(&table.headers, &[name])?;
    }
    let mut summary = OutsideSummary::default();
    let mut batch: Vec<NewOutside> = Vec::new();
    for (line, row) in &table.rows {
        summary.total += 1;
        let (id_number, input, mut problems) = input(row, &at);
        // An amount that is not yuan says all there is to say about the amounts.
        let yuan_bad = !problems.is_empty();
        if input.settlement_no.is_empty() {
            problems.push(FieldError::new("settlement_no", "required"));
        }
        let checked = validate(&input, today);
        let resident = store
            .find_resident_by_id_number(community, &id_number)
            .await?;
        if resident.is_none() {
            problems.push(FieldError::new("id_number", "not_found"));
        }
        match (checked, resident) {
            (Ok(visit), Some(r)) if problems.is_empty() => batch.push(NewOutside {
                resident_id: r.id,
                institution_id: r.institution_id,
                visit,
                referral_id: None,
                source: "import",
            }),
            (checked, _) => {
                let more = checked.err().unwrap_or_default();
                problems.extend(
                    more.into_iter()
                        .filter(|p| !(yuan_bad && p.code == "above_total")),
                );
                summary.rejected += 1;
                if summary.rejects.len() < 200 {
                    summary.rejects.push((*line, reasons(problems)));
                }
            }
        }
    }
    let detail = format!("file={file_name} rows={}", batch.len());
    let audit = AuditEntry {
        account_id: who.account_id,
        username: who.username,
        action: "outside.import",
        entity: "outside_visit",
        entity_id: None,
        allowed: true,
        ip: "",
        detail: &detail,
        method: "",
        path: "",
    };
    for chunk in batch.chunks(500) {
        let (outcome, _) = store.add_outside_visits(community, chunk, &audit).await?;
        summary.inserted += outcome.inserted;
        summary.known += outcome.unchanged;
    }
    Ok(summary)
}
