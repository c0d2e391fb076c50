//! The SSO token provider every command shares ([`sso_token`]), with
//! botocore's semantics (`botocore/tokens.py` `SSOTokenProvider`): load the cached token; within
//! 15 minutes of expiry refresh it with its refresh token (sso-session tokens only), rewrite
//! the cache atomically; an expired token that cannot be refreshed is an error naming the
//! exact `awsso sso login ...` command that fixes it.

use crate::cache::token::{self, CachedToken, Loaded};
use crate::context::ctx_debug;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::oidc::{Grant, OidcClient};
use crate::settings::{LoginTarget, Session};

/// Why no usable SSO token is at hand (botocore's token errors, 255), each naming what to
/// log in again where v2 does.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    /// No cache file: `name` is the sso-session, else the legacy start URL.
    /// `login_command` is not in v2's text; the container endpoint's `LoginRequired` names it.
    #[error("Error loading SSO Token: Token for {name} does not exist")]
    Missing { name: String, login_command: String },
    /// A cache file without `accessToken`/`expiresAt`, or unreadable.
    #[error("Error loading SSO Token: Token for {start_url} is invalid")]
    Invalid {
        start_url: String,
        login_command: String,
    },
    /// An sso-session token that expired and could not be refreshed (v2's
    /// `TokenRetrievalError`), with the command that fixes it.
    #[error("Error when retrieving token from sso: Token has expired and refresh failed. To refresh this SSO session run: {login_command}")]
    RefreshFailed { login_command: String },
    /// v2's `UnauthorizedSSOTokenError` (an expired legacy token, or the portal answering
    /// UnauthorizedException), naming the exact command instead of "the corresponding
    /// profile".
    #[error("The SSO session associated with this profile has expired or is otherwise invalid. To refresh this SSO session run {login_command}")]
    SessionExpired { login_command: String },
}

impl TokenError {
    /// The command that logs the session in again.
    pub fn login_command(&self) -> &str {
        match self {
            TokenError::Missing { login_command, .. }
            | TokenError::Invalid { login_command, .. }
            | TokenError::RefreshFailed { login_command }
            | TokenError::SessionExpired { login_command } => login_command,
        }
    }
}

impl From<TokenError> for Error {
    fn from(e: TokenError) -> Self {
        Error::Token(Box::new(e))
    }
}

/// Whether `error` means that only a browser login can help: no token, an unreadable one, or
/// one that expired and could not be refreshed (or that the portal refused). An implicit
/// login answers these; `exec --server`'s endpoint answers them with `LoginRequired`.
pub fn needs_login(error: &Error) -> bool {
    token_error(error).is_some()
}

/// The command that fixes an error for which [`needs_login`] holds.
pub fn login_command(error: &Error) -> Option<String> {
    token_error(error).map(|e| e.login_command().to_owned())
}

fn token_error(error: &Error) -> Option<&TokenError> {
    match error {
        Error::Token(detail) => detail.downcast_ref::<TokenError>(),
        _ => None,
    }
}

/// The cached token of `target`, exactly as on disk (no expiry judgement, no network).
pub fn cached_token(ctx: &Context, target: &LoginTarget) -> Loaded<CachedToken> {
    token::load_token(&ctx.paths.sso_cache_dir, &target.token_key())
}

/// The token provider of every command that needs an SSO access token (get-caller-identity,
/// the portal commands, `sso login --if-needed`), with botocore's semantics:
///
/// - no file: `Error loading SSO Token: Token for NAME does not exist` (255);
/// - a file without `accessToken`/`expiresAt`, or unreadable:
///   `Error loading SSO Token: Token for START_URL is invalid` (255);
/// - legacy profile: never refreshed; expired → v2's "session ... has expired" error
///   naming the exact `awsso sso login` command (255);
/// - sso-session: fewer than 15 minutes left and refreshable → CreateToken(refresh_token)
///   against `oidc` (the session's sso_region), the cache rewritten atomically, unless
///   another process refreshed it meanwhile ([`refreshed_elsewhere`]); a service error
///   during refresh is swallowed (as botocore), a transport error too while the old token is
///   still valid; an answer whose `expiresIn` no cache can hold is its own error,
///   `The SSO token's expiration is out of range` (255); then an expired token → `Error when
///   retrieving token from sso: Token has expired and refresh failed` plus the command to run
///   (255).
///
/// The OIDC endpoint is checked first (a hostile `sso_region` never becomes a host name);
/// a request is made only for a refresh, on the session's runtime.
pub fn sso_token(session: &Session, target: &LoginTarget) -> Result<CachedToken> {
    let ctx = session.ctx;
    let oidc = OidcClient::new(session.transport()?, &target.region)?;
    let token = match cached_token(ctx, target) {
        Loaded::Found(token) => token,
        Loaded::Missing => {
            let name = target.session_name.as_deref().unwrap_or(&target.start_url);
            return Err(TokenError::Missing {
                name: name.to_owned(),
                login_command: target.login_command(),
            }
            .into());
        }
        Loaded::Invalid(reason) => {
            ctx_debug!(ctx, "Unusable SSO token cache file: {reason}");
            return Err(TokenError::Invalid {
                start_url: target.start_url.clone(),
                login_command: target.login_command(),
            }
            .into());
        }
    };
    let now = ctx.now();
    if target.is_legacy() {
        if token.is_expired(now) {
            return Err(TokenError::SessionExpired {
                login_command: target.login_command(),
            }
            .into());
        }
        return Ok(token);
    }
    if token.expires_within_refresh_window(now) && token.is_refreshable(now) {
        // Refresh tokens are single use: of two awsso processes refreshing at once, one
        // would fail. Holding the token file's lock serialises them; the second then finds
        // the token the first one cached.
        let _lock = lock_token_file(ctx, target);
        if let Some(fresh) = refreshed_elsewhere(ctx, target, &token) {
            ctx_debug!(ctx, "Using the SSO token another process refreshed");
            return Ok(fresh);
        }
        match session.block_on(refresh_token(ctx, &oidc, target, &token))? {
            Ok(Refreshed {
                token: fresh,
                saved,
            }) => {
                if let Err(e) = saved {
                    // The refresh used up the single-use refresh token: failing now would
                    // throw away the only good token. Use it, and say why the next
                    // command may not find it.
                    ctx.err(&refresh_not_cached_warning(&e));
                }
                return Ok(fresh);
            }
            Err(e) => {
                if let Some(fresh) = refreshed_elsewhere(ctx, target, &token) {
                    ctx_debug!(ctx, "SSO token refresh attempt failed: {e}; using the token another process refreshed");
                    return Ok(fresh);
                }
                match e {
                    // The service answered, and used up the refresh token, with a token
                    // that cannot be cached: say so rather than carry on towards a
                    // "refresh failed" that hides why.
                    Error::Token(_) => return Err(e),
                    Error::Service { .. } => {
                        ctx_debug!(ctx, "SSO token refresh attempt failed: {e}")
                    }
                    e if token.is_expired(now) => return Err(e),
                    e => ctx_debug!(ctx, "SSO token refresh attempt failed: {e}"),
                }
            }
        }
    }
    if token.is_expired(now) {
        return Err(TokenError::RefreshFailed {
            login_command: target.login_command(),
        }
        .into());
    }
    Ok(token)
}

/// How long a refresh waits for another process's refresh of the same token before it goes
/// ahead on its own: longer than one refresh takes, short enough never to look hung.
const LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(15);

/// An exclusive advisory lock on the token file, held while this process refreshes it.
/// The lock is on the file's inode, and the cache is replaced by rename, so a process that
/// opened the file before the rename waits for the lock and then reads the new file by its
/// path, and one that opens it after sees the new file at once. `None` (refresh unlocked,
/// as botocore always does) when the file can't be opened or the wait runs out.
pub fn lock_token_file(ctx: &Context, target: &LoginTarget) -> Option<std::fs::File> {
    let path = crate::cache::entry_path(&ctx.paths.sso_cache_dir, &target.token_key());
    let file = std::fs::File::open(&path).ok()?;
    let deadline = std::time::Instant::now() + LOCK_WAIT;
    loop {
        match file.try_lock() {
            Ok(()) => return Some(file),
            Err(std::fs::TryLockError::WouldBlock) if std::time::Instant::now() < deadline => {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            Err(e) => {
                ctx_debug!(ctx, "Refreshing the SSO token without a lock: {e}");
                return None;
            }
        }
    }
}

/// Before a refresh (with the token file's lock held) and after a failed one: did another
/// process (a parallel awsso, the AWS CLI) replace `stale`, the token this process read,
/// meanwhile? It then used up the single-use refresh token this process would send, and its
/// token in the cache is the one to use, without a second refresh, a failure or a new login.
/// `None` unless the cache now holds a different token that has not expired.
///
/// A token refreshed near the end of an IdC session, or with a short `expiresIn`, has 15
/// minutes or less left: that is still the newest token there is, so the refresh window is
/// no reason to refuse it (refreshing again would only spend the other process's refresh
/// token, or fail with the used one).
pub fn refreshed_elsewhere(
    ctx: &Context,
    target: &LoginTarget,
    stale: &CachedToken,
) -> Option<CachedToken> {
    cached_token(ctx, target)
        .found()
        .filter(|token| token.access_token != stale.access_token && !token.is_expired(ctx.now()))
}

/// A token [`refresh_token`] got from the service, and how writing it to the cache went.
pub struct Refreshed {
    pub token: CachedToken,
    /// Refresh tokens are single use, so a token whose write failed is still the only
    /// good one: the token provider uses it anyway; `sso login --if-needed`, whose job is
    /// the cache, fails.
    pub saved: Result<()>,
}

/// The one stderr line when a refreshed token could not be cached: the file and the
/// system's reason (an [`Error::Io`]), never the token.
pub fn refresh_not_cached_warning(error: &Error) -> String {
    format!("awsso: [WARNING]: {error}; the refreshed SSO token is used by this command only.\n")
}

/// Refreshes `token` (which must be refreshable) with CreateToken(refresh_token) and
/// rewrites the cache as botocore does: startUrl and region from the config, the new
/// access token and expiry, the same client and registration expiry, and `refreshToken`
/// only if the service returned one.
pub async fn refresh_token(
    ctx: &Context,
    oidc: &OidcClient<'_>,
    target: &LoginTarget,
    token: &CachedToken,
) -> Result<Refreshed> {
    let (Some(client_id), Some(client_secret), Some(refresh)) = (
        token.client_id.as_deref(),
        token.client_secret.as_ref(),
        token.refresh_token.as_ref(),
    ) else {
        return Err(TokenError::RefreshFailed {
            login_command: target.login_command(),
        }
        .into());
    };
    let response = oidc
        .create_token(
            ctx,
            client_id,
            client_secret,
            Grant::RefreshToken {
                refresh_token: refresh,
            },
        )
        .await?;
    let fresh = CachedToken {
        start_url: Some(target.start_url.clone()),
        region: Some(target.region.clone()),
        expires_at: response.expires_at(ctx.now())?,
        access_token: response.access_token,
        client_id: Some(client_id.to_owned()),
        client_secret: Some(client_secret.clone()),
        registration_expires_at: token.registration_expires_at,
        refresh_token: response.refresh_token,
    };
    ctx_debug!(ctx, "SSO Token refresh succeeded");
    let saved = token::save_token(&ctx.paths.sso_cache_dir, &target.token_key(), &fresh);
    Ok(Refreshed {
        token: fresh,
        saved,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_token_errors_need_a_login() {
        let missing = Error::from(TokenError::Missing {
            name: "s".into(),
            login_command: "awsso sso login --profile p".into(),
        });
        assert!(needs_login(&missing));
        assert_eq!(
            login_command(&missing).as_deref(),
            Some("awsso sso login --profile p")
        );
        let expired = Error::from(TokenError::SessionExpired {
            login_command: "awsso sso login".into(),
        });
        assert!(needs_login(&expired));
        assert!(!needs_login(&Error::NoCredentials));
        let pending = Error::from(crate::login::LoginError::PendingAuthorizationExpired);
        assert!(!needs_login(&pending));
    }

    #[test]
    fn errors_name_the_command_that_fixes_them() {
        let target = LoginTarget {
            session_name: Some("my session".into()),
            start_url: String::new(),
            region: String::new(),
            scopes: None,
            profile_name: None,
        };
        let err = Error::from(TokenError::RefreshFailed {
            login_command: target.login_command(),
        });
        assert_eq!(err.exit_code(), 255);
        assert_eq!(
            err.to_string(),
            "Error when retrieving token from sso: Token has expired and refresh failed. To refresh this SSO session run: awsso sso login --sso-session 'my session'"
        );
    }
}
