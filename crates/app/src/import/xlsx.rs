//! Reading an .xlsx upload with memory bounded by what the file really holds.
//!
//! A workbook can declare anything: a sheet dimension of A1:XFD1048576, a shared-string
//! table of a billion entries, parts that inflate to gigabytes. Dense readers allocate
//! for what is declared; here the zip's declared sizes and the string table's count are
//! checked before opening, and cells are streamed into rows that exist, at most
//! [`MAX_COLS`] wide and [`super::import::MAX_ROWS`] long.

use crate::error::AppError;
use crate::import::{MAX_ROWS, Table, cell_text, too_many_rows, unreadable};
use calamine::{Data, Reader, Xlsx};
use std::collections::BTreeMap;
use std::io::{Cursor, Read};

/// Columns read from the left: the importer's columns are far fewer.
pub const MAX_COLS: u32 = 64;
/// The most the parts of a workbook may inflate to, as the zip declares them.
pub const MAX_UNZIPPED: u64 = 512 * 1024 * 1024;
/// The most shared strings a workbook may declare (one per cell at most).
pub const MAX_SHARED_STRINGS: usize = MAX_ROWS * MAX_COLS as usize;

fn too_large() -> AppError {
    AppError::invalid("import_too_large")
}

/// Checks what the zip declares before calamine opens it.
fn check_parts(bytes: &[u8]) -> Result<(), AppError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| unreadable())?;
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let part = zip.by_index_raw(i).map_err(|_| unreadable())?;
        total = total.saturating_add(part.size());
    }
    if total > MAX_UNZIPPED {
        return Err(too_large());
    }
    if let Ok(part) = zip.by_name("xl/sharedStrings.xml") {
        let mut head = Vec::with_capacity(4096);
        part.take(4096)
            .read_to_end(&mut head)
            .map_err(|_| unreadable())?;
        if declared_count(&head).is_some_and(|n| n > MAX_SHARED_STRINGS) {
            return Err(too_large());
        }
    }
    Ok(())
}

/// The `uniqueCount` of a shared-string table's opening tag (saturating on overflow).
fn declared_count(head: &[u8]) -> Option<usize> {
    let text = String::from_utf8_lossy(head);
    let at = text.find("uniqueCount=")? + "uniqueCount=".len();
    let digits: String = text[at..]
        .chars()
        .skip(1)
        .take_while(char::is_ascii_digit)
        .collect();
    if digits.is_empty() {
        return None;
    }
    Some(digits.parse().unwrap_or(usize::MAX))
}

/// The first sheet as a header row and data rows with their line numbers. The reader
/// is third-party code fed outside bytes: a panic in it (an arithmetic overflow on a
/// malformed cell reference, found by fuzzing) is an unreadable file, not a crash.
pub fn read(bytes: &[u8]) -> Result<Table, AppError> {
    std::panic::catch_unwind(|| read_unguarded(bytes)).unwrap_or_else(|_| Err(unreadable()))
}

fn read_unguarded(bytes: &[u8]) -> Result<Table, AppError> {
    check_parts(bytes)?;
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|_| unreadable())?;
    let first = book.sheet_names().first().cloned().ok_or_else(unreadable)?;
    let mut cells = book
        .worksheet_cells_reader(&first)
        .map_err(|_| unreadable())?;
    let mut rows: BTreeMap<u32, Vec<(u32, String)>> = BTreeMap::new();
    let mut first_col = u32::MAX;
    while let Some(cell) = cells.next_cell().map_err(|_| unreadable())? {
        let (row, col) = cell.get_position();
        if col >= MAX_COLS {
            continue;
        }
        let text = cell_text(&Data::from(cell.get_value().clone()));
        if text.trim().is_empty() {
            continue;
        }
        // The header and MAX_ROWS data rows; one more says the file is too long.
        if !rows.contains_key(&row) && rows.len() > MAX_ROWS {
            return Err(too_many_rows());
        }
        first_col = first_col.min(col);
        rows.entry(row).or_default().push((col, text));
    }
    let mut it = rows.into_iter().map(|(row, cells)| {
        let width = cells
            .iter()
            .map(|(c, _)| c - first_col + 1)
            .max()
            .unwrap_or(0);
        let mut line = vec![String::new(); width as usize];
        for (c, text) in cells {
            line[(c - first_col) as usize] = text;
        }
        (row as usize + 1, line)
    });
    let (_, headers) = it.next().ok_or_else(unreadable)?;
    let headers = headers.into_iter().map(|h| h.trim().to_string()).collect();
    Ok(Table {
        headers,
        rows: it.collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use zip::write::SimpleFileOptions;

    /// A minimal workbook around one sheet's XML (and a shared-string table, if given).
    fn workbook(sheet: &str, strings: Option<&str>) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let o = SimpleFileOptions::default();
        let mut part = |name: &str, body: &str| {
            w.start_file(name, o).expect("part");
            w.write_all(body.as_bytes()).expect("write");
        };
        part(
            "[Content_Types].xml",
            r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#,
        );
        part(
            "_rels/.rels",
            r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
        );
        part(
            "xl/workbook.xml",
            r#"<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
        );
        part(
            "xl/_rels/workbook.xml.rels",
            r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#,
        );
        part(
            "xl/worksheets/sheet1.xml",
            &format!(
                r#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{sheet}</worksheet>"#
            ),
        );
        if let Some(s) = strings {
            part("xl/sharedStrings.xml", s);
        }
        w.finish().expect("zip").into_inner()
    }

    fn cell(r: &str, v: &str) -> String {
        format!(r#"<c r="{r}" t="inlineStr"><is><t>{v}</t></is></c>"#)
    }

    #[test]
    fn reads_the_rows_that_exist() {
        let sheet = format!(
            r#"<dimension ref="B2:C4"/><sheetData><row r="2">{}{}</row><row r="4">{}{}</row></sheetData>"#,
            cell("B2", "姓名"),
            cell("C2", "身份证号"),
            cell("B4", "张三"),
            cell("C4", "1")
        );
        let t = read(&workbook(&sheet, None)).expect("reads");
        assert_eq!(t.headers, ["姓名", "身份证号"]);
        assert_eq!(t.rows, vec![(4, vec!["张三".to_string(), "1".to_string()])]);
    }

    #[test]
    fn far_apart_cells_take_no_memory_for_the_gap() {
        // Dense, these two cells span 16,384 columns × 1,048,576 rows: 17 billion cells.
        let sheet = format!(
            r#"<dimension ref="A1:XFD1048576"/><sheetData><row r="1">{}</row><row r="1048576">{}{}</row></sheetData>"#,
            cell("A1", "姓名"),
            cell("A1048576", "张三"),
            cell("XFD1048576", "far")
        );
        let t = read(&workbook(&sheet, None)).expect("reads");
        assert_eq!(t.headers, ["姓名"]);
        assert_eq!(t.rows, vec![(1_048_576, vec!["张三".to_string()])]);
    }

    #[test]
    fn a_huge_declared_string_table_is_refused_before_opening() {
        let sst = r#"<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="99999999999999999999"><si><t>x</t></si></sst>"#;
        let sheet = format!(
            r#"<sheetData><row r="1">{}</row></sheetData>"#,
            cell("A1", "x")
        );
        assert_eq!(
            read(&workbook(&sheet, Some(sst))).err().map(|e| e.code),
            Some("import_too_large")
        );
        assert_eq!(declared_count(br#"<sst uniqueCount="12">"#), Some(12));
        assert_eq!(declared_count(br#"<sst count="3">"#), None);
    }

    #[test]
    fn too_many_rows_are_refused_with_the_limit() {
        let mut data = String::from("<sheetData>");
        for r in 1..=MAX_ROWS + 2 {
            data.push_str(&format!(r#"<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>"#));
        }
        data.push_str("</sheetData>");
        let e = read(&workbook(&data, None)).expect_err("refused");
        assert_eq!(
            (e.code, e.detail.as_deref()),
            ("import_too_many_rows", Some("200000"))
        );
    }
}
