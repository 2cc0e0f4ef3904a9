//! Command-line arguments; each option also reads a `YIGONG_*` environment variable.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "yigong",
    version,
    about = "Yigong — county medical community platform (医共体信息平台)"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Args, Clone)]
pub struct Db {
    /// Folder holding the embedded SQLite database.
    #[arg(long, env = "YIGONG_DATA_DIR", default_value = "./yigong-data")]
    pub data_dir: PathBuf,
    /// `sqlite:PATH` or `postgres://…`; defaults to SQLite in the data folder.
    #[arg(long, env = "YIGONG_DATABASE_URL")]
    pub database_url: Option<String>,
}

impl Db {
    pub fn url(&self) -> anyhow::Result<String> {
        if let Some(u) = self.database_url.as_ref().filter(|u| !u.is_empty()) {
            return Ok(u.clone());
        }
        std::fs::create_dir_all(&self.data_dir)?;
        Ok(format!(
            "sqlite:{}",
            self.data_dir.join("yigong.db").display()
        ))
    }

    pub fn describe(&self) -> String {
        match &self.database_url {
            Some(_) => "the configured database".into(),
            None => self.data_dir.display().to_string(),
        }
    }
}

#[derive(Subcommand)]
pub enum Command {
    /// Serve the platform.
    Serve(ServeArgs),
    /// Create a demo community (or reuse the one in the data folder), then serve it.
    Demo(DemoArgs),
    /// Apply database migrations.
    Migrate(Db),
    /// Create a new community with its lead hospital and first administrator account.
    Init(InitArgs),
    /// Import residents, staff, encounters or care outside the county from a CSV or
    /// Excel file.
    Import {
        kind: ImportKindArg,
        file: PathBuf,
        #[command(flatten)]
        db: Db,
    },
    /// Manage accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Indicators' upkeep.
    #[command(subcommand)]
    Indicators(IndicatorsCommand),
    /// ECG tools.
    #[command(subcommand)]
    Ecg(EcgCommand),
}

#[derive(Subcommand)]
pub enum EcgCommand {
    /// Detect the R peaks of every WFDB record in DIR (first signal, whole record) and
    /// write OUTDIR/RECORD.peaks, one 0-based sample index per line.
    Detect {
        dir: PathBuf,
        #[arg(long)]
        out: PathBuf,
    },
    /// Cut the 10-second excerpts the demo ships with (`data/ecg/excerpts`) from the
    /// full MIT-BIH development database in DIR (its `mitdb/` folder), with the findings
    /// their reference annotations support.
    Excerpts {
        dir: PathBuf,
        #[arg(long)]
        out: PathBuf,
    },
    /// Print the automatic measurements of one recording as JSON: an HL7 aECG, DICOM or
    /// CSV file, or a WFDB header (.hea) whose signal file lies beside it.
    Measure {
        file: PathBuf,
        /// Sampling rate of a CSV file without a time column, in Hz.
        #[arg(long)]
        fs: Option<f64>,
    },
}

#[derive(Args)]
pub struct ServeArgs {
    #[arg(long, env = "YIGONG_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: String,
    #[command(flatten)]
    pub db: Db,
    /// Mark session cookies Secure (when served behind TLS).
    #[arg(long, env = "YIGONG_SECURE_COOKIES")]
    pub secure_cookies: bool,
}

#[derive(Args)]
pub struct DemoArgs {
    #[arg(long, env = "YIGONG_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: String,
    #[command(flatten)]
    pub db: Db,
    /// How many residents to generate.
    #[arg(long, default_value_t = 100_000)]
    pub residents: usize,
    /// Generation seed: the same seed gives the same community.
    #[arg(long, default_value_t = yigong_app::demo::DEMO_SEED)]
    pub seed: u64,
}

#[derive(Args)]
pub struct InitArgs {
    /// Community name, e.g. 仁怀市医共体.
    #[arg(long)]
    pub name: String,
    /// Short ASCII code of the community.
    #[arg(long, default_value = "main")]
    pub code: String,
    /// Lead hospital name, e.g. 仁怀市人民医院.
    #[arg(long)]
    pub lead_name: String,
    #[arg(long, default_value = "LEAD")]
    pub lead_code: String,
    #[arg(long, default_value = "admin")]
    pub admin_username: String,
    #[arg(long, env = "YIGONG_ADMIN_PASSWORD")]
    pub admin_password: String,
    #[command(flatten)]
    pub db: Db,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ImportKindArg {
    Residents,
    Staff,
    /// Visits and stays from a hospital's or township's system (CSV of any size, or .xlsx).
    Encounters,
    /// Residents' care outside the county from an insurance settlement file.
    Outside,
}

#[derive(Subcommand)]
pub enum IndicatorsCommand {
    /// Recount every monthly tally from the raw rows (the numbers must not change).
    Rebuild(Db),
}

#[derive(Subcommand)]
pub enum UserCommand {
    /// Create an account.
    Add {
        #[arg(long)]
        username: String,
        /// Display name.
        #[arg(long)]
        name: Option<String>,
        #[arg(long, env = "YIGONG_NEW_PASSWORD")]
        password: String,
        /// admin, manager, specialist, township_doctor, village_doctor, party_secretary, bureau_viewer
        #[arg(long)]
        role: String,
        /// Institution code, e.g. LEAD or T01-V01.
        #[arg(long)]
        institution: String,
        #[command(flatten)]
        db: Db,
    },
}
