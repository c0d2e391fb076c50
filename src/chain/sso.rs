//! botocore's `SSOProvider`: a profile with `sso_account_id`/`sso_role_name`, legacy (start
//! URL in the profile) or through an `[sso-session]`. Role credentials come from the shared
//! role-credentials cache, else from GetRoleCredentials with the SSO token, and are cached
//! for the AWS CLI and botocore to use too.

use crate::cache::role::{self, CachedCredentials, SsoKey};
use crate::cache::token::CachedToken;
use crate::chain::error::{fetch_phase, ChainResult};
use crate::chain::files::display_value;
use crate::config::{self, AwsConfig, Props};
use crate::context::ctx_debug;
use crate::credentials::{Credentials, Source};
use crate::error::{Error, Result};
use crate::login::implicit;
use crate::portal::PortalClient;
use crate::settings::{parse_scopes, LoginTarget, Session};
use crate::sso_token;
use crate::timestamp::Timestamp;

/// Why an SSO profile gives no credentials: botocore's `InvalidConfigError`s for its
/// settings (255), and a role-credentials answer that cannot be used (255).
#[derive(Debug, thiserror::Error)]
pub enum SsoProviderError {
    #[error("The specified sso-session does not exist: \"{name}\"")]
    SessionNotFound { name: String },
    /// A key set in both the profile and its session, to different values (each shown as
    /// botocore hands it on).
    #[error("The value for {key} is inconsistent between profile ({profile_value}) and sso-session ({session_value}).")]
    Inconsistent {
        key: String,
        profile_value: String,
        session_value: String,
    },
    #[error(
        "The profile \"{profile}\" is configured to use SSO but is missing required configuration: {}",
        .missing.join(", ")
    )]
    MissingConfig {
        profile: String,
        missing: Vec<&'static str>,
    },
    #[error("Unable to parse the GetRoleCredentials response: invalid expiration {expiration}")]
    InvalidExpiration { expiration: i64 },
}

impl From<SsoProviderError> for Error {
    fn from(e: SsoProviderError) -> Self {
        match e {
            SsoProviderError::SessionNotFound { .. }
            | SsoProviderError::Inconsistent { .. }
            | SsoProviderError::MissingConfig { .. } => Error::InvalidConfig(Box::new(e)),
            SsoProviderError::InvalidExpiration { .. } => Error::Other(Box::new(e)),
        }
    }
}

/// The SSO settings of a profile, session keys merged in.
#[derive(Clone, Debug)]
pub struct SsoConfig {
    pub profile: String,
    pub session_name: Option<String>,
    pub start_url: String,
    pub sso_region: String,
    pub account_id: String,
    pub role_name: String,
    /// The profile's keys with the session's merged in (for the token provider).
    pub session: Props,
}

impl SsoConfig {
    /// The login these settings point at. `named`: hints may name the profile
    /// (`awsso sso login --profile P`).
    pub fn login_target(&self, named: bool) -> LoginTarget {
        LoginTarget {
            session_name: self.session_name.clone(),
            start_url: self.start_url.clone(),
            region: self.sso_region.clone(),
            scopes: config::get(&self.session, "sso_registration_scopes")
                .filter(|_| self.session_name.is_some())
                .map(parse_scopes),
            profile_name: named.then(|| self.profile.clone()),
        }
    }

    /// `SSOCredentialFetcher._create_cache_key`'s inputs.
    fn cache_key(&self) -> String {
        role::sso_key(&match &self.session_name {
            Some(session_name) => SsoKey::Session {
                account_id: &self.account_id,
                role_name: &self.role_name,
                session_name,
            },
            None => SsoKey::Legacy {
                account_id: &self.account_id,
                role_name: &self.role_name,
                start_url: &self.start_url,
            },
        })
    }
}

/// `SSOProvider._load_sso_config`: None unless the profile has `sso_account_id` or
/// `sso_role_name`; v2's messages for a missing session, inconsistent or missing keys.
pub fn sso_config(config: &AwsConfig, name: &str, profile: &Props) -> Result<Option<SsoConfig>> {
    if !profile.contains_key("sso_account_id") && !profile.contains_key("sso_role_name") {
        return Ok(None);
    }
    let mut resolved = profile.clone();
    let session_name = match profile.get("sso_session") {
        None => None,
        Some(value) => {
            let session_name = value.as_str().unwrap_or_default().to_owned();
            let Some(session) = config.sso_session(&session_name) else {
                return Err(SsoProviderError::SessionNotFound { name: session_name }.into());
            };
            for (key, value) in session {
                if let Some(existing) = resolved.get(key) {
                    if existing != value {
                        return Err(SsoProviderError::Inconsistent {
                            key: key.to_string(),
                            profile_value: display_value(existing),
                            session_value: display_value(value),
                        }
                        .into());
                    }
                }
                resolved.insert(key.clone(), value.clone());
            }
            Some(session_name)
        }
    };
    let mut required = vec![
        "sso_role_name",
        "sso_account_id",
        "sso_start_url",
        "sso_region",
    ];
    if session_name.is_some() {
        required.push("sso_session");
    }
    let missing: Vec<&'static str> = required
        .iter()
        .copied()
        .filter(|key| !resolved.contains_key(*key))
        .collect();
    if !missing.is_empty() {
        return Err(SsoProviderError::MissingConfig {
            profile: name.to_owned(),
            missing,
        }
        .into());
    }
    let get = |key: &str| config::get(&resolved, key).unwrap_or_default().to_owned();
    Ok(Some(SsoConfig {
        profile: name.to_owned(),
        session_name,
        start_url: get("sso_start_url"),
        sso_region: get("sso_region"),
        account_id: get("sso_account_id"),
        role_name: get("sso_role_name"),
        session: resolved,
    }))
}

/// How [`sso_credentials`] may get credentials.
#[derive(Clone, Copy, Debug, Default)]
pub struct Fetch {
    /// Use the role-credentials cache: the profile's own provider does; a source profile's
    /// has none.
    pub file_cache: bool,
    /// `--auto-login`: a session that needs a browser login logs in implicitly.
    pub auto_login: bool,
}

/// `SSOCredentialFetcher`: the role-credentials cache, else the SSO token (refreshed when
/// due, v2's errors when missing or expired) and GetRoleCredentials, then the cache is
/// written. With `auto_login`, a token only a browser login can replace, or one the portal
/// refuses, is replaced by an implicit login ([`implicit::log_in`]) when one may start, and
/// the call made again; otherwise v2's error stands.
pub fn sso_credentials(
    session: &Session,
    sso: &SsoConfig,
    target: &LoginTarget,
    fetch: Fetch,
) -> ChainResult<Credentials> {
    let ctx = session.ctx;
    let key = sso.cache_key();
    let dir = &ctx.paths.cli_cache_dir;
    if fetch.file_cache {
        if let Some(cached) = role::load(dir, &key, ctx.now()) {
            ctx_debug!(ctx, "Credentials for role retrieved from cache.");
            return Ok(Credentials::from_cached(cached, Source::Sso));
        }
    }
    // The token as found, before the provider refreshes it: an implicit login waits for, or
    // uses, only a token other than this one.
    let before = fetch
        .auto_login
        .then(|| sso_token::cached_token(ctx, target).found())
        .flatten();
    let token = match sso_token::sso_token(session, target) {
        Ok(token) => token,
        Err(e) if fetch.auto_login && sso_token::needs_login(&e) => {
            match implicit::log_in(session, target, before.as_ref()).map_err(fetch_phase)? {
                Some(token) => token,
                None => return Err(fetch_phase(e)),
            }
        }
        Err(e) => return Err(fetch_phase(e)),
    };
    let portal = session
        .transport()
        .and_then(|transport| PortalClient::new(transport, &sso.sso_region))
        .map_err(fetch_phase)?;
    let get = |token: &CachedToken| {
        session
            .block_on(portal.get_role_credentials(
                ctx,
                &token.access_token,
                &sso.account_id,
                &sso.role_name,
            ))
            .and_then(|fetched| {
                fetched.map_err(|e| match e {
                    Error::Service { code, .. } if code == "UnauthorizedException" => {
                        sso_token::TokenError::SessionExpired {
                            login_command: target.login_command(),
                        }
                        .into()
                    }
                    other => other,
                })
            })
    };
    let fetched = match get(&token) {
        // The portal refused a token that had not expired (signed out, revoked).
        Err(e) if fetch.auto_login && sso_token::needs_login(&e) => {
            match implicit::log_in(session, target, Some(&token)).map_err(fetch_phase)? {
                Some(token) => get(&token),
                None => Err(e),
            }
        }
        other => other,
    }
    .map_err(fetch_phase)?;
    let expiration = Timestamp::from_epoch_millis(fetched.expiration).ok_or_else(|| {
        fetch_phase(SsoProviderError::InvalidExpiration {
            expiration: fetched.expiration,
        })
    })?;
    let cached = CachedCredentials {
        access_key_id: fetched.access_key_id,
        secret_access_key: fetched.secret_access_key,
        session_token: fetched.session_token,
        expiration,
        account_id: Some(sso.account_id.clone()),
    };
    if fetch.file_cache {
        if let Err(e) = role::save(dir, &key, &role::sso_document(&cached)) {
            // The credentials are good; a cache we cannot write only costs a call later.
            ctx_debug!(ctx, "Unable to cache role credentials: {e}");
        }
    }
    Credentials::from_cached(cached, Source::Sso)
        .check_not_expired(ctx.now())
        .map_err(fetch_phase)
}
