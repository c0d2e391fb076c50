//! botocore's `AssumeRoleProvider`: a profile with `role_arn` and a `source_profile` or
//! `credential_source`, its validations in v2's order, the shared assume-role cache
//! (`AssumeRoleCredentialFetcher`), the MFA prompt and the STS AssumeRole call. Resolving
//! the source credentials, which may recurse through the chain, is the chain's own job
//! (`chain::Resolver`).

use crate::cache::role::{self, AssumeRoleKey, CachedCredentials};
use crate::chain::error::{fetch_phase, ChainResult};
use crate::chain::files::has_static_keys;
use crate::config::{self, AwsConfig, Props};
use crate::context::ctx_debug;
use crate::context::Context;
use crate::credentials::{Credentials, Source};
use crate::error::{Error, Result};
use crate::secret::Secret;
use crate::settings::Session;
use crate::sts::{AssumeRoleParams, StsClient, StsEndpoint};

/// An assume-role profile v2 refuses: botocore's `InvalidConfigError`s (255), and its
/// `PartialCredentialsError` for a role with no source (255).
#[derive(Debug, thiserror::Error)]
pub enum AssumeRoleError {
    #[error("The profile \"{profile}\" contains both source_profile and credential_source.")]
    BothSources { profile: String },
    #[error(
        "Partial credentials found in assume-role, missing: source_profile or credential_source"
    )]
    NoSource,
    #[error("The credential source \"{credential_source}\" referenced in profile \"{profile}\" is not valid.")]
    InvalidCredentialSource {
        credential_source: String,
        profile: String,
    },
    #[error("The source_profile \"{source_profile}\" referenced in the profile \"{profile}\" does not exist.")]
    SourceProfileNotFound {
        source_profile: String,
        profile: String,
    },
    /// `visited` in the order the chain went through them, shown as Python's list repr.
    #[error(
        "Infinite loop in credential configuration detected. Attempting to load from profile {source_profile} which has already been visited. Visited profiles: [{}]",
        .visited.iter().map(|v| crate::python::str_repr(v)).collect::<Vec<_>>().join(", ")
    )]
    InfiniteLoop {
        source_profile: String,
        visited: Vec<String>,
    },
    /// The terminal could not be read for the MFA code (a general error).
    #[error("Unable to read the MFA code: {0}")]
    MfaUnreadable(std::io::Error),
}

impl From<AssumeRoleError> for Error {
    fn from(e: AssumeRoleError) -> Self {
        match e {
            AssumeRoleError::NoSource | AssumeRoleError::MfaUnreadable(_) => {
                Error::Other(Box::new(e))
            }
            AssumeRoleError::BothSources { .. }
            | AssumeRoleError::InvalidCredentialSource { .. }
            | AssumeRoleError::SourceProfileNotFound { .. }
            | AssumeRoleError::InfiniteLoop { .. } => Error::InvalidConfig(Box::new(e)),
        }
    }
}

/// A profile's assume-role settings.
#[derive(Clone, Debug)]
pub struct RoleConfig {
    pub role_arn: String,
    pub source_profile: Option<String>,
    pub credential_source: Option<String>,
    pub mfa_serial: Option<String>,
    pub external_id: Option<String>,
    pub role_session_name: Option<String>,
    pub duration_seconds: Option<i64>,
}

impl RoleConfig {
    /// `AssumeRoleCredentialFetcher._create_cache_key`'s inputs.
    pub fn cache_key(&self) -> String {
        role::assume_role_key(&AssumeRoleKey {
            role_arn: &self.role_arn,
            role_session_name: self.role_session_name.as_deref(),
            external_id: self.external_id.as_deref(),
            serial_number: self.mfa_serial.as_deref(),
            duration_seconds: self.duration_seconds,
        })
    }
}

/// botocore's `_has_assume_role_config_vars`.
pub fn has_assume_role_vars(props: &Props) -> bool {
    props.contains_key("role_arn") && !props.contains_key("web_identity_token_file")
}

/// `AssumeRoleProvider._get_role_config` with its validations, in v2's order. `visited` are
/// the profiles the chain has gone through (botocore's `_visited_profiles`).
pub fn role_config(
    config: &AwsConfig,
    name: &str,
    profile: &Props,
    visited: &[String],
) -> Result<RoleConfig> {
    let get = |key: &str| config::get(profile, key).map(str::to_owned);
    let role = RoleConfig {
        role_arn: get("role_arn").unwrap_or_default(),
        source_profile: get("source_profile"),
        credential_source: get("credential_source"),
        mfa_serial: get("mfa_serial"),
        external_id: get("external_id"),
        role_session_name: get("role_session_name"),
        // botocore: int(duration_seconds), silently ignored when not a number.
        duration_seconds: get("duration_seconds").and_then(|d| d.trim().parse().ok()),
    };
    match (&role.credential_source, &role.source_profile) {
        (Some(_), Some(_)) => Err(AssumeRoleError::BothSources {
            profile: name.to_owned(),
        }
        .into()),
        (None, None) => Err(AssumeRoleError::NoSource.into()),
        (Some(source), None) => {
            if !matches!(
                source.as_str(),
                "Environment" | "EcsContainer" | "Ec2InstanceMetadata"
            ) {
                return Err(AssumeRoleError::InvalidCredentialSource {
                    credential_source: source.clone(),
                    profile: name.to_owned(),
                }
                .into());
            }
            Ok(role)
        }
        (None, Some(source)) => {
            validate_source_profile(config, name, source, visited)?;
            Ok(role)
        }
    }
}

fn validate_source_profile(
    config: &AwsConfig,
    parent: &str,
    source: &str,
    visited: &[String],
) -> Result<()> {
    let Some(source_props) = config.profile(source) else {
        return Err(AssumeRoleError::SourceProfileNotFound {
            source_profile: source.to_owned(),
            profile: parent.to_owned(),
        }
        .into());
    };
    if !visited.iter().any(|v| v == source) {
        return Ok(());
    }
    // A profile may source itself for static keys kept beside its role_arn.
    if source != parent || !has_static_keys(source_props) {
        return Err(AssumeRoleError::InfiniteLoop {
            source_profile: source.to_owned(),
            visited: visited.to_vec(),
        }
        .into());
    }
    Ok(())
}

/// The cached credentials of `role`, valid for 15 more minutes.
pub fn cached(ctx: &Context, role: &RoleConfig) -> Option<Credentials> {
    let cached = role::load(&ctx.paths.cli_cache_dir, &role.cache_key(), ctx.now())?;
    ctx_debug!(ctx, "Credentials for role retrieved from cache.");
    Some(Credentials::from_cached(cached, Source::AssumeRole))
}

/// AssumeRole with `source`'s credentials in the client region (the global endpoint when
/// none), after the MFA prompt when the role has `mfa_serial`; the answer is cached.
pub fn assume(
    session: &Session,
    region: Option<&str>,
    role: &RoleConfig,
    source: &Credentials,
) -> ChainResult<Credentials> {
    let ctx = session.ctx;
    let session_name = role.role_session_name.clone().unwrap_or_else(|| {
        let secs = ctx
            .now()
            .duration_since(std::time::SystemTime::UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs();
        format!("botocore-session-{secs}")
    });
    let token_code = match &role.mfa_serial {
        Some(serial) => Some(prompt_mfa(serial).map_err(fetch_phase)?),
        None => None,
    };
    let transport = session.transport().map_err(fetch_phase)?;
    let sts = StsClient {
        http: &transport.http,
        endpoint: StsEndpoint::resolve(&transport.endpoints, region, false).map_err(fetch_phase)?,
    };
    let params = AssumeRoleParams {
        role_arn: role.role_arn.clone(),
        role_session_name: session_name,
        duration_seconds: role.duration_seconds,
        external_id: role.external_id.clone(),
        serial_number: role.mfa_serial.clone(),
        token_code: token_code.map(|code| code.expose_secret().to_owned()),
    };
    let output = session
        .block_on(sts.assume_role(ctx, source, &params))
        .map_err(fetch_phase)?
        .map_err(fetch_phase)?;
    let cached = CachedCredentials {
        access_key_id: output.access_key_id,
        secret_access_key: output.secret_access_key,
        session_token: output.session_token,
        expiration: output.expiration,
        account_id: output.arn.as_deref().and_then(arn_account),
    };
    let user = role::AssumedRoleUser {
        assumed_role_id: output.assumed_role_id,
        arn: output.arn,
        request_id: output.request_id,
    };
    let key = role.cache_key();
    if let Err(e) = role::save(
        &ctx.paths.cli_cache_dir,
        &key,
        &role::assume_role_document(&cached, &user),
    ) {
        ctx_debug!(ctx, "Unable to cache assumed-role credentials: {e}");
    }
    Credentials::from_cached(cached, Source::AssumeRole)
        .check_not_expired(ctx.now())
        .map_err(fetch_phase)
}

/// botocore's MFA prompt (`getpass.getpass`): on the controlling terminal, not echoed. As
/// Python's `getpass` does, echo goes off before the prompt is written, so a code typed the
/// moment the prompt appears is neither echoed nor lost.
fn prompt_mfa(serial: &str) -> Result<Secret> {
    let prompt = format!("Enter MFA code for {serial}: ");
    read_hidden_line(&prompt)
        .map(Secret::new)
        .map_err(|e| AssumeRoleError::MfaUnreadable(e).into())
}

#[cfg(unix)]
fn read_hidden_line(prompt: &str) -> std::io::Result<String> {
    use std::io::{BufRead, Write};

    use rustix::termios::{tcgetattr, tcsetattr, LocalModes, OptionalActions};
    let tty = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/tty")?;
    let saved = tcgetattr(&tty)?;
    let mut quiet = saved.clone();
    quiet.local_modes.remove(LocalModes::ECHO);
    tcsetattr(&tty, OptionalActions::Now, &quiet)?;
    /// Puts the terminal back however the read ends.
    struct Restore<'a>(&'a std::fs::File, rustix::termios::Termios);
    impl Drop for Restore<'_> {
        fn drop(&mut self) {
            let _ = tcsetattr(self.0, OptionalActions::Now, &self.1);
        }
    }
    let restore = Restore(&tty, saved);
    let mut writer = restore.0;
    writer.write_all(prompt.as_bytes())?;
    writer.flush()?;
    let mut line = String::new();
    std::io::BufReader::new(restore.0).read_line(&mut line)?;
    drop(restore);
    // The Enter that ended the line was not echoed.
    let mut writer = &tty;
    writer.write_all(b"\n")?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

#[cfg(not(unix))]
fn read_hidden_line(prompt: &str) -> std::io::Result<String> {
    let term = console::Term::stderr();
    term.write_str(prompt)?;
    term.read_secure_line()
}

/// The account of an ARN (`arn:partition:service:region:account:resource`).
fn arn_account(arn: &str) -> Option<String> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    (parts.len() == 6 && parts[0] == "arn").then(|| parts[4].to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arn_accounts() {
        assert_eq!(
            arn_account("arn:aws:sts::123:assumed-role/R/s").as_deref(),
            Some("123")
        );
        assert_eq!(arn_account("nope"), None);
    }
}
