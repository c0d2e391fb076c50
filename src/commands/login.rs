//! `awsso sso login` (alias `awsso login`): v2's login (`awscli/customizations/sso/login.py`),
//! plus `--if-needed` (silent while the token is good or can be refreshed; otherwise an
//! implicit login, on the terminal only) and `--force` (sign the cached token out at the
//! portal first); docs/compatibility.md, "Login" and "Implicit logins".

use crate::cache::token::{CachedToken, REFRESH_WINDOW};
use crate::cli::LoginArgs;
use crate::config::edit::{self, SectionRef};
use crate::context::ctx_debug;
use crate::error::{Error, Result};
use crate::http::Transport;
use crate::login::implicit::{self, Flight, ImplicitError};
use crate::login::{self, FlowOptions, Messages};
use crate::oidc::OidcClient;
use crate::portal::PortalClient;
use crate::settings::{LoginTarget, Session};
use crate::sso_token;

pub fn run(session: &Session, args: &LoginArgs) -> Result<()> {
    let ctx = session.ctx;
    let target = session.login_target(args.sso_session.as_deref())?;

    let cached = if args.if_needed || args.force {
        sso_token::cached_token(ctx, &target).found()
    } else {
        None
    };
    if args.if_needed {
        return if_needed(session, &target, cached.as_ref(), args);
    }
    log_in_now(session, &target, cached.as_ref(), args)
}

/// A login in the foreground. Never inlined into its callers, nor is [`if_needed_slow`]: a
/// login's future holds tens of kilobytes, and a stack frame that large is touched page by
/// page on entry (stack probes), which cost the `--if-needed` fast path 19 page faults.
#[inline(never)]
fn log_in_now(
    session: &Session,
    target: &LoginTarget,
    cached: Option<&CachedToken>,
    args: &LoginArgs,
) -> Result<()> {
    let transport = session.transport()?;
    session.block_on(async {
        login::interruptible(log_in(
            session,
            transport,
            target,
            cached,
            args,
            &Messages::Stdout,
        ))?
        .await
    })?
}

/// `--if-needed` (docs/compatibility.md, "Login"), made for shell rc files: silent unless a
/// browser login is needed. A token with more than 15 minutes left: nothing to do, no
/// request. One due for a refresh, or expired but refreshable: refreshed now. Otherwise an
/// implicit login ([`implicit`]): on the controlling terminal, one per session at a time;
/// with no terminal, one line naming the command to run and exit 1 (as `sso status` says a
/// browser login is needed), with no request made and no browser opened.
fn if_needed(
    session: &Session,
    target: &LoginTarget,
    cached: Option<&CachedToken>,
    args: &LoginArgs,
) -> Result<()> {
    let ctx = session.ctx;
    if let Some(token) = cached.filter(|t| belongs_to(t, target)) {
        // The fast path: a file read, no runtime, no TLS, no request.
        if token.remaining(ctx.now()) >= REFRESH_WINDOW {
            ctx_debug!(ctx, "Already logged into Start URL: {}", target.start_url);
            return Ok(());
        }
    }
    if_needed_slow(session, target, cached, args)
}

/// `--if-needed` past its fast path: a refresh, or an implicit login.
#[inline(never)]
fn if_needed_slow(
    session: &Session,
    target: &LoginTarget,
    cached: Option<&CachedToken>,
    args: &LoginArgs,
) -> Result<()> {
    let ctx = session.ctx;
    let transport = session.transport()?;
    if let Some(done) = refresh_if_possible(session, transport, target, cached)? {
        match done {
            Refresh::Done => ctx_debug!(
                ctx,
                "Already logged into Start URL: {} (another process refreshed the token)",
                target.start_url
            ),
            Refresh::Refreshed => {
                ctx_debug!(
                    ctx,
                    "Refreshed the token for Start URL: {}",
                    target.start_url
                )
            }
        }
        return Ok(());
    }
    let login_command = target.login_command();
    let Some(messages) = implicit::terminal(ctx) else {
        ctx.err(&format!(
            "{}\n",
            ImplicitError::NoTerminal { login_command }
        ));
        return Err(Error::Exit(1));
    };
    match implicit::single_flight(ctx, target, cached) {
        Flight::Joined(_) => {
            ctx_debug!(
                ctx,
                "Already logged into Start URL: {} (another process logged in)",
                target.start_url
            );
            Ok(())
        }
        Flight::Abandoned => {
            ctx.err(&format!("{}\n", ImplicitError::Abandoned { login_command }));
            Err(Error::Exit(1))
        }
        Flight::Lead(_lock) => session.block_on(async {
            login::interruptible(log_in(session, transport, target, cached, args, &messages))?.await
        })?,
    }
}

/// How `--if-needed` settled without a login.
enum Refresh {
    /// Another process refreshed the token meanwhile.
    Done,
    Refreshed,
}

/// `--if-needed` with a token due for refresh: refresh it silently, as the token provider
/// would. `None` when a login is needed after all.
fn refresh_if_possible(
    session: &Session,
    transport: &Transport,
    target: &LoginTarget,
    cached: Option<&CachedToken>,
) -> Result<Option<Refresh>> {
    let ctx = session.ctx;
    let refreshable = cached
        .filter(|t| !target.is_legacy() && belongs_to(t, target) && t.is_refreshable(ctx.now()));
    let Some(token) = refreshable else {
        return Ok(None);
    };
    let oidc = OidcClient::new(transport, &target.region)?;
    // As in the token provider: one process refreshes, parallel runs wait for it and find
    // its token.
    let _lock = sso_token::lock_token_file(ctx, target);
    if sso_token::refreshed_elsewhere(ctx, target, token).is_some() {
        return Ok(Some(Refresh::Done));
    }
    let refreshed = session.block_on(async {
        login::interruptible(sso_token::refresh_token(ctx, &oidc, target, token))?.await
    })?;
    match refreshed {
        Ok(refreshed) => {
            // Caching the token is this command's whole job: a failed write is its error
            // (a login instead would fail on the same write).
            refreshed.saved?;
            Ok(Some(Refresh::Refreshed))
        }
        Err(Error::Interrupted) => Err(Error::Interrupted),
        // The service answered with a token no cache can hold (an `expiresIn` beyond year
        // 9999): a login would get the same answer, so stop here with that error.
        Err(e @ Error::Token(_)) => Err(e),
        Err(e) => {
            if sso_token::refreshed_elsewhere(ctx, target, token).is_some() {
                // A parallel run refreshed it first: nothing left to do here.
                ctx_debug!(
                    ctx,
                    "Refresh failed ({e}); another process refreshed the token"
                );
                return Ok(Some(Refresh::Done));
            }
            ctx_debug!(ctx, "Refresh failed, logging in instead: {e}");
            Ok(None)
        }
    }
}

/// The login itself: the `--force` sign-out, then v2's login and its closing lines, all
/// written to `messages` (stdout, or the terminal of an implicit login).
async fn log_in(
    session: &Session<'_>,
    transport: &Transport,
    target: &LoginTarget,
    cached: Option<&CachedToken>,
    args: &LoginArgs,
    messages: &Messages,
) -> Result<()> {
    let ctx = session.ctx;
    if let Some(token) = cached.filter(|_| args.force) {
        sign_out(session, transport, target, token).await;
    }
    let options = FlowOptions {
        choice: session.login_flow(target, &args.into())?,
        no_browser: args.no_browser,
        qr: args.qr,
    };
    let fetched = login::fetch_token(ctx, transport, target, &options, messages).await?;
    if let Some(region) = &fetched.derived_region {
        write_region(session, target, region)?;
        messages.say(ctx, &format!("SSO region updated to {region}\n"));
    }
    messages.say(
        ctx,
        &format!("Successfully logged into Start URL: {}\n", target.start_url),
    );
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
    session: &Session<'_>,
    transport: &Transport,
    target: &LoginTarget,
    token: &CachedToken,
) {
    let ctx = session.ctx;
    let region = token.region.as_deref().unwrap_or(&target.region);
    let portal = match PortalClient::new(transport, region) {
        Ok(portal) => portal,
        Err(e) => return ctx_debug!(ctx, "Not signing out the cached token: {e}"),
    };
    if let Err(e) = portal.logout(ctx, &token.access_token).await {
        ctx_debug!(ctx, "Logout of the cached token failed: {e}");
    }
    let path = crate::cache::entry_path(&ctx.paths.sso_cache_dir, &target.token_key());
    if let Err(e) = std::fs::remove_file(&path) {
        ctx_debug!(ctx, "Could not remove {}: {e}", path.display());
    }
}

/// Writes a region derived from a vanity start URL into `[sso-session NAME]`, or into the
/// legacy profile's own section. (v2 writes `[profile default]` for the default profile,
/// which would shadow a `[default]` section; we update the section the reader uses.)
fn write_region(session: &Session, target: &LoginTarget, region: &str) -> Result<()> {
    let section = match &target.session_name {
        Some(name) => SectionRef::sso_session(name.clone()),
        None => SectionRef::profile(target.profile_name.as_deref().unwrap_or("default")),
    };
    edit::update_file(
        session.ctx,
        &session.ctx.paths.config_file,
        &[(section, vec![("sso_region", Some(region))])],
    )
}
