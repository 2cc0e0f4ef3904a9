//! Bulk import of residents and staff from CSV or Excel: every good row is kept
//! (inserted, or updated by ID number so a re-import duplicates nothing), every bad
//! row is reported with its line number and reason in a downloadable CSV.

pub mod encounters;
pub mod outside;
pub mod xlsx;

use crate::error::AppError;
use crate::i18n::Lang;
use calamine::Data;
use std::collections::HashMap;
use uuid::Uuid;
use yigong_domain::registry::{
    FieldError, ResidentInput, StaffInput, TITLES, ValidResident, ValidStaff,
};
use yigong_store::Store;
use yigong_store::imports::NewImportReport;

/// Rows per transaction: large enough to amortise index page writes, small enough
/// not to hold the write lock for long on SQLite.
pub const BATCH: usize = 5000;
/// The largest file accepted.
pub const MAX_BYTES: usize = 64 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportKind {
    Residents,
    Staff,
}

impl ImportKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ImportKind::Residents => "residents",
            ImportKind::Staff => "staff",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "residents" => Some(ImportKind::Residents),
            "staff" => Some(ImportKind::Staff),
            _ => None,
        }
    }
}

/// A file read into text cells: the header and the data rows with their line numbers.
#[derive(Debug, Clone)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<(usize, Vec<String>)>,
}

pub(crate) fn unreadable() -> AppError {
    AppError::invalid("import_unreadable")
}

/// Reads CSV (UTF-8, with or without BOM) or Excel (.xlsx, first sheet). The old binary
/// formats (.xls, .ods) are refused with a request to save as .xlsx: their reader lays
/// every sheet out densely, so a tiny file declaring far-apart cells would take all
/// memory.
pub fn read_table(file_name: &str, bytes: &[u8]) -> Result<Table, AppError> {
    let lower = file_name.to_ascii_lowercase();
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0])
        || lower.ends_with(".xls")
        || lower.ends_with(".ods")
    {
        return Err(AppError::invalid("import_old_format"));
    }
    let mut table = if bytes.starts_with(b"PK\x03\x04") || lower.ends_with(".xlsx") {
        xlsx::read(bytes)?
    } else {
        read_csv(bytes)?
    };
    table
        .rows
        .retain(|(_, cells)| cells.iter().any(|c| !c.trim().is_empty()));
    if table.rows.is_empty() {
        return Err(AppError::invalid("import_empty"));
    }
    if table.rows.len() > MAX_ROWS {
        return Err(too_many_rows());
    }
    Ok(table)
}

/// Most data rows one import takes: a county's residents come as one file per township.
pub const MAX_ROWS: usize = 200_000;

pub(crate) fn too_many_rows() -> AppError {
    AppError::invalid("import_too_many_rows").with_detail(MAX_ROWS.to_string())
}

fn read_csv(bytes: &[u8]) -> Result<Table, AppError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|_| unreadable().with_detail("UTF-8"))?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let headers: Vec<String> = match records.next() {
        Some(Ok(h)) => h.iter().map(|s| s.trim().to_string()).collect(),
        _ => return Err(unreadable()),
    };
    let mut rows = Vec::new();
    for (i, rec) in records.enumerate() {
        let rec = rec.map_err(|_| unreadable().with_detail(format!("line {}", i + 2)))?;
        rows.push((i + 2, rec.iter().map(str::to_string).collect()));
    }
    Ok(Table { headers, rows })
}

pub(crate) fn cell_text(c: &Data) -> String {
    match c {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => excel_date(d.as_f64()),
        Data::DateTimeIso(s) => s.chars().take(10).collect(),
        Data::DurationIso(s) => s.clone(),
        Data::Error(_) => String::new(),
    }
}

/// An Excel serial day number (1900 system) as YYYY-MM-DD.
fn excel_date(serial: f64) -> String {
    let epoch = time::macros::date!(1899 - 12 - 30);
    epoch
        .checked_add(time::Duration::days(serial.floor() as i64))
        .map(|d| d.to_string())
        .unwrap_or_default()
}

/// Which column holds which field, by English or Chinese header.
fn column_of(headers: &[String], names: &[&str]) -> Option<usize> {
    headers.iter().position(|h| {
        let h = h.trim().trim_start_matches('\u{feff}').to_lowercase();
        names.iter().any(|n| h == *n)
    })
}

const H_NAME: &[&str] = &["name", "姓名"];
const H_ID: &[&str] = &["id_number", "身份证号", "身份证号码", "证件号码"];
const H_SEX: &[&str] = &["sex", "性别"];
const H_BIRTH: &[&str] = &["birth_date", "出生日期"];
const H_PHONE: &[&str] = &["phone", "手机号", "手机", "联系电话"];
const H_INST: &[&str] = &["institution_code", "机构编码"];
const H_ADDR: &[&str] = &["address", "地址", "住址"];
const H_TITLE: &[&str] = &["title", "职称"];
const H_SPEC: &[&str] = &["specialty", "专业"];
const H_DEPT: &[&str] = &["department_code", "科室编码"];

pub(crate) fn required(headers: &[String], names: &[&str]) -> Result<usize, AppError> {
    column_of(headers, names)
        .ok_or_else(|| AppError::invalid("import_header_missing").with_detail(names[0]))
}

/// A title given as a code or its Chinese label.
fn title_code(raw: &str) -> String {
    let raw = raw.trim();
    TITLES
        .iter()
        .find(|t| crate::i18n::lookup(&format!("title.{t}")).is_some_and(|(zh, _)| zh == raw))
        .map_or_else(|| raw.to_string(), |t| t.to_string())
}

/// What an import did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ImportSummary {
    pub report_id: Uuid,
    pub total: usize,
    pub inserted: u64,
    pub updated: u64,
    pub rejected: usize,
    /// (line, every reason) of the first refused rows, for the page; the report file
    /// holds them all.
    pub rejects: Vec<(usize, String)>,
}

/// How many refused rows the page lists.
pub const REJECTS_SHOWN: usize = 200;

/// The header row of an import file for `kind`, in the names the importer reads.
pub fn template_headers(kind: ImportKind) -> &'static [&'static str] {
    match kind {
        ImportKind::Residents => &[
            "姓名",
            "身份证号",
            "性别",
            "出生日期",
            "手机号",
            "机构编码",
            "地址",
        ],
        ImportKind::Staff => &[
            "姓名",
            "身份证号",
            "性别",
            "职称",
            "专业",
            "手机号",
            "机构编码",
            "科室编码",
        ],
    }
}

struct Rejects {
    lines: Vec<(usize, String)>,
}

impl Rejects {
    /// A refused row with all its reasons (nothing when there are none).
    fn fields(&mut self, line: usize, problems: Vec<FieldError>) {
        if problems.is_empty() {
            return;
        }
        let reasons: Vec<String> = problems
            .into_iter()
            .map(|e| AppError::from(e).message(Lang::Zh))
            .collect();
        self.lines.push((line, reasons.join("；")));
    }

    /// Whether this ID number is new to the file; a repeat is rejected naming the first line.
    fn first_time(
        &mut self,
        seen: &mut HashMap<String, usize>,
        id_number: &str,
        line: usize,
    ) -> bool {
        match seen.insert(id_number.to_string(), line) {
            None => true,
            Some(first) => {
                seen.insert(id_number.to_string(), first);
                let reason =
                    Lang::Zh.tr("import.duplicate_in_file", &[("line", &first.to_string())]);
                self.lines.push((line, reason));
                false
            }
        }
    }
}

/// Imports a table; `progress` is told how many rows have been handled so far.
pub async fn run(
    store: &Store,
    community: Uuid,
    account: Option<Uuid>,
    kind: ImportKind,
    file_name: &str,
    table: &Table,
    progress: &mut (dyn FnMut(usize) + Send),
) -> Result<ImportSummary, AppError> {
    let cols = Columns::of(&table.headers, kind)?;
    let institutions = institutions_for(store, community, kind).await?;
    let mut departments: HashMap<(Uuid, String), Uuid> = HashMap::new();
    let mut rejects = Rejects { lines: Vec::new() };
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut batch = Batch::default();
    for (n, (line, row)) in table.rows.iter().enumerate() {
        let line = *line;
        // Every reason a row is refused, said at once.
        let mut problems: Vec<FieldError> = Vec::new();
        let inst = match institutions.get(&cols.get(row, cols.inst)) {
            Some((id, true)) => Some(*id),
            Some((_, false)) => {
                problems.push(FieldError::new("institution", "institution_invalid"));
                None
            }
            None => {
                problems.push(FieldError::new("institution", "not_found"));
                None
            }
        };
        match kind {
            ImportKind::Residents => match (cols.resident(row).checked(), inst) {
                (Ok(v), Some(inst)) if problems.is_empty() => {
                    if rejects.first_time(&mut seen, v.id_number.as_str(), line) {
                        batch.residents.push((inst, v))
                    }
                }
                (Ok(_), _) => {}
                (Err(more), _) => problems.extend(more),
            },
            ImportKind::Staff => {
                let dept = match (cols.cell(row, cols.dept).filter(|d| !d.is_empty()), inst) {
                    (Some(code), Some(inst)) => {
                        match department(store, community, &mut departments, inst, code).await? {
                            Some(d) => Some(d),
                            None => {
                                problems.push(FieldError::new("department", "department_invalid"));
                                None
                            }
                        }
                    }
                    _ => None,
                };
                match (cols.staff(row).checked(), inst) {
                    (Ok(v), Some(inst)) if problems.is_empty() => {
                        if rejects.first_time(&mut seen, v.id_number.as_str(), line) {
                            batch.staff.push((inst, dept, v))
                        }
                    }
                    (Ok(_), _) => {}
                    (Err(more), _) => problems.extend(more),
                }
            }
        }
        rejects.fields(line, problems);
        if batch.flush(store, community, false).await? {
            progress(n + 1);
        }
    }
    batch.flush(store, community, true).await?;
    progress(table.rows.len());
    let rejects_csv = rejects_csv(table, &rejects.lines);
    let report_id = store
        .save_import_report(
            community,
            &NewImportReport {
                account_id: account,
                kind: kind.as_str(),
                file_name,
                total_rows: table.rows.len() as i64,
                inserted: batch.inserted as i64,
                updated: batch.updated as i64,
                rejected: rejects.lines.len() as i64,
                rejects_csv: &rejects_csv,
            },
        )
        .await?;
    Ok(ImportSummary {
        report_id,
        total: table.rows.len(),
        inserted: batch.inserted,
        updated: batch.updated,
        rejected: rejects.lines.len(),
        rejects: rejects.lines.into_iter().take(REJECTS_SHOWN).collect(),
    })
}

/// Where each field is in the file's columns (required ones checked).
struct Columns {
    name: usize,
    id: usize,
    inst: usize,
    sex: Option<usize>,
    birth: Option<usize>,
    addr: Option<usize>,
    phone: Option<usize>,
    title: Option<usize>,
    spec: Option<usize>,
    dept: Option<usize>,
}

impl Columns {
    fn of(h: &[String], kind: ImportKind) -> Result<Self, AppError> {
        Ok(Columns {
            name: required(h, H_NAME)?,
            id: required(h, H_ID)?,
            inst: required(h, H_INST)?,
            sex: column_of(h, H_SEX),
            birth: column_of(h, H_BIRTH),
            addr: column_of(h, H_ADDR),
            phone: if kind == ImportKind::Residents {
                Some(required(h, H_PHONE)?)
            } else {
                column_of(h, H_PHONE)
            },
            title: if kind == ImportKind::Staff {
                Some(required(h, H_TITLE)?)
            } else {
                None
            },
            spec: column_of(h, H_SPEC),
            dept: column_of(h, H_DEPT),
        })
    }

    fn cell(&self, row: &[String], i: Option<usize>) -> Option<String> {
        i.and_then(|i| row.get(i)).map(|s| s.trim().to_string())
    }

    fn get(&self, row: &[String], i: usize) -> String {
        self.cell(row, Some(i)).unwrap_or_default()
    }

    fn resident(&self, row: &[String]) -> ResidentInput {
        ResidentInput {
            name: self.get(row, self.name),
            id_number: self.get(row, self.id).to_ascii_uppercase(),
            sex: self.cell(row, self.sex),
            birth_date: self.cell(row, self.birth),
            phone: self.cell(row, self.phone).unwrap_or_default(),
            address: self.cell(row, self.addr),
        }
    }

    fn staff(&self, row: &[String]) -> StaffInput {
        StaffInput {
            name: self.get(row, self.name),
            id_number: self.get(row, self.id).to_ascii_uppercase(),
            sex: self.cell(row, self.sex),
            title: title_code(&self.cell(row, self.title).unwrap_or_default()),
            specialty: self.cell(row, self.spec),
            phone: self.cell(row, self.phone),
        }
    }
}

/// Institutions by code, each with whether rows of `kind` may name it.
async fn institutions_for(
    store: &Store,
    community: Uuid,
    kind: ImportKind,
) -> Result<HashMap<String, (Uuid, bool)>, AppError> {
    Ok(store
        .list_institutions(community)
        .await?
        .into_iter()
        .map(|i| {
            let ok = i.active
                && (kind == ImportKind::Staff || i.kind().is_some_and(|k| k.holds_residents()));
            (i.code, (i.id, ok))
        })
        .collect())
}

/// The department `code` of `inst`, looked up once per file.
async fn department(
    store: &Store,
    community: Uuid,
    known: &mut HashMap<(Uuid, String), Uuid>,
    inst: Uuid,
    code: String,
) -> Result<Option<Uuid>, AppError> {
    let key = (inst, code);
    if let Some(d) = known.get(&key) {
        return Ok(Some(*d));
    }
    let found = store.find_department(community, inst, &key.1).await?;
    if let Some(d) = &found {
        known.insert(key, d.id);
    }
    Ok(found.map(|d| d.id))
}

/// Rows waiting to be written, and what the written ones did.
#[derive(Default)]
struct Batch {
    residents: Vec<(Uuid, ValidResident)>,
    staff: Vec<(Uuid, Option<Uuid>, ValidStaff)>,
    inserted: u64,
    updated: u64,
}

impl Batch {
    /// Writes the waiting rows when a batch is full (or `all` of them); whether it wrote.
    async fn flush(&mut self, store: &Store, community: Uuid, all: bool) -> Result<bool, AppError> {
        let mut wrote = false;
        if all || self.residents.len() >= BATCH {
            let (i, u) = store.upsert_residents(community, &self.residents).await?;
            (self.inserted, self.updated) = (self.inserted + i, self.updated + u);
            self.residents.clear();
            wrote = true;
        }
        if all || self.staff.len() >= BATCH {
            let (i, u) = store.upsert_staff(community, &self.staff).await?;
            (self.inserted, self.updated) = (self.inserted + i, self.updated + u);
            self.staff.clear();
            wrote = true;
        }
        Ok(wrote)
    }
}

/// The rejected rows as CSV: line number, reason, then the row as it was.
fn rejects_csv(table: &Table, lines: &[(usize, String)]) -> String {
    let by_line: HashMap<usize, &Vec<String>> = table.rows.iter().map(|(l, r)| (*l, r)).collect();
    let mut w = csv::Writer::from_writer(Vec::new());
    // The file answers an import whose columns are named in Chinese: it speaks Chinese too.
    let mut header = vec![
        Lang::Zh.t("import.rejects_line").to_string(),
        Lang::Zh.t("import.rejects_reason").to_string(),
    ];
    header.extend(table.headers.iter().cloned());
    // Writing CSV into memory cannot fail.
    let _ = w.write_record(&header);
    for (line, reason) in lines {
        let mut rec = vec![line.to_string(), reason.clone()];
        if let Some(row) = by_line.get(line) {
            rec.extend(row.iter().cloned());
        }
        let _ = w.write_record(&rec);
    }
    let bytes = w.into_inner().unwrap_or_default();
    format!("\u{feff}{}", String::from_utf8_lossy(&bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_is_what_the_importer_reads() {
        for kind in [ImportKind::Residents, ImportKind::Staff] {
            let headers: Vec<String> = template_headers(kind)
                .iter()
                .map(|h| h.to_string())
                .collect();
            let cols = Columns::of(&headers, kind).expect("the template's headers are read");
            assert!(cols.phone.is_some() && cols.sex.is_some(), "{kind:?}");
        }
    }

    #[test]
    fn csv_with_bom_and_chinese_headers() {
        let t =
            read_table("a.csv", "\u{feff}姓名,身份证号\n张三,1\n,\n".as_bytes()).expect("table");
        assert_eq!(t.headers, ["姓名", "身份证号"]);
        assert_eq!(t.rows, vec![(2, vec!["张三".to_string(), "1".to_string()])]);
        assert_eq!(column_of(&t.headers, H_ID), Some(1));
    }

    #[test]
    fn garbage_is_refused_not_panicked_on() {
        assert_eq!(
            read_table("x.xlsx", b"PK\x03\x04garbage")
                .err()
                .map(|e| e.code),
            Some("import_unreadable")
        );
        assert_eq!(
            read_table("x.csv", &[0xff, 0xfe, 0x00])
                .err()
                .map(|e| e.code),
            Some("import_unreadable")
        );
        assert_eq!(
            read_table("x.csv", b"name\n").err().map(|e| e.code),
            Some("import_empty")
        );
    }

    #[test]
    fn excel_serial_dates() {
        assert_eq!(excel_date(45000.0), "2023-03-15");
    }

    #[test]
    fn titles_by_chinese_label() {
        assert_eq!(title_code("主任医师"), "chief_physician");
        assert_eq!(title_code("nurse"), "nurse");
    }
}
