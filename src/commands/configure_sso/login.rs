//! The sign-in inside the wizard (v2 step 5): the login command's own flow, through its
//! reusable entry point, with v2's messages but no "Successfully logged into" line.

use super::Registration;
use crate::cli::{ConfigureSsoArgs, GlobalArgs};
use crate::context::Context;
use crate::error::{Error, Result};

/// Signs in (or reuses the session's cached token, for an existing session) and returns the
/// access token.
pub fn sign_in(
    _ctx: &Context,
    _global: &GlobalArgs,
    _args: &ConfigureSsoArgs,
    _runtime: &tokio::runtime::Runtime,
    _registration: &Registration,
) -> Result<String> {
    Err(Error::Other(
        "awsso configure sso cannot sign in in this version yet".into(),
    ))
}
