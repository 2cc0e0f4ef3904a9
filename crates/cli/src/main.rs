//! `yigong`: serve the platform, start a demo community, migrate, import, manage users.

mod cli;
mod indicators;

use anyhow::{Context, Result};
use clap::Parser;
use cli::{Cli, Command, ImportKindArg, UserCommand};
use indicatif::{ProgressBar, ProgressStyle};
use std::net::SocketAddr;
use std::path::Path;
use std::time::Instant;
use yigong_app::i18n::Lang;
use yigong_store::Store;
use yigong_web::state::AppState;

#[tokio::main]
async fn main() -> Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .with_target(false)
        .init();
    let cli = Cli::parse();
    match cli.command {
        Command::Serve(a) => {
            let store = open(&a.db.url()?).await?;
            let community = store.first_community().await?.context(
                "the database holds no community yet: run `yigong demo`, or create one with `yigong init`",
            )?;
            serve(
                AppState::new(store, community, false, a.secure_cookies),
                &a.listen,
            )
            .await
        }
        Command::Demo(a) => {
            let url = a.db.url()?;
            let store = open(&url).await?;
            let community = match store.first_community().await? {
                Some(c) => {
                    println!("Reusing the demo community in {}", a.db.describe());
                    c
                }
                None => generate_demo(&store, a.residents, a.seed).await?,
            };
            print_accounts(&a.listen);
            if let Some((name, id_number, phone)) = store.first_booker(community.id).await? {
                println!(
                    "Residents' window: http://{}/m as {name}: ID number {id_number}, phone {phone} (the code shows on screen in demo mode)",
                    a.listen
                );
                println!();
            }
            serve(AppState::new(store, community, true, false), &a.listen).await
        }
        Command::Migrate(db) => {
            let store = open(&db.url()?).await?;
            let ran = store.applied_migrations().await?.len();
            println!(
                "Database is at migration {ran} of {}.",
                yigong_store::migrate::MIGRATIONS.len()
            );
            Ok(())
        }
        Command::Init(a) => init(a).await,
        Command::Import { kind, file, db } => import(&db.url()?, kind, &file).await,
        Command::Indicators(cli::IndicatorsCommand::Rebuild(db)) => {
            indicators::rebuild(&open(&db.url()?).await?).await
        }
        Command::Ecg(cli::EcgCommand::Detect { dir, out }) => ecg_detect(&dir, &out),
        Command::Ecg(cli::EcgCommand::Measure { file, fs }) => ecg_measure(&file, fs),
        Command::Ecg(cli::EcgCommand::Excerpts { dir, out }) => {
            let excerpts = yigong_demo::seed::ecg::cut_excerpts(&dir, yigong_app::demo::DEMO_SEED)?;
            yigong_demo::seed::ecg::write_excerpts(&out, &excerpts)?;
            println!("{} excerpts written to {}", excerpts.len(), out.display());
            Ok(())
        }
        Command::User(UserCommand::Add {
            username,
            name,
            password,
            role,
            institution,
            db,
        }) => {
            let store = open(&db.url()?).await?;
            let community = store
                .first_community()
                .await?
                .context("the database holds no community yet")?;
            let inst = store
                .find_institution_by_code(community.id, &institution)
                .await?
                .with_context(|| format!("no institution with code {institution}"))?;
            let input = yigong_app::accounts::AccountInput {
                username: &username,
                display_name: name.as_deref().unwrap_or(&username),
                password: &password,
                role: &role,
                institution_id: inst.id,
            };
            match yigong_app::accounts::create(&store, community.id, &input).await {
                Ok(id) => {
                    println!("Created account {username} ({id}).");
                    Ok(())
                }
                Err(e) => anyhow::bail!("{}", e.message(Lang::Zh)),
            }
        }
    }
}

/// `yigong ecg measure FILE [--fs HZ]`.
fn ecg_measure(file: &Path, fs: Option<f64>) -> Result<()> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let name = file
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("upload");
    let mut files = vec![(name.to_string(), bytes)];
    if file
        .extension()
        .is_some_and(|x| x.eq_ignore_ascii_case("hea"))
    {
        let text = String::from_utf8_lossy(&files[0].1).into_owned();
        let header =
            yigong_ecg::wfdb::parse_header(&text).with_context(|| format!("{}", file.display()))?;
        let signal = file.with_file_name(&header.signals[0].file);
        let data =
            std::fs::read(&signal).with_context(|| format!("cannot read {}", signal.display()))?;
        files.push((header.signals[0].file.clone(), data));
    }
    let named: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    let (format, recording) =
        yigong_ecg::read_upload(&named, fs).with_context(|| format!("{}", file.display()))?;
    let measurements = yigong_ecg::measure::measure(&recording);
    let leads: Vec<&str> = recording.leads.iter().map(|l| l.name.as_str()).collect();
    let out = serde_json::json!({
        "file": name,
        "format": format.as_str(),
        "leads": leads,
        "samples_per_lead": recording.len(),
        "measurements": measurements,
    });
    println!("{}", serde_json::to_string_pretty(&out)?);
    Ok(())
}

/// `yigong ecg detect DIR --out OUTDIR`.
fn ecg_detect(dir: &Path, out: &Path) -> Result<()> {
    std::fs::create_dir_all(out)?;
    let mut headers: Vec<_> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "hea"))
        .collect();
    headers.sort();
    if headers.is_empty() {
        anyhow::bail!("no WFDB header (.hea) in {}", dir.display());
    }
    for hea in headers {
        let text = std::fs::read_to_string(&hea)?;
        let header =
            yigong_ecg::wfdb::parse_header(&text).with_context(|| format!("{}", hea.display()))?;
        let data = std::fs::read(dir.join(&header.signals[0].file))?;
        let rec =
            yigong_ecg::wfdb::read(&header, &data).with_context(|| format!("{}", hea.display()))?;
        let started = Instant::now();
        let peaks = yigong_ecg::qrs::detect(&rec.leads[0].samples, rec.fs);
        let took = started.elapsed();
        let mut lines = String::with_capacity(peaks.len() * 7);
        for p in &peaks {
            lines.push_str(&p.to_string());
            lines.push('\n');
        }
        std::fs::write(out.join(format!("{}.peaks", header.record)), lines)?;
        println!(
            "{}: {} beats in {} samples ({:.1} ms)",
            header.record,
            peaks.len(),
            rec.len(),
            took.as_secs_f64() * 1000.0
        );
    }
    Ok(())
}

/// A new community: its lead hospital and an administrator, so `serve` has a way in.
async fn init(a: cli::InitArgs) -> Result<()> {
    let store = open(&a.db.url()?).await?;
    if store.first_community().await?.is_some() {
        anyhow::bail!("this database already holds a community");
    }
    let (name, code) = yigong_domain::registry::validate_institution(&a.lead_name, &a.lead_code)
        .map_err(|e| anyhow::anyhow!("lead hospital {e}"))?;
    let community = store.create_community(a.code.trim(), a.name.trim()).await?;
    let lead = yigong_store::institutions::NewInstitution {
        parent_id: None,
        kind: yigong_domain::registry::InstitutionKind::Lead,
        code,
        name,
        address: String::new(),
    };
    let lead = store.insert_institution(community.id, &lead).await?;
    let input = yigong_app::accounts::AccountInput {
        username: &a.admin_username,
        display_name: Lang::Zh.t("role.admin"),
        password: &a.admin_password,
        role: "admin",
        institution_id: lead.id,
    };
    yigong_app::accounts::create(&store, community.id, &input)
        .await
        .map_err(|e| anyhow::anyhow!("{}", e.message(Lang::Zh)))?;
    println!(
        "Community {} created with lead hospital {} and administrator {}.",
        community.name, lead.name, a.admin_username
    );
    Ok(())
}

/// Connects and applies pending migrations.
pub(crate) async fn open(url: &str) -> Result<Store> {
    let store = Store::connect(url)
        .await
        .with_context(|| format!("cannot open the database {}", redact(url)))?;
    let ran = store.migrate().await.context("migration failed")?;
    if ran > 0 {
        tracing::info!(ran, "migrations applied");
    }
    Ok(store)
}

/// Hides a password in a database URL.
fn redact(url: &str) -> String {
    match (url.find("://"), url.find('@')) {
        (Some(s), Some(at)) if at > s => match url[s + 3..at].split_once(':') {
            Some((user, _)) => format!("{}{}:***{}", &url[..s + 3], user, &url[at..]),
            None => url.to_string(),
        },
        _ => url.to_string(),
    }
}

pub(crate) fn bar(len: u64, what: &str) -> ProgressBar {
    let pb = ProgressBar::new(len);
    pb.set_style(
        ProgressStyle::with_template("{msg} [{bar:40.cyan/blue}] {pos}/{len} ({per_sec}, {eta})")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    pb.set_message(what.to_string());
    pb
}

async fn generate_demo(
    store: &Store,
    residents: usize,
    seed: u64,
) -> Result<yigong_store::Community> {
    let started = Instant::now();
    println!("Generating the demo community ({residents} residents) …");
    let pb = bar(residents as u64, "residents");
    let progress_bar = pb.clone();
    let (community, _) = yigong_app::demo::load(store, seed, residents, &mut move |n| {
        progress_bar.set_position(n as u64)
    })
    .await?;
    pb.finish_and_clear();
    let referrals = yigong_app::demo::add_referral_history(store, community.id, seed).await?;
    println!("Added a year of referral history ({referrals} referrals).");
    let today = yigong_domain::clock::today();
    let family = yigong_demo::seed::family::add_history(store, community.id, seed, today).await?;
    println!(
        "Added {} family-doctor teams, {} contracts, {} hypertension and diabetes registers with {} follow-ups, {} screenings ({} findings awaiting a decision).",
        family.teams,
        family.contracts,
        family.registers,
        family.visits,
        family.screenings,
        family.open_suspicions
    );
    match yigong_demo::seed::ecg::samples_dir() {
        Some(dir) => {
            let studies =
                yigong_app::demo::add_ecg_history(store, community.id, &dir, seed).await?;
            println!(
                "Added {studies} ECG studies from the sample recordings in {}.",
                dir.display()
            );
        }
        None => println!(
            "No ECG sample recordings found (run from the repository, or set YIGONG_ECG_SAMPLES to its data/ecg): the ECG network starts empty."
        ),
    }
    let tests = yigong_demo::seed::diagnostics::add_history(store, community.id, seed).await?;
    println!(
        "Added a year of the shared diagnostic centres ({} orders and results, {} earlier results reused, {} tests repeated with a reason).",
        tests.orders, tests.reused, tests.repeated
    );
    let (consults, surgical) =
        yigong_demo::seed::consults::add_history(store, community.id, seed).await?;
    println!(
        "Added a year of teleconsultation ({consults} consultations, {surgical} of them surgical)."
    );
    let outreach =
        yigong_demo::seed::outreach::add_history(store, community.id, seed, today).await?;
    println!(
        "Added a year of expert outreach ({} weekly templates, {} sessions held serving {} people, {} planned ahead, {} places booked by residents).",
        outreach.templates, outreach.held, outreach.people, outreach.planned, outreach.bookings
    );
    let m = yigong_demo::seed::mentoring::add_history(store, community.id, seed, today).await?;
    println!(
        "Added {} postings, {} exchanges, {} mentoring pairs with {} progress notes, {} training events.",
        m.postings, m.exchanges, m.pairs, m.notes, m.trainings
    );
    let (batches, packs) =
        yigong_demo::seed::sterile::add_history(store, community.id, seed).await?;
    println!(
        "Added a year of sterile supply ({batches} batches, {packs} instrument packs, one batch recalled)."
    );
    let t = Instant::now();
    let (visits, away) =
        yigong_demo::seed::encounters::add_history(store, community.id, seed, today).await?;
    println!(
        "Added a year of encounters ({visits} visits and stays in the county, {away} outside it) in {:.1} s.",
        t.elapsed().as_secs_f64()
    );
    let official =
        yigong_demo::seed::population::add_official(store, community.id, seed, today).await?;
    println!("Entered last year's official population of {official} townships.");
    let points = yigong_demo::seed::appraisal::add_sheet(store, community.id, seed, today).await?;
    println!("Added the members' score sheet and last quarter's inspection points ({points}).");
    println!(
        "Demo community {} ready in {:.1} s.",
        community.name,
        started.elapsed().as_secs_f64()
    );
    Ok(community)
}

fn print_accounts(listen: &str) {
    println!();
    println!("Yigong demo: http://{listen}");
    println!(
        "Demo accounts (password {}):",
        yigong_app::demo::DEMO_PASSWORD
    );
    for (user, role, display) in yigong_app::demo::DEMO_ACCOUNTS {
        println!("  {user:<11} {:<16} {display}", role.as_str());
    }
    println!();
}

async fn serve(state: AppState, listen: &str) -> Result<()> {
    let addr: SocketAddr = listen
        .parse()
        .with_context(|| format!("not an address: {listen}"))?;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    tracing::info!(%addr, "serving");
    let store = state.store.clone();
    let app = yigong_web::app(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    store.close().await;
    Ok(())
}

async fn import(url: &str, kind: ImportKindArg, file: &Path) -> Result<()> {
    let store = open(url).await?;
    let community = store
        .first_community()
        .await?
        .context("the database holds no community yet")?;
    let kind = match kind {
        ImportKindArg::Residents => yigong_app::import::ImportKind::Residents,
        ImportKindArg::Staff => yigong_app::import::ImportKind::Staff,
        ImportKindArg::Encounters => return indicators::import(&store, community.id, file).await,
        ImportKindArg::Outside => {
            return indicators::import_outside(&store, community.id, file).await;
        }
    };
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let lang = Lang::Zh;
    let table = yigong_app::import::read_table(&name, &bytes)
        .map_err(|e| anyhow::anyhow!(e.message(lang)))?;
    let started = Instant::now();
    let pb = bar(table.rows.len() as u64, kind.as_str());
    let progress_bar = pb.clone();
    let summary = yigong_app::import::run(
        &store,
        community.id,
        None,
        kind,
        &name,
        &table,
        &mut move |n| progress_bar.set_position(n as u64),
    )
    .await
    .map_err(|e| anyhow::anyhow!(e.message(lang)))?;
    pb.finish_and_clear();
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{} rows in {:.2} s ({:.0} rows/s): {} inserted, {} updated, {} rejected.",
        summary.total,
        secs,
        summary.total as f64 / secs.max(1e-9),
        summary.inserted,
        summary.updated,
        summary.rejected
    );
    if summary.rejected > 0 {
        let report = store
            .get_import_report(community.id, summary.report_id)
            .await?;
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
