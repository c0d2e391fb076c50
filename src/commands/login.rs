//! `awsso sso login` (alias `awsso login`): v2's login (reference §2), plus `--if-needed`
//! (skip or silently refresh a token that is still good) and `--force` (sign the cached
//! token out at the portal first). CONTRACT.md, Login.

use crate::cache::token::{self, CachedToken, REFRESH_WINDOW};
use crate::cli::{GlobalArgs, LoginArgs};
use crate::config::edit::{self, SectionRef};
use crate::config::AwsConfig;
use crate::context::Context;
use crate::ctx_debug;
use crate::error::Result;
use crate::http::{self, EndpointConfig, HttpClient, Service};
use crate::login::{self, FlowOptions};
use crate::oidc::OidcClient;
use crate::portal::PortalClient;
use crate::settings;
use crate::sso_token::{self, LoginTarget};

pub fn run(ctx: &Context, global: &GlobalArgs, args: &LoginArgs) -> Result<()> {
    let config = AwsConfig::load(ctx)?;
    let choice = settings::profile_choice(ctx, global);
    let profile = settings::scoped_profile(&config, &choice)?;
    let target =
        sso_token::resolve_login_target(&config, &choice, &profile, args.sso_session.as_deref())?;

    let cached = if args.if_needed || args.force {
        sso_token::cached_token(ctx, &target).found()
    } else {
        None
    };
    if args.if_needed {
        if let Some(token) = cached.as_ref().filter(|t| belongs_to(t, &target)) {
            // The fast path: a file read, no runtime, no TLS, no request.
            if token.remaining(ctx.now()) >= REFRESH_WINDOW {
                ctx.out(&format!(
                    "Already logged into Start URL: {}\n",
                    target.start_url
                ));
                return Ok(());
            }
        }
    }

    let transport = settings::transport(ctx, global, &profile);
    let http = HttpClient::new(ctx, &transport, Some(&profile))?;
    let endpoints = EndpointConfig {
        flag: None,
        profile: Some(&profile),
        config: Some(&config),
    };
    let runtime = http::runtime()?;
    runtime.block_on(async {
        login::interruptible(log_in(
            ctx,
            &http,
            &target,
            cached.as_ref(),
            args,
            endpoints,
        ))?
        .await
    })
}

/// Everything after the fast path: the `--if-needed` refresh, the `--force` sign-out, then
/// v2's login and its closing lines.
async fn log_in(
    ctx: &Context,
    http: &HttpClient,
    target: &LoginTarget,
    cached: Option<&CachedToken>,
    args: &LoginArgs,
    endpoints: EndpointConfig<'_>,
) -> Result<()> {
    if args.if_needed {
        let refreshable = cached.filter(|t| {
            !target.is_legacy() && belongs_to(t, target) && t.is_refreshable(ctx.now())
        });
        if let Some(token) = refreshable {
            let oidc = OidcClient {
                http,
                endpoint: http::checked_endpoint(ctx, Service::SsoOidc, &target.region, endpoints)?,
            };
            // As in the token provider: one process refreshes, parallel runs wait for it
            // and find its token.
            let _lock = sso_token::lock_token_file(ctx, target).await;
            if sso_token::refreshed_elsewhere(ctx, target, token).is_some() {
                ctx.out(&format!(
                    "Already logged into Start URL: {}\n",
                    target.start_url
                ));
                return Ok(());
            }
            match sso_token::refresh_token(ctx, &oidc, target, token).await {
                Ok(refreshed) => {
                    // Caching the token is this command's whole job: a failed write is
                    // its error (a login instead would fail on the same write).
                    refreshed.saved?;
                    ctx.out(&format!(
                        "Refreshed the token for Start URL: {}\n",
                        target.start_url
                    ));
                    return Ok(());
                }
                Err(e) => {
                    if sso_token::refreshed_elsewhere(ctx, target, token).is_some() {
                        // A parallel run refreshed it first: nothing left to do here.
                        ctx_debug!(
                            ctx,
                            "Refresh failed ({e}); another process refreshed the token"
                        );
                        ctx.out(&format!(
                            "Already logged into Start URL: {}\n",
                            target.start_url
                        ));
                        return Ok(());
                    }
                    ctx_debug!(ctx, "Refresh failed, logging in instead: {e}")
                }
            }
        }
    }
    if let Some(token) = cached.filter(|_| args.force) {
        sign_out(ctx, http, target, token, endpoints).await;
    }
    let options = FlowOptions {
        use_device_code: args.use_device_code,
        no_browser: args.no_browser,
    };
    let fetched = login::fetch_token(ctx, http, target, endpoints, &options).await?;
    if let Some(region) = &fetched.derived_region {
        write_region(ctx, target, region)?;
        ctx.out(&format!("SSO region updated to {region}\n"));
    }
    ctx.out(&format!(
        "Successfully logged into Start URL: {}\n",
        target.start_url
    ));
    Ok(())
}

/// A cached token counts for `--if-needed` only if it is for the configured start URL (a
/// session whose start URL changed needs a new login). Files without `startUrl` (other
/// tools) are trusted, as botocore trusts them.
fn belongs_to(token: &CachedToken, target: &LoginTarget) -> bool {
    token
        .start_url
        .as_deref()
        .is_none_or(|url| url == target.start_url)
}

/// `--force`: the portal's Logout for the cached token, then the file is removed so a
/// failed login leaves no dead token behind. A failure is only logged with `--debug`.
async fn sign_out(
    ctx: &Context,
    http: &HttpClient,
    target: &LoginTarget,
    token: &CachedToken,
    endpoints: EndpointConfig<'_>,
) {
    let region = token.region.as_deref().unwrap_or(&target.region);
    let endpoint = match http::checked_endpoint(ctx, Service::Sso, region, endpoints) {
        Ok(endpoint) => endpoint,
        Err(e) => return ctx_debug!(ctx, "Not signing out the cached token: {e}"),
    };
    let portal = PortalClient { http, endpoint };
    if let Err(e) = portal.logout(ctx, &token.access_token).await {
        ctx_debug!(ctx, "Logout of the cached token failed: {e}");
    }
    let path = token::cache_path(&ctx.paths.sso_cache_dir, &target.token_key());
    if let Err(e) = std::fs::remove_file(&path) {
        ctx_debug!(ctx, "Could not remove {}: {e}", path.display());
    }
}

/// Writes a region derived from a vanity start URL into `[sso-session NAME]`, or into the
/// legacy profile's own section. (v2 writes `[profile default]` for the default profile,
/// which would shadow a `[default]` section; we update the section the reader uses.)
fn write_region(ctx: &Context, target: &LoginTarget, region: &str) -> Result<()> {
    let section = match &target.session_name {
        Some(name) => SectionRef::sso_session(name.clone()),
        None => SectionRef::profile(target.profile_name.as_deref().unwrap_or("default")),
    };
    edit::update_file(
        ctx,
        &ctx.paths.config_file,
        &[(section, vec![("sso_region", Some(region))])],
    )
}
