//! botocore's `EnvProvider`: `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`, the token from
//! `AWS_SECURITY_TOKEN` or `AWS_SESSION_TOKEN`, `AWS_CREDENTIAL_EXPIRATION`, `AWS_ACCOUNT_ID`.

use crate::context::Context;
use crate::credentials::{Credentials, Source};
use crate::error::{Error, Result};
use crate::secret::Secret;
use crate::timestamp::Timestamp;

/// The environment's credentials, if `AWS_ACCESS_KEY_ID` is set.
pub fn environment(ctx: &Context) -> Result<Option<Credentials>> {
    let Some(access_key) = ctx.env.get("AWS_ACCESS_KEY_ID") else {
        return Ok(None);
    };
    let secret = ctx.env.get("AWS_SECRET_ACCESS_KEY").ok_or_else(|| {
        Error::Other("Partial credentials found in env, missing: AWS_SECRET_ACCESS_KEY".into())
    })?;
    let token = ctx
        .env
        .get("AWS_SECURITY_TOKEN")
        .or_else(|| ctx.env.get("AWS_SESSION_TOKEN"))
        .map(Secret::new);
    let expiration = match ctx.env.get("AWS_CREDENTIAL_EXPIRATION") {
        None => None,
        Some(raw) => Some(Timestamp::parse(raw).ok_or_else(|| {
            Error::Other(format!("Unable to parse AWS_CREDENTIAL_EXPIRATION: \"{raw}\"").into())
        })?),
    };
    Ok(Some(
        Credentials::new(access_key, secret, token, expiration, Source::Environment)
            .with_account(ctx.env.get("AWS_ACCOUNT_ID").map(str::to_owned)),
    ))
}
