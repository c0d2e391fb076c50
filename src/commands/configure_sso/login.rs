//! The sign-in inside the wizard (v2 step 5) through the login command's own flow
//! ([`crate::login::fetch_token_at`]): v2's browser or device-code messages, no "Successfully
//! logged into" line. A new session always signs in anew (`force_refresh`); an existing
//! session, or a legacy start URL, reuses its cached token while it has 15 minutes or more
//! left, as botocore's `SSOTokenFetcher` does. As v2's `do_sso_login`, the sign-in does not
//! resolve the start URL again: it goes to the portal a vanity URL led to at its prompt
//! ([`super::vanity`]), else to the start URL as configured.

use crate::cli::ConfigureSsoArgs;
use crate::context::ctx_debug;
use crate::error::Result;
use crate::login::start_url::ResolvedStartUrl;
use crate::login::{self, FlowOptions};
use crate::secret::Secret;
use crate::settings::{LoginTarget, Session};
use crate::sso_token;

/// What the sign-in needs, as the prompts settled it (v2's `sso_registration_args`).
#[derive(Clone, Debug)]
pub struct Registration {
    /// `None` on the legacy path (no sso-session).
    pub session_name: Option<String>,
    pub start_url: String,
    pub sso_region: String,
    /// Parsed scopes; `None` when the session has none configured (an existing session
    /// without `sso_registration_scopes`, or the legacy path).
    pub scopes: Option<Vec<String>>,
    /// A new session always signs in anew; an existing one may reuse its cached token.
    pub force_refresh: bool,
    /// The access portal a vanity start URL led to at its prompt (v2's
    /// `resolved_start_url`): where the sign-in goes instead of `start_url`.
    pub issuer_url: Option<String>,
}

/// The access token to list accounts with.
pub struct SignedIn {
    pub access_token: Secret,
}

pub fn sign_in(
    session: &Session,
    args: &ConfigureSsoArgs,
    registration: &Registration,
) -> Result<SignedIn> {
    let ctx = session.ctx;
    let target = LoginTarget {
        session_name: registration.session_name.clone(),
        start_url: registration.start_url.clone(),
        region: registration.sso_region.clone(),
        scopes: registration.scopes.clone(),
        profile_name: None,
    };
    if !registration.force_refresh {
        let reusable = sso_token::cached_token(ctx, &target)
            .found()
            .filter(|token| {
                !token.expires_within_refresh_window(ctx.now())
                    && token
                        .start_url
                        .as_deref()
                        .is_none_or(|url| url == target.start_url)
            });
        if let Some(token) = reusable {
            ctx_debug!(ctx, "Reusing the cached SSO token for {}", target.start_url);
            return Ok(SignedIn {
                access_token: token.access_token,
            });
        }
    }
    let options = FlowOptions {
        use_device_code: args.use_device_code,
        no_browser: args.no_browser,
    };
    let issuer = ResolvedStartUrl {
        url: registration
            .issuer_url
            .clone()
            .unwrap_or_else(|| registration.start_url.clone()),
        region: None,
    };
    // v2 unsets the profile for these clients: the profile may not exist yet.
    let fetched = session.block_on(login::fetch_token_at(
        ctx,
        session.unscoped_transport(),
        &target,
        issuer,
        &options,
        &login::Messages::Stdout,
    ))??;
    Ok(SignedIn {
        access_token: fetched.token.access_token,
    })
}
