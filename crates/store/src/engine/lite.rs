//! Direct SQLite connections for the busiest request paths (decision 0004).
//!
//! sqlx runs each SQLite connection on its own thread and every statement is a hand-off
//! to it and back; on a small virtual machine each hand-off costs 50–100 µs, far more
//! than the statement. The functions that every referral action goes through run here
//! instead, synchronously on the calling thread, on connections opened on the same
//! file. Values are stored exactly as sqlx stores them (UUIDs as 16-byte blobs,
//! timestamps as RFC 3339 text, dates as `YYYY-MM-DD`, booleans as 0/1), so either
//! side reads what the other wrote.

use crate::{Result, StoreError};
use rusqlite::types::{Value, ValueRef};
use rusqlite::{Connection, OpenFlags, Row, Statement};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, mpsc};
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime};
use tokio::sync::oneshot;
use uuid::Uuid;

/// Readers kept open between requests.
const IDLE_READERS: usize = 8;

/// Write jobs taken into one transaction at most.
const MAX_BATCH: usize = 64;

pub(crate) struct Lite {
    path: PathBuf,
    readers: Mutex<Vec<Connection>>,
    /// The store's SQLite write gate, held by the writer thread for each batch.
    gate: Arc<tokio::sync::Mutex<()>>,
    jobs: Mutex<Option<mpsc::Sender<Box<dyn Job>>>>,
}

impl std::fmt::Debug for Lite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lite").field("path", &self.path).finish()
    }
}

/// One write waiting for the writer thread: run inside the batch's transaction, then
/// told whether the batch committed.
trait Job: Send {
    fn run(&mut self, conn: &Connection);
    fn finish(self: Box<Self>, committed: std::result::Result<(), String>);
}

struct Pending<T, F> {
    work: Option<F>,
    out: Option<Result<T>>,
    reply: oneshot::Sender<Result<T>>,
}

impl<T: Send, F: FnOnce(&Connection) -> Result<T> + Send> Job for Pending<T, F> {
    fn run(&mut self, conn: &Connection) {
        if let Some(work) = self.work.take() {
            self.out = Some(in_savepoint(conn, work));
        }
    }

    fn finish(self: Box<Self>, committed: std::result::Result<(), String>) {
        let result = match (self.out, committed) {
            (Some(Err(e)), _) => Err(e),
            (Some(Ok(v)), Ok(())) => Ok(v),
            (_, Err(e)) => Err(StoreError::Engine(e)),
            (None, Ok(())) => Err(StoreError::Engine("write not run".into())),
        };
        // The caller may have gone away (request cancelled): nothing to tell.
        let _ = self.reply.send(result);
    }
}

/// Runs one job so that its failure undoes only its own changes.
fn in_savepoint<T>(conn: &Connection, work: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
    let run = |sql: &str| conn.prepare_cached(sql).and_then(|mut s| s.raw_execute());
    run("SAVEPOINT job")?;
    let out = work(conn);
    if out.is_err() {
        run("ROLLBACK TO job")?;
    }
    run("RELEASE job")?;
    out
}

/// The writer thread (group commit): opens a transaction for the first waiting write,
/// runs it and every write that arrives meanwhile (up to [`MAX_BATCH`]), commits once,
/// and only then answers each.
fn writer(conn: Connection, jobs: mpsc::Receiver<Box<dyn Job>>, gate: Arc<tokio::sync::Mutex<()>>) {
    while let Ok(first) = jobs.recv() {
        let _gate = gate.blocking_lock();
        let mut batch = vec![first];
        let committed = conn
            .execute_batch("BEGIN IMMEDIATE")
            .map_err(|e| e.to_string())
            .and_then(|()| {
                let mut ran = 0;
                while ran < batch.len() {
                    batch[ran].run(&conn);
                    ran += 1;
                    if ran == batch.len() && batch.len() < MAX_BATCH {
                        batch.extend(jobs.try_recv().ok());
                    }
                }
                conn.execute_batch("COMMIT").map_err(|e| {
                    let _ = conn.execute_batch("ROLLBACK");
                    e.to_string()
                })
            });
        for job in batch {
            job.finish(committed.clone());
        }
    }
}

impl Lite {
    /// Connections are opened on first use (after migrations have run).
    pub(crate) fn new(path: &Path, gate: Arc<tokio::sync::Mutex<()>>) -> Self {
        Self {
            path: path.to_path_buf(),
            readers: Mutex::new(Vec::new()),
            gate,
            jobs: Mutex::new(None),
        }
    }

    fn open(&self) -> Result<Connection> {
        let conn = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.execute_batch(
            "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 10000;
             PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY;",
        )?;
        Ok(conn)
    }

    /// Runs `f` on a reader connection, on the calling thread.
    pub(crate) fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let idle = self.readers.lock().ok().and_then(|mut r| r.pop());
        let conn = match idle {
            Some(c) => c,
            None => self.open()?,
        };
        let out = f(&conn);
        if let Ok(mut readers) = self.readers.lock()
            && readers.len() < IDLE_READERS
        {
            readers.push(conn);
        }
        out
    }

    /// Runs `f` on the writer thread inside a transaction shared with other writes waiting
    /// at the same moment; answers once that transaction has committed. An error from `f`
    /// undoes `f`'s changes only.
    pub(crate) async fn write<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let job: Box<dyn Job> = Box::new(Pending {
            work: Some(f),
            out: None,
            reply,
        });
        {
            let mut jobs = self
                .jobs
                .lock()
                .map_err(|_| StoreError::Engine("SQLite writer poisoned".into()))?;
            if jobs.is_none() {
                let conn = self.open()?;
                let (tx, rx) = mpsc::channel();
                let gate = self.gate.clone();
                std::thread::Builder::new()
                    .name("sqlite-writer".into())
                    .spawn(move || writer(conn, rx, gate))
                    .map_err(|e| StoreError::Engine(e.to_string()))?;
                *jobs = Some(tx);
            }
            let sent = jobs.as_ref().map(|tx| tx.send(job));
            if !matches!(sent, Some(Ok(()))) {
                // The thread is gone; the next write starts a new one.
                *jobs = None;
                return Err(StoreError::Engine("SQLite writer stopped".into()));
            }
        }
        answer
            .await
            .map_err(|_| StoreError::Engine("SQLite writer stopped".into()))?
    }
}

/// A value as sqlx would have bound it on SQLite.
pub(crate) trait Bind {
    fn value(&self) -> Value;
}

impl Bind for Uuid {
    fn value(&self) -> Value {
        Value::Blob(self.as_bytes().to_vec())
    }
}
impl Bind for OffsetDateTime {
    fn value(&self) -> Value {
        self.format(&Rfc3339).map_or(Value::Null, Value::Text)
    }
}
impl Bind for Date {
    fn value(&self) -> Value {
        Value::Text(self.to_string())
    }
}
impl Bind for str {
    fn value(&self) -> Value {
        Value::Text(self.to_string())
    }
}
impl Bind for String {
    fn value(&self) -> Value {
        self.as_str().value()
    }
}
impl Bind for bool {
    fn value(&self) -> Value {
        Value::Integer(i64::from(*self))
    }
}
impl Bind for i32 {
    fn value(&self) -> Value {
        Value::Integer(i64::from(*self))
    }
}
impl Bind for i64 {
    fn value(&self) -> Value {
        Value::Integer(*self)
    }
}
impl<T: Bind + ?Sized> Bind for &T {
    fn value(&self) -> Value {
        (**self).value()
    }
}
impl<T: Bind> Bind for Option<T> {
    fn value(&self) -> Value {
        self.as_ref().map_or(Value::Null, Bind::value)
    }
}

/// `$1, $2, …` bound from a list, the way the shared SQL numbers its parameters.
macro_rules! params {
    ($($v:expr),* $(,)?) => { [$($crate::lite::Bind::value(&$v)),*] };
}
pub(crate) use params;

/// Prepares (cached) and binds `$1…$n` by name, so a number may appear in any order or twice.
pub(crate) fn prepare<'c>(
    conn: &'c Connection,
    sql: &str,
    values: &[Value],
) -> Result<rusqlite::CachedStatement<'c>> {
    let mut stmt = conn.prepare_cached(sql)?;
    bind(&mut stmt, values)?;
    Ok(stmt)
}

fn bind(stmt: &mut Statement<'_>, values: &[Value]) -> Result<()> {
    for (i, v) in values.iter().enumerate() {
        if let Some(index) = stmt.parameter_index(&format!("${}", i + 1))? {
            stmt.raw_bind_parameter(index, v)?;
        }
    }
    Ok(())
}

/// Runs a statement that returns no rows; the number of rows changed.
pub(crate) fn execute(conn: &Connection, sql: &str, values: &[Value]) -> Result<usize> {
    Ok(prepare(conn, sql, values)?.raw_execute()?)
}

/// The first row mapped by `f`, if any.
pub(crate) fn first<T>(
    conn: &Connection,
    sql: &str,
    values: &[Value],
    f: impl FnOnce(&Row<'_>) -> Result<T>,
) -> Result<Option<T>> {
    let mut stmt = prepare(conn, sql, values)?;
    let mut rows = stmt.raw_query();
    match rows.next()? {
        Some(row) => f(row).map(Some),
        None => Ok(None),
    }
}

/// Reads a row's columns in SELECT order (by position: looking columns up by name
/// scans every column name).
pub(crate) struct Columns<'a, 'r> {
    row: &'a Row<'r>,
    next: usize,
}

impl<'a, 'r> Columns<'a, 'r> {
    pub(crate) fn new(row: &'a Row<'r>) -> Self {
        Self { row, next: 0 }
    }

    fn value(&mut self) -> Result<ValueRef<'a>> {
        self.next += 1;
        Ok(self.row.get_ref(self.next - 1)?)
    }

    fn fail(&self, what: &str) -> StoreError {
        StoreError::Engine(format!("column {}: not a {what}", self.next - 1))
    }

    pub(crate) fn opt_text(&mut self) -> Result<Option<String>> {
        match self.value()? {
            ValueRef::Null => Ok(None),
            ValueRef::Text(t) => std::str::from_utf8(t)
                .map(|t| Some(t.to_string()))
                .map_err(|_| self.fail("text")),
            _ => Err(self.fail("text")),
        }
    }

    pub(crate) fn text(&mut self) -> Result<String> {
        self.opt_text()?.ok_or_else(|| self.fail("text"))
    }

    /// A stored code read as its enum ([`yigong_domain::codes!`]); a word outside the
    /// table fails the read.
    pub(crate) fn code<T: TryFrom<String>>(&mut self) -> Result<T> {
        T::try_from(self.text()?).map_err(|_| self.fail("known code"))
    }

    pub(crate) fn opt_int(&mut self) -> Result<Option<i64>> {
        match self.value()? {
            ValueRef::Null => Ok(None),
            ValueRef::Integer(i) => Ok(Some(i)),
            _ => Err(self.fail("integer")),
        }
    }

    pub(crate) fn int(&mut self) -> Result<i64> {
        self.opt_int()?.ok_or_else(|| self.fail("integer"))
    }

    pub(crate) fn opt_bool(&mut self) -> Result<Option<bool>> {
        Ok(self.opt_int()?.map(|i| i != 0))
    }

    pub(crate) fn opt_uuid(&mut self) -> Result<Option<Uuid>> {
        let parsed = match self.value()? {
            ValueRef::Null => return Ok(None),
            ValueRef::Blob(b) => Uuid::from_slice(b).ok(),
            ValueRef::Text(t) => std::str::from_utf8(t)
                .ok()
                .and_then(|t| Uuid::parse_str(t).ok()),
            _ => None,
        };
        parsed.map(Some).ok_or_else(|| self.fail("UUID"))
    }

    pub(crate) fn uuid(&mut self) -> Result<Uuid> {
        self.opt_uuid()?.ok_or_else(|| self.fail("UUID"))
    }

    pub(crate) fn opt_time(&mut self) -> Result<Option<OffsetDateTime>> {
        match self.opt_text()? {
            None => Ok(None),
            Some(t) => OffsetDateTime::parse(&t, &Rfc3339)
                .map(Some)
                .map_err(|_| self.fail("timestamp")),
        }
    }

    pub(crate) fn time(&mut self) -> Result<OffsetDateTime> {
        self.opt_time()?.ok_or_else(|| self.fail("timestamp"))
    }

    pub(crate) fn opt_date(&mut self) -> Result<Option<Date>> {
        let format = time::macros::format_description!("[year]-[month]-[day]");
        match self.opt_text()? {
            None => Ok(None),
            Some(t) => Date::parse(&t, &format)
                .map(Some)
                .map_err(|_| self.fail("date")),
        }
    }
}
