//! A failure of the provider chain and the phase v2 raises it in: while loading providers
//! (`session.get_credentials()`), or only when the credentials are first used (SSO and
//! AssumeRole fetches, expiry checks). `configure export-credentials` wraps only load-phase
//! errors in its `Unable to retrieve credentials` message, as v2 does.

use crate::error::Error;

#[derive(Debug)]
pub struct ChainError {
    pub error: Error,
    /// Raised when the credentials are used, not while loading.
    pub deferred: bool,
}

impl From<ChainError> for Error {
    fn from(e: ChainError) -> Self {
        e.error
    }
}

pub type ChainResult<T> = std::result::Result<T, ChainError>;

/// An error v2 raises while loading providers.
pub fn load_phase(error: impl Into<Error>) -> ChainError {
    ChainError {
        error: error.into(),
        deferred: false,
    }
}

/// An error v2 raises only when the credentials are used.
pub fn fetch_phase(error: impl Into<Error>) -> ChainError {
    ChainError {
        error: error.into(),
        deferred: true,
    }
}
