//! Excel export of exactly what a list shows: its columns, its rows under the filters
//! chosen, and a file name that carries those filters (`审计日志_拒绝_近7天.xlsx`).

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use rust_xlsxwriter::{Format, Workbook};

/// One cell: text as written, or a number Excel can sum.
pub enum Cell {
    Text(String),
    Number(f64),
}

impl From<String> for Cell {
    fn from(s: String) -> Self {
        Cell::Text(s)
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Cell::Text(s.to_string())
    }
}

impl From<i64> for Cell {
    fn from(n: i64) -> Self {
        Cell::Number(n as f64)
    }
}

/// Rows beyond this are not exported (a county's week of audit fits well within it).
pub const MAX_ROWS: usize = yigong_store::PageRequest::EXPORT_ROWS as usize;

/// The workbook's bytes: one sheet, a bold header row, columns sized to their text.
pub fn workbook(sheet: &str, headers: &[&str], rows: &[Vec<Cell>]) -> Result<Vec<u8>, String> {
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name(sheet_name(sheet)).map_err(|e| e.to_string())?;
    let bold = Format::new().set_bold();
    let mut widths: Vec<usize> = headers.iter().map(|h| width(h)).collect();
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &bold)
            .map_err(|e| e.to_string())?;
    }
    for (r, row) in rows.iter().take(MAX_ROWS).enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, col) = (r as u32 + 1, c as u16);
            match cell {
                Cell::Text(t) => {
                    ws.write_string(r, col, t).map_err(|e| e.to_string())?;
                    if let Some(w) = widths.get_mut(c) {
                        *w = (*w).max(width(t));
                    }
                }
                Cell::Number(n) => {
                    ws.write_number(r, col, *n).map_err(|e| e.to_string())?;
                }
            };
        }
    }
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, (*w).clamp(6, 60) as f64 + 2.0)
            .map_err(|e| e.to_string())?;
    }
    ws.set_freeze_panes(1, 0).map_err(|e| e.to_string())?;
    book.save_to_buffer().map_err(|e| e.to_string())
}

/// A name Excel accepts for a sheet: none of `[]:*?/\\`, at most 31 characters, and not
/// empty (an English title such as "Hypertension and diabetes: quality" is cut down).
fn sheet_name(title: &str) -> String {
    let kept: String = title
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { ' ' } else { c })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let cut: String = kept.trim_matches('\'').chars().take(31).collect();
    match cut.trim() {
        "" => "Sheet1".to_string(),
        t => t.to_string(),
    }
}

/// Display width: a Chinese character takes two columns.
fn width(s: &str) -> usize {
    s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

/// `table` under `headers` as a workbook, downloaded as `title_<filters>.xlsx`.
pub fn respond(
    lang: crate::i18n::Lang,
    title: &str,
    headers: &[&str],
    table: &[Vec<Cell>],
    filters: &[&str],
) -> crate::ui::UiResult<Response> {
    let bytes = workbook(title, headers, table)
        .map_err(|_| crate::ui::UiError(crate::http::error::ApiError::internal(), lang))?;
    Ok(download(title, filters, bytes))
}

/// The download: `name` (without extension) joined with the filters that are set.
pub fn download(name: &str, filters: &[&str], bytes: Vec<u8>) -> Response {
    let mut file = name.to_string();
    for f in filters.iter().filter(|f| !f.is_empty()) {
        file.push('_');
        file.push_str(f);
    }
    file.retain(|c| !matches!(c, '/' | '\\' | '"' | ':' | '*' | '?' | '<' | '>' | '|'));
    file.push_str(".xlsx");
    let disposition = format!(
        "attachment; filename=\"export.xlsx\"; filename*=UTF-8''{}",
        super::encode(&file)
    );
    (
        StatusCode::OK,
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_ones_excel_accepts() {
        assert_eq!(sheet_name("审计日志"), "审计日志");
        assert_eq!(
            sheet_name("Hypertension and diabetes: management quality"),
            "Hypertension and diabetes manag"
        );
        assert_eq!(sheet_name("a/b [c]"), "a b c");
        assert_eq!(sheet_name("::"), "Sheet1");
        assert!(workbook("Quality: by clinic, the whole year", &["x"], &[]).is_ok());
    }

    #[test]
    fn a_workbook_is_a_zip_and_the_file_name_carries_the_filters() {
        let bytes = workbook(
            "审计日志",
            &["时间", "次数"],
            &[vec!["2026-11-29".into(), 3i64.into()]],
        )
        .expect("workbook");
        assert!(bytes.starts_with(b"PK"), "an xlsx is a zip");
        let r = download("审计日志", &["拒绝", "", "近7天"], bytes);
        let d = r.headers()[header::CONTENT_DISPOSITION]
            .to_str()
            .expect("ascii");
        assert!(
            d.ends_with(&super::super::encode("审计日志_拒绝_近7天.xlsx")),
            "{d}"
        );
        assert_eq!(width("张三 ab"), 7);
    }
}
