//! Rocket.Chat's Livechat rules for visitors and custom fields, run inside one storage
//! transaction per request. Nothing here knows about HTTP: [`Error`] says which kind of
//! Rocket.Chat error a rule raises, and the API layer turns it into a response.

pub mod custom_fields;
pub mod field_values;
pub mod regexp;
pub mod visitors;

use crate::storage::StoreError;

/// A rule a request broke, in the shapes Rocket.Chat reports them (all answered with 400),
/// or a storage failure.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A plain `Error` thrown by an endpoint, or `API.v1.failure(message)`:
    /// `{"success": false, "error": message}`.
    #[error("{0}")]
    Failure(String),
    /// A `Meteor.Error(error_type, reason)`:
    /// `{"success": false, "error": "reason [error_type]", "errorType": error_type}`
    /// (just `"[error_type]"` when there is no reason).
    #[error("{reason} [{error_type}]")]
    Meteor {
        /// The stable code, e.g. `error-invalid-token`.
        error_type: &'static str,
        /// The human-readable reason (may be empty).
        reason: String,
    },
    /// A request that fails parameter validation (`... [invalid-params]`).
    #[error("{0} [invalid-params]")]
    InvalidParams(String),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        Error::Store(StoreError::Sqlite(e))
    }
}

impl Error {
    /// Rocket.Chat's answer when a token names no visitor (`throw new Error('invalid-token')`).
    pub fn invalid_token() -> Self {
        Error::Failure("invalid-token".into())
    }
}
