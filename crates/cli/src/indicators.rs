//! `yigong import encounters FILE`, `yigong import outside FILE` and
//! `yigong indicators rebuild`.

use anyhow::{Context, Result};
use std::path::Path;
use std::time::Instant;
use uuid::Uuid;
use yigong_app::i18n::Lang;
use yigong_app::import::encounters::{self, Importer, Rows, Upload};
use yigong_store::Store;

/// Imports a CSV (streamed, any size) or .xlsx file of encounters with a progress bar
/// over the file's bytes; an interrupted run of the same file goes on where it stopped.
pub async fn import(store: &Store, community: Uuid, file: &Path) -> Result<()> {
    let lang = Lang::Zh;
    let open =
        || std::fs::File::open(file).with_context(|| format!("cannot read {}", file.display()));
    let size = open()?.metadata()?.len();
    let hash = encounters::file_hash(&mut std::io::BufReader::new(open()?))
        .map_err(|e| anyhow::anyhow!(e.message(lang)))?;
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let pb = crate::bar(size, "encounters");
    let reader = pb.wrap_read(std::io::BufReader::with_capacity(1 << 20, open()?));
    let rows = Rows::open(&name, Box::new(reader)).map_err(|e| anyhow::anyhow!(e.message(lang)))?;
    let started = Instant::now();
    let who = Importer {
        account_id: None,
        username: "cli",
    };
    let today = yigong_domain::clock::today();
    let upload = Upload {
        file_name: &name,
        hash: &hash,
        today,
    };
    let s = encounters::import(store, community, who, upload, rows, &mut |_| {})
        .await
        .map_err(|e| anyhow::anyhow!(e.message(lang)))?;
    pb.finish_and_clear();
    let secs = started.elapsed().as_secs_f64();
    if s.resumed_from > 0 {
        println!(
            "Resumed after row {} stored by an interrupted run.",
            s.resumed_from
        );
    }
    println!(
        "{} rows in {:.2} s ({:.0} rows/s): {} inserted, {} corrected, {} already stored, {} rejected.",
        s.total,
        secs,
        s.total.saturating_sub(s.resumed_from) as f64 / secs.max(1e-9),
        s.stored.inserted,
        s.stored.updated,
        s.stored.unchanged,
        s.rejected
    );
    if let (true, Some(id)) = (s.rejected > 0, s.report_id) {
        let report = store.get_import_report(community, id).await?;
        let out = file.with_extension("rejects.csv");
        std::fs::write(&out, report.rejects_csv)
            .with_context(|| format!("cannot write {}", out.display()))?;
        println!(
            "Rejected rows, with line numbers and reasons: {}",
            out.display()
        );
    }
    Ok(())
}

/// Imports care outside the county from an insurance settlement file; prints what it
/// did and every refused row with its reasons.
pub async fn import_outside(store: &Store, community: Uuid, file: &Path) -> Result<()> {
    let lang = Lang::Zh;
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let table = yigong_app::import::read_table(&name, &bytes)
        .map_err(|e| anyhow::anyhow!(e.message(lang)))?;
    let who = Importer {
        account_id: None,
        username: "cli",
    };
    let today = yigong_domain::clock::today();
    let s = yigong_app::import::outside::import(store, community, (who, &name), &table, today)
        .await
        .map_err(|e| anyhow::anyhow!(e.message(lang)))?;
    println!(
        "{} rows: {} registered, {} already registered, {} rejected.",
        s.total, s.inserted, s.known, s.rejected
    );
    for (line, why) in &s.rejects {
        println!("  line {line}: {why}");
    }
    Ok(())
}

/// Recounts every tally from the raw rows.
pub async fn rebuild(store: &Store) -> Result<()> {
    let community = store
        .first_community()
        .await?
        .context("the database holds no community yet")?;
    let started = Instant::now();
    let n = store.rebuild_tallies(community.id).await?;
    println!(
        "{n} counters recounted from the raw rows in {:.2} s.",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
