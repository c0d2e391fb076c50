//! `awsso console`: signs the browser into the AWS console as the profile's credentials
//! (docs/compatibility.md, "Console"). The credentials come from the usual chain, the
//! federation endpoint exchanges them for a sign-in token, and the `Action=login` URL on
//! the same host is opened in the browser (`BROWSER` is honoured, as by `sso login`), or
//! printed with `--print` as the command's only output (`--output` and `--query` do not
//! apply).
//!
//! Exit codes: 0; 252 for a bad `--destination` or `--duration`, checked before anything
//! else; 254 when the federation endpoint refuses; 255 for everything else, credential
//! failures included, so that 254 always means the endpoint said no.

use crate::chain::Resolver;
use crate::cli::ConsoleArgs;
use crate::context::ctx_debug;
use crate::error::{Error, Result};
use crate::settings::Session;
use crate::signin::{Destination, FederationClient, SessionDuration};

/// Why the console could not be opened, beyond the federation endpoint's own refusals.
#[derive(Debug, thiserror::Error)]
pub enum ConsoleError {
    /// The chain found no credentials, or failed: its own message, exit 255.
    #[error("{0}")]
    Credentials(Error),
    /// `BROWSER` or the desktop's opener could not be started. The URL is not printed: it
    /// signs in whoever opens it.
    #[error("Unable to open a browser for the console sign-in URL. Run awsso console --print to get the URL and open it yourself.")]
    NoBrowser,
}

impl From<ConsoleError> for Error {
    fn from(e: ConsoleError) -> Self {
        Error::Other(Box::new(e))
    }
}

/// The chain's errors keep their text and exit 255 (Ctrl-C at an MFA prompt stays 130).
fn credentials_error(error: Error) -> Error {
    match error {
        Error::Interrupted => Error::Interrupted,
        other => ConsoleError::Credentials(other).into(),
    }
}

pub fn run(session: &Session, args: &ConsoleArgs) -> Result<()> {
    let ctx = session.ctx;
    let duration = args
        .duration
        .as_deref()
        .map(SessionDuration::parse)
        .transpose()?;
    let destination = match args.destination.as_deref() {
        Some(value) => Destination::parse(value)?,
        None => Destination::Home,
    };
    session.profile_props()?;
    let region = session.region()?;
    let transport = session.transport()?;
    let federation = FederationClient::new(transport, region.as_deref())?;
    let destination = destination.url(region.as_deref())?;
    let credentials = Resolver::new(session)
        .resolve()
        .map_err(|e| credentials_error(e.error))?
        .ok_or_else(|| credentials_error(Error::NoCredentials))?;
    let token = session.block_on(federation.get_signin_token(ctx, &credentials, duration))??;
    let url = federation.login_url(&token, &destination);
    if args.print {
        ctx.out(&format!("{}\n", url.expose_secret()));
        return Ok(());
    }
    ctx_debug!(ctx, "Opening the console at {destination} in the browser");
    if !ctx.browser.open(url.expose_secret()) {
        return Err(ConsoleError::NoBrowser.into());
    }
    Ok(())
}
