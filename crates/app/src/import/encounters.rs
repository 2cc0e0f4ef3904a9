//! Importing encounters (visits and stays) from a hospital's or township's system, as CSV
//! of any size (read as a stream) or Excel. Rows are checked one by one; good rows are
//! stored in batches, each with its tallies; a refused row is reported with every reason.
//! Importing the same file again stores nothing twice (rows are keyed by institution and
//! visit number, and a changed row is corrected), and an interrupted import goes on from
//! its last stored batch.

use super::{Table, required, unreadable, xlsx};
use crate::error::AppError;
use crate::i18n::Lang;
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};
use std::io::Read;
use time::Date;
use uuid::Uuid;
use yigong_domain::indicators::encounter::{EncounterInput, validate};
use yigong_domain::registry::{FieldError, InstitutionKind};
use yigong_store::Store;
use yigong_store::audit::AuditEntry;
use yigong_store::imports::NewImportReport;
use yigong_store::indicators::BatchOutcome;
use yigong_store::indicators::encounters::EncounterAt;

/// The kind of import, in reports and checkpoints.
pub const KIND: &str = "encounters";
/// Rows per stored batch (and per checkpoint).
pub const BATCH: usize = 5000;
/// Refused rows kept in the report file; the rest are counted.
pub const REJECTS_KEPT: usize = 20_000;

/// The template's header row, in the order of the documented format.
pub const HEADERS: &[&str] = &[
    "机构编码",
    "科室",
    "就诊流水号",
    "身份证号",
    "就诊类型",
    "就诊日期",
    "出院日期",
    "诊断编码",
    "总费用(分)",
    "医保支付(分)",
];

const H_INST: &[&str] = &["机构编码", "institution_code"];
const H_DEPT: &[&str] = &["科室", "department"];
const H_VISIT: &[&str] = &["就诊流水号", "visit_no"];
const H_ID: &[&str] = &["身份证号", "id_number"];
const H_KIND: &[&str] = &["就诊类型", "kind"];
const H_START: &[&str] = &["就诊日期", "入院日期", "started_on"];
const H_END: &[&str] = &["出院日期", "ended_on"];
const H_DX: &[&str] = &["诊断编码", "diagnoses"];
const H_TOTAL: &[&str] = &["总费用(分)", "总费用", "total_fen"];
const H_FUND: &[&str] = &["医保支付(分)", "医保支付", "insurance_fen"];

/// Where each field sits in a row.
struct Columns([usize; 10]);

impl Columns {
    fn of(headers: &[String]) -> Result<Self, AppError> {
        let names = [
            H_INST, H_DEPT, H_VISIT, H_ID, H_KIND, H_START, H_END, H_DX, H_TOTAL, H_FUND,
        ];
        let mut at = [0; 10];
        for (slot, n) in at.iter_mut().zip(names) {
            *slot = required(headers, n)?;
        }
        Ok(Columns(at))
    }

    fn input(&self, row: &[String]) -> (String, EncounterInput) {
        let c = |i: usize| {
            row.get(self.0[i])
                .map(|s| s.trim().to_string())
                .unwrap_or_default()
        };
        (
            c(0),
            EncounterInput {
                department: c(1),
                visit_no: c(2),
                id_number: c(3),
                kind: c(4),
                started_on: c(5),
                ended_on: c(6),
                diagnoses: c(7),
                total_fen: c(8),
                insurance_fen: c(9),
            },
        )
    }
}

/// The rows of a file: streamed from CSV, or from an Excel sheet read whole.
pub enum Rows {
    Csv(csv::StringRecordsIntoIter<Box<dyn Read + Send>>),
    Sheet(std::vec::IntoIter<(usize, Vec<String>)>),
}

impl Rows {
    /// Opens a file by its name and first bytes; the header row and the rows after it.
    pub fn open(
        file_name: &str,
        mut reader: Box<dyn Read + Send>,
    ) -> Result<(Vec<String>, Rows), AppError> {
        let mut head = [0u8; 4];
        let mut got = 0;
        while got < 4 {
            match reader.read(&mut head[got..]) {
                Ok(0) => break,
                Ok(n) => got += n,
                Err(_) => return Err(unreadable()),
            }
        }
        let head = &head[..got];
        let lower = file_name.to_ascii_lowercase();
        if head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0])
            || lower.ends_with(".xls")
            || lower.ends_with(".ods")
        {
            return Err(AppError::invalid("import_old_format"));
        }
        if head.starts_with(b"PK\x03\x04") || lower.ends_with(".xlsx") {
            let mut bytes = head.to_vec();
            reader
                .take(super::MAX_BYTES as u64)
                .read_to_end(&mut bytes)
                .map_err(|_| unreadable())?;
            let Table { headers, rows } = xlsx::read(&bytes)?;
            return Ok((headers, Rows::Sheet(rows.into_iter())));
        }
        let rest: Box<dyn Read + Send> = match head.strip_prefix(b"\xEF\xBB\xBF") {
            Some(after) => Box::new(std::io::Cursor::new(after.to_vec()).chain(reader)),
            None => Box::new(std::io::Cursor::new(head.to_vec()).chain(reader)),
        };
        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(rest);
        let mut header = csv::StringRecord::new();
        if !r.read_record(&mut header).map_err(|_| unreadable())? {
            return Err(AppError::invalid("import_empty"));
        }
        let headers = header.iter().map(|s| s.trim().to_string()).collect();
        Ok((headers, Rows::Csv(r.into_records())))
    }

    /// The next row with its line number; a line that is not CSV is an error naming it.
    fn next_row(&mut self, line: usize) -> Option<Result<(usize, Vec<String>), AppError>> {
        match self {
            Rows::Sheet(it) => it.next().map(Ok),
            Rows::Csv(it) => it.next().map(|r| {
                r.map(|rec| (line, rec.iter().map(str::to_string).collect()))
                    .map_err(|_| unreadable().with_detail(format!("line {line}")))
            }),
        }
    }
}

/// The fingerprint a checkpoint is kept under: SHA-256 of the file.
pub fn file_hash(reader: &mut dyn Read) -> Result<String, AppError> {
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => h.update(&buf[..n]),
            Err(_) => return Err(unreadable()),
        }
    }
    Ok(format!("{:x}", h.finalize()))
}

/// Who runs the import (no account for the command line).
#[derive(Debug, Clone, Copy)]
pub struct Importer<'a> {
    pub account_id: Option<Uuid>,
    pub username: &'a str,
}

/// What an import did.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct EncounterSummary {
    pub report_id: Option<Uuid>,
    /// Data rows read, including those skipped on resuming.
    pub total: u64,
    /// Rows skipped because an earlier, interrupted run had stored them.
    pub resumed_from: u64,
    #[serde(flatten)]
    pub stored: BatchOutcome,
    pub rejected: u64,
    /// (line, every reason) of the first refused rows.
    pub rejects: Vec<(usize, String)>,
}

struct Run<'a> {
    store: &'a Store,
    community: Uuid,
    who: Importer<'a>,
    file_name: &'a str,
    places: HashMap<String, Uuid>,
    batch: Vec<EncounterAt>,
    keys: HashSet<(Uuid, String)>,
    summary: EncounterSummary,
    rejects: csv::Writer<Vec<u8>>,
}

impl Run<'_> {
    fn refuse(&mut self, line: usize, reasons: String, row: &[String]) {
        self.summary.rejected += 1;
        if self.summary.rejects.len() < super::REJECTS_SHOWN {
            self.summary.rejects.push((line, reasons.clone()));
        }
        if self.summary.rejected as usize <= REJECTS_KEPT {
            let mut rec = vec![line.to_string(), reasons];
            rec.extend(row.iter().cloned());
            let _ = self.rejects.write_record(&rec);
        }
    }

    fn take(&mut self, line: usize, row: &[String], cols: &Columns, today: Date) {
        let (code, input) = cols.input(row);
        let mut problems: Vec<FieldError> = Vec::new();
        let place = self.places.get(&code).copied();
        if code.is_empty() {
            problems.push(FieldError::new("institution_code", "required"));
        } else if place.is_none() {
            problems.push(FieldError::new("institution_code", "institution_unknown"));
        }
        match validate(&input, today) {
            Ok(e) if problems.is_empty() => {
                let Some(place) = place else { return };
                if !self.keys.insert((place, e.visit_no.clone())) {
                    let reason = Lang::Zh.t("indicators.visit_repeated").to_string();
                    self.refuse(line, reason, row);
                    return;
                }
                self.batch.push((place, e));
            }
            Ok(_) => self.refuse(line, reasons(problems), row),
            Err(more) => {
                problems.extend(more);
                self.refuse(line, reasons(problems), row);
            }
        }
    }

    async fn flush(&mut self, hash: &str, rows_done: u64) -> Result<(), AppError> {
        if !self.batch.is_empty() {
            let detail = format!("file={} rows={}", self.file_name, self.batch.len());
            let audit = AuditEntry {
                account_id: self.who.account_id,
                username: self.who.username,
                action: "encounter.import",
                entity: "encounter",
                entity_id: None,
                allowed: true,
                ip: "",
                detail: &detail,
                method: "",
                path: "",
            };
            let got = self
                .store
                .store_encounters(self.community, &self.batch, &audit)
                .await?;
            self.summary.stored += got;
            self.batch.clear();
            self.keys.clear();
        }
        self.store
            .set_import_checkpoint(self.community, KIND, hash, Some(rows_done))
            .await?;
        Ok(())
    }
}

pub(super) fn reasons(problems: Vec<FieldError>) -> String {
    let all: Vec<String> = problems
        .into_iter()
        .map(|e| AppError::from(e).message(Lang::Zh))
        .collect();
    all.join("；")
}

/// The file being imported: its name, its SHA-256 (what a checkpoint is kept under) and
/// the day its dates may not be after.
#[derive(Debug, Clone, Copy)]
pub struct Upload<'a> {
    pub file_name: &'a str,
    pub hash: &'a str,
    pub today: Date,
}

/// Imports the rows of a file; `progress` is told how many data rows have been handled.
pub async fn import(
    store: &Store,
    community: Uuid,
    who: Importer<'_>,
    Upload {
        file_name,
        hash,
        today,
    }: Upload<'_>,
    (headers, mut rows): (Vec<String>, Rows),
    progress: &mut (dyn FnMut(u64) + Send),
) -> Result<EncounterSummary, AppError> {
    let cols = Columns::of(&headers)?;
    let places = store
        .list_institutions(community)
        .await?
        .into_iter()
        .filter(|i| i.kind != InstitutionKind::Bureau.as_str())
        .map(|i| (i.code, i.id))
        .collect();
    let skip = store.import_checkpoint(community, KIND, hash).await?;
    let mut rejects = csv::Writer::from_writer(Vec::new());
    let mut header = vec![
        Lang::Zh.t("import.rejects_line").to_string(),
        Lang::Zh.t("import.rejects_reason").to_string(),
    ];
    header.extend(headers.iter().cloned());
    let _ = rejects.write_record(&header);
    let mut run = Run {
        store,
        community,
        who,
        file_name,
        places,
        batch: Vec::with_capacity(BATCH),
        keys: HashSet::new(),
        summary: EncounterSummary {
            resumed_from: skip,
            ..Default::default()
        },
        rejects,
    };
    let mut n: u64 = 0;
    while let Some(next) = rows.next_row(n as usize + 2) {
        let (line, row) = next?;
        n += 1;
        if n <= skip || row.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        run.take(line, &row, &cols, today);
        if run.batch.len() >= BATCH {
            run.flush(hash, n).await?;
            progress(n);
        }
    }
    run.flush(hash, n).await?;
    progress(n);
    store
        .set_import_checkpoint(community, KIND, hash, None)
        .await?;
    store.refresh_indicator_statistics().await?;
    run.summary.total = n;
    let bytes = run.rejects.into_inner().unwrap_or_default();
    let csv_text = format!("\u{feff}{}", String::from_utf8_lossy(&bytes));
    let s = &run.summary;
    let report = NewImportReport {
        account_id: who.account_id,
        kind: KIND,
        file_name,
        total_rows: n as i64,
        inserted: s.stored.inserted as i64,
        updated: s.stored.updated as i64,
        rejected: s.rejected as i64,
        rejects_csv: &csv_text,
    };
    run.summary.report_id = Some(store.save_import_report(community, &report).await?);
    Ok(run.summary)
}
