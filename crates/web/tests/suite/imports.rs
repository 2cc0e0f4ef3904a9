//! Imports from CSV and Excel: good rows kept, bad rows reported with line numbers,
//! re-import creates no duplicates, corrupt files are refused with nothing written.

use yigong_testkit::app as common;

use axum::http::{Method, StatusCode};
use common::{TestApp, apps, id_number};

async fn upload(app: &TestApp, token: &str, kind: &str, name: &str, bytes: &[u8]) -> common::Reply {
    let (ct, body) = common::multipart(&[], &[(name, bytes)]);
    app.raw(
        Method::POST,
        &format!("/api/v1/imports/{kind}"),
        token,
        &ct,
        body,
    )
    .await
}

fn rows() -> Vec<[String; 6]> {
    let ok = |n: u32, name: &str| {
        [
            name.to_string(),
            id_number("1970-01-01", n),
            String::new(),
            String::new(),
            format!("1391234{n:04}"),
            "T01-V01".to_string(),
        ]
    };
    let mut v = vec![ok(101, "甲一"), ok(102, "乙二"), ok(103, "丙三")];
    let mut bad_check = ok(104, "丁四");
    bad_check[1].replace_range(
        17..18,
        if bad_check[1].ends_with('0') {
            "1"
        } else {
            "0"
        },
    );
    v.push(bad_check);
    let mut bad_phone = ok(105, "戊五");
    bad_phone[4] = "12".into();
    v.push(bad_phone);
    let mut bad_inst = ok(106, "己六");
    bad_inst[5] = "NOPE".into();
    v.push(bad_inst);
    v.push(ok(101, "甲一重复"));
    v
}

fn csv_bytes() -> Vec<u8> {
    let mut s = String::from("\u{feff}姓名,身份证号,性别,出生日期,手机号,机构编码\n");
    for r in rows() {
        s.push_str(&r.join(","));
        s.push('\n');
    }
    s.into_bytes()
}

fn xlsx_bytes() -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in [
        "name",
        "id_number",
        "sex",
        "birth_date",
        "phone",
        "institution_code",
    ]
    .iter()
    .enumerate()
    {
        sheet.write_string(0, c as u16, *h).expect("cell");
    }
    for (r, row) in rows().iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            sheet.write_string(r as u32 + 1, c as u16, v).expect("cell");
        }
    }
    book.save_to_buffer().expect("xlsx")
}

#[tokio::test]
async fn csv_and_excel_imports_keep_good_rows_report_bad_ones_and_never_duplicate() {
    for app in apps(20).await {
        let t = app.login("manager").await;
        let before = app.resident_count().await;
        for (name, bytes) in [("居民.csv", csv_bytes()), ("residents.xlsx", xlsx_bytes())] {
            let r = upload(&app, &t, "residents", name, &bytes).await;
            assert_eq!(r.status, StatusCode::OK, "{name}: {}", r.text());
            let s = r.json();
            assert_eq!(s["total"], 7, "{name}");
            assert_eq!(s["rejected"], 4, "{name}");
            assert_eq!(
                s["inserted"].as_u64().expect("n") + s["updated"].as_u64().expect("n"),
                3
            );
            let report = s["report_id"].as_str().expect("report").to_string();
            let csv = app
                .get(&format!("/api/v1/imports/reports/{report}/rejects.csv"), &t)
                .await
                .text();
            for line in ["\n5,", "\n6,", "\n7,", "\n8,"] {
                assert!(
                    csv.contains(line),
                    "{name}: rejects name line {line:?}: {csv}"
                );
            }
            assert!(
                csv.contains("校验位不正确")
                    && csv.contains("手机号")
                    && csv.contains("与第 2 行重复"),
                "{csv}"
            );
        }
        // Both files carry the same people: the second import only updated.
        assert_eq!(app.resident_count().await, before + 3, "{}", app.label);
    }
}

#[tokio::test]
async fn corrupt_or_empty_files_are_refused_and_nothing_is_written() {
    for app in apps(20).await {
        let t = app.login("manager").await;
        let before = app.resident_count().await;
        let mut corrupt = xlsx_bytes();
        corrupt.truncate(corrupt.len() / 2);
        for (name, bytes, code) in [
            ("broken.xlsx", corrupt, "import_unreadable"),
            (
                "random.xlsx",
                b"PK\x03\x04\x00\x01garbage-bytes".to_vec(),
                "import_unreadable",
            ),
            (
                "gbk.csv",
                vec![0xd0, 0xd5, 0xc3, 0xfb, b'\n', 0xd5, 0xc5],
                "import_unreadable",
            ),
            (
                "empty.csv",
                "姓名,身份证号,手机号,机构编码\n".as_bytes().to_vec(),
                "import_empty",
            ),
            (
                "nocols.csv",
                "a,b\n1,2\n".as_bytes().to_vec(),
                "import_header_missing",
            ),
        ] {
            let r = upload(&app, &t, "residents", name, &bytes).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{name}");
            assert_eq!(r.json()["error"]["code"], code, "{name}");
        }
        assert_eq!(app.resident_count().await, before);
        // Village doctors may not import.
        let v = app.login("village").await;
        assert_eq!(
            upload(&app, &v, "residents", "x.csv", &csv_bytes())
                .await
                .status,
            StatusCode::FORBIDDEN
        );
    }
}

#[tokio::test]
async fn staff_import_by_chinese_title() {
    for app in apps(5).await {
        let t = app.login("manager").await;
        let csv = format!(
            "姓名,身份证号,职称,专业,机构编码,科室编码\n钱医生,{},主治医师,全科,T01,\n孙医生,{},不存在的职称,全科,T01,\n",
            id_number("1980-02-02", 31),
            id_number("1981-02-02", 33)
        );
        let r = upload(&app, &t, "staff", "staff.csv", csv.as_bytes()).await;
        let s = r.json();
        assert_eq!(
            (s["inserted"].as_u64(), s["rejected"].as_u64()),
            (Some(1), Some(1)),
            "{}",
            r.text()
        );
    }
}

/// A row broken three ways is refused with all three reasons, in the answer (the page
/// shows it) as in the report file; the template's header row imports.
#[tokio::test]
async fn every_reason_a_row_is_refused_is_named_and_the_template_imports() {
    for app in apps(20).await {
        let l = &app.label;
        let t = app.login("manager").await;
        let csv = format!(
            "姓名,身份证号,性别,出生日期,手机号,机构编码,地址\n张3,{},,,12345,NO-SUCH,\n",
            id_number("1970-01-01", 9)
        );
        let r = upload(&app, &t, "residents", "bad.csv", csv.as_bytes()).await;
        assert_eq!(r.status, StatusCode::OK, "{l}: {}", r.text());
        let rejects = &r.json()["rejects"];
        assert_eq!(rejects[0][0], 2, "{l}: line 2");
        let why = rejects[0][1].as_str().expect("reasons");
        for reason in ["所属机构", "姓名", "手机号"] {
            assert!(why.contains(reason), "{l}: {why}");
        }
        assert_eq!(why.matches('；').count(), 2, "{l}: three reasons: {why}");
        // The template: its header row is what the importer reads.
        let cookie = app.ui_cookie("manager").await;
        let reply = app
            .page_reply("/import/template/residents.csv", &cookie)
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{l}");
        let template = String::from_utf8(reply.body.clone()).expect("utf-8");
        assert!(template.starts_with('\u{feff}'), "{l}: a BOM for Excel");
        let filled = format!(
            "{}张三,{},,,13912345678,T01-V01,\n",
            template.trim_start_matches('\u{feff}'),
            id_number("1970-01-01", 10)
        );
        let r = upload(&app, &t, "residents", "template.csv", filled.as_bytes()).await;
        assert_eq!(r.json()["rejected"], 0, "{l}: {}", r.text());
        // The page lists the codes a file may use.
        let (_, html) = app.page("/import", &cookie).await;
        assert!(html.contains(">T01-V01</td>"), "{l}");
    }
}
