//! Vanity start URLs in the session prompts of `configure sso` and `configure sso-session`
//! (v2 ≥2.35.13, `_prompt_for_sso_start_url_and_sso_region` in
//! `awscli/customizations/configure/sso_commands.py`; docs/compatibility.md,
//! "configure sso"): a start URL whose host AWS does not own is resolved as soon as it is
//! known, with `sso login`'s resolver ([`crate::login::start_url`]: one HEAD, redirects not
//! followed). When it leads to an access portal whose host names the region, that region is
//! the session's and the region prompt is skipped; the portal URL is what the sign-in then
//! uses (no second request). Any failure, including a portal host that names no region (v2
//! calls the resolver without a configured region, so that is its `Cannot determine region`
//! error), is only logged with `--debug` and the region prompt appears as usual.

use std::time::Duration;

use crate::context::ctx_debug;
use crate::error::{Error, Result};
use crate::login::{self, start_url};
use crate::settings::Session;

/// A vanity start URL that led nowhere usable. Only logged with `--debug` (the region is
/// then asked); its kind, Configuration, is v2's.
#[derive(Debug, thiserror::Error)]
pub enum VanityError {
    /// The portal host names no region: v2's resolver, called without a configured region.
    #[error("Cannot determine region from start URL '{start_url}'. Please provide sso_region in your configuration.")]
    NoRegion { start_url: String },
}

impl From<VanityError> for Error {
    fn from(e: VanityError) -> Self {
        Error::Configuration(Box::new(e))
    }
}

/// v2's `_DEFAULT_TIMEOUT` for the resolution (`configure sso` passes no timeout).
const RESOLVE_TIMEOUT: Duration = Duration::from_secs(10);

/// A vanity start URL that led to an access portal naming its region.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Portal {
    /// The normalised portal URL: the issuer URL (PKCE) or `startUrl` (device flow).
    pub url: String,
    pub region: String,
}

/// Resolves start URLs for the wizard.
pub struct Resolver<'s, 'a> {
    session: &'s Session<'a>,
}

impl<'s, 'a> Resolver<'s, 'a> {
    pub fn new(session: &'s Session<'a>) -> Self {
        Resolver { session }
    }

    /// The portal `start_url` leads to, when its host is not AWS-owned and the resolution
    /// finds a region; `None` otherwise (the region is then asked). Only Ctrl-C is an error.
    pub fn portal(&self, start_url: &str) -> Result<Option<Portal>> {
        // v2 checks `urlparse(start_url).hostname` first: no host, or an AWS-owned one, means
        // no resolution at all (not even the https check).
        let host = url::Url::parse(start_url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned));
        let Some(host) = host.filter(|h| !h.is_empty()) else {
            return Ok(None);
        };
        if start_url::is_aws_owned(&host) {
            return Ok(None);
        }
        let outcome = self.resolve(start_url).and_then(|resolved| {
            let region = resolved.region.ok_or_else(|| VanityError::NoRegion {
                start_url: start_url.to_owned(),
            })?;
            Ok(Portal {
                url: resolved.url,
                region,
            })
        });
        match outcome {
            Ok(portal) => Ok(Some(portal)),
            Err(Error::Interrupted) => Err(Error::Interrupted),
            Err(e) => {
                let reason = match e {
                    Error::Configuration(message) => message.to_string(),
                    other => other.to_string(),
                };
                ctx_debug!(
                    self.session.ctx,
                    "Failed to resolve vanity URL '{start_url}': {reason}. Falling back to region prompt."
                );
                Ok(None)
            }
        }
    }

    fn resolve(&self, start_url: &str) -> Result<start_url::ResolvedStartUrl> {
        // v2 builds no client here: only the CA bundle and --no-verify-ssl apply, with its
        // own timeout.
        let http = self.session.start_url_client(RESOLVE_TIMEOUT);
        let ctx = self.session.ctx;
        self.session.block_on(async {
            login::interruptible(start_url::resolve(ctx, &http, start_url))?.await
        })?
    }
}
