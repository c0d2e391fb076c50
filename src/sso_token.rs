//! Which SSO token a command uses ([`LoginTarget`], resolved from the config as v2's
//! `sso login` does) and the token provider every command shares ([`sso_token`]), with
//! botocore's semantics (`SSOTokenProvider`, reference §3.4): load the cached token; within
//! 15 minutes of expiry refresh it with its refresh token (sso-session tokens only), rewrite
//! the cache atomically; an expired token that cannot be refreshed is an error naming the
//! exact `awsso sso login ...` command that fixes it.

use crate::cache::token::{self, CachedToken, Loaded};
use crate::config::{self, AwsConfig, Props};
use crate::context::Context;
use crate::ctx_debug;
use crate::error::{Error, Result};
use crate::oidc::{Grant, OidcClient};
use crate::settings::ProfileChoice;

/// One SSO login: where its token lives and which start URL and region it is for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoginTarget {
    /// `[sso-session NAME]`; `None` for a legacy profile (start URL in the profile).
    pub session_name: Option<String>,
    /// The start URL exactly as configured (cache keys and the token's `startUrl` use it).
    pub start_url: String,
    /// The configured `sso_region`.
    pub region: String,
    /// The session's parsed `sso_registration_scopes`; `None` when the key is absent.
    pub scopes: Option<Vec<String>>,
    /// The profile the target was reached through, when the user named one (`--profile`,
    /// `AWS_PROFILE`...). Used in hints and for the legacy region write.
    pub profile_name: Option<String>,
}

impl LoginTarget {
    pub fn is_legacy(&self) -> bool {
        self.session_name.is_none()
    }

    /// `~/.aws/sso/cache/<this>.json` holds the token.
    pub fn token_key(&self) -> String {
        token::token_key(self.session_name.as_deref(), &self.start_url)
    }

    /// The registration cache key for `region` (the configured one, or the one derived
    /// from a vanity start URL).
    pub fn registration_key(&self, region: &str) -> String {
        token::registration_key(
            &self.start_url,
            region,
            self.scopes.as_deref(),
            self.session_name.as_deref(),
        )
    }

    /// The scopes to register a PKCE client with: the configured ones, or
    /// `sso:account:access` when none (or an empty list) are configured.
    pub fn registration_scopes(&self) -> Vec<String> {
        match &self.scopes {
            Some(scopes) if !scopes.is_empty() => scopes.clone(),
            _ => vec![crate::oidc::DEFAULT_SCOPE.to_owned()],
        }
    }

    /// The command that logs this target in again: `awsso sso login --profile P` when a
    /// profile was named, else `awsso sso login --sso-session S`, else `awsso sso login`.
    pub fn login_command(&self) -> String {
        match (&self.profile_name, &self.session_name) {
            (Some(profile), _) => format!("awsso sso login --profile {}", shell_word(profile)),
            (None, Some(session)) => {
                format!("awsso sso login --sso-session {}", shell_word(session))
            }
            (None, None) => "awsso sso login".to_owned(),
        }
    }
}

/// Quotes a name for a copy-pasted command line when it needs it.
fn shell_word(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.:/@+=,".contains(c));
    if plain {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

/// v2's `parse_sso_registration_scopes`: comma-separated, trimmed, empties dropped.
pub fn parse_scopes(raw: &str) -> Vec<String> {
    raw.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// v2's `BaseSSOCommand._get_sso_config` for `sso login` (reference §2.2): `--sso-session`
/// wins, then the profile's `sso_session`, else the legacy keys of the profile. `profile`
/// is the selected profile's keys (`settings::scoped_profile`, which already failed with
/// `The config profile (NAME) could not be found` for a missing named profile).
pub fn resolve_login_target(
    config: &AwsConfig,
    choice: &ProfileChoice,
    profile: &Props,
    sso_session_flag: Option<&str>,
) -> Result<LoginTarget> {
    let session_name = sso_session_flag.or_else(|| config::get(profile, "sso_session"));
    let profile_name = (sso_session_flag.is_none() && choice.named).then(|| choice.name.clone());
    match session_name {
        Some(name) => {
            let Some(session) = config.sso_session(name) else {
                return Err(Error::Configuration(format!(
                    "The specified sso-session does not exist: \"{name}\""
                )));
            };
            let (start_url, region, missing) = required_keys(session);
            if !missing.is_empty() {
                return Err(Error::Configuration(format!(
                    "Missing the following required SSO configuration values: {}. ",
                    missing.join(", ")
                )));
            }
            Ok(LoginTarget {
                session_name: Some(name.to_owned()),
                start_url,
                region,
                scopes: config::get(session, "sso_registration_scopes").map(parse_scopes),
                profile_name,
            })
        }
        None => {
            let (start_url, region, missing) = required_keys(profile);
            if !missing.is_empty() {
                return Err(Error::Configuration(format!(
                    "Missing the following required SSO configuration values: {}. To make sure this profile is properly configured to use SSO, please run: awsso configure sso",
                    missing.join(", ")
                )));
            }
            Ok(LoginTarget {
                session_name: None,
                start_url,
                region,
                scopes: None,
                profile_name,
            })
        }
    }
}

/// `sso_start_url` and `sso_region` of a section, and which of them are missing (v2 checks
/// presence only, in that order).
fn required_keys(props: &Props) -> (String, String, Vec<&'static str>) {
    let mut missing = Vec::new();
    let mut value = |key: &'static str| match config::get(props, key) {
        Some(v) => v.to_owned(),
        None => {
            missing.push(key);
            String::new()
        }
    };
    let start_url = value("sso_start_url");
    let region = value("sso_region");
    (start_url, region, missing)
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
///   against `oidc` (the session's sso_region), the cache rewritten atomically; a service
///   error during refresh is swallowed (as botocore), a transport error too while the old
///   token is still valid; then an expired token → `Error when retrieving token from sso:
///   Token has expired and refresh failed` plus the command to run (255).
///
/// `oidc` is only used for a refresh; building it costs nothing.
pub async fn sso_token(
    ctx: &Context,
    oidc: &OidcClient<'_>,
    target: &LoginTarget,
) -> Result<CachedToken> {
    let token = match cached_token(ctx, target) {
        Loaded::Found(token) => token,
        Loaded::Missing => {
            let name = target.session_name.as_deref().unwrap_or(&target.start_url);
            return Err(Error::Token(format!(
                "Error loading SSO Token: Token for {name} does not exist"
            )));
        }
        Loaded::Invalid(reason) => {
            ctx_debug!(ctx, "Unusable SSO token cache file: {reason}");
            return Err(Error::Token(format!(
                "Error loading SSO Token: Token for {} is invalid",
                target.start_url
            )));
        }
    };
    let now = ctx.now();
    if target.is_legacy() {
        if token.is_expired(now) {
            return Err(session_expired_error(target));
        }
        return Ok(token);
    }
    if token.expires_within_refresh_window(now) && token.is_refreshable(now) {
        // Refresh tokens are single use: of two awsso processes refreshing at once, one
        // would fail. Holding the token file's lock serialises them; the second then finds
        // the token the first one cached.
        let _lock = lock_token_file(ctx, target).await;
        if let Some(fresh) = refreshed_elsewhere(ctx, target, &token) {
            ctx_debug!(ctx, "Using the SSO token another process refreshed");
            return Ok(fresh);
        }
        match refresh_token(ctx, oidc, target, &token).await {
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
        return Err(refresh_failed_error(target));
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
pub async fn lock_token_file(ctx: &Context, target: &LoginTarget) -> Option<std::fs::File> {
    let path = token::cache_path(&ctx.paths.sso_cache_dir, &target.token_key());
    let file = std::fs::File::open(&path).ok()?;
    let deadline = tokio::time::Instant::now() + LOCK_WAIT;
    loop {
        match file.try_lock() {
            Ok(()) => return Some(file),
            Err(std::fs::TryLockError::WouldBlock) if tokio::time::Instant::now() < deadline => {
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            }
            Err(e) => {
                ctx_debug!(ctx, "Refreshing the SSO token without a lock: {e}");
                return None;
            }
        }
    }
}

/// After a failed refresh: did another process (a parallel awsso, the AWS CLI) refresh the
/// same token a moment earlier? It then used up the single-use refresh token this process
/// sent, and its fresh token is in the cache: use that instead of failing or logging in
/// again. `None` unless the cache now holds a different token with more than the refresh
/// window left.
pub fn refreshed_elsewhere(
    ctx: &Context,
    target: &LoginTarget,
    stale: &CachedToken,
) -> Option<CachedToken> {
    cached_token(ctx, target).found().filter(|token| {
        token.access_token != stale.access_token && !token.expires_within_refresh_window(ctx.now())
    })
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
        token.client_secret.as_deref(),
        token.refresh_token.as_deref(),
    ) else {
        return Err(refresh_failed_error(target));
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
        access_token: response.access_token,
        expires_at: chrono::DateTime::<chrono::Utc>::from(ctx.now())
            + chrono::TimeDelta::seconds(response.expires_in),
        client_id: Some(client_id.to_owned()),
        client_secret: Some(client_secret.to_owned()),
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

/// An sso-session token that expired and could not be refreshed (v2's TokenRetrievalError),
/// with the command that fixes it.
pub fn refresh_failed_error(target: &LoginTarget) -> Error {
    Error::Token(format!(
        "Error when retrieving token from sso: Token has expired and refresh failed. To refresh this SSO session run: {}",
        target.login_command()
    ))
}

/// v2's `UnauthorizedSSOTokenError` (an expired legacy token, or the portal answering
/// UnauthorizedException), naming the exact command instead of "the corresponding profile".
pub fn session_expired_error(target: &LoginTarget) -> Error {
    Error::Token(format!(
        "The SSO session associated with this profile has expired or is otherwise invalid. To refresh this SSO session run {}",
        target.login_command()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn choice(name: &str, named: bool) -> ProfileChoice {
        ProfileChoice {
            name: name.into(),
            explicit_flag: named,
            named,
        }
    }

    fn resolve(text: &str, profile: &str, named: bool, flag: Option<&str>) -> Result<LoginTarget> {
        let config = AwsConfig::from_config_text(text).unwrap();
        let choice = choice(profile, named);
        let props = config.profile(profile).cloned().unwrap_or_default();
        resolve_login_target(&config, &choice, &props, flag)
    }

    const CONFIG: &str = "[profile dev]\nsso_session = corp\nsso_account_id = 1\n[profile old]\nsso_start_url = https://d-1.awsapps.com/start\nsso_region = eu-west-1\n[profile half]\nsso_region = eu-west-1\n[profile lost]\nsso_session = nope\n[sso-session corp]\nsso_start_url = https://d-2.awsapps.com/start\nsso_region = us-east-1\nsso_registration_scopes = sso:account:access, ,x\n[sso-session bare]\nsso_region = us-east-1\n";

    #[test]
    fn session_profiles_resolve_to_their_session() {
        let target = resolve(CONFIG, "dev", true, None).unwrap();
        assert_eq!(
            target,
            LoginTarget {
                session_name: Some("corp".into()),
                start_url: "https://d-2.awsapps.com/start".into(),
                region: "us-east-1".into(),
                scopes: Some(vec!["sso:account:access".into(), "x".into()]),
                profile_name: Some("dev".into()),
            }
        );
        assert_eq!(target.login_command(), "awsso sso login --profile dev");
        let flagged = resolve(CONFIG, "old", true, Some("corp")).unwrap();
        assert_eq!(flagged.session_name.as_deref(), Some("corp"));
        assert_eq!(
            flagged.login_command(),
            "awsso sso login --sso-session corp"
        );
    }

    #[test]
    fn legacy_profiles_need_start_url_and_region() {
        let target = resolve(CONFIG, "old", true, None).unwrap();
        assert!(target.is_legacy());
        assert_eq!(
            target.token_key(),
            crate::cache::sha1_hex(b"https://d-1.awsapps.com/start")
        );
        assert_eq!(
            resolve(CONFIG, "half", true, None).unwrap_err().to_string(),
            "An error occurred (Configuration): Missing the following required SSO configuration values: sso_start_url. To make sure this profile is properly configured to use SSO, please run: awsso configure sso"
        );
        let err = resolve("", "default", false, None).unwrap_err();
        assert_eq!(err.exit_code(), 253);
        assert!(err
            .to_string()
            .contains("values: sso_start_url, sso_region. To make"));
    }

    #[test]
    fn session_errors_are_configuration_errors() {
        let err = resolve(CONFIG, "lost", true, None).unwrap_err();
        assert_eq!(
            err.to_string(),
            "An error occurred (Configuration): The specified sso-session does not exist: \"nope\""
        );
        assert_eq!(err.exit_code(), 253);
        let err = resolve(CONFIG, "dev", true, Some("bare")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "An error occurred (Configuration): Missing the following required SSO configuration values: sso_start_url. "
        );
    }

    #[test]
    fn scopes_default_only_for_registration() {
        let mut target = resolve(CONFIG, "dev", true, None).unwrap();
        target.scopes = Some(vec![]);
        assert_eq!(target.registration_scopes(), ["sso:account:access"]);
        target.scopes = None;
        assert_eq!(target.registration_scopes(), ["sso:account:access"]);
        assert_eq!(parse_scopes(" a, ,b ,"), ["a", "b"]);
    }

    #[test]
    fn hints_quote_odd_names() {
        let target = LoginTarget {
            session_name: Some("my session".into()),
            start_url: String::new(),
            region: String::new(),
            scopes: None,
            profile_name: None,
        };
        assert_eq!(
            target.login_command(),
            "awsso sso login --sso-session 'my session'"
        );
        assert!(refresh_failed_error(&target).to_string().starts_with(
            "Error when retrieving token from sso: Token has expired and refresh failed."
        ));
    }
}
