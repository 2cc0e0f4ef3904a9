//! `yigong import outside FILE` as an office runs it on its community's database: an
//! insurance settlement file whose good row is registered, whose wrong row is printed
//! with its reasons, and which registers nothing a second time.

use std::path::Path;
use std::process::Command;

fn yigong(args: &[&str], data: &Path) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_yigong"))
        .args(args)
        .arg("--data-dir")
        .arg(data)
        .env("RUST_LOG", "warn")
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "{args:?}: {text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    text
}

/// A small demo community stored in `dir`'s database, as `yigong demo` would leave it;
/// the ID number of one of its residents.
fn community_in(dir: &Path) -> String {
    let rt = tokio::runtime::Runtime::new().expect("a runtime");
    rt.block_on(async {
        let url = format!("sqlite:{}", dir.join("yigong.db").display());
        let store = yigong_store::Store::connect(&url)
            .await
            .expect("a database");
        store.migrate().await.expect("migrated");
        let hash = &yigong_app::passwords::hash_password;
        let (community, _) = yigong_demo::seed::load(&store, 3, 40, hash, &mut |_| {})
            .await
            .expect("a demo community");
        let keys = store.resident_keys(community.id).await.expect("residents");
        keys[0].1.clone()
    })
}

#[test]
fn a_settlement_file_registers_its_good_rows_once_and_prints_the_wrong_ones() {
    let dir = std::env::temp_dir().join(format!("yigong-cli-outside-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a folder");
    let id = community_in(&dir);
    let file = dir.join("yb.csv");
    std::fs::write(
        &file,
        format!(
            "结算单号,身份证号,就诊类型,就诊日期,出院日期,就诊机构,机构级别,总费用(元),医保支付(元)\n\
             YB-1,{id},住院,2026-05-03,2026-05-08,贵州省人民医院,省级,15200.50,9800\n\
             YB-2,{id},门诊,2026-05-10,,,太空,320,180\n"
        ),
    )
    .expect("write");
    let path = file.to_str().expect("path");
    let out = yigong(&["import", "outside", path], &dir);
    assert!(
        out.contains("2 rows: 1 registered, 0 already registered, 1 rejected."),
        "{out}"
    );
    assert!(out.contains("line 3:") && out.contains("就诊医院"), "{out}");
    let out = yigong(&["import", "outside", path], &dir);
    assert!(out.contains("1 already registered"), "{out}");
    let _ = std::fs::remove_dir_all(&dir);
}
