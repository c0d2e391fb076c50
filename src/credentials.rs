//! What the credential provider chain hands to the commands: [`Credentials`] and the
//! [`Source`] that found them. The secret parts are [`Secret`]s.

use crate::cache::role::CachedCredentials;
use crate::error::Error;
use crate::secret::Secret;
use crate::timestamp::Timestamp;

/// Credentials that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum CredentialsError {
    /// botocore's `RuntimeError` after a refresh that returned expired credentials (255).
    #[error("Credentials were refreshed, but the refreshed credentials are still expired.")]
    StillExpired,
}

impl From<CredentialsError> for Error {
    fn from(e: CredentialsError) -> Self {
        Error::Other(Box::new(e))
    }
}

/// Which provider found the credentials (botocore's `METHOD` names).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    Environment,
    AssumeRole,
    Sso,
    SharedCredentialsFile,
    Process,
    ConfigFile,
}

impl Source {
    pub fn method(self) -> &'static str {
        match self {
            Source::Environment => "env",
            Source::AssumeRole => "assume-role",
            Source::Sso => "sso",
            Source::SharedCredentialsFile => "shared-credentials-file",
            Source::Process => "custom-process",
            Source::ConfigFile => "config-file",
        }
    }
}

/// Resolved AWS credentials.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Credentials {
    pub access_key_id: String,
    pub secret_access_key: Secret,
    pub session_token: Option<Secret>,
    /// Set for temporary credentials (SSO, assume role, process/env with an expiry).
    pub expiration: Option<Timestamp>,
    pub account_id: Option<String>,
    pub source: Source,
}

impl Credentials {
    pub fn new(
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<Secret>,
        session_token: Option<Secret>,
        expiration: Option<Timestamp>,
        source: Source,
    ) -> Self {
        Credentials {
            access_key_id: access_key_id.into(),
            secret_access_key: secret_access_key.into(),
            // botocore sends no token header for an empty token.
            session_token: session_token.filter(|t| !t.is_empty()),
            expiration,
            account_id: None,
            source,
        }
    }

    pub fn with_account(mut self, account_id: Option<String>) -> Self {
        self.account_id = account_id.filter(|a| !a.is_empty());
        self
    }

    /// Temporary credentials already past their expiry: botocore refreshes them, gets the
    /// same ones back and gives up ([`CredentialsError::StillExpired`]).
    pub fn check_not_expired(self, now: std::time::SystemTime) -> crate::error::Result<Self> {
        match self.expiration {
            Some(exp)
                if exp.seconds_after(now) < 0 || exp.remaining(now) < chrono::TimeDelta::zero() =>
            {
                Err(CredentialsError::StillExpired.into())
            }
            _ => Ok(self),
        }
    }

    /// Credentials read back from the role-credentials cache.
    pub fn from_cached(cached: CachedCredentials, source: Source) -> Self {
        Credentials::new(
            cached.access_key_id,
            cached.secret_access_key,
            Some(cached.session_token),
            Some(cached.expiration),
            source,
        )
        .with_account(cached.account_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_not_debug_printed() {
        let creds = Credentials::new(
            "AKIA",
            "very-secret",
            Some(Secret::new("tok-secret")),
            None,
            Source::ConfigFile,
        );
        let shown = format!("{creds:?}");
        assert!(
            !shown.contains("very-secret") && !shown.contains("tok-secret"),
            "{shown}"
        );
    }
}
