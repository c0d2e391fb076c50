//! Which SSO login a command means ([`LoginTarget`]), resolved from the config as v2's
//! `sso login` resolves it (`BaseSSOCommand._get_sso_config`): `--sso-session`, then the
//! profile's `sso_session`, else the legacy keys of the profile. The target's region is always
//! the configured `sso_region`: `--region` is the client region and never changes where a
//! login goes.

use crate::cache::token;
use crate::config::{self, AwsConfig, Props};
use crate::error::{Error, Result};
use crate::oidc::DEFAULT_SCOPE;

/// A login target the config does not fully describe: v2's `ConfigurationError`s from
/// `sso login` (253).
#[derive(Debug, thiserror::Error)]
pub enum SsoConfigError {
    /// `--sso-session` or the profile's `sso_session` names no `[sso-session]` section.
    #[error("The specified sso-session does not exist: \"{name}\"")]
    SessionNotFound { name: String },
    /// The session lacks `sso_start_url` and/or `sso_region`.
    #[error("Missing the following required SSO configuration values: {}. ", .missing.join(", "))]
    SessionIncomplete { missing: Vec<&'static str> },
    /// A profile without a session lacks them: v2 adds how to set it up.
    #[error(
        "Missing the following required SSO configuration values: {}. To make sure this profile is properly configured to use SSO, please run: awsso configure sso",
        .missing.join(", ")
    )]
    ProfileIncomplete { missing: Vec<&'static str> },
}

impl From<SsoConfigError> for Error {
    fn from(e: SsoConfigError) -> Self {
        Error::Configuration(Box::new(e))
    }
}

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
            _ => vec![DEFAULT_SCOPE.to_owned()],
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

/// v2's `BaseSSOCommand._get_sso_config` (`awscli/customizations/sso/utils.py`) for
/// `sso login` (`awscli/customizations/sso/login.py`): `--sso-session` wins, then the
/// profile's `sso_session`, else the legacy keys of the profile. `profile` is the selected
/// profile's keys (`settings::scoped_profile`, which already failed with
/// `The config profile (NAME) could not be found` for a missing named profile);
/// `named_profile` its name when the user named it (`--profile`, `AWS_PROFILE`...), for
/// hints.
pub fn resolve(
    config: &AwsConfig,
    named_profile: Option<&str>,
    profile: &Props,
    sso_session_flag: Option<&str>,
) -> Result<LoginTarget> {
    let session_name = sso_session_flag.or_else(|| config::get(profile, "sso_session"));
    let profile_name = named_profile
        .filter(|_| sso_session_flag.is_none())
        .map(str::to_owned);
    match session_name {
        Some(name) => {
            let Some(session) = config.sso_session(name) else {
                return Err(SsoConfigError::SessionNotFound {
                    name: name.to_owned(),
                }
                .into());
            };
            let (start_url, region, missing) = required_keys(session);
            if !missing.is_empty() {
                return Err(SsoConfigError::SessionIncomplete { missing }.into());
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
                return Err(SsoConfigError::ProfileIncomplete { missing }.into());
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

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(text: &str, profile: &str, named: bool, flag: Option<&str>) -> Result<LoginTarget> {
        let config = AwsConfig::from_config_text(text).unwrap();
        let props = config.profile(profile).cloned().unwrap_or_default();
        super::resolve(&config, named.then_some(profile), &props, flag)
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
    }
}
