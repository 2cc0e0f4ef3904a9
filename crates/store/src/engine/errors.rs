//! Storage failures in the terms callers act on: a missing row, a conflict with the
//! constraint it broke, a missing reference.

/// Storage failures, in the terms callers act on.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    #[error("conflict on {constraint}")]
    Conflict { constraint: String },
    #[error("referenced row missing")]
    MissingReference,
    #[error(transparent)]
    Other(#[from] sqlx::Error),
    #[error("SQLite: {0}")]
    Engine(String),
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ffi;
        match &e {
            rusqlite::Error::QueryReturnedNoRows => StoreError::NotFound,
            rusqlite::Error::SqliteFailure(f, message) => match f.extended_code {
                ffi::SQLITE_CONSTRAINT_UNIQUE | ffi::SQLITE_CONSTRAINT_PRIMARYKEY => {
                    StoreError::Conflict {
                        constraint: unique_field(message.as_deref().unwrap_or(""), None),
                    }
                }
                ffi::SQLITE_CONSTRAINT_FOREIGNKEY => StoreError::MissingReference,
                _ => StoreError::Engine(e.to_string()),
            },
            _ => StoreError::Engine(e.to_string()),
        }
    }
}

impl StoreError {
    fn from_sqlx(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::RowNotFound => StoreError::NotFound,
            sqlx::Error::Database(d) => match d.kind() {
                sqlx::error::ErrorKind::UniqueViolation => StoreError::Conflict {
                    constraint: unique_field(d.message(), d.constraint()),
                },
                sqlx::error::ErrorKind::ForeignKeyViolation => StoreError::MissingReference,
                _ => StoreError::Other(e),
            },
            _ => StoreError::Other(e),
        }
    }
}

/// Names the column a unique violation is about, from either engine's message.
fn unique_field(message: &str, constraint: Option<&str>) -> String {
    let text = constraint.unwrap_or(message);
    for field in ["id_number", "username", "code"] {
        if text.contains(field) {
            return field.to_string();
        }
    }
    text.to_string()
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

pub(crate) trait OrConflict<T> {
    fn store(self) -> Result<T>;
}

impl<T> OrConflict<T> for std::result::Result<T, sqlx::Error> {
    fn store(self) -> Result<T> {
        self.map_err(StoreError::from_sqlx)
    }
}

/// An UPDATE that touched no row names a row that does not exist.
pub(crate) fn one_row(rows_affected: u64) -> Result<()> {
    if rows_affected == 0 {
        Err(StoreError::NotFound)
    } else {
        Ok(())
    }
}
