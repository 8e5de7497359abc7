use thiserror::Error;

/// What can go wrong in the store, in terms the API can map to a status.
#[derive(Debug, Error)]
pub enum StoreError {
    /// The database cannot be reached or no connection was free in time.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// Too many writes are queued in this process; retry shortly.
    #[error("too many writes are waiting")]
    Busy,
    /// The database URL is not one this build understands.
    #[error("invalid database URL: {0}")]
    InvalidUrl(String),
    /// A unique or foreign-key constraint refused the write.
    #[error("constraint violated: {constraint}")]
    Conflict {
        /// The constraint (or the column) the database named.
        constraint: String,
    },
    /// No row matched.
    #[error("not found")]
    NotFound,
    /// Another process holds the SQLite database (see [`crate::lockfile`]).
    #[error("database in use: {0}")]
    InUse(String),
    /// A migration failed to apply or revert.
    #[error("migration failed: {0}")]
    Migration(String),
    /// A stored value does not read back as what it should be (a JSON
    /// column that does not parse, a promise without a due date).
    #[error("stored data does not read back: {0}")]
    Corrupt(String),
    /// A write's own code panicked; its changes were rolled back.
    #[error("the write failed: {0}")]
    Panicked(String),
    /// Any other database error.
    #[error(transparent)]
    Query(diesel::result::Error),
}

impl From<diesel::result::Error> for StoreError {
    fn from(err: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        crate::connection::note_error(&err);
        match err {
            Error::NotFound => Self::NotFound,
            Error::DatabaseError(
                kind
                @ (DatabaseErrorKind::UniqueViolation | DatabaseErrorKind::ForeignKeyViolation),
                info,
            ) => Self::Conflict {
                constraint: info
                    .constraint_name()
                    .map(str::to_owned)
                    .or_else(|| info.column_name().map(str::to_owned))
                    .unwrap_or_else(|| match kind {
                        DatabaseErrorKind::UniqueViolation => info.message().to_owned(),
                        _ => "foreign_key".to_owned(),
                    }),
            },
            Error::DatabaseError(
                DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
                info,
            ) => Self::Unavailable(info.message().to_owned()),
            other => Self::Query(other),
        }
    }
}

impl From<r2d2::Error> for StoreError {
    fn from(err: r2d2::Error) -> Self {
        Self::Unavailable(err.to_string())
    }
}
