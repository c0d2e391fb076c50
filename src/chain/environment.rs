//! botocore's `EnvProvider`: `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`, the token from
//! `AWS_SECURITY_TOKEN` or `AWS_SESSION_TOKEN`, `AWS_CREDENTIAL_EXPIRATION`, `AWS_ACCOUNT_ID`.

use crate::context::Context;
use crate::credentials::{Credentials, Source};
use crate::error::{Error, Result};
use crate::secret::Secret;
use crate::timestamp::Timestamp;

/// Environment credentials that cannot be used (general errors, 255).
#[derive(Debug, thiserror::Error)]
pub enum EnvironmentError {
    /// botocore's `PartialCredentialsError`.
    #[error("Partial credentials found in env, missing: AWS_SECRET_ACCESS_KEY")]
    MissingSecretKey,
    #[error("Unable to parse AWS_CREDENTIAL_EXPIRATION: \"{value}\"")]
    BadExpiration { value: String },
}

impl From<EnvironmentError> for Error {
    fn from(e: EnvironmentError) -> Self {
        Error::Other(Box::new(e))
    }
}

/// The environment's credentials, if `AWS_ACCESS_KEY_ID` is set.
pub fn environment(ctx: &Context) -> Result<Option<Credentials>> {
    let Some(access_key) = ctx.env.get("AWS_ACCESS_KEY_ID") else {
        return Ok(None);
    };
    let secret = ctx
        .env
        .get("AWS_SECRET_ACCESS_KEY")
        .ok_or(EnvironmentError::MissingSecretKey)?;
    let token = ctx
        .env
        .get("AWS_SECURITY_TOKEN")
        .or_else(|| ctx.env.get("AWS_SESSION_TOKEN"))
        .map(Secret::new);
    let expiration = match ctx.env.get("AWS_CREDENTIAL_EXPIRATION") {
        None => None,
        Some(raw) => {
            Some(
                Timestamp::parse(raw).ok_or_else(|| EnvironmentError::BadExpiration {
                    value: raw.to_owned(),
                })?,
            )
        }
    };
    Ok(Some(
        Credentials::new(access_key, secret, token, expiration, Source::Environment)
            .with_account(ctx.env.get("AWS_ACCOUNT_ID").map(str::to_owned)),
    ))
}
